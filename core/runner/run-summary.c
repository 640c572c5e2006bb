#include "config.h"

#include "runner/run-summary.h"
#include "runner/trial.h"
#include "runner/minimal-epsilon.h"
#include "runner/metric-names.h"
#include "runner/saliency-stage.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <interp/error.h>

#include "util/json.h"
#include "util/number.h"

#include "host/results-private.h"
#include "util/fs.h"
#include "stats/hypothesis.h"

static void
row_free (gpointer p)
{
  InterpSummaryRow *r = p;
  g_free (r->trial);
  g_free (r->metric);
  g_free (r->target);
  g_free (r->perturbation);
  g_free (r->level);
  if (r->swept)
    g_hash_table_unref (r->swept);
  g_free (r);
}

static void
add_rows (GPtrArray *rows, JsonArray *arr, const char *id, gint64 seed, GHashTable *swept)
{
  for (guint k = 0; k < json_array_get_length (arr); k++)
    {
      JsonObject *o = json_array_get_object_element (arr, k);
      if (o == NULL)
        continue;
      InterpSummaryRow *row = g_new0 (InterpSummaryRow, 1);
      row->trial = g_strdup (id);
      row->seed = seed;
      row->metric = g_strdup (interp_json_get_string (o, "metric", ""));
      row->target = g_strdup (interp_json_get_string (o, "target", ""));
      row->perturbation = g_strdup (interp_json_get_string (o, "perturbation", ""));
      row->level = g_strdup (interp_json_get_string (o, "level", ""));
      JsonNode *v = json_object_get_member (o, "value");
      row->value = v && JSON_NODE_HOLDS_VALUE (v) ? json_node_get_double (v) : NAN;
      row->swept = g_hash_table_ref (swept);
      g_ptr_array_add (rows, row);
    }
}

/* The "rows" of a further file of a trial, like metrics.json's. */
static gboolean
read_extra_rows (GPtrArray *rows, const char *path, const char *id, gint64 seed,
                 GHashTable *swept, GError **error)
{
  JsonParser *parser = json_parser_new ();
  GError *local = NULL;
  gboolean ok = json_parser_load_from_file (parser, path, &local);
  JsonNode *root = ok ? json_parser_get_root (parser) : NULL;
  JsonNode *r = root && JSON_NODE_HOLDS_OBJECT (root)
                ? json_object_get_member (json_node_get_object (root), "rows") : NULL;
  if (r && JSON_NODE_HOLDS_ARRAY (r))
    add_rows (rows, json_node_get_array (r), id, seed, swept);
  else
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: %s", path,
                   local ? local->message : "no \"rows\" array");
      ok = FALSE;
    }
  g_clear_error (&local);
  g_object_unref (parser);
  return ok;
}

GPtrArray *
interp_run_read_rows (const InterpPipeline *p, const char *dir, GError **error)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (row_free);
  guint n = interp_pipeline_n_trials (p);
  for (guint i = 0; i < n; i++)
    {
      char *id = g_strdup_printf ("trial-%03u", i);
      char *path = g_build_filename (dir, "trials", id, "metrics.json", NULL);
      GHashTable *swept = interp_pipeline_trial_swept (p, i);
      gint64 seed = interp_pipeline_trial_seed (p, i);
      JsonParser *parser = json_parser_new ();
      GError *local = NULL;
      gboolean ok = json_parser_load_from_file (parser, path, &local);
      JsonNode *root = ok ? json_parser_get_root (parser) : NULL;
      JsonArray *arr = NULL;
      if (ok && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonNode *r = json_object_get_member (json_node_get_object (root), "rows");
          if (r && JSON_NODE_HOLDS_ARRAY (r))
            arr = json_node_get_array (r);
        }
      if (arr == NULL)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: %s", path,
                       local ? local->message : "no \"rows\" array");
          g_clear_error (&local);
          g_object_unref (parser);
          g_hash_table_unref (swept);
          g_free (path);
          g_free (id);
          g_ptr_array_unref (rows);
          return NULL;
        }
      add_rows (rows, arr, id, seed, swept);
      g_object_unref (parser);
      /* The data randomisation check's rows (saliency-stage.h), written after
       * all trials for those trained on permuted labels. */
      char *extra = g_build_filename (dir, "trials", id, "saliency-data.json", NULL);
      gboolean ok_extra = !g_file_test (extra, G_FILE_TEST_EXISTS)
                          || read_extra_rows (rows, extra, id, seed, swept, error);
      g_free (extra);
      if (!ok_extra)
        {
          g_hash_table_unref (swept);
          g_free (path);
          g_free (id);
          g_ptr_array_unref (rows);
          return NULL;
        }
      g_hash_table_unref (swept);
      g_free (path);
      g_free (id);
    }
  return rows;
}

