/* What the saliency stage and its checks share (saliency-stage.h): maps of
 * a set of images in bounded batches, predictions and class probabilities,
 * and the rows they record. */
#include "config.h"

#include "runner/saliency-stage.h"

#include <math.h>
#include <string.h>

#include "util/error-prefix.h"

/* Images [first, first + n) of a batch tensor, as a view (borrowed data). */
static InterpTensor
batch_view (const InterpTensor *all, int64_t first, int64_t n)
{
  InterpTensor v = { .ndim = all->ndim };
  memcpy (v.shape, all->shape, sizeof v.shape);
  v.shape[0] = n;
  int64_t per = interp_tensor_sample_size (all);
  v.numel = (size_t) (n * per);
  v.capacity = v.numel;
  v.data = all->data + (size_t) (first * per);
  return v;
}

gboolean
interp_saliency_maps (const InterpSaliencyMethod *m, InterpNet *net, const InterpTensor *images,
                      const int32_t *targets, int64_t batch, const char *what,
                      InterpContext *ctx, InterpTensor *maps, double *delta, GError **error)
{
  g_return_val_if_fail (batch > 0, FALSE);
  const int64_t n = images->shape[0];
  interp_tensor_reshape (maps, images->ndim, images->shape);
  InterpTensor *out = interp_tensor_new_4d (1, 1, 1, 1);
  gboolean ok = TRUE;
  for (int64_t first = 0, b = 0; ok && first < n; first += batch, b++)
    {
      int64_t k = MIN (batch, n - first);
      InterpTensor x = batch_view (images, first, k);
      char *stream = g_strdup_printf ("%s/%s/batch-%" G_GINT64_FORMAT, m->stage->group, what, b);
      InterpRng rng;
      interp_context_rng (ctx, stream, &rng);
      g_free (stream);
      ok = m->vtable->attribute (m->instance, net, &x, targets + first, &rng, out,
                                 delta ? delta + first : NULL, error);
      if (ok && out->numel != x.numel)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                       "attribute() wrote %zu values for a batch of %zu input values",
                       out->numel, x.numel);
          ok = FALSE;
        }
      if (ok)
        memcpy (maps->data + (size_t) first * (x.numel / (size_t) k), out->data,
                x.numel * sizeof (float));
    }
  interp_tensor_free (out);
  if (!ok)
    interp_error_prefix_group (error, m->stage->group);
  return ok;
}

/* The output node's logits of one batch (N x K view of the network's buffer). */
static gboolean
batch_logits (InterpNet *net, const InterpTensor *x, const InterpTensor **logits, GError **error)
{
  if (!interp_net_forward (net, x, error))
    return FALSE;
  *logits = interp_net_value (net, interp_net_output_node (net));
  return TRUE;
}

gboolean
interp_saliency_predict (InterpNet *net, const InterpTensor *images, int64_t batch,
                         int32_t *top1, GError **error)
{
  const int64_t n = images->shape[0];
  for (int64_t first = 0; first < n; first += batch)
    {
      int64_t k = MIN (batch, n - first);
      InterpTensor x = batch_view (images, first, k);
      const InterpTensor *z;
      if (!batch_logits (net, &x, &z, error))
        return FALSE;
      int64_t classes = (int64_t) z->numel / k;
      for (int64_t i = 0; i < k; i++)
        {
          const float *row = z->data + i * classes;
          int32_t best = 0;
          for (int64_t c = 1; c < classes; c++)
            if (row[c] > row[best])   /* first of equal maxima, as torch.argmax */
              best = (int32_t) c;
          top1[first + i] = best;
        }
    }
  return TRUE;
}

gboolean
interp_saliency_class_probability (InterpNet *net, const InterpTensor *images,
                                   const int32_t *cls, int64_t batch, double *prob,
                                   GError **error)
{
  const int64_t n = images->shape[0];
  for (int64_t first = 0; first < n; first += batch)
    {
      int64_t k = MIN (batch, n - first);
      InterpTensor x = batch_view (images, first, k);
      const InterpTensor *z;
      if (!batch_logits (net, &x, &z, error))
        return FALSE;
      int64_t classes = (int64_t) z->numel / k;
      for (int64_t i = 0; i < k; i++)
        {
          /* Softmax with the maximum subtracted, in double. */
          const float *row = z->data + i * classes;
          double mx = row[0], sum = 0.0;
          for (int64_t c = 1; c < classes; c++)
            mx = MAX (mx, (double) row[c]);
          for (int64_t c = 0; c < classes; c++)
            sum += exp ((double) row[c] - mx);
          prob[first + i] = exp ((double) row[cls[first + i]] - mx) / sum;
        }
    }
  return TRUE;
}

static JsonObject *
row_object (const char *metric, const char *target, const char *perturbation, const char *level)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "metric", metric);
  json_object_set_string_member (o, "target", target ? target : "");
  json_object_set_string_member (o, "perturbation", perturbation);
  json_object_set_string_member (o, "level", level ? level : "");
  return o;
}

void
interp_saliency_add_row (JsonArray *rows, const char *metric, const char *target,
                         const char *perturbation, const char *level, double value)
{
  JsonObject *o = row_object (metric, target, perturbation, level);
  /* JSON has no NaN: a non-finite value is written as null. */
  if (isfinite (value))
    json_object_set_double_member (o, "value", value);
  else
    json_object_set_null_member (o, "value");
  json_array_add_object_element (rows, o);
}

void
interp_saliency_add_array (JsonArray *arrays, const char *metric, const char *target,
                           const char *perturbation, const char *level, const double *values,
                           size_t n)
{
  JsonObject *o = row_object (metric, target, perturbation, level);
  JsonArray *v = json_array_sized_new ((guint) n);
  for (size_t k = 0; k < n; k++)
    if (isfinite (values[k]))
      json_array_add_double_element (v, values[k]);
    else
      json_array_add_null_element (v);
  json_object_set_array_member (o, "values", v);
  json_array_add_object_element (arrays, o);
}
