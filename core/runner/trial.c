#include "config.h"

#include "runner/trial.h"
#include "runner/memory-check.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include <interp/interp.h>
#include <interp/threads.h>

#include "data/data.h"
#include "host/context-private.h"
#include "runner/evaluate.h"
#include "runner/minimal-epsilon.h"
#include "runner/saliency-stage.h"
#include "runner/tracking.h"
#include "util/fs.h"
#include "train/supervised.h"
#include "train/train.h"
#include "util/error-prefix.h"

/* The row the runner itself writes for every trial (below), declared
 * like a metric's (trial.h) so that the report treats it like any other. */
const InterpMetricOutput interp_trial_outputs[] = {
  { .name = "training-diverged", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Training diverged and was stopped (1) or not (0)", .min = 0.0, .max = 1.0,
    .higher_is_better = INTERP_BETTER_LOWER },
  { 0 }
};

gboolean
interp_trial_is_complete (const char *dir)
{
  char *path = g_build_filename (dir, "trial.json", NULL);
  gboolean done = g_file_test (path, G_FILE_TEST_IS_REGULAR);
  g_free (path);
  return done;
}

static gboolean
write_json_file (const char *dir, const char *name, JsonNode *root, GError **error)
{
  char *path = g_build_filename (dir, name, NULL);
  gboolean ok = interp_write_json_atomic (path, root, error);
  g_free (path);
  return ok;
}

InterpNet *
interp_trial_build_net (const InterpPipeline *p, InterpData *data, const char *init_stream,
                        guint64 seed, GError **error)
{
  const InterpDataInfo *info = interp_data_info (data);
  InterpNet *net = interp_net_new (info->channels, info->height, info->width);
  int norm = interp_net_normalize (net, "normalize", 0, interp_data_mean (data),
                                   interp_data_std (data), error);
  const InterpStage *model = interp_pipeline_singleton (p, INTERP_KIND_MODEL);
  const InterpModelVTable *vt = model->entry->component->vtable;
  if (norm < 0 || !vt->build (model->params, info, net, norm, error))
    {
      interp_error_prefix_group (error, "model");
      interp_net_free (net);
      return NULL;
    }
  InterpRng rng;
  interp_rng_derive (&rng, seed, init_stream);
  interp_net_init (net, &rng);
  return net;
}

/* The trial's network, from [train] checkpoint when one is given. */
static InterpNet *
build_net (const InterpPipeline *p, const InterpTrainConfig *train, InterpData *data,
           guint64 seed, GError **error)
{
  InterpNet *net = interp_trial_build_net (p, data, "model/init", seed, error);
  InterpLoadFlags flags = train->allow_non_finite_checkpoint ? INTERP_LOAD_ALLOW_NON_FINITE
                                                            : INTERP_LOAD_DEFAULT;
  if (net && *train->checkpoint
      && !interp_net_load_flags (net, train->checkpoint, flags, error))
    {
      g_prefix_error (error, "[train] checkpoint: ");
      interp_net_free (net);
      return NULL;
    }
  return net;
}

/* Whether the trial evaluates at all: metrics, or an attack's own
 * minimal-epsilon search (which needs no metric). */
static gboolean
wants_evaluation (const InterpPipeline *p, const GPtrArray *metrics)
{
  if (metrics->len)
    return TRUE;
  const GPtrArray *attacks = interp_pipeline_instances (p, INTERP_KIND_ATTACK);
  for (guint i = 0; i < attacks->len; i++)
    if (interp_minimal_epsilon_wanted (g_ptr_array_index (attacks, i)))
      return TRUE;
  return FALSE;
}

static void
free_regularizer (gpointer ptr)
{
  InterpRegularizerInstance *r = ptr;
  if (r->instance)
    r->vtable->destroy (r->instance);
  g_free (r);
}

static void
free_metric (gpointer ptr)
{
  InterpMetricInstance *m = ptr;
  if (m->instance)
    m->vtable->destroy (m->instance);
  g_free (m);
}

