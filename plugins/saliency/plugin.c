/* interp-saliency: attribution methods (saliency maps) on [0, 1] pixels. */
#include "config.h"

#include <interp/interp.h>

#include "plugin-components.h"

static const InterpComponent *const components[] = {
  &interp_saliency_gradient,
  &interp_saliency_gradient_x_input,
  &interp_saliency_integrated_gradients,
  &interp_saliency_noise_tunnel,
  &interp_saliency_gradient_shap,
};

INTERP_PLUGIN_DEFINE (.name = "interp-saliency", .version = INTERP_VERSION_STRING,
                      .license = "MIT",
                      .description = "Saliency (attribution) methods: gradients, path methods, "
                                     "modified backward rules, perturbation methods.",
                      .components = components,
                      .n_components = G_N_ELEMENTS (components))
