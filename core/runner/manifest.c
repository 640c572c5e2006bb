/* manifest.json: what a run is (the resolved pipeline, versions, trials),
 * written when it starts and again, with "finished", when it ends. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include <interp/version.h>

#include "data/data.h"
#include "runner/run.h"
#include "runner/run-summary.h"
#include "util/fs.h"

char *
interp_run_trial_id (guint i)
{
  return g_strdup_printf ("trial-%03u", i);
}

char *
interp_run_name (const InterpPipeline *p)
{
  const char *name = interp_params_get_text (p->pipeline, "name");
  if (name && *name)
    return g_strdup (name);
  char *base = g_path_get_basename (p->path);
  if (g_str_has_suffix (base, ".ini"))
    base[strlen (base) - 4] = '\0';
  return base;
}

static void
add_params_object (JsonBuilder *b, const InterpParamSpec *spec, const InterpParams *params)
{
  for (const InterpParamSpec *s = spec; s && s->key; s++)
    {
      json_builder_set_member_name (b, s->key);
      json_builder_add_string_value (b, interp_params_get_text (params, s->key));
    }
}

static void
add_stage_object (JsonBuilder *b, const InterpStage *s)
{
  json_builder_set_member_name (b, s->group);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "plugin");
  json_builder_add_string_value (b, s->entry->component->name);
  add_params_object (b, s->entry->component->params, s->params);
  if (s->common)
    add_params_object (b, interp_data_common_params, s->common);
  json_builder_end_object (b);
}

JsonNode *
interp_run_manifest (const InterpPipeline *p, int threads, const char *started,
                     const char *finished)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "interp_version");
  json_builder_add_string_value (b, interp_version ());
  json_builder_set_member_name (b, "pipeline_file");
  json_builder_add_string_value (b, p->path);
  json_builder_set_member_name (b, "name");
  char *name = interp_run_name (p);
  json_builder_add_string_value (b, name);
  g_free (name);

  json_builder_set_member_name (b, "pipeline");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pipeline");
  json_builder_begin_object (b);
  add_params_object (b, interp_pipeline_params, p->pipeline);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "train");
  json_builder_begin_object (b);
  add_params_object (b, interp_train_params, p->train);
  json_builder_end_object (b);
  GPtrArray *stages = interp_pipeline_stages (p);
  for (guint i = 0; i < stages->len; i++)
    add_stage_object (b, g_ptr_array_index (stages, i));
  if (p->sweep->len)
    {
      json_builder_set_member_name (b, "sweep");
      json_builder_begin_object (b);
      for (guint i = 0; i < p->sweep->len; i++)
        {
          InterpSweepAxis *a = g_ptr_array_index (p->sweep, i);
          char *joined = g_strjoinv (", ", a->values);
          json_builder_set_member_name (b, a->key);
          json_builder_add_string_value (b, joined);
          g_free (joined);
        }
      json_builder_end_object (b);
    }
  for (guint i = 0; i < p->hypotheses->len; i++)
    {
      const char *g = g_ptr_array_index (p->hypotheses, i);
      json_builder_set_member_name (b, g);
      json_builder_begin_object (b);
      gsize n = 0;
      char **keys = g_key_file_get_keys (p->keyfile, g, &n, NULL);
      for (gsize k = 0; k < n; k++)
        {
          char *v = g_key_file_get_value (p->keyfile, g, keys[k], NULL);
          json_builder_set_member_name (b, keys[k]);
          json_builder_add_string_value (b, v ? v : "");
          g_free (v);
        }
      g_strfreev (keys);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, interp_params_get_int (p->pipeline, "seed"));
  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, threads);
  json_builder_set_member_name (b, "host");
  json_builder_add_string_value (b, g_get_host_name ());
  json_builder_set_member_name (b, "started");
  json_builder_add_string_value (b, started);
  json_builder_set_member_name (b, "finished");
  if (finished)
    json_builder_add_string_value (b, finished);
  else
    json_builder_add_null_value (b);

  /* Every plugin a stage uses, once. */
  json_builder_set_member_name (b, "plugins");
  json_builder_begin_array (b);
  GHashTable *seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint i = 0; i < stages->len; i++)
    {
      const InterpStage *s = g_ptr_array_index (stages, i);
      if (!g_hash_table_add (seen, (gpointer) s->entry->plugin))
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, s->entry->plugin->name);
      json_builder_set_member_name (b, "version");
      json_builder_add_string_value (b, s->entry->plugin->version);
      json_builder_set_member_name (b, "license");
      json_builder_add_string_value (b, s->entry->plugin->license);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, s->entry->path);
      json_builder_end_object (b);
    }
  g_hash_table_unref (seen);
  g_ptr_array_unref (stages);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "swept_keys");
  json_builder_begin_array (b);
  for (guint i = 0; i < p->sweep->len; i++)
    json_builder_add_string_value (b, ((InterpSweepAxis *) g_ptr_array_index (p->sweep, i))->key);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "trials");
  json_builder_begin_array (b);
  guint n = interp_pipeline_n_trials (p);
  for (guint i = 0; i < n; i++)
    {
      char *id = interp_run_trial_id (i);
      GHashTable *swept = interp_pipeline_trial_swept (p, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, id);
      json_builder_set_member_name (b, "swept");
      json_builder_begin_object (b);
      for (guint k = 0; k < p->sweep->len; k++)
        {
          const char *key = ((InterpSweepAxis *) g_ptr_array_index (p->sweep, k))->key;
          json_builder_set_member_name (b, key);
          json_builder_add_string_value (b, g_hash_table_lookup (swept, key));
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "seed");
      json_builder_add_int_value (b, interp_pipeline_trial_seed (p, i));
      json_builder_end_object (b);
      g_hash_table_unref (swept);
      g_free (id);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  JsonNode *root = json_builder_get_root (b);
  g_object_unref (b);
  return root;
}

gboolean
interp_run_write_manifest (const InterpPipeline *p, const char *dir, int threads,
                           const char *started, const char *finished, GError **error)
{
  JsonNode *root = interp_run_manifest (p, threads, started, finished);
  char *path = g_build_filename (dir, "manifest.json", NULL);
  gboolean ok = interp_write_json_atomic (path, root, error);
  g_free (path);
  json_node_unref (root);
  return ok;
}

gboolean
interp_run_manifest_finished (const char *dir)
{
  char *path = g_build_filename (dir, "manifest.json", NULL);
  JsonParser *parser = json_parser_new ();
  gboolean finished = FALSE;
  if (json_parser_load_from_file (parser, path, NULL))
    {
      JsonNode *root = json_parser_get_root (parser);
      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonNode *f = json_object_get_member (json_node_get_object (root), "finished");
          finished = f && JSON_NODE_HOLDS_VALUE (f);
        }
    }
  g_object_unref (parser);
  g_free (path);
  /* The report is written after the manifest says finished: a run killed in
   * between has not finished (its --resume writes the report). */
  if (finished)
    {
      char *report = g_build_filename (dir, "report.html", NULL);
      finished = g_file_test (report, G_FILE_TEST_IS_REGULAR);
      g_free (report);
    }
  return finished;
}

