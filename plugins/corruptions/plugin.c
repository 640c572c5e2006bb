/* interp-corruptions: the CIFAR-10-C and MNIST-C corruptions. */
#include "config.h"

#include <interp/interp.h>

#include "plugin-components.h"

static const InterpComponent *const components[] = {
  &interp_corruption_snow,
  &interp_corruption_frost,
  &interp_corruption_fog,
  &interp_corruption_elastic_transform,
  &interp_corruption_spatter,
  &interp_corruption_shear,
  &interp_corruption_scale,
  &interp_corruption_rotate,
  &interp_corruption_translate,
  &interp_corruption_stripe,
  &interp_corruption_zigzag,
  &interp_corruption_dotted_line,
  &interp_corruption_canny_edges,
};

INTERP_PLUGIN_DEFINE (.name = "interp-corruptions", .version = INTERP_VERSION_STRING,
                      .license = "MIT",
                      .description = "The CIFAR-10-C and MNIST-C corruptions, per image size.",
                      .components = components,
                      .n_components = G_N_ELEMENTS (components))
