/* metric:accuracy -- top-k accuracy and mean cross-entropy of the logits.
 *
 * Reads the output node (N x K logits) of the forward pass the runner made
 * for each batch.  Ranking: a sample's rank is the number of classes with a
 * strictly larger logit plus the number of lower-index classes with an equal
 * one (ties go to the lower index, as an argmax that takes the first
 * maximum); it is a top-k hit when rank < k.  A NaN logit on the label is a
 * miss.  The loss is the mean softmax cross-entropy (no label smoothing),
 * computed in double with log-sum-exp. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "plugin-components.h"

typedef struct {
  char *where;          /* "file.ini: [group]" for messages */
  int n_classes;
  GArray *ks;           /* int: distinct k values, in pipeline order */
  GArray *hits;         /* gint64 per k */
  gint64 n;             /* samples seen */
  double loss_sum;      /* sum of per-sample cross-entropy */
} Accuracy;

static const InterpParamSpec accuracy_params[] = {
  { "top-k", INTERP_PARAM_INT_LIST, "1",
    "ranks to report: k = 1 gives 'accuracy', k = 5 'top5-accuracy', ...", 1, 1000, NULL },
  { 0 }
};

static void
accuracy_destroy (gpointer p)
{
  Accuracy *self = p;
  if (self == NULL)
    return;
  g_free (self->where);
  g_array_unref (self->ks);
  g_array_unref (self->hits);
  g_free (self);
}

static gpointer
accuracy_create (const InterpParams *params, InterpNet *net, const InterpDataInfo *data,
                 InterpContext *ctx, GError **error)
{
  const char *where = interp_params_where (params);
  int out = interp_net_output_node (net);
  int64_t shape[3];
  if (interp_net_node_shape (net, out, shape) != 1)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: the network output '%s' is not a vector of logits",
                   where, interp_net_node_name (net, out));
      return NULL;
    }
  if (data != NULL && data->n_classes != shape[0])
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: the network has %" G_GINT64_FORMAT " outputs but the data %d classes",
                   where, shape[0], data->n_classes);
      return NULL;
    }

  Accuracy *self = g_new0 (Accuracy, 1);
  self->where = g_strdup (where);
  self->n_classes = (int) shape[0];
  self->ks = g_array_new (FALSE, FALSE, sizeof (int));
  self->hits = g_array_new (FALSE, TRUE, sizeof (gint64));

  size_t nk;
  const gint64 *ks = interp_params_get_int_list (params, "top-k", &nk);
  for (size_t i = 0; i < nk; i++)
    {
      if (ks[i] > self->n_classes)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                       "%s: key 'top-k': %" G_GINT64_FORMAT " exceeds the %d classes",
                       where, ks[i], self->n_classes);
          accuracy_destroy (self);
          return NULL;
        }
      gboolean seen = FALSE;
      for (guint j = 0; j < self->ks->len; j++)
        seen |= g_array_index (self->ks, int, j) == ks[i];
      if (!seen)
        {
          int k = (int) ks[i];
          g_array_append_val (self->ks, k);
        }
    }
  g_array_set_size (self->hits, self->ks->len);
  return self;
}

static void
accuracy_reset (gpointer p)
{
  Accuracy *self = p;
  memset (self->hits->data, 0, sizeof (gint64) * self->hits->len);
  self->n = 0;
  self->loss_sum = 0.0;
}

/* Rank of class `label` among the logits z[0..K), ties to the lower index. */
static int
label_rank (const float *z, int K, int label)
{
  float zy = z[label];
  if (isnan (zy))
    return K;
  int rank = 0;
  for (int j = 0; j < K; j++)
    rank += z[j] > zy || (j < label && z[j] == zy);
  return rank;
}

static double
cross_entropy (const float *z, int K, int label)
{
  double m = -INFINITY;
  for (int j = 0; j < K; j++)
    m = fmax (m, z[j]);
  double s = 0.0;
  for (int j = 0; j < K; j++)
    s += exp ((double) z[j] - m);
  return m + log (s) - (double) z[label];
}

static gboolean
accuracy_update (gpointer p, InterpNet *net, const InterpTensor *x, const int32_t *labels,
                 GError **error)
{
  Accuracy *self = p;
  const InterpTensor *logits = interp_net_value (net, interp_net_output_node (net));
  int64_t n = logits->shape[0];
  int K = self->n_classes;
  if (logits->ndim != 2 || logits->shape[1] != K || (x != NULL && x->shape[0] != n))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: logits do not fit the batch (N x %d expected)", self->where, K);
      return FALSE;
    }
  for (int64_t i = 0; i < n; i++)
    if (labels[i] < 0 || labels[i] >= K)
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                     "%s: label %d of sample %" G_GINT64_FORMAT " is outside [0, %d)",
                     self->where, (int) labels[i], i, K);
        return FALSE;
      }

  for (int64_t i = 0; i < n; i++)
    {
      const float *z = logits->data + i * K;
      int rank = label_rank (z, K, labels[i]);
      for (guint j = 0; j < self->ks->len; j++)
        g_array_index (self->hits, gint64, j) += rank < g_array_index (self->ks, int, j);
      self->loss_sum += cross_entropy (z, K, labels[i]);
    }
  self->n += n;
  return TRUE;
}

static gboolean
accuracy_finish (gpointer p, InterpResults *results, GError **error)
{
  Accuracy *self = p;
  if (self->n == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                   "%s: accuracy of an empty test set", self->where);
      return FALSE;
    }
  for (guint j = 0; j < self->ks->len; j++)
    {
      int k = g_array_index (self->ks, int, j);
      double acc = (double) g_array_index (self->hits, gint64, j) / (double) self->n;
      if (k == 1)
        interp_results_add (results, "accuracy", "", acc);
      else
        {
          char name[32];
          g_snprintf (name, sizeof name, "top%d-accuracy", k);
          interp_results_add (results, name, "", acc);
        }
    }
  interp_results_add (results, "loss", "", self->loss_sum / (double) self->n);
  return TRUE;
}

static const InterpMetricOutput accuracy_outputs[] = {
  { .name = "accuracy", .kind = INTERP_OUTPUT_SCALAR, .description = "Top-1 accuracy",
    .unit = "fraction correct", .min = 0.0, .max = 1.0,
    .higher_is_better = INTERP_BETTER_HIGHER },
  { .name = "top*-accuracy", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Top-k accuracy (top-k = k > 1)", .unit = "fraction correct",
    .min = 0.0, .max = 1.0, .higher_is_better = INTERP_BETTER_HIGHER },
  { .name = "loss", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Mean cross-entropy of the logits", .unit = "nats",
    .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_LOWER },
  { 0 }
};

static const InterpMetricVTable accuracy_vtable = {
  INTERP_VTABLE_SIZE (InterpMetricVTable),
  .create = accuracy_create,
  .destroy = accuracy_destroy,
  .reset = accuracy_reset,
  .update = accuracy_update,
  .finish = accuracy_finish,
  .outputs = accuracy_outputs,
};

const InterpComponent interp_metric_accuracy = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "accuracy",
  .description = "Top-k accuracy and mean cross-entropy ('loss') of the network's logits.",
  .params = accuracy_params, .vtable = &accuracy_vtable);
