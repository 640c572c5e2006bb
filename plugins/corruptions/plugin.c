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
  &interp_corruption_stored,
};

INTERP_PLUGIN_DEFINE (.name = "interp-corruptions", .version = INTERP_VERSION_STRING,
                      .license = "MIT",
                      .description = "The CIFAR-10-C and MNIST-C corruptions, per image size.",
                      .components = components,
                      .n_components = G_N_ELEMENTS (components))