static void
csv_field (GString *out, const char *s)
{
  if (strpbrk (s, ",\"\n\r") == NULL)
    {
      g_string_append (out, s);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *c = s; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
}

/* %.17g round-trips a double exactly; NaN as pandas and R read it. */
static void
format_value (char *buf, size_t n, double v)
{
  if (isnan (v))
    g_strlcpy (buf, "NaN", n);
  else if (isinf (v))
    g_strlcpy (buf, v > 0 ? "Inf" : "-Inf", n);
  else
    g_ascii_formatd (buf, (int) n, "%.17g", v);
}

static void
add_bound (JsonBuilder *b, const char *key, double v)
{
  json_builder_set_member_name (b, key);
  /* JSON has no infinity; an infinite bound is no bound, as NaN is. */
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

/* One table; every name after `prefix` (an instance's, metric-names.h). */
static void
add_table (JsonBuilder *b, const char *component, const char *prefix,
           const InterpMetricOutput *outputs)
{
  for (const InterpMetricOutput *o = outputs; o->name; o++)
    {
      gboolean bounded = !(o->min >= o->max);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "component");
      json_builder_add_string_value (b, component);
      json_builder_set_member_name (b, "name");
      char *name = g_strconcat (prefix, o->name, NULL);
      json_builder_add_string_value (b, name);
      g_free (name);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, interp_output_kind_name (o->kind));
      json_builder_set_member_name (b, "description");
      /* The report titles sections by description: a prefixed instance's
       * must not read like the unprefixed one's. */
      char *description = *prefix ? g_strdup_printf ("%s [%s]", o->description ? o->description
                                                                                : "", prefix)
                                  : g_strdup (o->description ? o->description : "");
      json_builder_add_string_value (b, description);
      g_free (description);
      json_builder_set_member_name (b, "unit");
      json_builder_add_string_value (b, o->unit ? o->unit : "");
      add_bound (b, "min", bounded ? o->min : NAN);
      add_bound (b, "max", bounded ? o->max : NAN);
      json_builder_set_member_name (b, "higher_is_better");
      json_builder_add_string_value (b, interp_better_name (o->higher_is_better));
      if (o->kind == INTERP_OUTPUT_CURVE)
        {
          gboolean ranged = !(o->x_min >= o->x_max);
          json_builder_set_member_name (b, "x_label");
          json_builder_add_string_value (b, o->x_label ? o->x_label : "");
          add_bound (b, "x_min", ranged ? o->x_min : NAN);
          add_bound (b, "x_max", ranged ? o->x_max : NAN);
        }
      json_builder_end_object (b);
    }
}

/* "outputs": what each metric component declared (<interp/metric.h>), once
 * per component and prefix, in pipeline order: what the report draws from. */
static void
add_outputs (JsonBuilder *b, const InterpPipeline *p)
{
  json_builder_set_member_name (b, "outputs");
  json_builder_begin_array (b);
  GPtrArray *seen = g_ptr_array_new_with_free_func (g_free);
  const GPtrArray *metrics = interp_pipeline_instances (p, INTERP_KIND_METRIC);
  for (guint i = 0; i < metrics->len; i++)
    {
      const InterpStage *stage = g_ptr_array_index (metrics, i);
      const InterpComponent *c = stage->entry->component;
      const InterpMetricVTable *vt = c->vtable;
      const char *prefix = interp_metric_prefix (stage);
      char *key = g_strdup_printf ("%p/%s", (const void *) c, prefix);
      gboolean known = g_ptr_array_find_with_equal_func (seen, key, g_str_equal, NULL);
      if (known || vt->outputs == NULL)
        {
          g_free (key);
          continue;
        }
      g_ptr_array_add (seen, key);
      char *component = g_strdup_printf ("metric:%s", c->name);
      add_table (b, component, prefix, vt->outputs);
      g_free (component);
    }
  g_ptr_array_unref (seen);
  add_table (b, "train", "", interp_trial_outputs);
  /* The runner's own rows, declared only when some attack writes them so
   * that runs without them keep their summary.json. */
  const GPtrArray *attacks = interp_pipeline_instances (p, INTERP_KIND_ATTACK);
  gboolean minimal = FALSE;
  for (guint i = 0; i < attacks->len; i++)
    minimal |= interp_minimal_epsilon_wanted (g_ptr_array_index (attacks, i));
  if (minimal)
    add_table (b, INTERP_RUNNER_OUTPUTS_COMPONENT, "", interp_minimal_epsilon_outputs);
  if (interp_saliency_wanted (p))
    add_table (b, INTERP_RUNNER_OUTPUTS_COMPONENT, "", interp_saliency_outputs);
  json_builder_end_array (b);
}

