#include "config.h"

#include "pipeline/pipeline.h"

#include <string.h>

#include <interp/error.h>

#include "data/data.h"
#include "host/params-private.h"

const InterpParamSpec interp_pipeline_params[] = {
  { .key = "name", .type = INTERP_PARAM_STRING, .default_value = "",
    .help = "name of the experiment (default: the file name without .ini)" },
  { .key = "description", .type = INTERP_PARAM_STRING, .default_value = "",
    .help = "free text shown in the report" },
  { .key = "seed", .type = INTERP_PARAM_INT, .default_value = "1", .min = 0, .max = 4294967295.0,
    .help = "seed every random stream of a trial derives from" },
  { .key = "output", .type = INTERP_PARAM_STRING, .default_value = "",
    .help = "run folder (default: results/<name>); a finished run is never overwritten" },
  { NULL }
};

/* Kinds that appear as [KIND:NAME] instance groups, with their list in the pipeline. */
static GPtrArray *
instance_list (InterpPipeline *p, InterpKind kind)
{
  switch (kind)
    {
    case INTERP_KIND_REGULARIZER: return p->regularizers;
    case INTERP_KIND_CORRUPTION: return p->corruptions;
    case INTERP_KIND_ATTACK: return p->attacks;
    case INTERP_KIND_METRIC: return p->metrics;
    case INTERP_KIND_SALIENCY: return p->saliency;
    default: return NULL;
    }
}

static void
stage_free (gpointer ptr)
{
  InterpStage *s = ptr;
  if (s == NULL)
    return;
  g_free (s->group);
  g_free (s->instance);
  interp_params_free (s->params);
  interp_params_free (s->common);
  g_free (s);
}

static void
axis_free (gpointer ptr)
{
  InterpSweepAxis *a = ptr;
  g_free (a->key);
  g_strfreev (a->values);
  g_free (a);
}

void
interp_pipeline_free (InterpPipeline *p)
{
  if (p == NULL)
    return;
  g_free (p->path);
  if (p->keyfile)
    g_key_file_unref (p->keyfile);
  interp_params_free (p->pipeline);
  interp_params_free (p->train);
  stage_free (p->dataset);
  stage_free (p->model);
  g_ptr_array_unref (p->regularizers);
  g_ptr_array_unref (p->corruptions);
  g_ptr_array_unref (p->attacks);
  g_ptr_array_unref (p->metrics);
  g_ptr_array_unref (p->saliency);
  g_ptr_array_unref (p->sweep);
  g_ptr_array_unref (p->hypotheses);
  g_free (p);
}

static char *
where_of (const InterpPipeline *p, const char *group)
{
  return g_strdup_printf ("%s: [%s]", p->path, group);
}

/* Reads every key of a group except those in `skip` into parallel arrays. */
static gboolean
group_pairs (const InterpPipeline *p, const char *group, const char *const *skip,
             GPtrArray *keys, GPtrArray *values, GError **error)
{
  gsize n = 0;
  char **all = g_key_file_get_keys (p->keyfile, group, &n, NULL);
  for (gsize i = 0; all && i < n; i++)
    {
      if (skip && g_strv_contains (skip, all[i]))
        continue;
      GError *local = NULL;
      char *v = g_key_file_get_value (p->keyfile, group, all[i], &local);
      if (v == NULL)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE, "%s: [%s]: key '%s': %s",
                       p->path, group, all[i], local->message);
          g_error_free (local);
          g_strfreev (all);
          return FALSE;
        }
      g_ptr_array_add (keys, g_strdup (all[i]));
      g_ptr_array_add (values, v);
    }
  g_strfreev (all);
  return TRUE;
}

static InterpParams *
parse_group (const InterpPipeline *p, const char *group, const InterpParamSpec *spec,
             const char *const *skip, GError **error)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
  InterpParams *params = NULL;
  char *where = where_of (p, group);
  if (group_pairs (p, group, skip, keys, values, error))
    params = interp_params_new (spec, where, (const char *const *) keys->pdata,
                                (const char *const *) values->pdata, keys->len, error);
  g_free (where);
  g_ptr_array_unref (keys);
  g_ptr_array_unref (values);
  return params;
}

