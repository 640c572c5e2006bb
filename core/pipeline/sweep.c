/* [sweep]: the axes of the grid of trials, and each trial's overrides,
 * swept values, seed and pipeline.  Contracts in pipeline.h. */
#include "config.h"

#include "pipeline/pipeline-private.h"

#include <string.h>

#include <interp/error.h>

void
interp_sweep_axis_free (gpointer ptr)
{
  InterpSweepAxis *a = ptr;
  g_free (a->key);
  g_strfreev (a->values);
  g_free (a);
}

gboolean
interp_pipeline_parse_sweep (InterpPipeline *p, GError **error)
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

gboolean
interp_sweep_key_is_seed (const char *key)
{
  const char *dot = strrchr (key, '.');
  return dot != NULL && g_str_equal (dot + 1, "seed");
}