gboolean
interp_trial_run (const InterpTrialSpec *spec, GError **error)
{
  const InterpPipeline *p = spec->pipeline;
  guint64 seed = (guint64) interp_params_get_int (p->pipeline, "seed");
  gint64 t0 = g_get_real_time ();
  InterpTrainConfig train;
  if (!interp_train_config_resolve (p->train, &train, error))
    return FALSE;
  interp_set_threads (spec->threads);
  InterpContext *ctx = interp_context_new (seed, spec->threads, spec->dir);
  InterpNet *net = NULL;
  GPtrArray *regs = g_ptr_array_new_with_free_func (free_regularizer);
  GPtrArray *metrics = g_ptr_array_new_with_free_func (free_metric);
  GPtrArray *saliency = NULL;
  InterpTracker *tracker = NULL;
  InterpGradNorms *grad_norms = NULL;
  JsonArray *rows = json_array_new (), *arrays = json_array_new ();
  gboolean ok = FALSE;

  const InterpStage *dataset = interp_pipeline_singleton (p, INTERP_KIND_DATASET);
  InterpDataConfig data_config;
  InterpData *data = NULL;
  if (interp_data_config_resolve (dataset->common, &data_config, error))
    data = interp_data_open (dataset->entry->component->vtable, dataset->params, &data_config,
                             ctx, error);
  interp_data_config_clear (&data_config);
  if (data == NULL)
    {
      interp_error_prefix_group (error, "dataset");
      goto out;
    }
  net = build_net (p, &train, data, seed, error);
  if (net == NULL)
    goto out;
  const InterpDataInfo *info = interp_data_info (data);
  g_message ("%s: %s on %s (%" G_GINT64_FORMAT " train, %" G_GINT64_FORMAT " val, %"
             G_GINT64_FORMAT " test), %zu parameters, seed %" G_GUINT64_FORMAT, spec->id,
             interp_pipeline_singleton (p, INTERP_KIND_MODEL)->entry->component->name,
             interp_pipeline_singleton (p, INTERP_KIND_DATASET)->entry->component->name,
             interp_data_size (data, INTERP_SPLIT_TRAIN), interp_data_size (data, INTERP_SPLIT_VAL),
             interp_data_size (data, INTERP_SPLIT_TEST), interp_net_count_params (net), seed);
  if (!interp_memory_check_net (p, net, &train, error))
    goto out;

  for (guint i = 0; i < interp_pipeline_instances (p, INTERP_KIND_REGULARIZER)->len; i++)
    {
      const InterpStage *s =
        g_ptr_array_index (interp_pipeline_instances (p, INTERP_KIND_REGULARIZER), i);
      InterpRegularizerInstance *r = g_new0 (InterpRegularizerInstance, 1);
      r->vtable = s->entry->component->vtable;
      r->group = s->group;
      g_ptr_array_add (regs, r);
      r->instance = r->vtable->create (s->params, net, info, ctx, error);
      if (r->instance == NULL)
        {
          interp_error_prefix_group (error, s->group);
          goto out;
        }
    }

  /* Metrics are created before training so a bad key fails in seconds, not after it. */
  for (guint i = 0; i < interp_pipeline_instances (p, INTERP_KIND_METRIC)->len; i++)
    {
      const InterpStage *s =
        g_ptr_array_index (interp_pipeline_instances (p, INTERP_KIND_METRIC), i);
      InterpMetricInstance *m = g_new0 (InterpMetricInstance, 1);
      m->stage = s;
      m->vtable = s->entry->component->vtable;
      g_ptr_array_add (metrics, m);
      m->instance = m->vtable->create (s->params, net, info, ctx, error);
      if (m->instance == NULL)
        {
          interp_error_prefix_group (error, s->group);
          goto out;
        }
    }

  /* Saliency methods too (a noise tunnel naming a missing group, say). */
  if (interp_saliency_wanted (p)
      && (saliency = interp_saliency_methods_new (p, ctx, error)) == NULL)
    goto out;

  if (train.gradient_norms > 0)
    grad_norms = interp_grad_norms_new (train.gradient_norms);
  InterpSupervisedTrainer supervised = { .label_smoothing = train.label_smoothing,
                                          .regularizers = regs, .grad_norms = grad_norms };
  /* The runner's own hooks first (the per-epoch tracking), then the caller's. */
  InterpTrainHookRef hooks[2];
  guint n_hooks = 0;
  tracker = interp_tracker_new (p, metrics, data, ctx, spec->dir);
  if (tracker)
    hooks[n_hooks++] = (InterpTrainHookRef) { &interp_tracking_hooks, tracker };
  if (spec->hooks)
    hooks[n_hooks++] = (InterpTrainHookRef) { spec->hooks, spec->hooks_self };
  InterpTrainJob job = { .net = net, .data = data, .config = &train,
                         .trainer = { &interp_supervised_trainer, &supervised },
                         .hooks = hooks, .n_hooks = n_hooks,
                         .seed = seed, .dir = spec->dir, .grad_norms = grad_norms };
  gboolean diverged = FALSE;
  if (!interp_train (&job, &diverged, error))
    goto out;
  /* Recorded for every trial, so a sweep can count the runs that blew up. */
  JsonObject *d = json_object_new ();
  json_object_set_string_member (d, "metric", "training-diverged");
  json_object_set_string_member (d, "target", "");
  json_object_set_string_member (d, "perturbation", "clean");
  json_object_set_string_member (d, "level", "");
  json_object_set_double_member (d, "value", diverged ? 1.0 : 0.0);
  json_array_add_object_element (rows, d);
  char *model_path = g_build_filename (spec->dir, "model.safetensors", NULL);
  ok = interp_net_save (net, model_path, error);
  g_free (model_path);
  if (!ok)
    goto out;
  ok = FALSE;

  if (wants_evaluation (p, metrics) && !interp_evaluate (p, net, data, metrics, ctx, rows, arrays, error))
    goto out;
  if (saliency && !interp_saliency_run (p, saliency, net, data, ctx, rows, arrays, error))
    goto out;

  /* Metrics first, the completion marker last. */
  JsonObject *mo = json_object_new ();
  json_object_set_array_member (mo, "rows", json_array_ref (rows));
  json_object_set_array_member (mo, "arrays", json_array_ref (arrays));
  JsonNode *mroot = json_node_init_object (json_node_alloc (), mo);
  ok = write_json_file (spec->dir, "metrics.json", mroot, error);
  json_node_unref (mroot);
  json_object_unref (mo);
  if (!ok)
    goto out;

  JsonObject *to = json_object_new ();
  json_object_set_string_member (to, "id", spec->id);
  json_object_set_int_member (to, "seed", (gint64) seed);
  json_object_set_int_member (to, "threads", spec->threads);
  json_object_set_double_member (to, "seconds", (double) (g_get_real_time () - t0) / 1e6);
  JsonObject *swept = json_object_new ();
  for (const char *const *o = spec->overrides; o && *o; o++)
    {
      const char *eq = strchr (*o, '=');
      char *key = g_strndup (*o, (gsize) (eq - *o));
      json_object_set_string_member (swept, key, eq + 1);
      g_free (key);
    }
  json_object_set_object_member (to, "swept", swept);
  JsonNode *troot = json_node_init_object (json_node_alloc (), to);
  ok = write_json_file (spec->dir, "trial.json", troot, error);
  json_node_unref (troot);
  json_object_unref (to);

out:
  interp_tracker_free (tracker);
  interp_grad_norms_free (grad_norms);
  if (saliency)
    {
      interp_context_set_saliency_lookup (ctx, NULL, NULL);
      g_ptr_array_unref (saliency);
    }
  g_ptr_array_unref (metrics);
  g_ptr_array_unref (regs);
  json_array_unref (rows);
  json_array_unref (arrays);
  interp_net_free (net);
  interp_data_free (data);
  interp_context_free (ctx);
  interp_train_config_clear (&train);
  return ok;
}
