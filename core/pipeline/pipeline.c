/* Loading a pipeline file: overrides, then every group validated against
 * its table (core groups, the kinds of core/plugin/kinds.c, hypotheses).
 * Contracts in pipeline.h; [sweep] is sweep.c's, the resolved text
 * resolved.c's. */
#include "config.h"

#include "pipeline/pipeline-private.h"
#include "plugin/kinds.h"

#include <string.h>

#include <interp/error.h>

#include "host/params-private.h"
#include "util/suggest.h"

const InterpParamSpec interp_pipeline_params[] = {
  { .key = "name", .type = INTERP_PARAM_STRING, .default_value = "",
    .help = "name of the experiment (default: the file name without .ini)" },
  { .key = "description", .type = INTERP_PARAM_STRING, .default_value = "",
    .help = "free text shown in the report" },
  { .key = "seed", .type = INTERP_PARAM_INT, .default_value = "1", .min = 0, .max = 4294967295.0,
    .help = "seed every random stream of a trial derives from" },
  { .key = "output", .type = INTERP_PARAM_STRING, .default_value = "",
    .help = "run folder (default: results/<name>); a finished run is never overwritten" },
  /* How the [hypothesis:*] groups are decided together (docs/hypotheses.md). */
  { .key = "multiple-testing", .type = INTERP_PARAM_CHOICE, .default_value = "holm",
    .choices = "holm|none",
    .help = "adjustment of the hypotheses' p-values for testing several: holm (Holm-Bonferroni "
            "over every hypothesis of the pipeline; verdicts use the adjusted values) or none" },
  { .key = "skip-hypotheses", .type = INTERP_PARAM_BOOL, .default_value = "false",
    .help = "true: evaluate no hypothesis (all NOT EVALUATED), so a smaller exploratory sweep "
            "runs; also --skip-hypotheses" },
  { .key = "max-memory", .type = INTERP_PARAM_STRING, .default_value = "",
    .help = "a trial whose network buffers would need more stops before allocating them: "
            "empty = the memory available when it starts, a size (8G, 512M, bytes), or none; "
            "also --max-memory" },
  /* Report options live here, next to "description": the report reads them
   * from the manifest's resolved [pipeline]. */
  { .key = "corruption-examples", .type = INTERP_PARAM_INT, .default_value = "4", .min = 0,
    .max = 64,
    .help = "test images saved as PNG (clean and under every corruption and severity) for the "
            "report's example grids; 0 = none" },
  { .key = "attack-examples", .type = INTERP_PARAM_INT, .default_value = "4", .min = 0,
    .max = 64,
    .help = "test images saved as PNG under every attack and epsilon (the adversarial image "
            "and its perturbation, amplified) for the report; 0 = none" },
  /* The saliency stage (core/runner/saliency-stage.h). */
  { .key = "saliency-images", .type = INTERP_PARAM_INT, .default_value = "100", .min = 1,
    .max = 100000,
    .help = "test images the [saliency:*] methods explain (a subset drawn with "
            "saliency-images-seed, the same in every trial)" },
  { .key = "saliency-images-seed", .type = INTERP_PARAM_INT, .default_value = "0", .min = 0,
    .max = 4294967295.0, .help = "seed of the subset of saliency-images (not the trial's seed)" },
  { .key = "saliency-batch-size", .type = INTERP_PARAM_INT, .default_value = "16", .min = 1,
    .max = 65536, .help = "images attributed at once (bounds the memory of every method)" },
  { .key = "saliency-target", .type = INTERP_PARAM_CHOICE, .default_value = "predicted",
    .choices = "predicted|label",
    .help = "the class each map explains: the network's top-1 class or the true label" },
  { .key = "saliency-examples", .type = INTERP_PARAM_INT, .default_value = "8", .min = 0,
    .max = 64, .help = "images rendered as PNG heat maps and in the methods grid; 0 = none" },
  { .key = "roar-fractions", .type = INTERP_PARAM_DOUBLE_LIST,
    .default_value = "0.1, 0.3, 0.5, 0.7, 0.9", .min = 0, .max = 1,
    .help = "fractions of input elements removed (ROAR) or kept (KAR); one retraining each" },
  { .key = "roar-train-images", .type = INTERP_PARAM_INT, .default_value = "0", .min = 0,
    .max = 100000000, .help = "training images of each ROAR/KAR retraining; 0 = all" },
  { .key = "roar-epochs", .type = INTERP_PARAM_INT, .default_value = "0", .min = 0,
    .max = 100000, .help = "epochs of each ROAR/KAR retraining; 0 = [train] epochs" },
  { .key = "mce-baseline", .type = INTERP_PARAM_STRING, .default_value = "",
    .help = "condition (report label, e.g. alpha=0) whose errors normalise the mean corruption "
            "error (mCE); empty = no mCE" },
  { 0 }
};


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
  for (int k = 0; k < INTERP_N_KINDS; k++)
    if (p->stages[k])
      g_ptr_array_unref (p->stages[k]);
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
  GPtrArray *names = g_ptr_array_new ();
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (names, (gpointer) ((const InterpRegistryEntry *) g_ptr_array_index (list, i))
                              ->component->name);
  const char *best = interp_suggest_closest (name, (const char *const *) names->pdata, names->len);
  g_ptr_array_unref (names);
  g_ptr_array_unref (list);
  return best;
}