static gboolean
write_summary (const InterpPipeline *p, const char *dir, GPtrArray *rows, GError **error)
{
  static const char *const fixed[] = { "trial", "seed", "metric", "target", "perturbation",
                                       "level", "value" };
  GString *csv = g_string_new (NULL);
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "columns");
  json_builder_begin_array (b);
  for (guint c = 0; c < G_N_ELEMENTS (fixed); c++)
    {
      g_string_append_printf (csv, c ? ",%s" : "%s", fixed[c]);
      json_builder_add_string_value (b, fixed[c]);
    }
  for (guint i = 0; i < p->sweep->len; i++)
    {
      const char *key = ((InterpSweepAxis *) g_ptr_array_index (p->sweep, i))->key;
      g_string_append_c (csv, ',');
      csv_field (csv, key);
      json_builder_add_string_value (b, key);
    }
  g_string_append_c (csv, '\n');
  json_builder_end_array (b);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint r = 0; r < rows->len; r++)
    {
      const InterpSummaryRow *row = g_ptr_array_index (rows, r);
      char seed[32], value[G_ASCII_DTOSTR_BUF_SIZE];
      g_snprintf (seed, sizeof seed, "%" G_GINT64_FORMAT, row->seed);
      format_value (value, sizeof value, row->value);
      const char *cells[] = { row->trial, seed, row->metric, row->target, row->perturbation,
                              row->level, value };
      json_builder_begin_array (b);
      for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
        {
          if (c)
            g_string_append_c (csv, ',');
          csv_field (csv, cells[c]);
          if (c == 1)
            json_builder_add_int_value (b, row->seed);
          else if (c == 6 && isfinite (row->value))
            json_builder_add_double_value (b, row->value);
          else if (c == 6)
            json_builder_add_null_value (b);
          else
            json_builder_add_string_value (b, cells[c]);
        }
      for (guint i = 0; i < p->sweep->len; i++)
        {
          const char *key = ((InterpSweepAxis *) g_ptr_array_index (p->sweep, i))->key;
          const char *v = g_hash_table_lookup (row->swept, key);
          g_string_append_c (csv, ',');
          csv_field (csv, v ? v : "");
          json_builder_add_string_value (b, v ? v : "");
        }
      g_string_append_c (csv, '\n');
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  add_outputs (b, p);
  json_builder_end_object (b);

  char *csv_path = g_build_filename (dir, "summary.csv", NULL);
  gboolean ok = interp_write_file_atomic (csv_path, csv->str, csv->len, error);
  g_free (csv_path);
  if (ok)
    {
      JsonNode *root = json_builder_get_root (b);
      char *json_path = g_build_filename (dir, "summary.json", NULL);
      ok = interp_write_json_atomic (json_path, root, error);
      g_free (json_path);
      json_node_unref (root);
    }
  g_object_unref (b);
  g_string_free (csv, TRUE);
  return ok;
}

static gboolean interp_run_evaluate_hypotheses (const InterpPipeline *p, const char *dir,
                                               GPtrArray *rows, GString *verdicts,
                                               GError **error);

gboolean
interp_run_summarize (const InterpPipeline *p, const char *dir, GString *verdicts,
                      GError **error)
{
  GPtrArray *rows = interp_run_read_rows (p, dir, error);
  if (rows == NULL)
    return FALSE;
  gboolean ok = write_summary (p, dir, rows, error);
  if (ok)
    ok = interp_run_evaluate_hypotheses (p, dir, rows, verdicts, error);
  g_ptr_array_unref (rows);
  return ok;
}

/* Trials of the sweep whose swept values satisfy every pair of a condition
 * (compared as the evaluation compares them: numbers by value). */
static guint
count_matching_trials (const InterpPipeline *p, const InterpConditionSpec *c)
{
  guint n = interp_pipeline_n_trials (p), count = 0;
  for (guint i = 0; i < n; i++)
    {
      GHashTable *swept = interp_pipeline_trial_swept (p, i);
      count += interp_condition_matches (c, swept);
      g_hash_table_unref (swept);
    }
  return count;
}

static gboolean
check_condition (const InterpPipeline *p, const InterpHypothesis *h, const char *which,
                 const InterpConditionSpec *c, GError **error)
{
  for (guint k = 0; k < c->n; k++)
    {
      gboolean swept = FALSE;
      for (guint i = 0; i < p->sweep->len; i++)
        swept |= g_str_equal (((InterpSweepAxis *) g_ptr_array_index (p->sweep, i))->key,
                              c->keys[k]);
      if (!swept)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                       "%s: key '%s': '%s' is not swept in [sweep], so it cannot tell trials "
                       "apart", h->where, which, c->keys[k]);
          return FALSE;
        }
    }
  guint n = count_matching_trials (p, c);
  if (n < 3)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                   "%s: key '%s': %u trial(s) match; a hypothesis needs at least 3 replicates "
                   "(seeds) per condition, e.g. [sweep] pipeline.seed = 1..5", h->where, which,
                   n);
      return FALSE;
    }
  return TRUE;
}

