/* Mean corruption value and mCE per condition (contract in report-private.h,
 * "robustness.c"). */
#include "config.h"

#include "report/report-private.h"
#include "util/json.h"
#include "util/suggest.h"

#include <math.h>
#include <string.h>

#include <interp/error.h>

#define CORRUPTION_PREFIX "corruption:"

const char *
report_mce_baseline (const Report *r)
{
  JsonNode *pn = r->manifest ? json_object_get_member (r->manifest, "pipeline") : NULL;
  JsonObject *po = pn && JSON_NODE_HOLDS_OBJECT (pn) ? json_node_get_object (pn) : NULL;
  JsonNode *gn = po ? json_object_get_member (po, "pipeline") : NULL;
  JsonObject *go = gn && JSON_NODE_HOLDS_OBJECT (gn) ? json_node_get_object (gn) : NULL;
  const char *b = interp_json_get_string (go, "mce-baseline", "");
  return *b ? b : NULL;
}

gboolean
report_check_mce_baseline (const Report *r, GError **error)
{
  const char *baseline = report_mce_baseline (r);
  if (baseline == NULL)
    return TRUE;
  GPtrArray *labels = report_condition_labels (r);
  gboolean found = g_ptr_array_find_with_equal_func (labels, baseline, g_str_equal, NULL);
  if (!found)
    {
      const char *near = interp_suggest_closest (baseline, (const char *const *) labels->pdata,
                                                 labels->len);
      GString *all = g_string_new (NULL);
      for (guint i = 0; i < labels->len; i++)
        g_string_append_printf (all, "%s'%s'", i ? ", " : "",
                                (const char *) g_ptr_array_index (labels, i));
      const char *file = interp_json_get_string (r->manifest, "pipeline_file", "the pipeline");
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "%s: [pipeline] mce-baseline: no condition '%s' in this run%s%s%s; the "
                   "conditions are %s", file, baseline, near ? " (did you mean '" : "",
                   near ? near : "", near ? "'?)" : "",
                   labels->len && *(const char *) g_ptr_array_index (labels, 0)
                     ? all->str : "none (nothing but seeds is swept)");
      g_string_free (all, TRUE);
    }
  g_ptr_array_unref (labels);
  return found;
}

/* The error of a value: its distance from the best end of the declared
 * range (1 - accuracy for an accuracy). */
static double
error_of (const Output *o, double v)
{
  return o->better == INTERP_BETTER_HIGHER ? o->max - v : v - o->min;
}

static gboolean
mce_metric (const Report *r, const char *metric)
{
  const Output *o = report_output (r, metric);
  return o && o->kind == INTERP_OUTPUT_SCALAR && o->better != INTERP_BETTER_NEITHER
         && isfinite (o->min) && isfinite (o->max);
}

/* Mean of the finite values of `metric` (no target) for condition `label`,
 * `perturbation` and `level` ("" for clean); *n gets how many. */
static double
cell_mean (const Report *r, const char *metric, const char *label, const char *perturbation,
           const char *level, guint *n)
{
  double sum = 0.0;
  *n = 0;
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (!*row->target && isfinite (row->value) && strcmp (row->metric, metric) == 0
          && strcmp (row->condition, label) == 0 && strcmp (row->perturbation, perturbation) == 0
          && strcmp (row->level, level) == 0)
        {
          sum += row->value;
          (*n)++;
        }
    }
  return *n ? sum / *n : NAN;
}

typedef struct {
  char *perturbation;
  GPtrArray *levels;    /* char*, by value */
} Family;

static void
family_free (gpointer p)
{
  Family *f = p;
  g_free (f->perturbation);
  g_ptr_array_unref (f->levels);
  g_free (f);
}

static int
compare_families (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(Family *const *) a)->perturbation, (*(Family *const *) b)->perturbation);
}

void
report_robustness_free (RobustMetric *m)
{
  if (m == NULL)
    return;
  g_ptr_array_unref (m->corruptions);
  for (guint c = 0; c < m->n_conditions; c++)
    {
      g_free (m->conditions[c].ce);
      g_free (m->conditions[c].ce_note);
      g_free (m->conditions[c].rel_ce);
    }
  g_free (m->conditions);
  g_free (m);
}

