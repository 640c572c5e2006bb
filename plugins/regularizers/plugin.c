/* interp-regularizers: the regulariser components shipped with interp. */
#include "config.h"

#include <interp/interp.h>

#include "plugin-components.h"

static const InterpComponent *const components[] = {
  &interp_regularizer_class_selectivity,
  &interp_regularizer_l2,
  &interp_regularizer_l1_activation,
};

INTERP_PLUGIN_DEFINE (.name = "interp-regularizers", .version = INTERP_VERSION_STRING,
                      .license = "MIT",
                      .description = "Class selectivity, L2 weight and L1 activation "
                                     "regularisers.",
                      .components = components,
                      .n_components = G_N_ELEMENTS (components))