/* Splits a group's pairs between the component's table and its kind's
 * core keys (kinds.c: [dataset] takes the common data keys). */
static gboolean
parse_with_core_keys (InterpPipeline *p, InterpStage *s, const InterpParamSpec *core,
                      GError **error)
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
      gboolean common = interp_param_spec_find (core, k) != NULL;
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
        near = interp_param_spec_closest (core, k);
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
      s->common = interp_params_new (core, where, (const char *const *) ckeys->pdata,
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
  const InterpParamSpec *core = interp_kind_info (kind)->core_params;
  if (core)
    ok = parse_with_core_keys (p, s, core, error);
  else
    ok = (s->params = parse_group (p, group, entry->component->params, skip, error)) != NULL;
  if (!ok)
    {
      stage_free (s);
      return NULL;
    }
  return s;
}

/* The names a group may start with, in the order suggestions prefer them:
 * the fixed groups ([pipeline], the singleton kinds in run order, [train],
 * [sweep]) when `instances` is FALSE, else the instance kinds in run order
 * and "hypothesis".  A new NULL-terminated array of borrowed names. */
static const char **
group_heads (gboolean instances)
{
  GPtrArray *out = g_ptr_array_new ();
  if (!instances)
    g_ptr_array_add (out, (gpointer) "pipeline");
  for (int r = 0; r < INTERP_N_KINDS; r++)
    {
      const InterpKindInfo *k = interp_kind_at_run_order (r);
      if ((k->group == INTERP_GROUP_INSTANCES) == instances)
        g_ptr_array_add (out, (gpointer) k->name);
    }
  if (instances)
    g_ptr_array_add (out, (gpointer) "hypothesis");
  else
    {
      g_ptr_array_add (out, (gpointer) "train");
      g_ptr_array_add (out, (gpointer) "sweep");
    }
  g_ptr_array_add (out, NULL);
  return (const char **) g_ptr_array_free (out, FALSE);
}

static char *
suggest_group (const char *group)
{
  const char *colon = strchr (group, ':');
  char *head = colon ? g_strndup (group, (gsize) (colon - group)) : g_strdup (group);
  /* Singleton groups first, then the instance kinds. */
  g_autofree const char **fixed = group_heads (FALSE);
  g_autofree const char **instances = group_heads (TRUE);
  GPtrArray *all = g_ptr_array_new ();
  for (const char **g = fixed; *g; g++)
    g_ptr_array_add (all, (gpointer) *g);
  guint n_fixed = all->len;
  for (const char **g = instances; *g; g++)
    g_ptr_array_add (all, (gpointer) *g);
  const char *best = interp_suggest_closest (head, (const char *const *) all->pdata, all->len);
  char *out = NULL;
  if (best)
    {
      guint index = 0;
      g_ptr_array_find (all, best, &index);
      out = index >= n_fixed ? g_strdup_printf ("%s:%s", best, colon ? colon + 1 : "NAME")
                             : g_strdup (best);
    }
  g_ptr_array_unref (all);
  g_free (head);
  return out;
}

