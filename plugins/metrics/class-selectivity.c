/* metric:class-selectivity -- the class selectivity index of every unit of
 * the layers matching a glob (Leavitt & Morcos, "Selectivity considered harmful", ICLR 2021).
 *
 * A unit is a feature of a 1-d node or a channel of a 3-d node; a channel's
 * response to a sample is its mean over H x W.  The metric streams: per unit
 * it accumulates the sum of responses per class (and per class the number
 * of samples), never the activations themselves.
 *
 * Conventions (also in docs/selectivity.md):
 * - classes with no sample in the evaluated data are left out of both mu_max
 *   and mu_-max; at least two classes must be present;
 * - a unit whose every activation was exactly zero is silent: SI = 0, it
 *   stays in the layer's mean and median and is counted in "silent-units";
 * - the index assumes non-negative activations (after a ReLU).  On a node
 *   with negative values the formula is applied unchanged to the class
 *   means, so SI may leave [0, 1] or blow up where mu_max + mu_-max is near
 *   zero; "negative-units" counts the units with a negative class mean and a
 *   warning names the node.  The histogram puts values below 0 in its first
 *   bin and above 1 in its last;
 * - network selectivity ("selectivity-mean", target "") is, with
 *   average = layers (the default), the mean of the layer means, each layer
 *   weighing the same; with average = units the mean over all units of all
 *   matched layers, each unit weighing the same (the quantity
 *   regularizer:class-selectivity optimises with its default average = units).
 *
 * BatchNorm statistics (key batchnorm).  The runner's forward is in eval
 * mode: batchnorm nodes use their running statistics (running, the
 * default).  The regulariser, though, sees train-mode activations, normalised
 * with each minibatch's own statistics.  With batchnorm = batch, update()
 * runs its own forward on x in eval mode with the net's
 * batchnorm-batch-stats flag on (<interp/nn.h>: batch statistics, running
 * statistics untouched, dropout off) up to the last matched node, reads the
 * activations there, and gives the network back as it found it: flags
 * restored and a final forward on x in the caller's mode.  The statistics
 * are then those of the evaluation batch (its size is the runner's
 * evaluation batch size, the last batch maybe smaller).  A network without
 * batchnorm nodes computes the same either way, so no extra pass is run. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <interp/interp.h>

#include "plugin-components.h"
#include "selectivity-index.h"

#define HISTOGRAM_BINS 20

typedef struct {
  int node;
  char *name;
  int64_t units;
  int64_t spatial;      /* H * W for 3-d nodes, 1 for 1-d */
  double *sums;         /* n_classes x units: sum over samples of the response */
  guint8 *active;       /* units: 1 once any activation was non-zero */
  gboolean warned;      /* negative values reported once per instance */
} SelectivityLayer;

typedef struct {
  char *where;
  InterpContext *ctx;                 /* the trial's; NULL in unit tests */
  const char *const *class_names;     /* the dataset's, or NULL */
  int n_classes;
  gboolean by_units;    /* average = units */
  gboolean batch_bn;    /* batchnorm = batch, and the net has a batchnorm node */
  int last_node;        /* highest matched node id: where the own forward stops */
  GArray *layers;       /* SelectivityLayer */
  gint64 *counts;       /* samples per class */
} Selectivity;

static const InterpParamSpec selectivity_params[] = {
  { "layers", INTERP_PARAM_STRING, "*relu*",
    "glob over node names ('*', '?'); the nodes whose units are analysed", 0, 0, NULL },
  { "average", INTERP_PARAM_CHOICE, "layers",
    "network selectivity-mean (target \"\"): layers (the mean of the layer means) or units "
    "(the mean over all units, as regularizer:class-selectivity's default)", 0, 0,
    "layers|units" },
  { "batchnorm", INTERP_PARAM_CHOICE, "running",
    "statistics batchnorm nodes use in the measured forward: running (eval mode, the "
    "runner's pass) or batch (each evaluation batch's own, as in training; running "
    "statistics untouched, dropout off)", 0, 0, "running|batch" },
  { 0 }
};

static void
layer_clear (gpointer p)
{
  SelectivityLayer *l = p;
  g_free (l->name);
  g_free (l->sums);
  g_free (l->active);
}

static void
selectivity_destroy (gpointer p)
{
  Selectivity *self = p;
  if (self == NULL)
    return;
  g_free (self->where);
  g_array_unref (self->layers);
  g_free (self->counts);
  g_free (self);
}

