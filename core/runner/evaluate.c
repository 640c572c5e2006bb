#include "config.h"

#include "runner/evaluate.h"

#include <math.h>
#include <string.h>

#include "host/context-private.h"
#include <interp/progress.h>
#include "host/results-private.h"
#include "runner/examples.h"
#include "runner/metric-names.h"
#include "runner/minimal-epsilon.h"
#include "util/error-prefix.h"

typedef enum { PERTURB_NONE, PERTURB_CORRUPTION, PERTURB_ATTACK } PerturbKind;

typedef struct {
  PerturbKind kind;
  const InterpStage *stage;
  gpointer instance;
  double level;
  char level_text[G_ASCII_DTOSTR_BUF_SIZE];
} Condition;

/* Appends a metric's results as rows and arrays, each name after the
 * instance's `prefix` (metric-names.h). */
static void
record (const InterpResults *results, const char *prefix, const Condition *c, JsonArray *rows,
        JsonArray *arrays)
{
  const char *perturbation = c->kind == PERTURB_NONE ? "clean" : c->stage->group;
  const char *level = c->kind == PERTURB_NONE ? "" : c->level_text;
  for (guint i = 0; i < interp_results_n_rows (results); i++)
    {
      const InterpResultRow *r = interp_results_row (results, i);
      JsonObject *o = json_object_new ();
      char *name = g_strconcat (prefix, r->metric, NULL);
      json_object_set_string_member (o, "metric", name);
      g_free (name);
      json_object_set_string_member (o, "target", r->target);
      json_object_set_string_member (o, "perturbation", perturbation);
      json_object_set_string_member (o, "level", level);
      /* JSON has no NaN: a non-finite value is written as null. */
      if (isfinite (r->value))
        json_object_set_double_member (o, "value", r->value);
      else
        json_object_set_null_member (o, "value");
      json_array_add_object_element (rows, o);
    }
  for (guint i = 0; i < interp_results_n_arrays (results); i++)
    {
      const InterpResultArray *a = interp_results_array (results, i);
      JsonObject *o = json_object_new ();
      char *name = g_strconcat (prefix, a->metric, NULL);
      json_object_set_string_member (o, "metric", name);
      g_free (name);
      json_object_set_string_member (o, "target", a->target);
      json_object_set_string_member (o, "perturbation", perturbation);
      json_object_set_string_member (o, "level", level);
      JsonArray *v = json_array_sized_new (a->values->len);
      for (guint k = 0; k < a->values->len; k++)
        {
          double x = g_array_index (a->values, double, k);
          if (isfinite (x))
            json_array_add_double_element (v, x);
          else
            json_array_add_null_element (v);
        }
      json_object_set_array_member (o, "values", v);
      json_array_add_object_element (arrays, o);
    }
}

/* A one-image view into a batch tensor (borrowed data). */
static InterpTensor
image_view (const InterpTensor *batch, int64_t i)
{
  InterpTensor v = { .ndim = batch->ndim };
  memcpy (v.shape, batch->shape, sizeof v.shape);
  v.shape[0] = 1;
  v.numel = interp_tensor_sample_size (batch);
  v.capacity = v.numel;
  v.data = batch->data + (size_t) i * v.numel;
  return v;
}