static const char *
closest_component (const InterpRegistry *registry, InterpKind kind, const char *name)
{
  GPtrArray *list = interp_registry_list (registry, kind);
  const char *best = NULL;
  guint best_d = G_MAXUINT;
  for (guint i = 0; i < list->len; i++)
    {
      const InterpRegistryEntry *e = g_ptr_array_index (list, i);
      guint d = interp_edit_distance (e->component->name, name);
      if (d < best_d)
        {
          best_d = d;
          best = e->component->name;
        }
    }
  g_ptr_array_unref (list);
  return best && best_d <= MAX (2u, (guint) strlen (name) / 2) ? best : NULL;
}

/* Splits a dataset group's pairs between the plugin's table and the common data table. */
static gboolean
parse_dataset (InterpPipeline *p, InterpStage *s, GError **error)
{
  static const char *const skip[] = { "plugin", NULL };
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *ckeys = g_ptr_array_new ();
  GPtrArray *cvalues = g_ptr_array_new ();
  GPtrArray *pkeys = g_ptr_array_new ();
  GPtrArray *pvalues = g_ptr_array_new ();
  gboolean ok = group_pairs (p, s->group, skip, keys, values, error);
  char *where = where_of (p, s->group);
  for (guint i = 0; ok && i < keys->len; i++)
    {
      const char *k = keys->pdata[i];
      gboolean common = interp_param_spec_find (interp_data_common_params, k) != NULL;
      g_ptr_array_add (common ? ckeys : pkeys, keys->pdata[i]);
      g_ptr_array_add (common ? cvalues : pvalues, values->pdata[i]);
    }
  /* An unknown key is checked against both tables so the suggestion can come from either. */
  for (guint i = 0; ok && i < pkeys->len; i++)
    {
      const char *k = pkeys->pdata[i];
      if (interp_param_spec_find (s->entry->component->params, k))
        continue;
      const char *near = interp_param_spec_closest (s->entry->component->params, k);
      if (!near)
        near = interp_param_spec_closest (interp_data_common_params, k);
      if (near)
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNKNOWN_KEY,
                     "%s: unknown key '%s' (did you mean '%s'?)", where, k, near);
      else
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNKNOWN_KEY, "%s: unknown key '%s'",
                     where, k);
      ok = FALSE;
    }
  if (ok)
    {
      s->params = interp_params_new (s->entry->component->params, where,
                                     (const char *const *) pkeys->pdata,
                                     (const char *const *) pvalues->pdata, pkeys->len, error);
      ok = s->params != NULL;
    }
  if (ok)
    {
      s->common = interp_params_new (interp_data_common_params, where,
                                     (const char *const *) ckeys->pdata,
                                     (const char *const *) cvalues->pdata, ckeys->len, error);
      ok = s->common != NULL;
    }
  g_free (where);
  g_ptr_array_unref (ckeys);
  g_ptr_array_unref (cvalues);
  g_ptr_array_unref (pkeys);
  g_ptr_array_unref (pvalues);
  g_ptr_array_unref (keys);
  g_ptr_array_unref (values);
  return ok;
}

static InterpStage *
parse_stage (InterpPipeline *p, const char *group, InterpKind kind, const char *instance,
             const InterpRegistry *registry, GError **error)
{
  static const char *const skip[] = { "plugin", NULL };
  char *plugin = g_key_file_get_string (p->keyfile, group, "plugin", NULL);
  if (plugin)
    g_strstrip (plugin);
  if (plugin == NULL || *plugin == '\0')
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_MISSING,
                   "%s: [%s]: key 'plugin' is missing: it names the %s component to use "
                   "(interp-run --list-plugins shows them)", p->path, group,
                   interp_kind_name (kind));
      g_free (plugin);
      return NULL;
    }
  const InterpRegistryEntry *entry = interp_registry_find (registry, kind, plugin);
  if (entry == NULL)
    {
      const char *near = closest_component (registry, kind, plugin);
      if (near)
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                     "%s: [%s]: key 'plugin': no %s component named '%s' (did you mean '%s'?)",
                     p->path, group, interp_kind_name (kind), plugin, near);
      else
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                     "%s: [%s]: key 'plugin': no %s component named '%s' "
                     "(interp-run --list-plugins shows the loaded ones)",
                     p->path, group, interp_kind_name (kind), plugin);
      g_free (plugin);
      return NULL;
    }
  InterpStage *s = g_new0 (InterpStage, 1);
  s->group = g_strdup (group);
  s->kind = kind;
  s->instance = g_strdup (instance ? instance : plugin);
  s->entry = entry;
  g_free (plugin);
  gboolean ok;
  if (kind == INTERP_KIND_DATASET)
    ok = parse_dataset (p, s, error);
  else
    ok = (s->params = parse_group (p, group, entry->component->params, skip, error)) != NULL;
  if (!ok)
    {
      stage_free (s);
      return NULL;
    }
  return s;
}

