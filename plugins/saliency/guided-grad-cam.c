/* Guided Grad-CAM (Selvaraju et al. 2017, section 3.1): guided
 * backpropagation's map (Springenberg et al. 2015: the input gradient with
 * every relu node's backward rule INTERP_RULE_GUIDED) times the Grad-CAM
 * map of `layer` (ReLU'd), upsampled bilinearly to the image as the paper
 * does ("L^c_Grad-CAM is first upsampled to the input image resolution
 * using bilinear interpolation"; Captum's GuidedGradCam defaults to nearest
 * instead), element-wise in every channel.  Two backward passes: Grad-CAM's
 * with true gradients (rules cleared), then the guided one.  Signed: the
 * guided gradient carries a sign, the Grad-CAM factor is >= 0. */
#include "config.h"

#include "grad-cam-map.h"
#include "saliency-common.h"
#include "plugin-components.h"

typedef struct {
  char *layer;
} GuidedGradCam;

static gpointer
guided_grad_cam_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  GuidedGradCam *self = g_new0 (GuidedGradCam, 1);
  self->layer = g_strdup (interp_params_get_string (params, "layer"));
  return self;
}

static void
guided_grad_cam_destroy (gpointer data)
{
  GuidedGradCam *self = data;
  g_free (self->layer);
  g_free (self);
}

/* Every relu node's backward rule := GUIDED. */
static gboolean
set_guided (InterpNet *net, GError **error)
{
  for (int i = 1; i < interp_net_n_nodes (net); i++)
    if (interp_net_node_op (net, i) == INTERP_OP_RELU
        && !interp_net_set_backward_rule (net, i, INTERP_RULE_GUIDED, 0.0f, error))
      return FALSE;
  return TRUE;
}

static gboolean
guided_grad_cam_attribute (gpointer data, InterpNet *net, const InterpTensor *x,
                           const int32_t *targets, InterpRng *rng, InterpTensor *attr,
                           double *delta, GError **error)
{
  GuidedGradCam *self = data;
  (void) rng;
  (void) delta;
  int node;
  if (!saliency_check_batch ("guided-grad-cam", x, targets, error)
      || !gradcam_check_images ("guided-grad-cam", x, error)
      || !gradcam_find_layer (net, "guided-grad-cam", self->layer, &node, error))
    return FALSE;
  InterpTensor *coarse = interp_tensor_new_4d (1, 1, 1, 1);
  InterpTensor *guided = interp_tensor_new_4d (1, 1, 1, 1);
  SaliencyGuard guard;
  saliency_guard_begin (&guard, net);
  interp_net_clear_backward_rules (net);
  gboolean ok = gradcam_coarse (net, x, targets, node, TRUE, coarse, NULL, error)
                && set_guided (net, error)
                && saliency_target_grad (net, x, targets, NULL, guided, NULL, error);
  saliency_guard_end (&guard, net);
  if (ok)
    {
      gradcam_upsample (coarse, x->shape, attr);
      for (size_t i = 0; i < attr->numel; i++)
        attr->data[i] *= guided->data[i];
    }
  interp_tensor_free (coarse);
  interp_tensor_free (guided);
  return ok;
}

static void
guided_grad_cam_describe (gpointer data, InterpSaliencyInfo *info)
{
  (void) data;
  info->flags = INTERP_SALIENCY_SIGNED | INTERP_SALIENCY_MODIFIED_BACKWARD;
  info->passes_per_image = 2;
}

static const InterpParamSpec guided_grad_cam_params[] = {
  { .key = "layer", .type = INTERP_PARAM_STRING, .default_value = "",
    .help = "Grad-CAM's node (C x h x w output: conv, relu, pool, batchnorm); empty = the "
            "last such node before the first flatten or global average pool" },
  { 0 }
};

static const InterpSaliencyVTable guided_grad_cam_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .create = guided_grad_cam_create,
  .destroy = guided_grad_cam_destroy,
  .attribute = guided_grad_cam_attribute,
  .describe = guided_grad_cam_describe,
};

const InterpComponent interp_saliency_guided_grad_cam = INTERP_COMPONENT (
  .kind = INTERP_KIND_SALIENCY,
  .name = "guided-grad-cam",
  .description = "Guided Grad-CAM: guided backpropagation times the upsampled Grad-CAM map",
  .params = guided_grad_cam_params,
  .vtable = &guided_grad_cam_vtable);