static gpointer
selectivity_create (const InterpParams *params, InterpNet *net, const InterpDataInfo *data,
                    InterpContext *ctx, GError **error)
{
  const char *where = interp_params_where (params);
  int n_classes;
  GArray *match = interp_selectivity_match_layers (params, net, data, &n_classes, error);
  if (match == NULL)
    return NULL;

  Selectivity *self = g_new0 (Selectivity, 1);
  self->where = g_strdup (where);
  self->ctx = ctx;
  self->class_names = data != NULL ? data->class_names : NULL;
  self->n_classes = n_classes;
  self->by_units = g_str_equal (interp_params_get_string (params, "average"), "units");
  if (g_str_equal (interp_params_get_string (params, "batchnorm"), "batch"))
    for (int i = 0; i < interp_net_n_nodes (net); i++)
      self->batch_bn |= interp_net_node_op (net, i) == INTERP_OP_BATCHNORM;
  self->counts = g_new0 (gint64, n_classes);
  self->layers = g_array_new (FALSE, TRUE, sizeof (SelectivityLayer));
  g_array_set_clear_func (self->layers, layer_clear);
  for (guint i = 0; i < match->len; i++)
    {
      int node = g_array_index (match, int, i);
      int64_t shape[3];
      int ndim = interp_net_node_shape (net, node, shape);
      SelectivityLayer l = { 0 };
      l.node = node;
      self->last_node = MAX (self->last_node, node);
      l.name = g_strdup (interp_net_node_name (net, node));
      l.units = shape[0];
      l.spatial = ndim == 3 ? shape[1] * shape[2] : 1;
      l.sums = g_new0 (double, (size_t) n_classes * (size_t) l.units);
      l.active = g_new0 (guint8, (size_t) l.units);
      g_array_append_val (self->layers, l);
    }
  g_array_unref (match);
  return self;
}

static void
selectivity_reset (gpointer p)
{
  Selectivity *self = p;
  memset (self->counts, 0, sizeof (gint64) * (size_t) self->n_classes);
  for (guint i = 0; i < self->layers->len; i++)
    {
      SelectivityLayer *l = &g_array_index (self->layers, SelectivityLayer, i);
      memset (l->sums, 0, sizeof (double) * (size_t) self->n_classes * (size_t) l->units);
      memset (l->active, 0, (size_t) l->units);
    }
}

/* Adds the activations the matched nodes hold (the batch x, labels) to the
 * sums. */
static gboolean
accumulate (Selectivity *self, InterpNet *net, const InterpTensor *x, const int32_t *labels,
            GError **error)
{
  /* The batch size is the first matched node's; every node must agree. */
  const SelectivityLayer *first = &g_array_index (self->layers, SelectivityLayer, 0);
  int64_t n = interp_net_value (net, first->node)->shape[0];
  if (x != NULL && x->shape[0] != n)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: node '%s' holds %" G_GINT64_FORMAT " samples, the batch %"
                   G_GINT64_FORMAT, self->where, first->name, n, x->shape[0]);
      return FALSE;
    }
  for (int64_t i = 0; i < n; i++)
    if (labels[i] < 0 || labels[i] >= self->n_classes)
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                     "%s: label %d of sample %" G_GINT64_FORMAT " is outside [0, %d)",
                     self->where, (int) labels[i], i, self->n_classes);
        return FALSE;
      }
  for (guint li = 0; li < self->layers->len; li++)
    {
      SelectivityLayer *l = &g_array_index (self->layers, SelectivityLayer, li);
      const InterpTensor *v = interp_net_value (net, l->node);
      if (v->shape[0] != n || interp_tensor_sample_size (v) != (size_t) (l->units * l->spatial))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                       "%s: node '%s' does not hold this batch's activations",
                       self->where, l->name);
          return FALSE;
        }
      for (int64_t i = 0; i < n; i++)
        {
          double *sums = l->sums + (size_t) labels[i] * (size_t) l->units;
          const float *a = v->data + (size_t) i * (size_t) (l->units * l->spatial);
          for (int64_t u = 0; u < l->units; u++)
            {
              const float *au = a + u * l->spatial;
              double s = 0.0;
              guint8 any = 0;
              for (int64_t j = 0; j < l->spatial; j++)
                {
                  s += au[j];
                  any |= au[j] != 0.0f;
                }
              sums[u] += s / (double) l->spatial;
              l->active[u] |= any;
            }
        }
    }
  for (int64_t i = 0; i < n; i++)
    self->counts[labels[i]]++;
  return TRUE;
}

