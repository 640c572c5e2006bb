/* Guided backpropagation (Springenberg, Dosovitskiy, Brox & Riedmiller 2015,
 * "Striving for simplicity: the all convolutional net", section 3.4): the
 * gradient of the target logit with every relu passing back only positive
 * gradients where its input was positive (nn.h INTERP_RULE_GUIDED).  The map
 * is signed; Adebayo et al. 2018 found it largely invariant to the higher
 * layers' parameters (it fails the randomisation check). */
#include "config.h"

#include "saliency-common.h"
#include "rule-methods.h"
#include "plugin-components.h"

static gpointer
guided_backprop_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) params;
  (void) ctx;
  (void) error;
  return g_new0 (char, 1);
}

static void
guided_backprop_destroy (gpointer data)
{
  g_free (data);
}

static gboolean
guided_backprop_attribute (gpointer data, InterpNet *net, const InterpTensor *x,
                           const int32_t *targets, InterpRng *rng, InterpTensor *attr,
                           double *delta, GError **error)
{
  (void) data;
  (void) rng;
  (void) delta;
  if (!saliency_check_batch ("guided-backprop", x, targets, error))
    return FALSE;
  static const InterpOp relu[] = { INTERP_OP_RELU };
  SaliencyGuard guard;
  saliency_guard_begin (&guard, net);
  gboolean ok = saliency_set_rule_on_ops (net, relu, 1, INTERP_RULE_GUIDED, 0.0f, error)
                && saliency_target_grad (net, x, targets, NULL, attr, NULL, error);
  saliency_guard_end (&guard, net);
  return ok;
}

static void
guided_backprop_describe (gpointer data, InterpSaliencyInfo *info)
{
  (void) data;
  info->flags = INTERP_SALIENCY_SIGNED | INTERP_SALIENCY_MODIFIED_BACKWARD;
  info->passes_per_image = 1;
}

static const InterpParamSpec guided_backprop_params[] = {
  { 0 }
};

static const InterpSaliencyVTable guided_backprop_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .create = guided_backprop_create,
  .destroy = guided_backprop_destroy,
  .attribute = guided_backprop_attribute,
  .describe = guided_backprop_describe,
};

const InterpComponent interp_saliency_guided_backprop = INTERP_COMPONENT (
  .kind = INTERP_KIND_SALIENCY,
  .name = "guided-backprop",
  .description = "Guided backpropagation: gradient with relus passing only positive gradients of active units",
  .params = guided_backprop_params,
  .vtable = &guided_backprop_vtable);
