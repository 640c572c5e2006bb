/* metric:dimensionality -- how many dimensions a layer's representation
 * spreads over, and how many the change a perturbation makes to it does
 * (Leavitt & Morcos, "Linking average- and worst-case perturbation
 * robustness via class selectivity and dimensionality", 2020).
 *
 * For each matched layer a sample's representation is a vector of D
 * features: "pooled" takes the spatial mean of each channel of a 3-d node
 * (D = C), "flattened" every value (D = C x H x W); a 1-d node is its F
 * features either way.  Over the evaluated images the metric accumulates
 * the covariance C of the representation (covariance.h: streaming, in
 * double; never the activations) and reports
 *   PR    = (sum l_i)^2 / sum l_i^2 over the eigenvalues l_i of C,
 *   PC90  = the fewest principal components explaining 90% of the variance,
 *   PC95  = the same for 95%.
 * All three are invariant to the scale of C (so whether C divides by n or
 * n - 1 does not matter; it divides by n).
 *
 * Under a perturbed condition the representation is that of the perturbed
 * images, and the metric also measures the change delta = a(perturbed) -
 * a(clean) of each image (one extra forward on the clean batch,
 * interp_context_clean_batch): the same three numbers of the covariance of
 * delta.  Under the clean condition delta is zero, and the change rows are
 * not written at all (a 0 would read as "no dimensions", which is not a
 * measurement).  A representation (or change) with zero variance has PR =
 * PC90 = PC95 = 0.
 *
 * The network is left as found: the extra pass runs in eval mode and is
 * followed by a forward on update()'s x. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "covariance.h"
#include "plugin-components.h"

typedef struct {
  int node;
  char *name;
  int64_t channels;     /* C (F for a 1-d node) */
  int64_t spatial;      /* H * W, 1 for a 1-d node */
  int64_t dim;          /* D */
  InterpCovariance *value;
  InterpCovariance *change;     /* allocated at the first perturbed batch */
} DimLayer;

typedef struct {
  char *where;
  InterpContext *ctx;   /* the trial's; NULL in unit tests (then never a change) */
  gboolean pooled;
  int64_t max_images;   /* 0: every image */
  int64_t seen;         /* images accumulated under this condition */
  int last_node;        /* the deepest matched node: the clean pass stops there */
  GArray *layers;       /* DimLayer */
  double *rows;         /* scratch: every layer's rows of a batch */
  double *work;         /* scratch: one layer's rows of a batch */
  int64_t rows_capacity, work_capacity;
} Dimensionality;

static const InterpParamSpec dimensionality_params[] = {
  { .key = "layers", .type = INTERP_PARAM_STRING_LIST, .default_value = "*relu*",
    .help = "globs over node names ('*', '?'); the nodes whose representations are measured" },
  { .key = "representation", .type = INTERP_PARAM_CHOICE, .default_value = "pooled",
    .help = "pooled: a channel's spatial mean per feature (D = C); flattened: every value "
            "(D = C x H x W)", .choices = "pooled|flattened" },
  { .key = "max-features", .type = INTERP_PARAM_INT, .default_value = "4096",
    .help = "refuse a layer with more features than this (its covariance is D x D doubles)",
    .min = 1, .max = 65536 },
  { .key = "max-images", .type = INTERP_PARAM_INT, .default_value = "0",
    .help = "measure only the first N test images of each condition (0: all)",
    .min = 0, .max = G_MAXINT32 },
  { 0 }
};

static void
layer_clear (gpointer p)
{
  DimLayer *l = p;
  g_free (l->name);
  interp_covariance_free (l->value);
  interp_covariance_free (l->change);
}

static void
dimensionality_destroy (gpointer p)
{
  Dimensionality *self = p;
  if (self == NULL)
    return;
  g_free (self->where);
  g_array_unref (self->layers);
  g_free (self->rows);
  g_free (self->work);
  g_free (self);
}

/* The nodes matched by any glob of `layers`, in network order, each once.
 * The input node counts too: the dimensionality of the pixels is the
 * baseline the layers' are read against. */
