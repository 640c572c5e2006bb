/* Each test image's minimal adversarial epsilon (contract in minimal-epsilon.h). */
#include "config.h"

#include "runner/minimal-epsilon.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <interp/error.h>
#include <interp/progress.h>

#include "host/context-private.h"
#include "util/error-prefix.h"

const InterpMetricOutput interp_minimal_epsilon_outputs[] = {
  { .name = "minimal-epsilon-median", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Median minimal adversarial epsilon over the test images (robust images "
                   "count as the largest epsilon)",
    .unit = "epsilon", .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_HIGHER },
  { .name = "minimal-epsilon-robust", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Fraction of test images the attack cannot fool at its largest epsilon",
    .unit = "fraction", .min = 0.0, .max = 1.0, .higher_is_better = INTERP_BETTER_HIGHER },
  { .name = "minimal-epsilon", .kind = INTERP_OUTPUT_VALUES,
    .description = "Minimal adversarial epsilon of each test image, in test order (null: "
                   "robust at the largest epsilon)",
    .unit = "epsilon", .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_HIGHER },
  { 0 }
};

gboolean
interp_minimal_epsilon_wanted (const InterpStage *attack)
{
  return interp_params_get_bool (attack->common, "minimal-epsilon");
}

/* First of equal maxima, as torch.argmax. */
static int32_t
argmax (const float *z, int64_t k)
{
  int32_t best = 0;
  for (int64_t j = 1; j < k; j++)
    if (z[j] > z[best])
      best = (int32_t) j;
  return best;
}

/* wrong[i] = the network's prediction for image i of xb differs from labels[i]. */
static gboolean
predict_wrong (InterpNet *net, const InterpTensor *xb, const int32_t *labels, gboolean *wrong,
               GError **error)
{
  if (!interp_net_forward (net, xb, error))
    return FALSE;
  const InterpTensor *z = interp_net_value (net, interp_net_output_node (net));
  const int64_t n = xb->shape[0];
  if (z->ndim != 2 || z->shape[0] != n)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
                   "minimal-epsilon: the network's output is not N x classes");
      return FALSE;
    }
  const int64_t k = z->shape[1];
  for (int64_t i = 0; i < n; i++)
    wrong[i] = argmax (z->data + i * k, k) != labels[i];
  return TRUE;
}

static gboolean
attack_call (const InterpMinimalSearch *s, InterpNet *net, const InterpTensor *x,
             const int32_t *labels, const double *eps, int64_t batch_index, int step,
             InterpContext *ctx, InterpTensor *x_adv, GError **error)
{
  char *stream = g_strdup_printf ("%s/minimal/batch-%" G_GINT64_FORMAT "/step-%d", s->group,
                                  batch_index, step);
  InterpRng rng;
  interp_context_rng (ctx, stream, &rng);
  g_free (stream);
  interp_tensor_copy_into (x_adv, x);
  return s->vtable->perturb (s->instance, net, x, labels, eps, &rng, x_adv, error);
}

gboolean
interp_minimal_epsilon_batch (const InterpMinimalSearch *s, InterpNet *net,
                              const InterpTensor *x, const int32_t *labels, int64_t batch_index,
                              InterpContext *ctx, double *out, GError **error)
{
  const int64_t n = x->shape[0];
  const size_t d = interp_tensor_sample_size (x);
  InterpAttackInfo info = { 0 };
  s->vtable->describe (s->instance, &info);
  gboolean *wrong = g_new (gboolean, n);
  /* lo: a budget that did not fool image i; hi: one that did. */
  double *eps = g_new (double, n), *lo = g_new (double, n), *hi = g_new (double, n);
  gboolean *open = g_new (gboolean, n);
  InterpTensor *x_adv = interp_tensor_new (x->ndim, x->shape);
  gboolean ok = predict_wrong (net, x, labels, wrong, error);
  for (int64_t i = 0; ok && i < n; i++)
    {
      out[i] = wrong[i] ? 0.0 : INFINITY;
      eps[i] = wrong[i] ? 0.0 : s->eps_max;
    }
  /* Step 0: every image still right at E is robust. */
  ok = ok && attack_call (s, net, x, labels, eps, batch_index, 0, ctx, x_adv, error)
       && predict_wrong (net, x_adv, labels, wrong, error);
  for (int64_t i = 0; ok && i < n; i++)
    {
      open[i] = FALSE;
      if (out[i] == 0.0 || !wrong[i])
        continue;
      if (info.flags & INTERP_ATTACK_MINIMAL_NORM)
        out[i] = interp_perturbation_norm (info.norm, x_adv->data + (size_t) i * d,
                                           x->data + (size_t) i * d, d);
      else
        {
          out[i] = s->eps_max;
          lo[i] = 0.0;
          hi[i] = s->eps_max;
          open[i] = TRUE;
        }
    }
  if (!(info.flags & INTERP_ATTACK_MINIMAL_NORM))
    for (int step = 1; ok && step <= s->steps; step++)
      {
        for (int64_t i = 0; i < n; i++)
          eps[i] = open[i] ? 0.5 * (lo[i] + hi[i]) : 0.0;
        ok = attack_call (s, net, x, labels, eps, batch_index, step, ctx, x_adv, error)
             && predict_wrong (net, x_adv, labels, wrong, error);
        for (int64_t i = 0; ok && i < n; i++)
          if (open[i])
            {
              if (wrong[i])
                hi[i] = eps[i];
              else
                lo[i] = eps[i];
              out[i] = hi[i];
            }
      }
  interp_tensor_free (x_adv);
  g_free (open);
  g_free (hi);
  g_free (lo);
  g_free (eps);
  g_free (wrong);
  return ok;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
add_row (JsonArray *rows, const char *metric, const char *group, double value)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "metric", metric);
  json_object_set_string_member (o, "target", "");
  json_object_set_string_member (o, "perturbation", group);
  json_object_set_string_member (o, "level", "");
  /* Both values are finite by construction (n > 0). */
  json_object_set_double_member (o, "value", value);
  json_array_add_object_element (rows, o);
}