static const char *const fixed_groups[] = { "pipeline", "dataset", "model", "train", "sweep", NULL };
static const char *const instance_kinds[] = { "regularizer", "corruption", "attack", "metric",
                                              "saliency", "hypothesis", NULL };

static char *
suggest_group (const char *group)
{
  const char *colon = strchr (group, ':');
  char *head = colon ? g_strndup (group, (gsize) (colon - group)) : g_strdup (group);
  const char *best = NULL;
  guint best_d = G_MAXUINT;
  for (int pass = 0; pass < 2; pass++)
    for (const char *const *g = pass ? instance_kinds : fixed_groups; *g; g++)
      {
        guint d = interp_edit_distance (head, *g);
        if (d < best_d)
          {
            best_d = d;
            best = *g;
          }
      }
  char *out = NULL;
  if (best && best_d <= MAX (2u, (guint) strlen (head) / 2))
    out = g_strv_contains (instance_kinds, best)
            ? g_strdup_printf ("%s:%s", best, colon ? colon + 1 : "NAME")
            : g_strdup (best);
  g_free (head);
  return out;
}

static gboolean
parse_sweep (InterpPipeline *p, GError **error)
{
  if (!g_key_file_has_group (p->keyfile, "sweep"))
    return TRUE;
  gsize n = 0;
  char **keys = g_key_file_get_keys (p->keyfile, "sweep", &n, NULL);
  gboolean ok = TRUE;
  for (gsize i = 0; ok && i < n; i++)
    {
      const char *dot = strrchr (keys[i], '.');
      char *group = dot ? g_strndup (keys[i], (gsize) (dot - keys[i])) : NULL;
      if (!group || !*group || !dot[1] || !g_key_file_has_group (p->keyfile, group)
          || g_str_equal (group, "sweep") || g_str_has_prefix (group, "hypothesis:"))
        {
          /* [pipeline] and [train] may be swept without being written. */
          if (!group || !(g_str_equal (group, "pipeline") || g_str_equal (group, "train")))
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNKNOWN_KEY,
                           "%s: [sweep]: key '%s' must be GROUP.KEY naming a group of this "
                           "pipeline (e.g. regularizer:selectivity.alpha or pipeline.seed)",
                           p->path, keys[i]);
              ok = FALSE;
            }
        }
      g_free (group);
      if (!ok)
        break;
      char *raw = g_key_file_get_value (p->keyfile, "sweep", keys[i], NULL);
      /* Ranges a..b expand like integer lists; each value is validated later,
       * when the trial's pipeline is built. */
      char **items = g_strsplit (raw, ",", -1);
      GPtrArray *vals = g_ptr_array_new ();
      for (char **it = items; ok && *it; it++)
        {
          g_strstrip (*it);
          const char *dots = strstr (*it, "..");
          gint64 lo, hi;
          if (**it == '\0')
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                           "%s: [sweep]: key '%s': malformed list '%s' (empty item)", p->path,
                           keys[i], raw);
              ok = FALSE;
            }
          else if (dots)
            {
              char *lo_s = g_strstrip (g_strndup (*it, (gsize) (dots - *it)));
              char *hi_s = g_strstrip (g_strdup (dots + 2));
              ok = g_ascii_string_to_signed (lo_s, 10, G_MININT64, G_MAXINT64, &lo, NULL)
                   && g_ascii_string_to_signed (hi_s, 10, G_MININT64, G_MAXINT64, &hi, NULL)
                   && lo <= hi && hi - lo < 10000;
              if (!ok)
                g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                             "%s: [sweep]: key '%s': malformed range '%s' (expected a..b with "
                             "integers a <= b)", p->path, keys[i], *it);
              for (gint64 x = lo; ok && x <= hi; x++)
                g_ptr_array_add (vals, g_strdup_printf ("%" G_GINT64_FORMAT, x));
              g_free (lo_s);
              g_free (hi_s);
            }
          else
            g_ptr_array_add (vals, g_strdup (*it));
        }
      g_strfreev (items);
      g_free (raw);
      if (ok && vals->len == 0)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: [sweep]: key '%s' has no values", p->path, keys[i]);
          ok = FALSE;
        }
      if (!ok)
        {
          g_ptr_array_set_free_func (vals, g_free);
          g_ptr_array_unref (vals);
          break;
        }
      InterpSweepAxis *axis = g_new0 (InterpSweepAxis, 1);
      axis->key = g_strdup (keys[i]);
      axis->n_values = vals->len;
      g_ptr_array_add (vals, NULL);
      axis->values = (char **) g_ptr_array_free (vals, FALSE);
      g_ptr_array_add (p->sweep, axis);
    }
  g_strfreev (keys);
  return ok;
}

