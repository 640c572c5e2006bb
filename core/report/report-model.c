/* Reading the run folder: manifest.json (trials, swept keys) and summary.json (rows, outputs). */
#include "config.h"

#include "report/report-private.h"
#include "util/json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/error.h>

#include "host/results-private.h"
#include "pipeline/pipeline.h"


void
report_row_free (gpointer p)
{
  Row *r = p;
  g_free (r->trial);
  g_free (r->metric);
  g_free (r->target);
  g_free (r->perturbation);
  g_free (r->level);
  g_free (r->condition);
  g_strfreev (r->swept);
  g_free (r);
}

void
report_trial_free (gpointer p)
{
  Trial *t = p;
  g_free (t->id);
  g_free (t->condition);
  g_free (t);
}

void
report_condition_free (gpointer p)
{
  Condition *c = p;
  g_free (c->label);
  g_strfreev (c->values);
  g_free (c);
}

int
report_compare_conditions (gconstpointer a, gconstpointer b)
{
  const Condition *x = *(const Condition *const *) a, *y = *(const Condition *const *) b;
  for (guint i = 0; x->values[i] && y->values[i]; i++)
    {
      int c = report_compare_values (x->values[i], y->values[i]);
      if (c)
        return c;
    }
  return 0;
}

/* The label of the non-seed swept values `values` (aligned with the swept
 * keys); registers the condition. */
static char *
condition_of (Report *r, char **values)
{
  GString *label = g_string_new (NULL);
  GPtrArray *vals = g_ptr_array_new ();
  for (guint k = 0; k < r->n_swept; k++)
    {
      if (r->is_seed_key[k])
        continue;
      const char *v = values && values[k] ? values[k] : "";
      g_string_append_printf (label, "%s%s=%s", label->len ? ", " : "", r->short_keys[k], v);
      g_ptr_array_add (vals, g_strdup (v));
    }
  g_ptr_array_add (vals, NULL);
  for (guint i = 0; i < r->conditions->len; i++)
    {
      Condition *c = g_ptr_array_index (r->conditions, i);
      if (strcmp (c->label, label->str) == 0)
        {
          g_strfreev ((char **) g_ptr_array_free (vals, FALSE));
          return g_string_free (label, FALSE);
        }
    }
  Condition *c = g_new0 (Condition, 1);
  c->label = g_strdup (label->str);
  c->values = (char **) g_ptr_array_free (vals, FALSE);
  g_ptr_array_add (r->conditions, c);
  return g_string_free (label, FALSE);
}

guint
report_n_varying_keys (const Report *r)
{
  guint n = 0;
  for (guint k = 0; k < r->n_swept; k++)
    n += !r->is_seed_key[k];
  return n;
}

gboolean
report_load_manifest (Report *r, GError **error)
{
  char *path = g_build_filename (r->dir, "manifest.json", NULL);
  r->manifest_parser = report_read_json (path, TRUE, error);
  gboolean ok = r->manifest_parser != NULL
                && report_read_manifest (r, json_node_get_object (json_parser_get_root (
                                              r->manifest_parser)),
                                         path, error);
  g_free (path);
  return ok;
}

/* The swept keys and the trials (with their conditions) of a manifest;
 * `path` names it in errors.  r->manifest borrows `manifest`. */
