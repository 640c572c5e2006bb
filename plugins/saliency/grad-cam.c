/* Grad-CAM (Selvaraju et al. 2017; Captum's LayerGradCam): the channel-
 * weighted activations of one layer, weights the spatial mean of the
 * target logit's gradient there, ReLU'd, upsampled bilinearly to the image
 * (grad-cam-map.h).  Coarse: the same value in every channel.  With relu
 * the map is >= 0; without it it carries a sign. */
#include "config.h"

#include "grad-cam-map.h"
#include "saliency-common.h"
#include "plugin-components.h"

typedef struct {
  char *layer;
  gboolean relu;
} GradCam;

static gpointer
grad_cam_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  GradCam *self = g_new0 (GradCam, 1);
  self->layer = g_strdup (interp_params_get_string (params, "layer"));
  self->relu = interp_params_get_bool (params, "relu");
  return self;
}

static void
grad_cam_destroy (gpointer data)
{
  GradCam *self = data;
  g_free (self->layer);
  g_free (self);
}

static gboolean
grad_cam_attribute (gpointer data, InterpNet *net, const InterpTensor *x,
                    const int32_t *targets, InterpRng *rng, InterpTensor *attr, double *delta,
                    GError **error)
{
  GradCam *self = data;
  (void) rng;
  (void) delta;
  int node;
  if (!saliency_check_batch ("grad-cam", x, targets, error)
      || !gradcam_check_images ("grad-cam", x, error)
      || !gradcam_find_layer (net, "grad-cam", self->layer, &node, error))
    return FALSE;
  InterpTensor *coarse = interp_tensor_new_4d (1, 1, 1, 1);
  SaliencyGuard guard;
  saliency_guard_begin (&guard, net);
  /* True gradients whatever rules the caller left set (the guard restores them). */
  interp_net_clear_backward_rules (net);
  gboolean ok = gradcam_coarse (net, x, targets, node, self->relu, coarse, NULL, error);
  saliency_guard_end (&guard, net);
  if (ok)
    gradcam_upsample (coarse, x->shape, attr);
  interp_tensor_free (coarse);
  return ok;
}

static void
grad_cam_describe (gpointer data, InterpSaliencyInfo *info)
{
  GradCam *self = data;
  info->flags = INTERP_SALIENCY_COARSE | (self->relu ? 0 : INTERP_SALIENCY_SIGNED);
  info->passes_per_image = 1;
}

static const InterpParamSpec grad_cam_params[] = {
  { .key = "layer", .type = INTERP_PARAM_STRING, .default_value = "",
    .help = "the node explained (C x h x w output: conv, relu, pool, batchnorm); empty = the "
            "last such node before the first flatten or global average pool" },
  { .key = "relu", .type = INTERP_PARAM_BOOL, .default_value = "true",
    .help = "keep only the positive part of the weighted sum (the paper's ReLU)" },
  { 0 }
};

static const InterpSaliencyVTable grad_cam_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .create = grad_cam_create,
  .destroy = grad_cam_destroy,
  .attribute = grad_cam_attribute,
  .describe = grad_cam_describe,
};

const InterpComponent interp_saliency_grad_cam = INTERP_COMPONENT (
  .kind = INTERP_KIND_SALIENCY,
  .name = "grad-cam",
  .description = "Grad-CAM: a layer's activations weighted by the spatial mean of the target "
                 "logit's gradient, upsampled bilinearly to the image",
  .params = grad_cam_params,
  .vtable = &grad_cam_vtable);