static gboolean
selectivity_update (gpointer p, InterpNet *net, const InterpTensor *x, const int32_t *labels,
                    GError **error)
{
  Selectivity *self = p;
  if (!self->batch_bn)
    return accumulate (self, net, x, labels, error);
  if (x == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "%s: key 'batchnorm' = batch needs the batch's images to run its own "
                   "forward pass", self->where);
      return FALSE;
    }
  InterpMode mode = interp_net_mode (net);
  gboolean flag = interp_net_batchnorm_batch_stats (net);
  InterpNetState *state = interp_net_state_save (net);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  interp_net_set_batchnorm_batch_stats (net, TRUE);
  gboolean ok = interp_net_forward_to (net, x, self->last_node, error)
                && accumulate (self, net, x, labels, error);
  /* Give the network back holding x's values as the caller computed them,
   * whatever happened; the forward comes before the restore (a forward may
   * mark gradients untouched, which the restore undoes). */
  interp_net_set_mode (net, mode);
  interp_net_set_batchnorm_batch_stats (net, flag);
  GError *again = NULL;
  if (!interp_net_forward (net, x, ok ? error : &again))
    ok = FALSE;
  g_clear_error (&again);
  interp_net_state_restore (net, state);
  return ok;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median_of (const double *v, int64_t n)
{
  double *s = g_new (double, (size_t) n);
  memcpy (s, v, sizeof (double) * (size_t) n);
  qsort (s, (size_t) n, sizeof (double), compare_double);
  double m = n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  g_free (s);
  return m;
}

/* The report section lists, per layer, the units with the highest SI and the
 * class each prefers: what a person checks first when reading a selectivity
 * number ("does unit 17 of relu3 really respond to sneakers only?"). */
#define SECTION_TOP_UNITS 5

static void
append_top_units (Selectivity *self, SelectivityLayer *l, const double *si,
                  const int *preferred, GString *out)
{
  int64_t *order = g_new (int64_t, (size_t) l->units);
  for (int64_t u = 0; u < l->units; u++)
    order[u] = u;
  /* Partial selection sort: only the first few are needed. */
  int64_t top = MIN ((int64_t) SECTION_TOP_UNITS, l->units);
  for (int64_t i = 0; i < top; i++)
    for (int64_t j = i + 1; j < l->units; j++)
      if (si[order[j]] > si[order[i]])
        {
          int64_t t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
  for (int64_t i = 0; i < top; i++)
    {
      int64_t u = order[i];
      int k = preferred[u];
      char *layer = interp_report_escape (l->name);
      char *cls = k < 0 ? g_strdup ("(silent)")
                  : self->class_names && self->class_names[k]
                    ? g_markup_printf_escaped ("%d %s", k, self->class_names[k])
                    : g_strdup_printf ("%d", k);
      g_string_append_printf (out, "<tr><td>%s</td><td>%" G_GINT64_FORMAT "</td><td>%.3f</td>"
                              "<td>%s</td></tr>\n", i == 0 ? layer : "", u, si[u], cls);
      g_free (layer);
      g_free (cls);
    }
  g_free (order);
}

/* The trial's report section "Most selective units" (<interp/report.h>). */
static void
write_section (Selectivity *self, const GString *rows)
{
  GString *html = g_string_new (
    "<p>The most selective units of each analysed layer on clean test data (highest class "
    "selectivity index first), and the class each responds to most "
    "(metric:class-selectivity).  SI = (mu_max - mu_-max) / (mu_max + mu_-max) over the class "
    "means of a unit's response: 0 for the same mean response to every class, 1 for a unit "
    "that responds to one class only.</p>\n"
    "<table>\n<thead><tr><th>layer</th><th>unit</th><th>SI</th><th>preferred class</th></tr>"
    "</thead>\n<tbody>\n");
  g_string_append (html, rows->str);
  g_string_append (html, "</tbody>\n</table>\n");
  GError *error = NULL;
  if (!interp_report_write_section (self->ctx, "20-most-selective-units", "Most selective units",
                                    html->str, &error))
    {
      /* The numbers are in metrics.json either way: a missing section is worth a warning only. */
      g_warning ("%s: %s", self->where, error->message);
      g_error_free (error);
    }
  g_string_free (html, TRUE);
}

/* Writes the rows and arrays of one layer; returns its mean SI and puts the
 * sum of its units' SI in *si_sum. */
static double
finish_layer (Selectivity *self, SelectivityLayer *l, const gboolean *present,
              InterpResults *results, GString *section, double *si_sum)
{
  int K = self->n_classes;
  double *si = g_new (double, (size_t) l->units);
  int *preferred = g_new (int, (size_t) l->units);
  double *mu = g_new (double, (size_t) K);
  double hist[HISTOGRAM_BINS] = { 0 };
  int64_t silent = 0, negative = 0;
  double sum = 0.0;
  for (int64_t u = 0; u < l->units; u++)
    {
      gboolean neg = FALSE;
      for (int k = 0; k < K; k++)
        {
          mu[k] = present[k] ? l->sums[(size_t) k * l->units + u] / (double) self->counts[k] : 0.0;
          neg |= mu[k] < 0.0;
        }
      int kmax = -1;
      if (!l->active[u])
        {
          si[u] = 0.0;
          silent++;
        }
      else
        si[u] = interp_selectivity_index (mu, present, K, INTERP_SELECTIVITY_EPS,
                                          &kmax, NULL, NULL);
      preferred[u] = kmax;
      negative += neg;
      sum += si[u];
      if (!isnan (si[u]))
        {
          double b = floor (CLAMP (si[u], 0.0, 1.0) * HISTOGRAM_BINS);
          hist[MIN ((int) b, HISTOGRAM_BINS - 1)] += 1.0;
        }
    }
  if (negative > 0 && !l->warned)
    {
      g_warning ("%s: node '%s' has %" G_GINT64_FORMAT " units with negative mean "
                 "activations; class selectivity assumes non-negative (post-ReLU) values",
                 self->where, l->name, negative);
      l->warned = TRUE;
    }
  double mean = sum / (double) l->units;
  *si_sum = sum;
  interp_results_add (results, "selectivity-mean", l->name, mean);
  interp_results_add (results, "selectivity-median", l->name, median_of (si, l->units));
  interp_results_add (results, "silent-units", l->name, (double) silent);
  interp_results_add (results, "negative-units", l->name, (double) negative);
  interp_results_add_array (results, "selectivity-histogram", l->name, hist, HISTOGRAM_BINS);
  interp_results_add_array (results, "selectivity-units", l->name, si, (size_t) l->units);
  if (section)
    append_top_units (self, l, si, preferred, section);
  g_free (mu);
  g_free (si);
  g_free (preferred);
  return mean;
}

static gboolean
selectivity_finish (gpointer p, InterpResults *results, GError **error)
{
  Selectivity *self = p;
  gboolean *present = g_new0 (gboolean, (size_t) self->n_classes);
  int n_present = 0;
  for (int k = 0; k < self->n_classes; k++)
    {
      present[k] = self->counts[k] > 0;
      n_present += present[k];
    }
  if (n_present < 2)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                   "%s: class selectivity needs samples of at least 2 classes, got %d",
                   self->where, n_present);
      g_free (present);
      return FALSE;
    }
  /* The report section describes clean data only. */
  const char *condition = self->ctx ? interp_context_condition (self->ctx) : NULL;
  GString *section = condition && g_str_equal (condition, "clean") ? g_string_new (NULL) : NULL;
  /* layers: total sums the layer means (the order of the code before
   * `average` existed); units: all units' SI over their count. */
  double total = 0.0, unit_sum = 0.0;
  int64_t units = 0;
  for (guint i = 0; i < self->layers->len; i++)
    {
      SelectivityLayer *l = &g_array_index (self->layers, SelectivityLayer, i);
      double s;
      total += finish_layer (self, l, present, results, section, &s);
      unit_sum += s;
      units += l->units;
    }
  interp_results_add (results, "selectivity-mean", "",
                      self->by_units ? unit_sum / (double) units : total / self->layers->len);
  if (section)
    {
      write_section (self, section);
      g_string_free (section, TRUE);
    }
  g_free (present);
  return TRUE;
}

