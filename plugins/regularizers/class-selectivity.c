/* regularizer:class-selectivity -- pushes the class selectivity of the
 * matched layers down or up (Leavitt & Morcos, ICLR 2021).
 *
 *   loss term = -alpha * mean_SI
 *
 * mean_SI averages the selectivity index (plugins/metrics/selectivity-index.h)
 * of the units of the matched layers, computed from this minibatch's
 * forward pass, as the key `average` says (L matched layers, U_l units in
 * layer l, T = sum_l U_l):
 *   units  (default)  mean_SI = (1/T) sum_l sum_{u in l} SI_u
 *                     (every unit weighs 1/T: a wide layer dominates);
 *   layers            mean_SI = (1/L) sum_l (1/U_l) sum_{u in l} SI_u
 *                     (every layer weighs 1/L, a unit of layer l 1/(L U_l):
 *                     the mean of the per-layer means: what
 *                     metric:class-selectivity reports by default, and
 *                     per issue 19 what the public re-implementation of
 *                     Leavitt & Morcos optimises).
 * Sign convention: alpha < 0 LOWERS selectivity, alpha > 0
 * raises it (implementations disagree; this is the sign of Leavitt & Morcos,
 * ICLR 2021: loss = cross-entropy - alpha * mean_SI).
 *
 * Per minibatch, for a unit u of a matched node with S = H x W positions
 * (S = 1 for 1-d nodes):
 *   m[i]  = (1/S) sum_s a[i, u, s]               (response of sample i)
 *   mu_k  = (1/n_k) sum_{i: y_i = k} m[i]        (classes present in the batch)
 *   SI    = (mu_max - mu_-max) / (mu_max + mu_-max + eps)
 * and the injected gradient is
 *   d(term)/d(a[i, u, s]) = -alpha * w_l * dSI/d(mu_{y_i}) / (n_{y_i} S),
 * w_l the unit's weight (1/T for units, 1/(L U_l) for layers);
 * dSI/d(mu_k) comes from
 * interp_selectivity_index (the first argmax class takes the mu_max
 * derivative, every other present class 1/(C - 1) of the mu_-max one).
 *
 * Conventions (docs/selectivity.md): classes absent from the batch are left
 * out; a batch with fewer than two classes adds nothing; a unit whose class
 * means are all exactly zero (silent on the batch) has SI = 0 and gets no
 * gradient (the formula's own derivative there is 1/eps); with alpha = 0
 * apply() touches no buffer, so training is bit-identical to training
 * without the regulariser. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "plugin-components.h"
#include "../metrics/selectivity-index.h"

typedef struct {
  int node;
  char *name;
  int64_t units;
  int64_t spatial;
} SelLayer;

typedef struct {
  char *where;
  double alpha, eps;
  gboolean by_layer;    /* average = layers */
  int n_classes;
  GArray *layers;       /* SelLayer */
  int64_t total_units;
  /* Scratch sized for the widest node at create (no malloc per step). */
  double *mu;           /* units x n_classes */
  double *coef;         /* units x n_classes: gradient per activation */
  gint64 *counts;       /* n_classes */
  gboolean *present;    /* n_classes */
} SelReg;

static const InterpParamSpec selreg_params[] = {
  { "alpha", INTERP_PARAM_DOUBLE, NULL,
    "loss = CE - alpha * mean_SI: alpha < 0 LOWERS class selectivity, alpha > 0 raises it",
    -1e6, 1e6, NULL },
  { "layers", INTERP_PARAM_STRING, "*relu*",
    "glob over node names ('*', '?'); the nodes whose units are regularised", 0, 0, NULL },
  { "eps", INTERP_PARAM_DOUBLE, "1e-7",
    "added to the denominator of the selectivity index", 0, 1, NULL },
  { "average", INTERP_PARAM_CHOICE, "units",
    "mean_SI over the matched layers: units (every unit weighs the same) or layers "
    "(the mean of the per-layer means, every layer weighs the same)", 0, 0, "units|layers" },
  { 0 }
};

static void
sel_layer_clear (gpointer p)
{
  g_free (((SelLayer *) p)->name);
}

static void
selreg_destroy (gpointer p)
{
  SelReg *self = p;
  if (self == NULL)
    return;
  g_free (self->where);
  g_array_unref (self->layers);
  g_free (self->mu);
  g_free (self->coef);
  g_free (self->counts);
  g_free (self->present);
  g_free (self);
}

static gpointer
selreg_create (const InterpParams *params, InterpNet *net, const InterpDataInfo *data,
               InterpContext *ctx, GError **error)
{
  const char *where = interp_params_where (params);
  int n_classes;
  GArray *match = interp_selectivity_match_layers (params, net, data, &n_classes, error);
  if (match == NULL)
    return NULL;

  SelReg *self = g_new0 (SelReg, 1);
  self->where = g_strdup (where);
  self->alpha = interp_params_get_double (params, "alpha");
  self->eps = interp_params_get_double (params, "eps");
  self->by_layer = g_str_equal (interp_params_get_string (params, "average"), "layers");
  self->n_classes = n_classes;
  self->layers = g_array_new (FALSE, TRUE, sizeof (SelLayer));
  g_array_set_clear_func (self->layers, sel_layer_clear);
  int64_t max_units = 0;
  for (guint i = 0; i < match->len; i++)
    {
      int node = g_array_index (match, int, i);
      int64_t shape[3];
      int ndim = interp_net_node_shape (net, node, shape);
      SelLayer l = { node, g_strdup (interp_net_node_name (net, node)), shape[0],
                     ndim == 3 ? shape[1] * shape[2] : 1 };
      g_array_append_val (self->layers, l);
      self->total_units += l.units;
      max_units = MAX (max_units, l.units);
    }
  g_array_unref (match);
  self->mu = g_new (double, (size_t) max_units * (size_t) n_classes);
  self->coef = g_new (double, (size_t) max_units * (size_t) n_classes);
  self->counts = g_new0 (gint64, (size_t) n_classes);
  self->present = g_new0 (gboolean, (size_t) n_classes);
  return self;
}

