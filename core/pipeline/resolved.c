/* A validated pipeline's stages in run order and its resolved text (every
 * key's value, defaults included: what a manifest records).  Contracts in
 * pipeline.h. */
#include "config.h"

#include "pipeline/pipeline-private.h"
#include "plugin/kinds.h"

#include <string.h>

static void
append_params (GString *out, const InterpParamSpec *spec, const InterpParams *params)
{
  for (const InterpParamSpec *s = spec; s && s->key; s++)
    g_string_append_printf (out, "%s = %s\n", s->key, interp_params_get_text (params, s->key));
}

GPtrArray *
interp_pipeline_instances (const InterpPipeline *p, InterpKind kind)
{
  g_return_val_if_fail (interp_kind_info (kind) != NULL, NULL);
  return p->stages[kind];
}

InterpStage *
interp_pipeline_singleton (const InterpPipeline *p, InterpKind kind)
{
  const InterpKindInfo *k = interp_kind_info (kind);
  g_return_val_if_fail (k != NULL && k->group == INTERP_GROUP_SINGLETON, NULL);
  return p->stages[kind]->len ? g_ptr_array_index (p->stages[kind], 0) : NULL;
}

GPtrArray *
interp_pipeline_stages (const InterpPipeline *p)
{
  GPtrArray *all = g_ptr_array_new ();
  for (int r = 0; r < INTERP_N_KINDS; r++)
    {
      const GPtrArray *list = p->stages[interp_kind_at_run_order (r)->kind];
      for (guint i = 0; i < list->len; i++)
        g_ptr_array_add (all, g_ptr_array_index (list, i));
    }
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
        append_params (out, interp_kind_info (s->kind)->core_params, s->common);
      /* [train] reads best right after the model it trains. */
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