/* The declared ranges are those of post-ReLU nodes, which the report's axes
 * show; on a node with negative values SI may leave [0, 1] (see the top of
 * the file) and the histogram puts such values in its end bins. */
static const InterpMetricOutput selectivity_outputs[] = {
  { .name = "selectivity-mean", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Mean class selectivity index per layer",
    .unit = "index", .min = 0.0, .max = 1.0, .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "selectivity-median", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Median class selectivity index per layer", .unit = "index",
    .min = 0.0, .max = 1.0, .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "silent-units", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Silent units per layer (never activated)", .unit = "count",
    .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "negative-units", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Units with a negative class mean per layer", .unit = "count",
    .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "selectivity-histogram", .kind = INTERP_OUTPUT_HISTOGRAM,
    .description = "Distribution of unit selectivity",
    .unit = "index", .min = 0.0, .max = 1.0, .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "selectivity-units", .kind = INTERP_OUTPUT_VALUES,
    .description = "Class selectivity index of every unit", .unit = "index",
    .min = 0.0, .max = 1.0, .higher_is_better = INTERP_BETTER_NEITHER },
  { 0 }
};

static const InterpMetricVTable selectivity_vtable = {
  INTERP_VTABLE_SIZE (InterpMetricVTable),
  .create = selectivity_create,
  .destroy = selectivity_destroy,
  .reset = selectivity_reset,
  .update = selectivity_update,
  .finish = selectivity_finish,
  .outputs = selectivity_outputs,
};

const InterpComponent interp_metric_class_selectivity = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "class-selectivity",
  .description = "Class selectivity index (Leavitt & Morcos 2021) of every unit of the "
                 "matched layers: per-layer mean, median, silent units and histogram.",
  .params = selectivity_params, .vtable = &selectivity_vtable);
