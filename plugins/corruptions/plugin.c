/* interp-corruptions: the CIFAR-10-C and MNIST-C corruptions. */
#include "config.h"

#include <interp/interp.h>

#include "plugin-components.h"

static const InterpComponent *const components[] = {
  &interp_corruption_gaussian_noise,
  &interp_corruption_shot_noise,
  &interp_corruption_impulse_noise,
  &interp_corruption_speckle_noise,
  &interp_corruption_gaussian_blur,
  &interp_corruption_glass_blur,
  &interp_corruption_defocus_blur,
  &interp_corruption_motion_blur,
  &interp_corruption_zoom_blur,
  &interp_corruption_brightness,
  &interp_corruption_contrast,
  &interp_corruption_saturate,
  &interp_corruption_jpeg_compression,
  &interp_corruption_pixelate,
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
  &interp_corruption_stored,
};

INTERP_PLUGIN_DEFINE (.name = "interp-corruptions", .version = INTERP_VERSION_STRING,
                      .license = "MIT",
                      .description = "The CIFAR-10-C and MNIST-C corruptions, per image size.",
                      .components = components,
                      .n_components = G_N_ELEMENTS (components))