gboolean
report_read_manifest (Report *r, JsonObject *manifest, const char *path, GError **error)
{
  r->manifest = manifest;

  GPtrArray *keys = g_ptr_array_new ();
  JsonNode *sk = json_object_get_member (r->manifest, "swept_keys");
  if (sk && JSON_NODE_HOLDS_ARRAY (sk))
    {
      JsonArray *a = json_node_get_array (sk);
      for (guint i = 0; i < json_array_get_length (a); i++)
        g_ptr_array_add (keys, report_node_to_string (json_array_get_element (a, i)));
    }
  else if (sk && !JSON_NODE_HOLDS_NULL (sk))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: \"swept_keys\" is not an array", path);
      g_ptr_array_free (keys, TRUE);
      return FALSE;
    }
  r->n_swept = keys->len;
  g_ptr_array_add (keys, NULL);
  r->swept_keys = (char **) g_ptr_array_free (keys, FALSE);
  r->is_seed_key = g_new0 (gboolean, MAX (r->n_swept, 1));
  r->short_keys = g_new0 (char *, r->n_swept + 1);
  for (guint k = 0; k < r->n_swept; k++)
    {
      r->is_seed_key[k] = interp_sweep_key_is_seed (r->swept_keys[k]);
      const char *dot = strrchr (r->swept_keys[k], '.');
      r->short_keys[k] = g_strdup (dot ? dot + 1 : r->swept_keys[k]);
    }
  /* Short names only while they stay unambiguous. */
  for (guint a = 0; a < r->n_swept; a++)
    for (guint b = 0; b < r->n_swept; b++)
      if (a != b && strcmp (r->short_keys[a], r->short_keys[b]) == 0)
        {
          g_free (r->short_keys[a]);
          r->short_keys[a] = g_strdup (r->swept_keys[a]);
        }

  JsonNode *tn = json_object_get_member (r->manifest, "trials");
  if (tn && JSON_NODE_HOLDS_ARRAY (tn))
    {
      JsonArray *a = json_node_get_array (tn);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          JsonObject *o = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
          const char *id = interp_json_get_string (o, "id", NULL);
          if (!id || !*id || strchr (id, '/') || strcmp (id, "..") == 0 || strcmp (id, ".") == 0)
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                           "%s: trial %u has no valid \"id\"", path, i);
                      return FALSE;
            }
          /* A seed is an integer; anything else (a string, 1e300) is a
           * damaged manifest, and converting it to int64 would be undefined. */
          JsonNode *seed = json_object_get_member (o, "seed");
          gint64 seed_value = 0;
          if (seed && JSON_NODE_HOLDS_VALUE (seed))
            {
              double d = json_node_get_value_type (seed) == G_TYPE_INT64
                         ? 0 : report_node_to_double (seed);
              if (json_node_get_value_type (seed) == G_TYPE_INT64)
                seed_value = json_node_get_int (seed);
              else if (isfinite (d) && d == floor (d) && fabs (d) < 9.2e18)
                seed_value = (gint64) d;
              else
                {
                  g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                               "%s: trial %u (%s): \"seed\" is not an integer", path, i, id);
                  return FALSE;
                }
            }
          Trial *t = g_new0 (Trial, 1);
          t->id = g_strdup (id);
          t->seed = seed_value;
          JsonNode *sw = json_object_get_member (o, "swept");
          JsonObject *swo = sw && JSON_NODE_HOLDS_OBJECT (sw) ? json_node_get_object (sw) : NULL;
          char **values = g_new0 (char *, r->n_swept + 1);
          for (guint k = 0; k < r->n_swept; k++)
            values[k] = report_obj_text (swo, r->swept_keys[k]);
          t->condition = condition_of (r, values);
          g_strfreev (values);
          g_ptr_array_add (r->trials, t);
        }
    }
  return TRUE;
}

static int
column_index (JsonArray *columns, const char *name)
{
  for (guint i = 0; i < json_array_get_length (columns); i++)
    {
      JsonNode *n = json_array_get_element (columns, i);
      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
          && strcmp (json_node_get_string (n), name) == 0)
        return (int) i;
    }
  return -1;
}

static char *
cell_text (JsonArray *row, int i)
{
  if (i < 0 || (guint) i >= json_array_get_length (row))
    return g_strdup ("");
  return report_node_to_string (json_array_get_element (row, (guint) i));
}

void
report_output_free (gpointer p)
{
  Output *o = p;
  g_free (o->component);
  g_free (o->name);
  g_free (o->description);
  g_free (o->unit);
  g_free (o->x_label);
  g_free (o);
}

const Output *
report_output (const Report *r, const char *metric)
{
  for (guint i = 0; i < r->outputs->len; i++)
    {
      const Output *o = g_ptr_array_index (r->outputs, i);
      if (strcmp (o->name, metric) == 0)
        return o;
    }
  for (guint i = 0; i < r->outputs->len; i++)
    {
      const Output *o = g_ptr_array_index (r->outputs, i);
      if (strchr (o->name, '*') && g_pattern_match_simple (o->name, metric))
        return o;
    }
  return NULL;
}

/* A bound of an output: a number, or null / absent for none (summary.json
 * writes an infinite bound as null: the same thing). */
static gboolean
output_bound (JsonObject *o, const char *key, double *v)
{
  JsonNode *n = json_object_get_member (o, key);
  *v = NAN;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || (json_node_get_value_type (n) != G_TYPE_DOUBLE
                                     && json_node_get_value_type (n) != G_TYPE_INT64))
    return FALSE;
  *v = json_node_get_double (n);
  return TRUE;
}

/* summary.json "outputs": [{component, name, description, unit, kind, min,
 * max, higher_is_better, x_label, x_min, x_max}] (see run-summary.c). */