static void
compute_ce (const Report *r, RobustMetric *m, const char *baseline)
{
  guint nb = 0;
  for (guint c = 0; c < m->n_conditions; c++)
    if (strcmp (m->conditions[c].label, baseline) == 0)
      nb = c;
  const RobustCondition *base = &m->conditions[nb];
  for (guint c = 0; c < m->n_conditions; c++)
    {
      RobustCondition *rc = &m->conditions[c];
      double ce_sum = 0.0, rel_sum = 0.0;
      rc->mce_note = NULL;
      rc->rel_mce_note = isfinite (rc->clean) && isfinite (base->clean)
                           ? NULL : "no clean value";
      for (guint k = 0; k < m->corruptions->len; k++)
        {
          Family *f = g_ptr_array_index (m->corruptions, k);
          double e = 0.0, e_base = 0.0, e_rel = 0.0, e_base_rel = 0.0;
          rc->ce[k] = rc->rel_ce[k] = NAN;
          rc->ce_note[k] = NULL;
          for (guint l = 0; l < f->levels->len && !rc->ce_note[k]; l++)
            {
              const char *level = g_ptr_array_index (f->levels, l);
              guint n = 0, n_base = 0;
              double v = cell_mean (r, m->metric, rc->label, f->perturbation, level, &n);
              double vb = cell_mean (r, m->metric, base->label, f->perturbation, level, &n_base);
              if (n_base == 0)
                rc->ce_note[k] = "the baseline has no value at some severity";
              else if (n == 0)
                rc->ce_note[k] = "no value at some severity";
              e += error_of (m->output, v);
              e_base += error_of (m->output, vb);
              e_rel += error_of (m->output, v) - error_of (m->output, rc->clean);
              e_base_rel += error_of (m->output, vb) - error_of (m->output, base->clean);
            }
          /* CE_c = sum_s E_{s,c} / sum_s E^base_{s,c} (Hendrycks & Dietterich
           * 2019, arXiv 1903.12261, section 3): undefined, not infinite,
           * when the baseline makes no error under c. */
          if (!rc->ce_note[k] && e_base <= 0.0)
            rc->ce_note[k] = "the baseline makes no errors under this corruption";
          if (!rc->ce_note[k])
            rc->ce[k] = e / e_base;
          else if (!rc->mce_note)
            rc->mce_note = "a corruption error (CE) is undefined";
          ce_sum += rc->ce[k];
          /* Relative CE (same paper): the errors' rise over each network's
           * own clean error, sum_s (E_{s,c} - E_clean) over the baseline's. */
          if (!rc->rel_mce_note && (rc->ce_note[k] || e_base_rel <= 0.0))
            rc->rel_mce_note = rc->ce_note[k] ? "a corruption error (CE) is undefined"
                                              : "the baseline's errors under a corruption are "
                                                "no higher than on clean data";
          if (!rc->rel_mce_note)
            rc->rel_ce[k] = e_rel / e_base_rel;
          rel_sum += rc->rel_ce[k];
        }
      rc->mce = rc->mce_note ? NAN : ce_sum / m->corruptions->len;
      rc->rel_mce = rc->rel_mce_note ? NAN : rel_sum / m->corruptions->len;
    }
}

