/* interp-bench-saliency: the methods as a pipeline creates them (the
 * saliency plugin's components compiled into the harness), the noise
 * tunnel's inner gradient handed over by a context of the bench's own that
 * can record the noisy inputs, the tolerance of the comparison with
 * PyTorch, and logits in chunks. */
#include "config.h"

#include "bench-saliency.h"

#include <math.h>
#include <string.h>

#include "../plugins/saliency/plugin-components.h"
#include "host/context-private.h"
#include "host/params-private.h"

enum { CHUNK = 128 };

const char *
bs_kind_name (BsKind kind)
{
  switch (kind)
    {
    case BS_GRADIENT: return "gradient";
    case BS_IG: return "ig";
    case BS_SMOOTHGRAD: return "smoothgrad";
    }
  return "?";
}

int
bs_kind_passes (BsKind kind)
{
  return kind == BS_GRADIENT ? 1 : 50;
}

/* ---- the noise tunnel's inner gradient, recorded -------------------------------- */

static gpointer
rec_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) params;
  (void) ctx;
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED, "bench: not created by the plugin");
  return NULL;
}

static void
rec_destroy (gpointer self)
{
  (void) self;   /* owned by its BsMethod */
}

static gboolean
rec_attribute (gpointer self, InterpNet *net, const InterpTensor *x, const int32_t *targets,
               InterpRng *rng, InterpTensor *attr, double *delta, GError **error)
{
  BsMethod *m = self;
  if (m->recording)
    g_array_append_vals (m->recorded, x->data, (guint) x->numel);
  return m->inner_vt->attribute (m->inner, net, x, targets, rng, attr, delta, error);
}

static void
rec_describe (gpointer self, InterpSaliencyInfo *info)
{
  BsMethod *m = self;
  m->inner_vt->describe (m->inner, info);
}

static const InterpSaliencyVTable rec_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .create = rec_create,
  .destroy = rec_destroy,
  .attribute = rec_attribute,
  .describe = rec_describe,
};

/* The context's saliency lookup: the bench's one [saliency:grad] group. */
static gboolean
lookup (gpointer data, const char *group, const InterpSaliencyVTable **vtable,
        gpointer *instance, GError **error)
{
  BsMethod *m = data;
  if (g_strcmp0 (group, "saliency:grad") != 0 || m->inner == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND, "bench: no group [%s]", group);
      return FALSE;
    }
  *vtable = &rec_vtable;
  *instance = m;
  return TRUE;
}

static gpointer
create_component (const InterpComponent *comp, const char *const *pairs, InterpContext *ctx,
                  GError **error)
{
  g_autofree char *where = g_strdup_printf ("bench: [saliency:%s]", comp->name);
  InterpParams *params = interp_params_new_from_pairs (comp->params, where, pairs, error);
  if (params == NULL)
    return NULL;
  const InterpSaliencyVTable *vt = comp->vtable;
  gpointer self = vt->create (params, ctx, error);
  interp_params_free (params);
  return self;
}

gboolean
bs_method_create (BsMethod *m, BsKind kind, int internal_batch, int threads, GError **error)
{
  memset (m, 0, sizeof *m);
  m->kind = kind;
  m->recorded = g_array_new (FALSE, FALSE, sizeof (float));
  m->ctx = interp_context_new (1, threads, NULL);
  interp_context_set_saliency_lookup (m->ctx, lookup, m);
  const char *grad_pairs[] = { "absolute=false", NULL };
  g_autofree char *ib = g_strdup_printf ("internal-batch-size=%d", internal_batch);
  const InterpComponent *comp = &interp_saliency_gradient;
  switch (kind)
    {
    case BS_GRADIENT:
      break;
    case BS_IG:
      {
        const char *pairs[] = { "steps=50", "method=gausslegendre", "baseline=zero", ib, NULL };
        comp = &interp_saliency_integrated_gradients;
        m->vt = comp->vtable;
        m->self = create_component (comp, pairs, m->ctx, error);
        return m->self != NULL;
      }
    case BS_SMOOTHGRAD:
      {
        /* The tunnel's inner gradient first: create() looks it up. */
        m->inner_vt = interp_saliency_gradient.vtable;
        m->inner = create_component (&interp_saliency_gradient, grad_pairs, m->ctx, error);
        if (m->inner == NULL)
          return FALSE;
        const char *pairs[] = { "method=saliency:grad", "type=smoothgrad", "samples=50",
                                "stdev=0.15", ib, NULL };
        comp = &interp_saliency_noise_tunnel;
        m->vt = comp->vtable;
        m->self = create_component (comp, pairs, m->ctx, error);
        return m->self != NULL;
      }
    }
  m->vt = comp->vtable;
  m->self = create_component (comp, grad_pairs, m->ctx, error);
  return m->self != NULL;
}