/* Adds the gradient of scale * sum_u SI_u of one node into its gradient
 * buffer and returns sum_u SI_u. */
static double
apply_layer (SelReg *self, const SelLayer *l, const InterpTensor *v, InterpTensor *g,
             const int32_t *labels, int64_t n, double scale)
{
  int K = self->n_classes;
  int64_t U = l->units, S = l->spatial;
  memset (self->mu, 0, sizeof (double) * (size_t) U * (size_t) K);
  for (int64_t i = 0; i < n; i++)
    {
      const float *a = v->data + (size_t) i * (size_t) (U * S);
      for (int64_t u = 0; u < U; u++)
        {
          double s = 0.0;
          for (int64_t j = 0; j < S; j++)
            s += a[u * S + j];
          self->mu[u * K + labels[i]] += s / (double) S;
        }
    }

  double si_sum = 0.0;
  for (int64_t u = 0; u < U; u++)
    {
      double *mu = self->mu + u * K, *coef = self->coef + u * K;
      gboolean silent = TRUE;
      for (int k = 0; k < K; k++)
        {
          mu[k] = self->present[k] ? mu[k] / (double) self->counts[k] : 0.0;
          silent &= mu[k] == 0.0;
          coef[k] = 0.0;
        }
      if (silent)
        continue;
      int kmax;
      double d_max, d_other;
      si_sum += interp_selectivity_index (mu, self->present, K, self->eps,
                                          &kmax, &d_max, &d_other);
      for (int k = 0; k < K; k++)
        if (self->present[k])
          coef[k] = scale * (k == kmax ? d_max : d_other)
                    / ((double) self->counts[k] * (double) S);
    }

  for (int64_t i = 0; i < n; i++)
    {
      float *gi = g->data + (size_t) i * (size_t) (U * S);
      for (int64_t u = 0; u < U; u++)
        {
          float c = (float) self->coef[u * K + labels[i]];
          if (c == 0.0f)
            continue;
          for (int64_t j = 0; j < S; j++)
            gi[u * S + j] += c;
        }
    }
  return si_sum;
}

static gboolean
selreg_apply (gpointer p, InterpNet *net, const int32_t *labels, int64_t n, double *loss,
              GError **error)
{
  SelReg *self = p;
  *loss = 0.0;
  if (self->alpha == 0.0)
    return TRUE;

  int K = self->n_classes, n_present = 0;
  memset (self->counts, 0, sizeof (gint64) * (size_t) K);
  for (int64_t i = 0; i < n; i++)
    {
      if (labels[i] < 0 || labels[i] >= K)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                       "%s: label %d of sample %" G_GINT64_FORMAT " is outside [0, %d)",
                       self->where, (int) labels[i], i, K);
          return FALSE;
        }
      self->counts[labels[i]]++;
    }
  for (int k = 0; k < K; k++)
    {
      self->present[k] = self->counts[k] > 0;
      n_present += self->present[k];
    }
  if (n_present < 2)
    return TRUE;

  for (guint li = 0; li < self->layers->len; li++)
    {
      const SelLayer *l = &g_array_index (self->layers, SelLayer, li);
      const InterpTensor *v = interp_net_value (net, l->node);
      const InterpTensor *g = interp_net_grad (net, l->node);
      size_t sample = (size_t) (l->units * l->spatial);
      if (v->shape[0] != n || interp_tensor_sample_size (v) != sample
          || !interp_tensor_same_shape (v, g))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                       "%s: node '%s' does not hold this batch of %" G_GINT64_FORMAT
                       " samples", self->where, l->name, n);
          return FALSE;
        }
    }

  if (self->by_layer)
    {
      /* Each layer's own scale -alpha / (L U_l); the term sums per layer. */
      double total = 0.0;
      for (guint li = 0; li < self->layers->len; li++)
        {
          const SelLayer *l = &g_array_index (self->layers, SelLayer, li);
          double scale = -self->alpha / ((double) self->layers->len * (double) l->units);
          total += scale * apply_layer (self, l, interp_net_value (net, l->node),
                                        interp_net_grad (net, l->node), labels, n, scale);
        }
      *loss = total;
      return TRUE;
    }
  /* units: one scale -alpha / T, and the SI sum is scaled once (the order
   * of operations of the code before `average` existed, kept bit for bit). */
  double scale = -self->alpha / (double) self->total_units, si_sum = 0.0;
  for (guint li = 0; li < self->layers->len; li++)
    {
      const SelLayer *l = &g_array_index (self->layers, SelLayer, li);
      si_sum += apply_layer (self, l, interp_net_value (net, l->node),
                             interp_net_grad (net, l->node), labels, n, scale);
    }
  *loss = scale * si_sum;
  return TRUE;
}

static const InterpRegularizerVTable selreg_vtable = {
  INTERP_VTABLE_SIZE (InterpRegularizerVTable),
  .create = selreg_create,
  .destroy = selreg_destroy,
  .apply = selreg_apply,
};

const InterpComponent interp_regularizer_class_selectivity = INTERP_COMPONENT (
  .kind = INTERP_KIND_REGULARIZER, .name = "class-selectivity",
  .description = "Adds -alpha * mean class selectivity of the matched layers to the loss "
                 "(Leavitt & Morcos 2021), averaged over units or over layers (`average`); "
                 "alpha < 0 lowers selectivity, alpha > 0 raises it.",
  .params = selreg_params, .vtable = &selreg_vtable);