GPtrArray *
report_robustness (const Report *r)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) report_robustness_free);
  GPtrArray *metrics = g_ptr_array_new ();
  GPtrArray *families = g_ptr_array_new_with_free_func (family_free);
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (!g_str_has_prefix (row->perturbation, CORRUPTION_PREFIX) || *row->target
          || !mce_metric (r, row->metric))
        continue;
      if (!g_ptr_array_find_with_equal_func (metrics, row->metric, g_str_equal, NULL))
        g_ptr_array_add (metrics, row->metric);
      Family *f = NULL;
      for (guint k = 0; k < families->len && !f; k++)
        if (strcmp (((Family *) g_ptr_array_index (families, k))->perturbation,
                    row->perturbation) == 0)
          f = g_ptr_array_index (families, k);
      if (!f)
        {
          f = g_new0 (Family, 1);
          f->perturbation = g_strdup (row->perturbation);
          f->levels = g_ptr_array_new ();
          g_ptr_array_add (families, f);
        }
      if (!g_ptr_array_find_with_equal_func (f->levels, row->level, g_str_equal, NULL))
        g_ptr_array_add (f->levels, row->level);
    }
  g_ptr_array_sort (families, compare_families);
  for (guint k = 0; k < families->len; k++)
    g_ptr_array_sort (((Family *) g_ptr_array_index (families, k))->levels,
                      report_compare_strings_as_values);
  const char *baseline = report_mce_baseline (r);
  GPtrArray *labels = report_condition_labels (r);
  if (baseline && !g_ptr_array_find_with_equal_func (labels, baseline, g_str_equal, NULL))
    baseline = NULL;   /* report_check_mce_baseline has said so */

  for (guint mi = 0; mi < metrics->len; mi++)
    {
      RobustMetric *m = g_new0 (RobustMetric, 1);
      m->metric = g_ptr_array_index (metrics, mi);
      m->output = report_output (r, m->metric);
      m->corruptions = g_ptr_array_ref (families);
      m->baseline = baseline;
      m->n_conditions = labels->len;
      m->conditions = g_new0 (RobustCondition, labels->len);
      for (guint c = 0; c < labels->len; c++)
        {
          RobustCondition *rc = &m->conditions[c];
          rc->label = g_ptr_array_index (labels, c);
          rc->clean = cell_mean (r, m->metric, rc->label, "clean", "", &rc->n_clean);
          rc->min_trials = G_MAXUINT;
          rc->ce = g_new (double, MAX (families->len, 1));
          rc->ce_note = g_new0 (const char *, MAX (families->len, 1));
          rc->rel_ce = g_new (double, MAX (families->len, 1));
          /* Every (corruption, severity) cell weighs the same, as in the
           * benchmark's mean over 15 corruptions x 5 severities. */
          double sum = 0.0;
          for (guint k = 0; k < families->len; k++)
            {
              Family *f = g_ptr_array_index (families, k);
              rc->ce[k] = rc->rel_ce[k] = NAN;
              for (guint l = 0; l < f->levels->len; l++)
                {
                  guint n = 0;
                  double v = cell_mean (r, m->metric, rc->label, f->perturbation,
                                        g_ptr_array_index (f->levels, l), &n);
                  if (n)
                    {
                      sum += v;
                      rc->n_cells++;
                      rc->min_trials = MIN (rc->min_trials, n);
                      rc->max_trials = MAX (rc->max_trials, n);
                    }
                }
            }
          if (rc->n_cells == 0)
            rc->min_trials = 0;
          rc->mean_corrupted = rc->n_cells ? sum / rc->n_cells : NAN;
          rc->mce = rc->rel_mce = NAN;
          rc->mce_note = rc->rel_mce_note = baseline ? NULL : "no baseline";
        }
      if (baseline)
        compute_ce (r, m, baseline);
      g_ptr_array_add (out, m);
    }
  g_ptr_array_unref (labels);
  g_ptr_array_unref (families);
  g_ptr_array_unref (metrics);
  return out;
}

guint
report_robustness_n_levels (const RobustMetric *m, guint k)
{
  return ((Family *) g_ptr_array_index (m->corruptions, k))->levels->len;
}

const char *
report_robustness_corruption (const RobustMetric *m, guint k)
{
  return ((Family *) g_ptr_array_index (m->corruptions, k))->perturbation;
}

static void
add_number (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

JsonNode *
report_robustness_json (const GPtrArray *metrics)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "baseline");
  const RobustMetric *first = metrics->len ? g_ptr_array_index (metrics, 0) : NULL;
  if (first && first->baseline)
    json_builder_add_string_value (b, first->baseline);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "metrics");
  json_builder_begin_array (b);
  for (guint i = 0; i < metrics->len; i++)
    {
      const RobustMetric *m = g_ptr_array_index (metrics, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "metric");
      json_builder_add_string_value (b, m->metric);
      json_builder_set_member_name (b, "error");
      char *err = m->output->better == INTERP_BETTER_HIGHER
                    ? g_strdup_printf ("%.17g - %s", m->output->max, m->metric)
                    : g_strdup_printf ("%s - %.17g", m->metric, m->output->min);
      json_builder_add_string_value (b, err);
      g_free (err);
      json_builder_set_member_name (b, "conditions");
      json_builder_begin_array (b);
      for (guint c = 0; c < m->n_conditions; c++)
        {
          const RobustCondition *rc = &m->conditions[c];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "condition");
          json_builder_add_string_value (b, rc->label);
          add_number (b, "clean", rc->clean);
          add_number (b, "mean_corrupted", rc->mean_corrupted);
          json_builder_set_member_name (b, "cells");
          json_builder_add_int_value (b, rc->n_cells);
          json_builder_set_member_name (b, "ce");
          json_builder_begin_object (b);
          for (guint k = 0; k < m->corruptions->len; k++)
            add_number (b, report_robustness_corruption (m, k), rc->ce[k]);
          json_builder_end_object (b);
          add_number (b, "mce", rc->mce);
          json_builder_set_member_name (b, "mce_note");
          if (rc->mce_note)
            json_builder_add_string_value (b, rc->mce_note);
          else
            json_builder_add_null_value (b);
          add_number (b, "relative_mce", rc->rel_mce);
          json_builder_set_member_name (b, "relative_mce_note");
          if (rc->rel_mce_note)
            json_builder_add_string_value (b, rc->rel_mce_note);
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  JsonNode *root = json_builder_get_root (b);
  g_object_unref (b);
  return root;
}