static GArray *
match_layers (const InterpParams *params, const InterpNet *net, GError **error)
{
  size_t n_globs = 0;
  const char *const *globs = interp_params_get_string_list (params, "layers", &n_globs);
  GArray *match = g_array_new (FALSE, FALSE, sizeof (int));
  for (int node = 0; node < interp_net_n_nodes (net); node++)
    for (size_t g = 0; g < n_globs; g++)
      if (g_pattern_match_simple (globs[g], interp_net_node_name (net, node)))
        {
          g_array_append_val (match, node);
          break;
        }
  if (match->len == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "%s: key 'layers': no node matches '%s'", interp_params_where (params),
                   interp_params_get_text (params, "layers"));
      g_array_unref (match);
      return NULL;
    }
  return match;
}

static gpointer
dimensionality_create (const InterpParams *params, InterpNet *net, const InterpDataInfo *data,
                       InterpContext *ctx, GError **error)
{
  (void) data;
  const char *where = interp_params_where (params);
  GArray *match = match_layers (params, net, error);
  if (match == NULL)
    return NULL;
  Dimensionality *self = g_new0 (Dimensionality, 1);
  self->where = g_strdup (where);
  self->ctx = ctx;
  self->pooled = g_str_equal (interp_params_get_string (params, "representation"), "pooled");
  self->max_images = interp_params_get_int (params, "max-images");
  int64_t max_features = interp_params_get_int (params, "max-features");
  self->layers = g_array_new (FALSE, TRUE, sizeof (DimLayer));
  g_array_set_clear_func (self->layers, layer_clear);
  for (guint i = 0; i < match->len; i++)
    {
      int node = g_array_index (match, int, i);
      int64_t shape[3];
      int ndim = interp_net_node_shape (net, node, shape);
      DimLayer l = { 0 };
      l.node = node;
      l.channels = shape[0];
      l.spatial = ndim == 3 ? shape[1] * shape[2] : 1;
      l.dim = self->pooled ? l.channels : l.channels * l.spatial;
      if (l.dim > max_features)
        {
          char *size = ndim == 3 ? g_strdup_printf ("%" G_GINT64_FORMAT " x %" G_GINT64_FORMAT
                                                    " x %" G_GINT64_FORMAT, shape[0], shape[1],
                                                    shape[2])
                                 : g_strdup_printf ("%" G_GINT64_FORMAT, shape[0]);
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                       "%s: key 'max-features': layer '%s' has %" G_GINT64_FORMAT " %s "
                       "features (%s), more than max-features = %" G_GINT64_FORMAT " (its "
                       "covariance would take %.0f MiB); use representation = pooled or "
                       "raise max-features", where, interp_net_node_name (net, node), l.dim,
                       self->pooled ? "pooled" : "flattened", size, max_features,
                       (double) l.dim * (double) l.dim * 8.0 / 1048576.0);
          g_free (size);
          g_array_unref (match);
          dimensionality_destroy (self);
          return NULL;
        }
      l.name = g_strdup (interp_net_node_name (net, node));
      l.value = interp_covariance_new (l.dim);
      self->last_node = MAX (self->last_node, node);
      g_array_append_val (self->layers, l);
    }
  g_array_unref (match);
  return self;
}

static void
dimensionality_reset (gpointer p)
{
  Dimensionality *self = p;
  self->seen = 0;
  for (guint i = 0; i < self->layers->len; i++)
    {
      DimLayer *l = &g_array_index (self->layers, DimLayer, i);
      interp_covariance_reset (l->value);
      if (l->change)
        interp_covariance_reset (l->change);
    }
}

/* Samples [0, m) of node l's value as m x D double rows. */
static gboolean
read_rows (Dimensionality *self, const InterpNet *net, const DimLayer *l, int64_t m,
           double *rows, GError **error)
{
  const InterpTensor *v = interp_net_value (net, l->node);
  size_t per = (size_t) (l->channels * l->spatial);
  if (v->shape[0] < m || interp_tensor_sample_size (v) != per)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: node '%s' does not hold this batch's activations", self->where,
                   l->name);
      return FALSE;
    }
  for (int64_t s = 0; s < m; s++)
    {
      const float *a = v->data + (size_t) s * per;
      double *r = rows + (size_t) s * (size_t) l->dim;
      if (!self->pooled)
        {
          for (size_t j = 0; j < per; j++)
            r[j] = a[j];
          continue;
        }
      for (int64_t c = 0; c < l->channels; c++)
        {
          double sum = 0.0;
          for (int64_t j = 0; j < l->spatial; j++)
            sum += a[c * l->spatial + j];
          r[c] = sum / (double) l->spatial;
        }
    }
  return TRUE;
}

