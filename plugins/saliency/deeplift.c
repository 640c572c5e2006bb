/* DeepLIFT with the rescale rule (Shrikumar, Greenside & Kundaje 2017,
 * "Learning important features through propagating activation
 * differences"): every relu and maxpool node carries nn.h's RESCALE rule,
 * the reference pass runs on the baseline, and the map is
 * (x - x_ref) * multiplier, signed.  On interp's networks (affine, relu and
 * maxpool nodes in eval mode) the map sums to f_t(x) - f_t(x_ref)
 * (summation-to-delta), so delta[i] is that sum's rounding error, the
 * quantity Captum's DeepLift returns as its convergence delta. */
#include "config.h"

#include "saliency-common.h"
#include "path-common.h"
#include "rule-methods.h"
#include "plugin-components.h"

typedef struct {
  PathBaseline baseline;   /* the path methods' baselines (path-common.h) */
} DeepLift;

static gpointer
deeplift_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  DeepLift *self = g_new0 (DeepLift, 1);
  path_baseline_read (params, &self->baseline);
  return self;
}

static void
deeplift_destroy (gpointer data)
{
  g_free (data);
}

static gboolean
deeplift_attribute (gpointer data, InterpNet *net, const InterpTensor *x,
                    const int32_t *targets, InterpRng *rng, InterpTensor *attr,
                    double *delta, GError **error)
{
  DeepLift *self = data;
  if (!saliency_check_batch ("deeplift", x, targets, error))
    return FALSE;
  int64_t n = x->shape[0];
  InterpTensor *ref = interp_tensor_new (x->ndim, x->shape);
  InterpTensor *logits = interp_tensor_new_2d (0, 1);
  double *f_ref = g_new (double, n);
  static const InterpOp ops[] = { INTERP_OP_RELU, INTERP_OP_MAXPOOL };
  SaliencyGuard guard;
  saliency_guard_begin (&guard, net);
  gboolean ok = path_baseline_fill (&self->baseline, "deeplift", net, x, rng, ref, error)
                && saliency_target_logits (net, ref, targets, f_ref, NULL, error)
                && saliency_set_rule_on_ops (net, ops, 2, INTERP_RULE_RESCALE, 0.0f, error)
                && interp_net_set_reference (net, ref, error)
                && saliency_target_grad (net, x, targets, NULL, attr, logits, error);
  saliency_guard_end (&guard, net);
  if (ok)
    {
      int64_t per = (int64_t) interp_tensor_sample_size (x), k = logits->shape[1];
      for (int64_t i = 0; i < n; i++)
        {
          double sum = 0.0;
          for (int64_t j = i * per; j < (i + 1) * per; j++)
            {
              attr->data[j] *= x->data[j] - ref->data[j];
              sum += attr->data[j];
            }
          if (delta)
            delta[i] = sum - ((double) logits->data[i * k + targets[i]] - f_ref[i]);
        }
    }
  interp_tensor_free (ref);
  interp_tensor_free (logits);
  g_free (f_ref);
  return ok;
}

static void
deeplift_describe (gpointer data, InterpSaliencyInfo *info)
{
  DeepLift *self = data;
  info->flags = INTERP_SALIENCY_SIGNED | INTERP_SALIENCY_COMPLETENESS
                | INTERP_SALIENCY_MODIFIED_BACKWARD;
  if (self->baseline.kind == PATH_BASELINE_UNIFORM)
    info->flags |= INTERP_SALIENCY_RANDOMIZED;
  /* the baseline's logits, the reference pass, forward and backward */
  info->passes_per_image = 3;
}

static const InterpParamSpec deeplift_params[] = {
  PATH_BASELINE_PARAMS,
  { 0 }
};

static const InterpSaliencyVTable deeplift_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .create = deeplift_create,
  .destroy = deeplift_destroy,
  .attribute = deeplift_attribute,
  .describe = deeplift_describe,
};

const InterpComponent interp_saliency_deeplift = INTERP_COMPONENT (
  .kind = INTERP_KIND_SALIENCY,
  .name = "deeplift",
  .description = "DeepLIFT, rescale rule: (x - baseline) times the rescale multipliers",
  .params = deeplift_params,
  .vtable = &deeplift_vtable);
