/* Grad-CAM's map (Selvaraju et al. 2017, "Grad-CAM: visual explanations
 * from deep networks via gradient-based localization"), shared by
 * grad-cam.c and guided-grad-cam.c.
 *
 * For image i, target t and a layer A with C x h x w outputs:
 *   a_c   = mean over (u, v) of d z_t / d A_c(u, v)      (channel weights)
 *   L     = sum_c a_c A_c, then max(L, 0) when relu        (h x w)
 * and the map is L upsampled bilinearly to the input's H x W with
 * half-pixel centres (torch.nn.functional.interpolate, mode "bilinear",
 * align_corners=False, as Captum's LayerAttribution.interpolate calls it;
 * interp_image_resize's INTERP_RESIZE_BILINEAR is that convention for an
 * upscale: both clamp the source coordinate to the edge pixels). */
#ifndef INTERP_PLUGINS_SALIENCY_GRAD_CAM_MAP_H
#define INTERP_PLUGINS_SALIENCY_GRAD_CAM_MAP_H

#include <interp/interp.h>

G_BEGIN_DECLS

/* The layer Grad-CAM explains: `layer` names a node (key `layer` of the
 * component `method`), or is "" for the default, the last node with a 3-d
 * output (not the input) before the network's first flatten or global
 * average pool.  Errors name the key and the node: a node that does not
 * exist (INTERP_ERROR_NOT_FOUND), one with a 1-d output or no default
 * (INTERP_ERROR_BAD_VALUE). */
gboolean gradcam_find_layer (const InterpNet *net, const char *method, const char *layer,
                             int *node, GError **error);

/* Forward on x (N x C x H x W) and backward of sum_i z_i[targets[i]] with
 * the network's current backward rules (the caller wants none set: plain
 * gradients); coarse (reshaped to N x 1 x h x w) receives L, weights (NULL,
 * or reshaped to N x C_layer) the a_c.  The caller holds a SaliencyGuard. */
gboolean gradcam_coarse (InterpNet *net, const InterpTensor *x, const int32_t *targets,
                         int node, gboolean relu, InterpTensor *coarse,
                         InterpTensor *weights, GError **error);

/* attr (reshaped to shape[0..3], N x C x H x W) := coarse (N x 1 x h x w)
 * upsampled bilinearly to H x W, the same values in every channel. */
void gradcam_upsample (const InterpTensor *coarse, const int64_t shape[4], InterpTensor *attr);

/* x must be a batch of images (N x C x H x W) for a spatial map. */
gboolean gradcam_check_images (const char *method, const InterpTensor *x, GError **error);

G_END_DECLS

#endif
