/* Deconvnet (Zeiler & Fergus 2014, "Visualizing and understanding
 * convolutional networks"): the gradient of the target logit with every relu
 * replaced in backward by a relu of the gradient itself, whatever the
 * forward's switch (nn.h INTERP_RULE_DECONVNET); max-pooling keeps its
 * switches (the forward's argmax).  The map is signed. */
#include "config.h"

#include "saliency-common.h"
#include "rule-methods.h"
#include "plugin-components.h"

static gpointer
deconvnet_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) params;
  (void) ctx;
  (void) error;
  return g_new0 (char, 1);
}

static void
deconvnet_destroy (gpointer data)
{
  g_free (data);
}

static gboolean
deconvnet_attribute (gpointer data, InterpNet *net, const InterpTensor *x,
                     const int32_t *targets, InterpRng *rng, InterpTensor *attr,
                     double *delta, GError **error)
{
  (void) data;
  (void) rng;
  (void) delta;
  if (!saliency_check_batch ("deconvnet", x, targets, error))
    return FALSE;
  static const InterpOp relu[] = { INTERP_OP_RELU };
  SaliencyGuard guard;
  saliency_guard_begin (&guard, net);
  gboolean ok = saliency_set_rule_on_ops (net, relu, 1, INTERP_RULE_DECONVNET, 0.0f, error)
                && saliency_target_grad (net, x, targets, NULL, attr, NULL, error);
  saliency_guard_end (&guard, net);
  return ok;
}

static void
deconvnet_describe (gpointer data, InterpSaliencyInfo *info)
{
  (void) data;
  info->flags = INTERP_SALIENCY_SIGNED | INTERP_SALIENCY_MODIFIED_BACKWARD;
  info->passes_per_image = 1;
}

static const InterpParamSpec deconvnet_params[] = {
  { 0 }
};

static const InterpSaliencyVTable deconvnet_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .create = deconvnet_create,
  .destroy = deconvnet_destroy,
  .attribute = deconvnet_attribute,
  .describe = deconvnet_describe,
};

const InterpComponent interp_saliency_deconvnet = INTERP_COMPONENT (
  .kind = INTERP_KIND_SALIENCY,
  .name = "deconvnet",
  .description = "Deconvnet: gradient with relus passing max(gradient, 0) whatever the forward input",
  .params = deconvnet_params,
  .vtable = &deconvnet_vtable);