static gboolean
load_outputs (Report *r, JsonObject *root, const char *path, GError **error)
{
  JsonNode *on = json_object_get_member (root, "outputs");
  if (on == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (on))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: \"outputs\" is not an array",
                   path);
      return FALSE;
    }
  r->have_outputs = TRUE;
  JsonArray *a = json_node_get_array (on);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      const char *name = interp_json_get_string (o, "name", NULL);
      const char *component = interp_json_get_string (o, "component", NULL);
      InterpOutputKind kind;
      InterpBetter better = INTERP_BETTER_NEITHER;
      const char *better_text = interp_json_get_string (o, "higher_is_better", NULL);
      Output *out = g_new0 (Output, 1);
      const char *bad = !o ? "is not an object"
                        : !name || !*name ? "has no \"name\""
                        : !component ? "has no \"component\""
                        : !interp_output_kind_parse (interp_json_get_string (o, "kind", NULL), &kind)
                          ? "has no valid \"kind\" (scalar, per-layer, histogram, curve, values)"
                        : better_text && !interp_better_parse (better_text, &better)
                          ? "has no valid \"higher_is_better\" (higher, lower, neither)"
                        : !output_bound (o, "min", &out->min) || !output_bound (o, "max", &out->max)
                          || !output_bound (o, "x_min", &out->x_min)
                          || !output_bound (o, "x_max", &out->x_max)
                          ? "has a bound that is not a number" : NULL;
      if (bad)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: \"outputs\" entry %u %s",
                       path, i, bad);
          g_free (out);
          return FALSE;
        }
      out->component = g_strdup (component);
      out->name = g_strdup (name);
      out->description = report_obj_text (o, "description");
      out->unit = report_obj_text (o, "unit");
      out->x_label = report_obj_text (o, "x_label");
      out->kind = kind;
      out->better = better;
      if (!isnan (out->min) && !isnan (out->max) && out->min >= out->max)
        out->min = out->max = NAN;
      g_ptr_array_add (r->outputs, out);
    }
  return TRUE;
}

gboolean
report_load_summary (Report *r, GError **error)
{
  char *path = g_build_filename (r->dir, "summary.json", NULL);
  JsonParser *parser;
  if (!report_optional_json (path, &parser, error))
    {
      g_free (path);
      return FALSE;
    }
  if (!parser)
    {
      g_free (path);
      return TRUE;
    }
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonNode *cn = json_object_get_member (root, "columns");
  JsonNode *rn = json_object_get_member (root, "rows");
  gboolean ok = FALSE;
  if (!cn || !JSON_NODE_HOLDS_ARRAY (cn) || !rn || !JSON_NODE_HOLDS_ARRAY (rn))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: needs \"columns\" and \"rows\" arrays", path);
      goto out;
    }
  JsonArray *columns = json_node_get_array (cn);
  static const char *const required[] = { "trial", "metric", "perturbation", "value" };
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (column_index (columns, required[i]) < 0)
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: no column \"%s\"", path,
                     required[i]);
        goto out;
      }
  int c_trial = column_index (columns, "trial"), c_metric = column_index (columns, "metric");
  int c_target = column_index (columns, "target"), c_pert = column_index (columns, "perturbation");
  int c_level = column_index (columns, "level"), c_value = column_index (columns, "value");
  int *c_swept = g_new (int, MAX (r->n_swept, 1));
  for (guint k = 0; k < r->n_swept; k++)
    c_swept[k] = column_index (columns, r->swept_keys[k]);

  if (!load_outputs (r, root, path, error))
    {
      g_free (c_swept);
      goto out;
    }
  JsonArray *rows = json_node_get_array (rn);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *e = json_array_get_element (rows, i);
      if (!JSON_NODE_HOLDS_ARRAY (e))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: row %u is not an array",
                       path, i);
          g_free (c_swept);
          goto out;
        }
      JsonArray *a = json_node_get_array (e);
      Row *row = g_new0 (Row, 1);
      row->trial = cell_text (a, c_trial);
      row->metric = cell_text (a, c_metric);
      row->target = cell_text (a, c_target);
      row->perturbation = cell_text (a, c_pert);
      if (!*row->perturbation)
        {
          g_free (row->perturbation);
          row->perturbation = g_strdup ("clean");
        }
      row->level = cell_text (a, c_level);
      row->level_value = report_parse_number (row->level);
      row->value = (guint) c_value < json_array_get_length (a)
                     ? report_node_to_double (json_array_get_element (a, (guint) c_value)) : NAN;
      row->swept = g_new0 (char *, r->n_swept + 1);
      for (guint k = 0; k < r->n_swept; k++)
        row->swept[k] = cell_text (a, c_swept[k]);
      row->condition = condition_of (r, row->swept);
      if (r->have_outputs && !report_output (r, row->metric))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s: row %u: metric '%s' is not declared in \"outputs\"", path, i,
                       row->metric);
          report_row_free (row);
          g_free (c_swept);
          goto out;
        }
      g_ptr_array_add (r->rows, row);
    }
  g_free (c_swept);
  ok = TRUE;
out:
  g_object_unref (parser);
  g_free (path);
  return ok;
}