static gboolean
apply_overrides (InterpPipeline *p, const char *const *overrides, GError **error)
{
  for (const char *const *o = overrides; o && *o; o++)
    {
      const char *eq = strchr (*o, '=');
      const char *dot = NULL;
      for (const char *c = *o; eq && c < eq; c++)
        if (*c == '.')
          dot = c;
      if (!eq || !dot || dot == *o || dot + 1 == eq)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: --set '%s': expected GROUP.KEY=VALUE (e.g. train.epochs=2)",
                       p->path, *o);
          return FALSE;
        }
      /* [sweep] keys are themselves GROUP.KEY: sweep.pipeline.seed=1..3. */
      if (g_str_has_prefix (*o, "sweep.") && *o + 5 < eq)
        dot = *o + 5;
      char *group = g_strndup (*o, (gsize) (dot - *o));
      char *key = g_strndup (dot + 1, (gsize) (eq - dot - 1));
      g_strstrip (key);
      g_key_file_set_value (p->keyfile, group, key, eq + 1);
      g_free (group);
      g_free (key);
    }
  return TRUE;
}

InterpPipeline *
interp_pipeline_new (GKeyFile *keyfile, const char *path, const char *const *overrides,
                     const InterpRegistry *registry, GError **error)
{
  InterpPipeline *p = g_new0 (InterpPipeline, 1);
  p->path = g_strdup (path);
  p->keyfile = g_key_file_new ();
  {
    gsize len = 0;
    char *text = g_key_file_to_data (keyfile, &len, NULL);
    g_key_file_load_from_data (p->keyfile, text, len, G_KEY_FILE_KEEP_COMMENTS, NULL);
    g_free (text);
  }
  p->regularizers = g_ptr_array_new_with_free_func (stage_free);
  p->corruptions = g_ptr_array_new_with_free_func (stage_free);
  p->attacks = g_ptr_array_new_with_free_func (stage_free);
  p->metrics = g_ptr_array_new_with_free_func (stage_free);
  p->saliency = g_ptr_array_new_with_free_func (stage_free);
  p->sweep = g_ptr_array_new_with_free_func (axis_free);
  p->hypotheses = g_ptr_array_new_with_free_func (g_free);

  if (!apply_overrides (p, overrides, error))
    goto fail;

  gsize n_groups = 0;
  char **groups = g_key_file_get_groups (p->keyfile, &n_groups);
  gboolean ok = TRUE;
  for (gsize i = 0; ok && i < n_groups; i++)
    {
      const char *g = groups[i];
      const char *colon = strchr (g, ':');
      if (g_str_equal (g, "pipeline"))
        ok = (p->pipeline = parse_group (p, g, interp_pipeline_params, NULL, error)) != NULL;
      else if (g_str_equal (g, "train"))
        ok = (p->train = parse_group (p, g, interp_train_params, NULL, error)) != NULL;
      else if (g_str_equal (g, "dataset"))
        ok = (p->dataset = parse_stage (p, g, INTERP_KIND_DATASET, NULL, registry, error)) != NULL;
      else if (g_str_equal (g, "model"))
        ok = (p->model = parse_stage (p, g, INTERP_KIND_MODEL, NULL, registry, error)) != NULL;
      else if (g_str_equal (g, "sweep"))
        ;
      else if (colon && g_str_has_prefix (g, "hypothesis:") && colon[1])
        g_ptr_array_add (p->hypotheses, g_strdup (g));
      else
        {
          char *kind_name = colon ? g_strndup (g, (gsize) (colon - g)) : NULL;
          int kind = kind_name ? interp_kind_from_name (kind_name) : -1;
          GPtrArray *list = kind >= 0 ? instance_list (p, (InterpKind) kind) : NULL;
          g_free (kind_name);
          if (list == NULL || !colon[1])
            {
              char *near = suggest_group (g);
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_PIPELINE,
                           "%s: [%s]: unknown group%s%s%s; groups are [pipeline], [dataset], "
                           "[model], [train], [sweep] and [KIND:NAME] with KIND one of "
                           "regularizer, corruption, attack, metric, saliency, hypothesis",
                           p->path, g, near ? " (did you mean [" : "", near ? near : "",
                           near ? "]?)" : "");
              g_free (near);
              ok = FALSE;
              break;
            }
          InterpStage *s = parse_stage (p, g, (InterpKind) kind, colon + 1, registry, error);
          if (s == NULL)
            ok = FALSE;
          else
            g_ptr_array_add (list, s);
        }
    }
  g_strfreev (groups);
  if (!ok)
    goto fail;

  /* Absent fixed groups take their defaults, so they can be swept and overridden. */
  if (!p->pipeline && !(p->pipeline = parse_group (p, "pipeline", interp_pipeline_params, NULL, error)))
    goto fail;
  if (!p->train && !(p->train = parse_group (p, "train", interp_train_params, NULL, error)))
    goto fail;
  if (p->dataset == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_MISSING,
                   "%s: the [dataset] group is missing (e.g. [dataset] plugin = fashion-mnist)",
                   p->path);
      goto fail;
    }
  if (p->model == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_MISSING,
                   "%s: the [model] group is missing (e.g. [model] plugin = cnn)", p->path);
      goto fail;
    }
  if (!parse_sweep (p, error))
    goto fail;
  return p;

