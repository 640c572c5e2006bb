/* The per-epoch tracking of metrics (tracking.h). */
#include "config.h"

#include "runner/tracking.h"

#include <json-glib/json-glib.h>
#include <math.h>

#include <interp/error.h>

#include "host/context-private.h"
#include "runner/evaluate.h"
#include "util/fs.h"

struct InterpTracker {
  GPtrArray *metrics;        /* InterpMetricInstance*, borrowed: the tracked ones */
  InterpData *data;
  InterpContext *ctx;
  int64_t batch;             /* [train] eval-batch-size */
  char *path;                /* DIR/epochs.json */
  JsonArray *rows;           /* every recorded row, epoch order */
  int64_t epochs;            /* epochs recorded */
};

static gboolean
tracked (const InterpStage *s)
{
  return interp_params_get_bool (s->common, "track-epochs");
}

gboolean
interp_tracking_wanted (const InterpPipeline *p)
{
  const GPtrArray *metrics = interp_pipeline_instances (p, INTERP_KIND_METRIC);
  for (guint i = 0; i < metrics->len; i++)
    if (tracked (g_ptr_array_index (metrics, i)))
      return TRUE;
  return FALSE;
}

gboolean
interp_tracking_check (const InterpPipeline *p, GError **error)
{
  const GPtrArray *metrics = interp_pipeline_instances (p, INTERP_KIND_METRIC);
  const InterpStage *dataset = interp_pipeline_singleton (p, INTERP_KIND_DATASET);
  for (guint i = 0; i < metrics->len; i++)
    {
      const InterpStage *m = g_ptr_array_index (metrics, i);
      if (tracked (m) && !(interp_params_get_double (dataset->common, "val-split") > 0.0))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: [%s] track-epochs: the metric is tracked on the validation split, "
                       "but [dataset] val-split = 0 holds none out; set [dataset] val-split "
                       "(e.g. 0.1) or track-epochs = false", p->path, m->group);
          return FALSE;
        }
    }
  return TRUE;
}

InterpTracker *
interp_tracker_new (const InterpPipeline *p, GPtrArray *metrics, InterpData *data,
                    InterpContext *ctx, const char *dir)
{
  GPtrArray *mine = g_ptr_array_new ();
  for (guint i = 0; i < metrics->len; i++)
    {
      InterpMetricInstance *mi = g_ptr_array_index (metrics, i);
      if (tracked (mi->stage))
        g_ptr_array_add (mine, mi);
    }
  if (mine->len == 0)
    {
      g_ptr_array_unref (mine);
      return NULL;
    }
  InterpTracker *t = g_new0 (InterpTracker, 1);
  t->metrics = mine;
  t->data = data;
  t->ctx = ctx;
  t->batch = interp_params_get_int (p->train, "eval-batch-size");
  t->path = g_build_filename (dir, INTERP_TRACKING_FILE, NULL);
  t->rows = json_array_new ();
  return t;
}

void
interp_tracker_free (InterpTracker *t)
{
  if (t == NULL)
    return;
  g_ptr_array_unref (t->metrics);
  json_array_unref (t->rows);
  g_free (t->path);
  g_free (t);
}

static gboolean
write_file (InterpTracker *t, GError **error)
{
  JsonObject *o = json_object_new ();
  json_object_set_int_member (o, "epochs", t->epochs);
  json_object_set_array_member (o, "rows", json_array_ref (t->rows));
  JsonNode *root = json_node_init_object (json_node_alloc (), o);
  gboolean ok = interp_write_json_atomic (t->path, root, error);
  json_node_unref (root);
  json_object_unref (o);
  return ok;
}

/* Measures the tracked metrics on the clean validation split and appends
 * their rows as epoch `epoch`.  The network is given back as found: flags
 * and gradients (net state), and the dropout stream, though eval mode
 * draws nothing from it. */