void
bs_method_destroy (BsMethod *m)
{
  if (m->self)
    m->vt->destroy (m->self);
  if (m->inner)
    m->inner_vt->destroy (m->inner);
  if (m->ctx)
    interp_context_free (m->ctx);
  if (m->recorded)
    g_array_free (m->recorded, TRUE);
  memset (m, 0, sizeof *m);
}

/* ---- tolerance ----------------------------------------------------------------- */

/* The two sides compute the same map in float32 with different summation
 * orders (im2col + sgemm blocking here, oneDNN/ATen kernels there).  A
 * gradient element is a chain of sums, one per layer on the way back from
 * the logit: a convolution's d/dinput sums Cout x k x k terms, its forward
 * Cin x k x k (the forward enters the gradient only through ReLU and
 * max-pool gates, exactly equal on both sides unless a pre-activation sits
 * within rounding of a tie), a linear layer max(in, out).  With rounding
 * errors of random sign, a sum of K terms is off by about sqrt(K) u of its
 * terms' magnitude (u = 2^-24; Higham 2002, "Accuracy and stability of
 * numerical algorithms", sec. 2.8 on the statistical view), and errors of
 * successive layers add in quadrature: sigma = sqrt(sum_l K_l) u, taking
 * K_l = the larger of the forward and backward sum of layer l, plus the
 * method's own sum of its 50 gradients.  Relative to the map's largest
 * |value| (not each element, which may be a cancellation near 0) the
 * terms' magnitudes are within 10x of the result in these networks, and the
 * largest of ~10^5 Gaussian errors is within 5 sigma: the tolerance is
 * 50 sigma.  Measured differences are reported next to it. */
double
bs_map_tolerance (InterpNet *net, BsKind kind)
{
  double sum_k = kind == BS_GRADIENT ? 0.0 : 50.0;
  for (int i = 0; i < interp_net_n_nodes (net); i++)
    {
      InterpOp op = interp_net_node_op (net, i);
      if (op != INTERP_OP_CONV2D && op != INTERP_OP_LINEAR)
        continue;
      g_autofree char *wname = g_strdup_printf ("%s.weight", interp_net_node_name (net, i));
      const InterpParam *p = interp_net_find_param (net, wname);
      g_assert (p != NULL);
      const int64_t *s = p->value->shape;   /* Cout x Cin x k x k, or out x in */
      double per_out = (double) p->value->numel / (double) s[0];   /* Cin k k, or in */
      double per_in = (double) p->value->numel / (double) s[1];    /* Cout k k, or out */
      sum_k += MAX (per_out, per_in);
    }
  return 50.0 * sqrt (sum_k) * ldexp (1.0, -24);
}

/* ---- logits -------------------------------------------------------------------- */

InterpTensor *
bs_logits (InterpNet *net, const InterpTensor *x, GError **error)
{
  const int64_t n = x->shape[0];
  InterpTensor *logits = NULL;
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  int out = interp_net_output_node (net);
  /* In chunks: one forward of every image at once would hold every
   * activation of ResNet-20 for all of them. */
  for (int64_t s = 0; s < n; s += CHUNK)
    {
      InterpTensor *xt = (InterpTensor *) x;
      InterpTensor view = *xt;
      int64_t per = (int64_t) interp_tensor_sample_size (x);
      view.shape[0] = MIN (CHUNK, n - s);
      view.numel = view.capacity = (size_t) (view.shape[0] * per);
      view.data = x->data + s * per;
      if (!interp_net_forward (net, &view, error))
        {
          interp_tensor_free (logits);
          return NULL;
        }
      const InterpTensor *z = interp_net_value (net, out);
      if (logits == NULL)
        logits = interp_tensor_new_2d (n, z->shape[1]);
      memcpy (logits->data + s * z->shape[1], z->data, z->numel * sizeof (float));
    }
  return logits;
}