void
interp_minimal_epsilon_record (const char *group, const double *values, size_t n,
                               double eps_max, JsonArray *rows, JsonArray *arrays)
{
  g_return_if_fail (n > 0);
  double *sorted = g_new (double, n);
  size_t robust = 0;
  for (size_t i = 0; i < n; i++)
    {
      robust += isinf (values[i]);
      sorted[i] = isinf (values[i]) ? eps_max : values[i];
    }
  qsort (sorted, n, sizeof *sorted, compare_doubles);
  double median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  g_free (sorted);
  add_row (rows, "minimal-epsilon-median", group, median);
  add_row (rows, "minimal-epsilon-robust", group, (double) robust / (double) n);

  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "metric", "minimal-epsilon");
  json_object_set_string_member (o, "target", "");
  json_object_set_string_member (o, "perturbation", group);
  json_object_set_string_member (o, "level", "");
  JsonArray *v = json_array_sized_new ((guint) n);
  for (size_t i = 0; i < n; i++)
    if (isfinite (values[i]))
      json_array_add_double_element (v, values[i]);
    else
      json_array_add_null_element (v);
  json_object_set_array_member (o, "values", v);
  json_array_add_object_element (arrays, o);
}

gboolean
interp_minimal_epsilon_check (const InterpPipeline *p, GError **error)
{
  const GPtrArray *attacks = interp_pipeline_instances (p, INTERP_KIND_ATTACK);
  for (guint i = 0; i < attacks->len; i++)
    {
      const InterpStage *a = g_ptr_array_index (attacks, i);
      if (!interp_minimal_epsilon_wanted (a))
        continue;
      const InterpAttackVTable *vt = a->entry->component->vtable;
      size_t n = 0;
      const double *levels = interp_params_get_double_list (a->params, vt->level_key, &n);
      double hi = 0.0;
      for (size_t k = 0; k < n; k++)
        hi = MAX (hi, levels[k]);
      if (!(hi > 0.0) || !isfinite (hi))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: [%s] minimal-epsilon: the largest %s is %g; the search runs on "
                       "(0, largest %s], so give a positive finite one or set "
                       "minimal-epsilon = false", p->path, a->group, vt->level_key, hi,
                       vt->level_key);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
interp_minimal_epsilon_run (const InterpStage *attack, gpointer instance, InterpNet *net,
                            InterpData *data, int64_t batch, InterpContext *ctx, JsonArray *rows,
                            JsonArray *arrays, GError **error)
{
  const InterpAttackVTable *vt = attack->entry->component->vtable;
  size_t n_levels = 0;
  const double *levels = interp_params_get_double_list (attack->params, vt->level_key,
                                                        &n_levels);
  InterpMinimalSearch s = { .vtable = vt, .instance = instance, .group = attack->group,
                            .eps_max = 0.0,
                            .steps = (int) interp_params_get_int (attack->common,
                                                                  "minimal-epsilon-steps") };
  for (size_t k = 0; k < n_levels; k++)
    s.eps_max = MAX (s.eps_max, levels[k]);
  /* interp_minimal_epsilon_check made sure of this before the run. */
  g_return_val_if_fail (s.eps_max > 0.0 && isfinite (s.eps_max), FALSE);
  char *condition = g_strdup_printf ("%s@minimal", attack->group);
  interp_context_set_condition (ctx, condition);
  g_free (condition);
  char *what = g_strdup_printf ("minimal epsilon %s", attack->group);
  int64_t total = interp_data_size (data, INTERP_SPLIT_TEST);
  InterpProgress *progress = interp_progress_new (what, (guint64) total, "img");
  g_free (what);
  GArray *values = g_array_sized_new (FALSE, FALSE, sizeof (double), (guint) MAX (total, 1));
  InterpDataIter *it = interp_data_iter_new (data, INTERP_SPLIT_TEST, batch, FALSE, 0);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 1, 1);
  const int32_t *labels;
  int64_t n, batch_index = 0;
  gboolean ok = TRUE;
  while (ok && (n = interp_data_iter_next (it, x, &labels, error)) > 0)
    {
      g_array_set_size (values, values->len + (guint) n);
      double *out = &g_array_index (values, double, values->len - (guint) n);
      ok = interp_minimal_epsilon_batch (&s, net, x, labels, batch_index++, ctx, out, error);
      interp_progress_update (progress, (guint64) values->len, NULL);
    }
  if (n < 0)
    ok = FALSE;
  interp_progress_finish (progress, ok ? NULL : "failed");
  interp_data_iter_free (it);
  interp_tensor_free (x);
  if (!ok)
    interp_error_prefix_group (error, attack->group);
  else if (values->len > 0)
    interp_minimal_epsilon_record (attack->group, (const double *) values->data, values->len,
                                   s.eps_max, rows, arrays);
  g_array_unref (values);
  interp_context_set_condition (ctx, NULL);
  return ok;
}
