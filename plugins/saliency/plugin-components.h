/* The components of interp-saliency, one file each. */
#ifndef INTERP_PLUGINS_SALIENCY_COMPONENTS_H
#define INTERP_PLUGINS_SALIENCY_COMPONENTS_H

#include <interp/interp.h>

extern const InterpComponent interp_saliency_gradient;
extern const InterpComponent interp_saliency_guided_backprop;
extern const InterpComponent interp_saliency_deconvnet;
extern const InterpComponent interp_saliency_deeplift;
extern const InterpComponent interp_saliency_lrp;
extern const InterpComponent interp_saliency_gradient_x_input;
extern const InterpComponent interp_saliency_integrated_gradients;
extern const InterpComponent interp_saliency_noise_tunnel;
extern const InterpComponent interp_saliency_gradient_shap;
extern const InterpComponent interp_saliency_grad_cam;
extern const InterpComponent interp_saliency_guided_grad_cam;
extern const InterpComponent interp_saliency_occlusion;
extern const InterpComponent interp_saliency_rise;

#endif
