/* Layer-wise relevance propagation (Bach et al. 2015, "On pixel-wise
 * explanations for non-linear classifier decisions by layer-wise relevance
 * propagation"): the target logit's value is the output relevance, every
 * affine node redistributes relevance by nn.h's LRP_EPSILON rule (conv2d
 * nodes by LRP_ZPLUS with conv-rule = zplus, Montavon et al. 2017), and the
 * map is the relevance of each input element, signed.
 *
 * Conservation, not completeness: without biases (and BN shifts) and with
 * eps -> 0 the map sums to f_t(x); a bias b_j keeps the share b_j / z_j of
 * the relevance reaching its unit, eps keeps eps / (z_j + eps sign z_j) of
 * it, and z+ drops what reaches a unit with no positive contribution.  So
 * no delta is written.
 *
 * The rules are linear in the relevance, so one backward seeded with 1
 * times each image's logit is the backward seeded with the logit. */
#include "config.h"

#include <string.h>

#include "saliency-common.h"
#include "rule-methods.h"
#include "plugin-components.h"

typedef struct {
  float epsilon;
  gboolean zplus;
} Lrp;

static gpointer
lrp_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  Lrp *self = g_new0 (Lrp, 1);
  self->epsilon = (float) interp_params_get_double (params, "epsilon");
  self->zplus = strcmp (interp_params_get_string (params, "conv-rule"), "zplus") == 0;
  return self;
}

static void
lrp_destroy (gpointer data)
{
  g_free (data);
}

static gboolean
lrp_attribute (gpointer data, InterpNet *net, const InterpTensor *x, const int32_t *targets,
               InterpRng *rng, InterpTensor *attr, double *delta, GError **error)
{
  Lrp *self = data;
  (void) rng;
  (void) delta;
  if (!saliency_check_batch ("lrp", x, targets, error))
    return FALSE;
  static const InterpOp eps_ops[] = {
    INTERP_OP_NORMALIZE, INTERP_OP_LINEAR, INTERP_OP_BATCHNORM, INTERP_OP_AVGPOOL,
    INTERP_OP_GLOBAL_AVGPOOL, INTERP_OP_ADD,
  };
  static const InterpOp conv[] = { INTERP_OP_CONV2D };
  int64_t n = x->shape[0];
  InterpTensor *logits = interp_tensor_new_2d (0, 1);
  SaliencyGuard guard;
  saliency_guard_begin (&guard, net);
  gboolean ok = saliency_set_rule_on_ops (net, eps_ops, G_N_ELEMENTS (eps_ops),
                                          INTERP_RULE_LRP_EPSILON, self->epsilon, error)
                && saliency_set_rule_on_ops (net, conv, 1,
                                             self->zplus ? INTERP_RULE_LRP_ZPLUS
                                                         : INTERP_RULE_LRP_EPSILON,
                                             self->epsilon, error)
                && saliency_target_grad (net, x, targets, NULL, attr, logits, error);
  saliency_guard_end (&guard, net);
  if (ok)
    {
      int64_t per = (int64_t) interp_tensor_sample_size (x), k = logits->shape[1];
      for (int64_t i = 0; i < n; i++)
        {
          float z = logits->data[i * k + targets[i]];
          for (int64_t j = i * per; j < (i + 1) * per; j++)
            attr->data[j] *= z;
        }
    }
  interp_tensor_free (logits);
  return ok;
}

static void
lrp_describe (gpointer data, InterpSaliencyInfo *info)
{
  (void) data;
  info->flags = INTERP_SALIENCY_SIGNED | INTERP_SALIENCY_MODIFIED_BACKWARD;
  info->passes_per_image = 1;
}

static const InterpParamSpec lrp_params[] = {
  /* Captum's EpsilonRule default (pytorch/captum, captum/attr/_utils/lrp_rules.py):
   * a guard against division by zero, not a smoothing of the explanation. */
  { .key = "epsilon", .type = INTERP_PARAM_DOUBLE, .default_value = "1e-9", .min = 1e-30,
    .max = 1e6, .help = "the epsilon rule's stabiliser: R_i = sum_j z_ij / (z_j + eps "
                        "sign z_j) R_j" },
  { .key = "conv-rule", .type = INTERP_PARAM_CHOICE, .default_value = "epsilon",
    .choices = "epsilon|zplus",
    .help = "the rule of conv2d nodes: epsilon, or zplus (positive contributions only, no "
            "bias); linear, batchnorm, pooling and add nodes always use epsilon" },
  { 0 }
};

static const InterpSaliencyVTable lrp_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .create = lrp_create,
  .destroy = lrp_destroy,
  .attribute = lrp_attribute,
  .describe = lrp_describe,
};

const InterpComponent interp_saliency_lrp = INTERP_COMPONENT (
  .kind = INTERP_KIND_SALIENCY,
  .name = "lrp",
  .description = "Layer-wise relevance propagation (epsilon rule, optionally z+ on conv)",
  .params = lrp_params,
  .vtable = &lrp_vtable);
