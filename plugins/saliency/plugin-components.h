/* The components of interp-saliency, one file each. */
#ifndef INTERP_PLUGINS_SALIENCY_COMPONENTS_H
#define INTERP_PLUGINS_SALIENCY_COMPONENTS_H

#include <interp/interp.h>

extern const InterpComponent interp_saliency_gradient;
extern const InterpComponent interp_saliency_gradient_x_input;
extern const InterpComponent interp_saliency_integrated_gradients;
extern const InterpComponent interp_saliency_noise_tunnel;
extern const InterpComponent interp_saliency_gradient_shap;

#endif