static gboolean
measure (InterpTracker *t, InterpNet *net, int64_t epoch, GError **error)
{
  InterpNetState *state = interp_net_state_save (net);
  InterpRng rng = *interp_net_rng (net);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  interp_net_set_input_grad (net, TRUE);   /* as interp_evaluate: metrics may need it */
  interp_context_set_output_suspended (t->ctx, TRUE);
  JsonArray *rows = json_array_new (), *arrays = json_array_new ();
  char *what = g_strdup_printf ("track epoch %" G_GINT64_FORMAT " (val)", epoch);
  gboolean ok = interp_evaluate_clean_split (net, t->data, INTERP_SPLIT_VAL, t->metrics,
                                             t->batch, what, t->ctx, rows, arrays, error);
  g_free (what);
  interp_context_set_output_suspended (t->ctx, FALSE);
  *interp_net_rng (net) = rng;
  interp_net_state_restore (net, state);
  if (!ok)
    g_prefix_error (error, "tracking epoch %" G_GINT64_FORMAT " on the validation split: ",
                    epoch);
  for (guint i = 0; ok && i < json_array_get_length (rows); i++)
    {
      JsonObject *r = json_array_get_object_element (rows, i);
      JsonObject *o = json_object_new ();
      json_object_set_int_member (o, "epoch", epoch);
      json_object_set_string_member (o, "metric", json_object_get_string_member (r, "metric"));
      json_object_set_string_member (o, "target", json_object_get_string_member (r, "target"));
      json_object_set_member (o, "value", json_object_dup_member (r, "value"));
      json_array_add_object_element (t->rows, o);
    }
  json_array_unref (rows);
  json_array_unref (arrays);
  if (ok)
    t->epochs = epoch;
  return ok;
}

static gboolean
tracking_on_epoch_end (gpointer self, InterpNet *net, const InterpEpochSummary *e,
                       gboolean *stop, GError **error)
{
  InterpTracker *t = self;
  /* A diverged epoch did not finish: it records nothing. */
  if (e->diverged)
    return TRUE;
  return measure (t, net, e->epoch, error) && write_file (t, error);
}

/* The rows an earlier attempt recorded, up to epoch `done`. */
static gboolean
tracking_on_resume (gpointer self, InterpNet *net, int64_t done, GError **error)
{
  InterpTracker *t = self;
  JsonParser *parser = json_parser_new ();
  GError *local = NULL;
  int64_t recorded = 0;
  if (json_parser_load_from_file (parser, t->path, &local))
    {
      JsonNode *root = json_parser_get_root (parser);
      JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
      JsonNode *rows = o ? json_object_get_member (o, "rows") : NULL;
      if (!o || !json_object_has_member (o, "epochs") || !rows || !JSON_NODE_HOLDS_ARRAY (rows))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s: not an epochs file ({\"epochs\": N, \"rows\": [...]})", t->path);
          g_object_unref (parser);
          return FALSE;
        }
      recorded = MIN (json_object_get_int_member (o, "epochs"), done);
      JsonArray *a = json_node_get_array (rows);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *n = json_array_get_element (a, i);
          JsonObject *r = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
          if (!r || !json_object_has_member (r, "epoch"))
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                           "%s: row %u has no \"epoch\"", t->path, i);
              g_object_unref (parser);
              return FALSE;
            }
          if (json_object_get_int_member (r, "epoch") <= recorded)
            json_array_add_element (t->rows, json_node_copy (n));
        }
    }
  else if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: %s", t->path, local->message);
      g_error_free (local);
      g_object_unref (parser);
      return FALSE;
    }
  g_clear_error (&local);
  g_object_unref (parser);
  t->epochs = recorded;
  if (recorded == done)
    return write_file (t, error);
  /* Only the last finished epoch's weights are at hand (the checkpoint just
   * loaded): an interruption between its checkpoint and its on_epoch_end. */
  if (recorded < done - 1)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                   "%s: epochs %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " were not tracked "
                   "and their weights are gone; run the trial again without --resume",
                   t->path, recorded + 1, done - 1);
      return FALSE;
    }
  return measure (t, net, done, error) && write_file (t, error);
}

const InterpTrainHooks interp_tracking_hooks = {
  INTERP_VTABLE_SIZE (InterpTrainHooks),
  .on_epoch_end = tracking_on_epoch_end,
  .on_resume = tracking_on_resume,
};