fail:
  interp_pipeline_free (p);
  return NULL;
}

InterpPipeline *
interp_pipeline_load (const char *path, const char *const *overrides,
                      const InterpRegistry *registry, GError **error)
{
  GKeyFile *kf = g_key_file_new ();
  GError *local = NULL;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS, &local))
    {
      gboolean io = local->domain == G_FILE_ERROR;
      g_set_error (error, INTERP_ERROR, io ? INTERP_ERROR_IO : INTERP_ERROR_PIPELINE,
                   "%s: %s%s", path, io ? "cannot read the pipeline: " : "not a valid key file: ",
                   local->message);
      g_error_free (local);
      g_key_file_unref (kf);
      return NULL;
    }
  InterpPipeline *p = interp_pipeline_new (kf, path, overrides, registry, error);
  g_key_file_unref (kf);
  return p;
}

guint
interp_pipeline_n_trials (const InterpPipeline *p)
{
  guint n = 1;
  for (guint i = 0; i < p->sweep->len; i++)
    n *= ((InterpSweepAxis *) g_ptr_array_index (p->sweep, i))->n_values;
  return n;
}

/* The value index of every axis for trial i; the last axis varies fastest. */
static guint *
trial_indices (const InterpPipeline *p, guint trial)
{
  guint *k = g_new0 (guint, MAX (p->sweep->len, 1));
  guint rest = trial;
  for (guint i = p->sweep->len; i-- > 0;)
    {
      InterpSweepAxis *a = g_ptr_array_index (p->sweep, i);
      k[i] = rest % a->n_values;
      rest /= a->n_values;
    }
  return k;
}

GStrv
interp_pipeline_trial_overrides (const InterpPipeline *p, guint trial)
{
  guint *k = trial_indices (p, trial);
  GStrvBuilder *b = g_strv_builder_new ();
  for (guint i = 0; i < p->sweep->len; i++)
    {
      InterpSweepAxis *a = g_ptr_array_index (p->sweep, i);
      char *item = g_strdup_printf ("%s=%s", a->key, a->values[k[i]]);
      g_strv_builder_add (b, item);
      g_free (item);
    }
  GStrv out = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  g_free (k);
  return out;
}

GHashTable *
interp_pipeline_trial_swept (const InterpPipeline *p, guint trial)
{
  guint *k = trial_indices (p, trial);
  GHashTable *swept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < p->sweep->len; i++)
    {
      InterpSweepAxis *a = g_ptr_array_index (p->sweep, i);
      g_hash_table_insert (swept, g_strdup (a->key), g_strdup (a->values[k[i]]));
    }
  g_free (k);
  return swept;
}