static gboolean
perturb_batch (const Condition *c, InterpNet *net, const InterpTensor *x, const int32_t *labels,
               int64_t first_index, int64_t batch_index, InterpContext *ctx, InterpTensor *out,
               GError **error)
{
  interp_tensor_copy_into (out, x);
  if (c->kind == PERTURB_CORRUPTION)
    {
      const InterpCorruptionVTable *vt = c->stage->entry->component->vtable;
      /* Images are independent (each has its own stream), so they are
       * corrupted on the interp threads; corruption.h makes apply re-entrant.
       * Of several failures the lowest image's error is reported, so the
       * message does not depend on the threads either. */
      const int64_t n = x->shape[0];
      int64_t failed_at = n;
      GError *first = NULL;
      #pragma omp parallel for schedule(dynamic, 4) if (n > 1)
      for (int64_t i = 0; i < n; i++)
        {
          InterpTensor in = image_view (x, i), res = image_view (out, i);
          char *stream = g_strdup_printf ("%s/%s/%" G_GINT64_FORMAT, c->stage->group,
                                          c->level_text, first_index + i);
          InterpRng rng;
          interp_context_rng (ctx, stream, &rng);
          g_free (stream);
          GError *e = NULL;
          gboolean ok = INTERP_CORRUPTION_HAS_APPLY_INDEXED (vt)
                          ? vt->apply_indexed (c->instance, &in, first_index + i, labels[i],
                                               c->level, &rng, &res, &e)
                          : vt->apply (c->instance, &in, c->level, &rng, &res, &e);
          if (!ok)
            {
              #pragma omp critical (interp_perturb_error)
              {
                if (i < failed_at)
                  {
                    failed_at = i;
                    g_clear_error (&first);
                    first = e;
                    e = NULL;
                  }
              }
              g_clear_error (&e);
            }
        }
      if (first != NULL)
        {
          g_propagate_error (error, first);
          return FALSE;
        }
    }
  else if (c->kind == PERTURB_ATTACK)
    {
      const InterpAttackVTable *vt = c->stage->entry->component->vtable;
      char *stream = g_strdup_printf ("%s/%s/batch-%" G_GINT64_FORMAT, c->stage->group,
                                      c->level_text, batch_index);
      InterpRng rng;
      interp_context_rng (ctx, stream, &rng);
      g_free (stream);
      const int64_t n = x->shape[0];
      double *eps = g_new (double, n);
      for (int64_t i = 0; i < n; i++)
        eps[i] = c->level;
      gboolean ok = vt->perturb (c->instance, net, x, labels, eps, &rng, out, error);
      g_free (eps);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* The first `n_examples` perturbed test images of a condition, for the
 * report (examples.h): as fed to the network for clean and corruptions, with
 * the amplified perturbation for attacks (each image's scale appended to
 * `scales`); nothing without an output folder (--check). */
static gboolean
save_examples (const Condition *c, InterpContext *ctx, const InterpTensor *x,
               const InterpTensor *xp, int64_t first_index, int64_t n_examples, GArray *scales,
               GError **error)
{
  const char *dir = interp_context_output_dir (ctx);
  if (dir == NULL || first_index >= n_examples)
    return TRUE;
  if (c->kind == PERTURB_ATTACK)
    return interp_attack_examples_write (dir, c->stage->group, c->level_text, x, xp,
                                         first_index, n_examples, scales, error);
  return interp_examples_write (dir, c->kind == PERTURB_NONE ? NULL : c->stage->group,
                                c->level_text, xp, first_index, n_examples, error);
}

/* Whether a metric's `perturbations` key (kinds.c) selects the condition. */
static gboolean
metric_runs_on (const InterpMetricInstance *mi, const Condition *c)
{
  const char *name = c->kind == PERTURB_NONE ? "clean" : c->stage->group;
  size_t n = 0;
  const char *const *globs = interp_params_get_string_list (mi->stage->common, "perturbations",
                                                            &n);
  for (size_t i = 0; i < n; i++)
    if (g_pattern_match_simple (globs[i], name))
      return TRUE;
  return FALSE;
}

/* One condition on `split` (TEST for the evaluation).  `what`: the
 * progress label, NULL for "evaluate CONDITION".  With `select`, only the
 * metrics whose `perturbations` select the condition run. */
static gboolean
run_condition (const Condition *c, InterpNet *net, InterpData *data, InterpSplit split,
               GPtrArray *all_metrics, gboolean select, const char *what_label, int64_t batch,
               int64_t n_examples, InterpContext *ctx, JsonArray *rows, JsonArray *arrays,
               GError **error)
{
  g_autoptr (GPtrArray) metrics = g_ptr_array_new ();
  for (guint m = 0; m < all_metrics->len; m++)
    {
      InterpMetricInstance *mi = g_ptr_array_index (all_metrics, m);
      if (!select || metric_runs_on (mi, c))
        g_ptr_array_add (metrics, mi);
    }
  if (metrics->len == 0)
    return TRUE;
  for (guint m = 0; m < metrics->len; m++)
    {
      InterpMetricInstance *mi = g_ptr_array_index (metrics, m);
      if (mi->vtable->reset)
        mi->vtable->reset (mi->instance);
    }
  char *condition = c->kind == PERTURB_NONE
                      ? g_strdup ("clean")
                      : g_strdup_printf ("%s@%s", c->stage->group, c->level_text);
  interp_context_set_condition (ctx, condition);
  g_free (condition);
  char *what = what_label ? g_strdup (what_label)
               : c->kind == PERTURB_NONE
                 ? g_strdup ("evaluate clean")
                 : g_strdup_printf ("evaluate %s @ %s", c->stage->group, c->level_text);
  int64_t total = interp_data_size (data, split);
  InterpProgress *progress = interp_progress_new (what, (guint64) total, "img");
  g_free (what);
  InterpDataIter *it = interp_data_iter_new (data, split, batch, FALSE, 0);
  InterpTensor *x = interp_tensor_new_4d (1, 1, 1, 1);
  InterpTensor *xp = interp_tensor_new_4d (1, 1, 1, 1);
  const int32_t *labels;
  int64_t n, seen = 0, batch_index = 0;
  gboolean ok = TRUE;
  GArray *scales = g_array_new (FALSE, FALSE, sizeof (double));
  while (ok && (n = interp_data_iter_next (it, x, &labels, error)) > 0)
    {
      ok = perturb_batch (c, net, x, labels, seen, batch_index, ctx, xp, error)
           && save_examples (c, ctx, x, xp, seen, n_examples, scales, error)
           && interp_net_forward (net, xp, error);
      interp_context_set_clean_batch (ctx, x);
      for (guint m = 0; ok && m < metrics->len; m++)
        {
          InterpMetricInstance *mi = g_ptr_array_index (metrics, m);
          ok = mi->vtable->update (mi->instance, net, xp, labels, error);
          if (!ok)
            interp_error_prefix_group (error, mi->stage->group);
        }
      interp_context_set_clean_batch (ctx, NULL);
      seen += n;
      batch_index++;
      interp_progress_update (progress, (guint64) seen, NULL);
    }
  if (n < 0)
    ok = FALSE;
  if (ok && scales->len > 0)
    ok = interp_attack_examples_write_scales (interp_context_output_dir (ctx), c->stage->group,
                                              c->level_text, scales, error);
  g_array_unref (scales);
  interp_progress_finish (progress, ok ? NULL : "failed");
  interp_data_iter_free (it);
  interp_tensor_free (x);
  interp_tensor_free (xp);

  InterpResults *results = interp_results_new ();
  for (guint m = 0; ok && m < metrics->len; m++)
    {
      InterpMetricInstance *mi = g_ptr_array_index (metrics, m);
      interp_results_clear (results);
      char *component = g_strdup_printf ("metric:%s", mi->stage->entry->component->name);
      interp_results_expect (results, component, mi->vtable->outputs);
      g_free (component);
      ok = mi->vtable->finish (mi->instance, results, error)
           && interp_results_check (results, error);
      if (!ok)
        interp_error_prefix_group (error, mi->stage->group);
      else
        record (results, interp_metric_prefix (mi->stage), c, rows, arrays);
    }
  interp_results_free (results);
  interp_context_set_condition (ctx, NULL);
  return ok;
}

static const double *
level_values (const InterpStage *s, const char *level_key, size_t *n)
{
  return interp_params_get_double_list (s->params, level_key, n);
}

gboolean
interp_evaluate (const InterpPipeline *p, InterpNet *net, InterpData *data, GPtrArray *metrics,
                 InterpContext *ctx, JsonArray *rows, JsonArray *arrays, GError **error)
{
  int64_t batch = interp_params_get_int (p->train, "eval-batch-size");
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  interp_net_set_input_grad (net, TRUE);
  GPtrArray *lists[] = { interp_pipeline_instances (p, INTERP_KIND_CORRUPTION),
                         interp_pipeline_instances (p, INTERP_KIND_ATTACK) };
  /* Clean examples are only the first column of the corruption grids. */
  int64_t n_examples = lists[0]->len
                         ? interp_params_get_int (p->pipeline, "corruption-examples") : 0;
  int64_t n_attack_examples = interp_params_get_int (p->pipeline, "attack-examples");
  Condition clean = { .kind = PERTURB_NONE };
  if (!run_condition (&clean, net, data, INTERP_SPLIT_TEST, metrics, TRUE, NULL, batch,
                      n_examples, ctx, rows, arrays, error))
    return FALSE;

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        const InterpStage *s = g_ptr_array_index (lists[l], i);
        Condition c = { .kind = l == 0 ? PERTURB_CORRUPTION : PERTURB_ATTACK, .stage = s };
        const char *level_key;
        gpointer (*create) (const InterpParams *, InterpContext *, GError **);
        void (*destroy) (gpointer);
        if (l == 0)
          {
            const InterpCorruptionVTable *vt = s->entry->component->vtable;
            level_key = vt->level_key;
            create = vt->create;
            destroy = vt->destroy;
          }
        else
          {
            const InterpAttackVTable *vt = s->entry->component->vtable;
            level_key = vt->level_key;
            create = vt->create;
            destroy = vt->destroy;
          }
        c.instance = create (s->params, ctx, error);
        if (c.instance == NULL)
          {
            interp_error_prefix_group (error, s->group);
            return FALSE;
          }
        size_t n_levels = 0;
        const double *levels = level_values (s, level_key, &n_levels);
        gboolean ok = TRUE;
        for (size_t k = 0; ok && k < n_levels; k++)
          {
            c.level = levels[k];
            g_ascii_formatd (c.level_text, sizeof c.level_text, "%.6g", levels[k]);
            ok = run_condition (&c, net, data, INTERP_SPLIT_TEST, metrics, TRUE, NULL, batch,
                                l == 0 ? n_examples : n_attack_examples, ctx, rows, arrays,
                                error);
          }
        if (ok && l == 1 && interp_minimal_epsilon_wanted (s))
          ok = interp_minimal_epsilon_run (s, c.instance, net, data, batch, ctx, rows, arrays,
                                           error);
        destroy (c.instance);
        if (!ok)
          return FALSE;
      }
  return TRUE;
}

gboolean
interp_evaluate_clean_split (InterpNet *net, InterpData *data, InterpSplit split,
                             GPtrArray *metrics, int64_t batch, const char *what,
                             InterpContext *ctx, JsonArray *rows, JsonArray *arrays,
                             GError **error)
{
  Condition clean = { .kind = PERTURB_NONE };
  return run_condition (&clean, net, data, split, metrics, FALSE, what, batch, 0, ctx, rows,
                        arrays, error);
}