/* Grows the scratch buffers: `rows` to hold every layer's rows of m
 * images (the perturbed rows wait there for the clean pass), `work` to
 * hold one layer's. */
static void
ensure_scratch (Dimensionality *self, int64_t m)
{
  int64_t total = 0, widest = 0;
  for (guint i = 0; i < self->layers->len; i++)
    {
      int64_t d = g_array_index (self->layers, DimLayer, i).dim;
      total += d;
      widest = MAX (widest, d);
    }
  if (m * total > self->rows_capacity)
    {
      self->rows_capacity = m * total;
      g_free (self->rows);
      self->rows = g_new (double, (size_t) self->rows_capacity);
    }
  if (m * widest > self->work_capacity)
    {
      self->work_capacity = m * widest;
      g_free (self->work);
      self->work = g_new (double, (size_t) self->work_capacity);
    }
}

/* Whether this condition measures the change: a perturbed condition with
 * the clean batch at hand. */
static const InterpTensor *
clean_batch_for_change (const Dimensionality *self)
{
  if (self->ctx == NULL)
    return NULL;
  const char *condition = interp_context_condition (self->ctx);
  if (condition == NULL || g_str_equal (condition, "clean"))
    return NULL;
  return interp_context_clean_batch (self->ctx);
}

/* The clean pass: forward the whole clean batch (the same batch size as
 * x, so no node is resized and no gradient flag changes) to the deepest
 * matched node in eval mode, and add the first m images' (perturbed -
 * clean) rows to each layer's change.  self->rows holds the perturbed
 * rows, layer after layer. */
static gboolean
add_change (Dimensionality *self, InterpNet *net, const InterpTensor *clean, int64_t m,
            GError **error)
{
  InterpMode mode = interp_net_mode (net);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  gboolean ok = interp_net_forward_to (net, clean, self->last_node, error);
  interp_net_set_mode (net, mode);
  size_t offset = 0;
  for (guint i = 0; ok && i < self->layers->len; i++)
    {
      DimLayer *l = &g_array_index (self->layers, DimLayer, i);
      ok = read_rows (self, net, l, m, self->work, error);
      if (!ok)
        break;
      const double *pert = self->rows + offset;
      size_t count = (size_t) m * (size_t) l->dim;
      for (size_t j = 0; j < count; j++)
        self->work[j] = pert[j] - self->work[j];
      if (l->change == NULL)
        l->change = interp_covariance_new (l->dim);
      interp_covariance_add (l->change, self->work, m);
      offset += count;
    }
  return ok;
}

static gboolean
dimensionality_update (gpointer p, InterpNet *net, const InterpTensor *x, const int32_t *labels,
                       GError **error)
{
  (void) labels;
  Dimensionality *self = p;
  int64_t n = x->shape[0];
  int64_t m = self->max_images > 0 ? MIN (n, self->max_images - self->seen) : n;
  if (m <= 0)
    return TRUE;
  const InterpTensor *clean = clean_batch_for_change (self);
  if (clean != NULL && (clean->ndim != x->ndim || clean->numel != x->numel))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: the clean batch is not shaped like the perturbed one", self->where);
      return FALSE;
    }
  ensure_scratch (self, m);
  size_t offset = 0;
  for (guint i = 0; i < self->layers->len; i++)
    {
      DimLayer *l = &g_array_index (self->layers, DimLayer, i);
      double *rows = self->rows + offset;
      if (!read_rows (self, net, l, m, rows, error))
        return FALSE;
      /* add() shifts its rows in place; the change needs them as they are. */
      memcpy (self->work, rows, sizeof (double) * (size_t) m * (size_t) l->dim);
      interp_covariance_add (l->value, self->work, m);
      offset += (size_t) m * (size_t) l->dim;
    }
  self->seen += m;
  if (clean == NULL)
    return TRUE;
  gboolean ok = add_change (self, net, clean, m, error);
  /* Give the network back holding x's values, whatever happened. */
  GError *again = NULL;
  if (!interp_net_forward (net, x, ok ? error : &again))
    ok = FALSE;
  g_clear_error (&again);
  return ok;
}

