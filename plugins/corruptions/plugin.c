/* interp-corruptions: the CIFAR-10-C and MNIST-C corruptions. */
#include "config.h"

#include <interp/interp.h>

#include "plugin-components.h"

static const InterpComponent *const components[] = {
  &interp_corruption_stored,
};

INTERP_PLUGIN_DEFINE (.name = "interp-corruptions", .version = INTERP_VERSION_STRING,
                      .license = "MIT",
                      .description = "The CIFAR-10-C and MNIST-C corruptions, per image size.",
                      .components = components,
                      .n_components = G_N_ELEMENTS (components))