gint64
interp_pipeline_trial_seed (const InterpPipeline *p, guint trial)
{
  gint64 seed = interp_params_get_int (p->pipeline, "seed");
  GHashTable *swept = interp_pipeline_trial_swept (p, trial);
  const char *v = g_hash_table_lookup (swept, "pipeline.seed");
  if (v)
    g_ascii_string_to_signed (v, 10, 0, G_MAXINT64, &seed, NULL);
  g_hash_table_unref (swept);
  return seed;
}

InterpPipeline *
interp_pipeline_trial (const InterpPipeline *p, guint trial, const InterpRegistry *registry,
                       GError **error)
{
  GStrv overrides = interp_pipeline_trial_overrides (p, trial);
  GKeyFile *kf = g_key_file_new ();
  gsize len = 0;
  char *text = g_key_file_to_data (p->keyfile, &len, NULL);
  g_key_file_load_from_data (kf, text, len, G_KEY_FILE_KEEP_COMMENTS, NULL);
  g_free (text);
  g_key_file_remove_group (kf, "sweep", NULL);
  InterpPipeline *t = interp_pipeline_new (kf, p->path, (const char *const *) overrides,
                                           registry, error);
  g_key_file_unref (kf);
  g_strfreev (overrides);
  return t;
}

static void
append_params (GString *out, const InterpParamSpec *spec, const InterpParams *params)
{
  for (const InterpParamSpec *s = spec; s && s->key; s++)
    g_string_append_printf (out, "%s = %s\n", s->key, interp_params_get_text (params, s->key));
}

GPtrArray *
interp_pipeline_stages (const InterpPipeline *p)
{
  GPtrArray *all = g_ptr_array_new ();
  g_ptr_array_add (all, p->dataset);
  g_ptr_array_add (all, p->model);
  GPtrArray *lists[] = { p->regularizers, p->corruptions, p->attacks, p->metrics, p->saliency };
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      g_ptr_array_add (all, g_ptr_array_index (lists[l], i));
  return all;
}

char *
interp_pipeline_resolved_text (const InterpPipeline *p)
{
  GString *out = g_string_new (NULL);
  g_string_append (out, "[pipeline]\n");
  append_params (out, interp_pipeline_params, p->pipeline);
  GPtrArray *stages = interp_pipeline_stages (p);
  for (guint i = 0; i < stages->len; i++)
    {
      InterpStage *s = g_ptr_array_index (stages, i);
      g_string_append_printf (out, "\n[%s]\nplugin = %s\n", s->group, s->entry->component->name);
      append_params (out, s->entry->component->params, s->params);
      if (s->common)
        append_params (out, interp_data_common_params, s->common);
      if (s->kind == INTERP_KIND_MODEL)
        {
          g_string_append (out, "\n[train]\n");
          append_params (out, interp_train_params, p->train);
        }
    }
  g_ptr_array_unref (stages);
  if (p->sweep->len)
    {
      g_string_append (out, "\n[sweep]\n");
      for (guint i = 0; i < p->sweep->len; i++)
        {
          InterpSweepAxis *a = g_ptr_array_index (p->sweep, i);
          char *joined = g_strjoinv (", ", a->values);
          g_string_append_printf (out, "%s = %s\n", a->key, joined);
          g_free (joined);
        }
      g_string_append_printf (out, "# %u trials\n", interp_pipeline_n_trials (p));
    }
  for (guint i = 0; i < p->hypotheses->len; i++)
    {
      const char *g = g_ptr_array_index (p->hypotheses, i);
      g_string_append_printf (out, "\n[%s]\n", g);
      gsize n = 0;
      char **keys = g_key_file_get_keys (p->keyfile, g, &n, NULL);
      for (gsize k = 0; k < n; k++)
        {
          char *v = g_key_file_get_value (p->keyfile, g, keys[k], NULL);
          g_string_append_printf (out, "%s = %s\n", keys[k], v ? v : "");
          g_free (v);
        }
      g_strfreev (keys);
    }
  return g_string_free (out, FALSE);
}

void
interp_pipeline_prefix_error (GError **error, const char *group)
{
  if (error == NULL || *error == NULL)
    return;
  char *tag = g_strdup_printf ("[%s]", group);
  if (strstr ((*error)->message, tag) == NULL)
    g_prefix_error (error, "%s: ", tag);
  g_free (tag);
}