/* Writes prefix-pr, prefix-pc90, prefix-pc95 of one covariance. */
static gboolean
finish_one (Dimensionality *self, const DimLayer *l, const InterpCovariance *cov,
            const char *prefix, InterpResults *results, GError **error)
{
  size_t d = (size_t) cov->dim;
  double *c = g_new (double, d * d);
  double *work = g_new (double, d * d);
  double *eig = g_new (double, d);
  interp_covariance_matrix (cov, c);
  gboolean finite = TRUE;
  for (size_t j = 0; j < d * d && finite; j++)
    finite = isfinite (c[j]);
  gboolean ok = finite;
  if (!finite)
    g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                 "%s: layer '%s': the %s covariance is not finite (NaN or infinite "
                 "activations)", self->where, l->name, prefix);
  else
    {
      memcpy (work, c, sizeof (double) * d * d);
      ok = interp_symmetric_eigenvalues (work, cov->dim, eig);
      if (!ok)
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                     "%s: layer '%s': the eigenvalues of the %s covariance did not converge",
                     self->where, l->name, prefix);
    }
  if (ok)
    {
      InterpDimensionality dim;
      interp_dimensionality_of (c, eig, cov->dim, &dim);
      char *name = g_strdup_printf ("%s-pr", prefix);
      interp_results_add (results, name, l->name, dim.pr);
      g_free (name);
      name = g_strdup_printf ("%s-pc90", prefix);
      interp_results_add (results, name, l->name, (double) dim.pc90);
      g_free (name);
      name = g_strdup_printf ("%s-pc95", prefix);
      interp_results_add (results, name, l->name, (double) dim.pc95);
      g_free (name);
    }
  g_free (c);
  g_free (work);
  g_free (eig);
  return ok;
}

static gboolean
dimensionality_finish (gpointer p, InterpResults *results, GError **error)
{
  Dimensionality *self = p;
  if (self->seen < 2)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                   "%s: dimensionality needs at least 2 images, got %" G_GINT64_FORMAT,
                   self->where, self->seen);
      return FALSE;
    }
  for (guint i = 0; i < self->layers->len; i++)
    {
      DimLayer *l = &g_array_index (self->layers, DimLayer, i);
      if (!finish_one (self, l, l->value, "dimensionality", results, error))
        return FALSE;
      if (l->change != NULL && l->change->n > 0
          && !finish_one (self, l, l->change, "change", results, error))
        return FALSE;
    }
  return TRUE;
}

static const InterpMetricOutput dimensionality_outputs[] = {
  { .name = "dimensionality-pr", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Participation ratio of the representation per layer", .unit = "dimensions",
    .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "dimensionality-pc90", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Principal components for 90% of the representation's variance per layer",
    .unit = "count", .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "dimensionality-pc95", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Principal components for 95% of the representation's variance per layer",
    .unit = "count", .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "change-pr", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Participation ratio of the perturbation's change (perturbed - clean) "
                   "per layer", .unit = "dimensions",
    .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "change-pc90", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Principal components for 90% of the change's variance per layer",
    .unit = "count", .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "change-pc95", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Principal components for 95% of the change's variance per layer",
    .unit = "count", .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_NEITHER },
  { 0 }
};

static const InterpMetricVTable dimensionality_vtable = {
  INTERP_VTABLE_SIZE (InterpMetricVTable),
  .create = dimensionality_create,
  .destroy = dimensionality_destroy,
  .reset = dimensionality_reset,
  .update = dimensionality_update,
  .finish = dimensionality_finish,
  .outputs = dimensionality_outputs,
};

const InterpComponent interp_metric_dimensionality = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "dimensionality",
  .description = "Participation ratio and principal components for 90%/95% of the variance, "
                 "per layer, of the representation and of a perturbation's change to it.",
  .params = dimensionality_params, .vtable = &dimensionality_vtable);