/* Every [hypothesis:*] group of the pipeline, parsed, in file order, with
 * `requires` checked (names, cycles).  NULL with the first error. */
static GPtrArray *
load_hypotheses (const InterpPipeline *p, GError **error)
{
  GPtrArray *hyps = g_ptr_array_new_with_free_func ((GDestroyNotify) interp_hypothesis_free);
  for (guint i = 0; i < p->hypotheses->len; i++)
    {
      InterpHypothesis *h = interp_hypothesis_new_from_key_file (
        p->keyfile, p->path, g_ptr_array_index (p->hypotheses, i), error);
      if (h == NULL)
        {
          g_ptr_array_unref (hyps);
          return NULL;
        }
      g_ptr_array_add (hyps, h);
    }
  if (!interp_hypotheses_check_requires ((InterpHypothesis *const *) hyps->pdata, hyps->len,
                                         error))
    {
      g_ptr_array_unref (hyps);
      return NULL;
    }
  return hyps;
}

/* Why a hypothesis is not evaluated, or NULL when it is. */
static const char *
skip_reason (const InterpPipeline *p, const InterpHypothesis *h)
{
  if (interp_params_get_bool (p->pipeline, "skip-hypotheses"))
    return "skipped: [pipeline] skip-hypotheses = true (--skip-hypotheses)";
  if (h->skip)
    return "skipped: skip = true (--skip-hypothesis)";
  return NULL;
}

gboolean
interp_run_check_hypotheses (const InterpPipeline *p, GError **error)
{
  GPtrArray *hyps = load_hypotheses (p, error);
  gboolean ok = hyps != NULL;
  for (guint i = 0; ok && i < hyps->len; i++)
    {
      const InterpHypothesis *h = g_ptr_array_index (hyps, i);
      if (skip_reason (p, h))
        continue;
      ok = check_condition (p, h, "condition", &h->condition, error)
           && (h->one_sample || check_condition (p, h, "control", &h->control, error));
    }
  if (hyps)
    g_ptr_array_unref (hyps);
  return ok;
}

static gboolean
interp_run_evaluate_hypotheses (const InterpPipeline *p, const char *dir, GPtrArray *rows,
                                GString *verdicts, GError **error)
{
  if (p->hypotheses->len == 0)
    return TRUE;
  GPtrArray *hyps = load_hypotheses (p, error);
  if (hyps == NULL)
    return FALSE;
  InterpObservation *obs = g_new0 (InterpObservation, rows->len);
  for (guint r = 0; r < rows->len; r++)
    {
      const InterpSummaryRow *row = g_ptr_array_index (rows, r);
      obs[r].swept = row->swept;
      obs[r].metric = row->metric;
      obs[r].target = row->target;
      obs[r].perturbation = row->perturbation;
      /* "8/255" is a level as much as "0.03" is. */
      if (!*row->level || !interp_parse_number (row->level, &obs[r].level))
        obs[r].level = 0;
      obs[r].value = row->value;
    }
  GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify) interp_hypothesis_result_free);
  gboolean ok = TRUE;
  guint64 seed = (guint64) interp_params_get_int (p->pipeline, "seed");
  for (guint i = 0; ok && i < hyps->len; i++)
    {
      const InterpHypothesis *h = g_ptr_array_index (hyps, i);
      const char *skip = skip_reason (p, h);
      InterpHypothesisResult *res = skip ? interp_hypothesis_result_new_skipped (h, skip)
                                         : interp_hypothesis_evaluate (h, obs, rows->len, seed,
                                                                       error);
      if (res == NULL)
        ok = FALSE;
      else
        g_ptr_array_add (results, res);
    }
  if (ok)
    {
      const char *mt = interp_params_get_string (p->pipeline, "multiple-testing");
      interp_hypotheses_decide_family ((InterpHypothesis *const *) hyps->pdata,
                                       (InterpHypothesisResult *const *) results->pdata,
                                       results->len,
                                       g_str_equal (mt, "none") ? INTERP_MULTIPLE_TESTING_NONE
                                                                : INTERP_MULTIPLE_TESTING_HOLM);
      for (guint i = 0; i < results->len; i++)
        {
          char *line = interp_hypothesis_result_summary (g_ptr_array_index (results, i));
          g_string_append_printf (verdicts, "%s\n", line);
          g_free (line);
        }
      char *path = g_build_filename (dir, "hypotheses.json", NULL);
      ok = interp_hypothesis_results_write ((InterpHypothesisResult *const *) results->pdata,
                                            results->len, path, error);
      g_free (path);
    }
  g_ptr_array_unref (results);
  g_ptr_array_unref (hyps);
  g_free (obs);
  return ok;
}