/* "[pipeline], [dataset], ... and [KIND:NAME] with KIND one of ...". */
static char *
groups_text (void)
{
  GString *s = g_string_new (NULL);
  g_autofree const char **fixed = group_heads (FALSE);
  g_autofree const char **instances = group_heads (TRUE);
  for (const char **g = fixed; *g; g++)
    g_string_append_printf (s, "%s[%s]", g == fixed ? "" : ", ", *g);
  g_string_append (s, " and [KIND:NAME] with KIND one of ");
  for (const char **g = instances; *g; g++)
    g_string_append_printf (s, "%s%s", g == instances ? "" : ", ", *g);
  return g_string_free (s, FALSE);
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
      /* A hypothesis is stated in the file before the run; --set may adjust
       * one (skip it, say) but not invent one. */
      if (g_str_has_prefix (group, "hypothesis:") && !g_key_file_has_group (p->keyfile, group))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_PIPELINE,
                       "%s: --set '%s': there is no [%s] in the pipeline", p->path, *o, group);
          g_free (group);
          g_free (key);
          return FALSE;
        }
      g_key_file_set_value (p->keyfile, group, key, eq + 1);
      g_free (group);
      g_free (key);
    }
  return TRUE;
}

/* Parses one group that is not [pipeline], [train], [sweep] or a hypothesis. */
static gboolean
parse_kind_group (InterpPipeline *p, const char *g, const InterpRegistry *registry,
                  GError **error)
{
  const char *colon = strchr (g, ':');
  char *kind_name = colon ? g_strndup (g, (gsize) (colon - g)) : g_strdup (g);
  int kind = interp_kind_from_name (kind_name);
  g_free (kind_name);
  const InterpKindInfo *info = kind >= 0 ? interp_kind_info ((InterpKind) kind) : NULL;
  /* [KIND] for a singleton kind, [KIND:NAME] with a name for the others. */
  gboolean fits = info && (info->group == INTERP_GROUP_SINGLETON ? colon == NULL
                                                                 : colon && colon[1]);
  if (!fits)
    {
      char *near = suggest_group (g);
      char *groups = groups_text ();
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_PIPELINE,
                   "%s: [%s]: unknown group%s%s%s; groups are %s", p->path, g,
                   near ? " (did you mean [" : "", near ? near : "", near ? "]?)" : "",
                   groups);
      g_free (groups);
      g_free (near);
      return FALSE;
    }
  InterpStage *s = parse_stage (p, g, (InterpKind) kind, colon ? colon + 1 : NULL, registry,
                                error);
  if (s == NULL)
    return FALSE;
  g_ptr_array_add (p->stages[kind], s);
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
  for (int k = 0; k < INTERP_N_KINDS; k++)
    p->stages[k] = g_ptr_array_new_with_free_func (stage_free);
  p->sweep = g_ptr_array_new_with_free_func (interp_sweep_axis_free);
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
      else if (g_str_equal (g, "sweep"))
        ;
      else if (colon && g_str_has_prefix (g, "hypothesis:") && colon[1])
        g_ptr_array_add (p->hypotheses, g_strdup (g));
      else
        ok = parse_kind_group (p, g, registry, error);
    }
  g_strfreev (groups);
  if (!ok)
    goto fail;

  /* Absent fixed groups take their defaults, so they can be swept and overridden. */
  if (!p->pipeline && !(p->pipeline = parse_group (p, "pipeline", interp_pipeline_params, NULL, error)))
    goto fail;
  if (!p->train && !(p->train = parse_group (p, "train", interp_train_params, NULL, error)))
    goto fail;
  for (int r = 0; r < INTERP_N_KINDS; r++)
    {
      const InterpKindInfo *k = interp_kind_at_run_order (r);
      if (k->required_in_pipeline && p->stages[k->kind]->len == 0)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_MISSING,
                       "%s: the [%s] group is missing (e.g. [%s] plugin = %s)", p->path,
                       k->name, k->name, k->example);
          goto fail;
        }
    }
  if (!interp_pipeline_parse_sweep (p, error))
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
