/* The pipeline parser: every kind of bad input gets its own error code and a
 * message naming the file, the group and the key. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include <interp/interp.h>

#include "pipeline/pipeline.h"
#include "plugin/registry.h"

static InterpRegistry *registry;
static char *tmpdir;

static void
setup (void)
{
  registry = interp_registry_new ();
  interp_registry_load_search_path (registry, NULL);
  tmpdir = g_dir_make_tmp ("interp-pipeline-XXXXXX", NULL);
}

static void
teardown (void)
{
  interp_registry_free (registry);
  GDir *d = g_dir_open (tmpdir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      char *p = g_build_filename (tmpdir, name, NULL);
      g_unlink (p);
      g_free (p);
    }
  if (d)
    g_dir_close (d);
  g_rmdir (tmpdir);
  g_free (tmpdir);
}

TestSuite (pipeline, .init = setup, .fini = teardown);

static const char *base =
  "[pipeline]\nname = t\nseed = 3\n"
  "[dataset]\nplugin = synthetic\n"
  "[model]\nplugin = mlp\nhidden = 8\n"
  "[train]\nepochs = 1\nlearning-rate = 0.1\n"
  "[metric:acc]\nplugin = accuracy\n";

static char *
write_pipeline (const char *text)
{
  char *path = g_build_filename (tmpdir, "p.ini", NULL);
  cr_assert (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* Loads base + extra; returns the error (the pipeline must fail). */
static GError *
load_error (const char *extra, const char *const *overrides)
{
  char *text = g_strconcat (base, extra, NULL);
  char *path = write_pipeline (text);
  GError *error = NULL;
  InterpPipeline *p = interp_pipeline_load (path, overrides, registry, &error);
  cr_assert_null (p, "expected the pipeline to be refused: %s", text);
  cr_assert_not_null (error);
  cr_assert (strstr (error->message, path) != NULL, "message does not name the file: %s",
             error->message);
  g_free (text);
  g_free (path);
  return error;
}

static void
assert_error (GError *e, int code, const char *must1, const char *must2)
{
  cr_assert_eq (e->domain, INTERP_ERROR);
  cr_assert_eq (e->code, code, "code %d, expected %d: %s", e->code, code, e->message);
  if (must1)
    cr_assert (strstr (e->message, must1), "'%s' not in: %s", must1, e->message);
  if (must2)
    cr_assert (strstr (e->message, must2), "'%s' not in: %s", must2, e->message);
  g_error_free (e);
}

Test (pipeline, good_pipeline_resolves_defaults)
{
  char *path = write_pipeline (base);
  GError *error = NULL;
  InterpPipeline *p = interp_pipeline_load (path, NULL, registry, &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  cr_assert_eq (interp_params_get_int (p->pipeline, "seed"), 3);
  cr_assert_eq (interp_params_get_int (p->train, "batch-size"), 128);
  cr_assert_str_eq (interp_pipeline_singleton (p, INTERP_KIND_MODEL)->entry->component->name,
                    "mlp");
  cr_assert_eq (interp_pipeline_instances (p, INTERP_KIND_METRIC)->len, 1);
  cr_assert_eq (interp_pipeline_n_trials (p), 1);
  char *text = interp_pipeline_resolved_text (p);
  cr_assert (strstr (text, "batch-size = 128"));
  cr_assert (strstr (text, "[metric:acc]\nplugin = accuracy"));
  g_free (text);
  interp_pipeline_free (p);
  g_free (path);
}

Test (pipeline, unknown_group_kind)
{
  assert_error (load_error ("[atack:pgd]\nplugin = pgd\n", NULL), INTERP_ERROR_PIPELINE,
                "[atack:pgd]", "attack:pgd");
}

Test (pipeline, unknown_key_suggests_closest)
{
  assert_error (load_error ("", (const char *const[]) { "train.learning-rat=0.1", NULL }),
                INTERP_ERROR_UNKNOWN_KEY, "[train]", "did you mean 'learning-rate'");
}

Test (pipeline, unknown_key_in_component_group)
{
  assert_error (load_error ("[metric:sel]\nplugin = class-selectivity\nlayer = *relu*\n", NULL),
                INTERP_ERROR_UNKNOWN_KEY, "[metric:sel]", "'layers'");
}

Test (pipeline, bad_type)
{
  assert_error (load_error ("", (const char *const[]) { "train.epochs=three", NULL }),
                INTERP_ERROR_BAD_VALUE, "[train]", "'epochs'");
}

Test (pipeline, out_of_range)
{
  assert_error (load_error ("", (const char *const[]) { "train.learning-rate=-1", NULL }),
                INTERP_ERROR_OUT_OF_RANGE, "[train]", "'learning-rate'");
}

Test (pipeline, bad_choice)
{
  assert_error (load_error ("", (const char *const[]) { "train.optimizer=rmsprop", NULL }),
                INTERP_ERROR_OUT_OF_RANGE, "'optimizer'", "sgd");
}

Test (pipeline, missing_plugin_key)
{
  assert_error (load_error ("[metric:x]\nlayers = *\n", NULL), INTERP_ERROR_MISSING,
                "[metric:x]", "'plugin'");
}

Test (pipeline, unknown_plugin_name)
{
  assert_error (load_error ("[metric:x]\nplugin = acuracy\n", NULL), INTERP_ERROR_NOT_FOUND,
                "[metric:x]", "did you mean 'accuracy'");
}

Test (pipeline, malformed_list)
{
  assert_error (load_error ("", (const char *const[]) { "model.hidden=8,,4", NULL }),
                INTERP_ERROR_BAD_VALUE, "[model]", "'hidden'");
}

Test (pipeline, malformed_range)
{
  assert_error (load_error ("[sweep]\npipeline.seed = 5..1\n", NULL), INTERP_ERROR_BAD_VALUE,
                "[sweep]", "'pipeline.seed'");
}

Test (pipeline, sweep_key_must_name_a_group)
{
  assert_error (load_error ("[sweep]\nregularizer:nothere.alpha = 1, 2\n", NULL),
                INTERP_ERROR_UNKNOWN_KEY, "[sweep]", "regularizer:nothere.alpha");
}

Test (pipeline, missing_model_group)
{
  char *path = write_pipeline ("[dataset]\nplugin = synthetic\n");
  GError *error = NULL;
  cr_assert_null (interp_pipeline_load (path, NULL, registry, &error));
  assert_error (error, INTERP_ERROR_MISSING, "[model]", NULL);
  g_free (path);
}

Test (pipeline, not_a_key_file)
{
  char *path = write_pipeline ("this is not\x01 a key file\n[[[\n");
  GError *error = NULL;
  cr_assert_null (interp_pipeline_load (path, NULL, registry, &error));
  cr_assert (strstr (error->message, path));
  assert_error (error, INTERP_ERROR_PIPELINE, "not a valid key file", NULL);
  g_free (path);
}

Test (pipeline, missing_file)
{
  GError *error = NULL;
  cr_assert_null (interp_pipeline_load ("/nonexistent/p.ini", NULL, registry, &error));
  assert_error (error, INTERP_ERROR_IO, "/nonexistent/p.ini", NULL);
}

Test (pipeline, malformed_override)
{
  assert_error (load_error ("", (const char *const[]) { "epochs=3", NULL }),
                INTERP_ERROR_BAD_VALUE, "GROUP.KEY=VALUE", NULL);
}

Test (pipeline, overrides_win_over_the_file)
{
  char *path = write_pipeline (base);
  GError *error = NULL;
  const char *const ov[] = { "train.epochs=7", "model.hidden=16, 4", "pipeline.seed=9", NULL };
  InterpPipeline *p = interp_pipeline_load (path, ov, registry, &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  cr_assert_eq (interp_params_get_int (p->train, "epochs"), 7);
  cr_assert_eq (interp_params_get_int (p->pipeline, "seed"), 9);
  size_t n = 0;
  const InterpStage *model = interp_pipeline_singleton (p, INTERP_KIND_MODEL);
  const gint64 *h = interp_params_get_int_list (model->params, "hidden", &n);
  cr_assert_eq (n, 2);
  cr_assert_eq (h[0], 16);
  cr_assert_eq (h[1], 4);
  interp_pipeline_free (p);
  g_free (path);
}

Test (pipeline, sweep_expands_to_a_grid)
{
  char *text = g_strconcat (base, "[sweep]\ntrain.learning-rate = 0.1, 0.01\npipeline.seed = 1..3\n",
                            NULL);
  char *path = write_pipeline (text);
  GError *error = NULL;
  InterpPipeline *p = interp_pipeline_load (path, NULL, registry, &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  cr_assert_eq (interp_pipeline_n_trials (p), 6);
  GStrv t4 = interp_pipeline_trial_overrides (p, 4);
  cr_assert_str_eq (t4[0], "train.learning-rate=0.01");
  cr_assert_str_eq (t4[1], "pipeline.seed=2");
  g_strfreev (t4);
  InterpPipeline *trial = interp_pipeline_trial (p, 4, registry, &error);
  cr_assert_not_null (trial, "%s", error ? error->message : "");
  cr_assert_float_eq (interp_params_get_double (trial->train, "learning-rate"), 0.01, 1e-12);
  cr_assert_eq (interp_params_get_int (trial->pipeline, "seed"), 2);
  cr_assert_eq (interp_pipeline_n_trials (trial), 1);
  interp_pipeline_free (trial);
  interp_pipeline_free (p);
  g_free (path);
  g_free (text);
}

Test (pipeline, bad_sweep_value_is_caught_per_trial)
{
  char *text = g_strconcat (base, "[sweep]\ntrain.epochs = 1, many\n", NULL);
  char *path = write_pipeline (text);
  GError *error = NULL;
  InterpPipeline *p = interp_pipeline_load (path, NULL, registry, &error);
  cr_assert_not_null (p);
  InterpPipeline *t = interp_pipeline_trial (p, 1, registry, &error);
  cr_assert_null (t);
  assert_error (error, INTERP_ERROR_BAD_VALUE, "[train]", "'epochs'");
  interp_pipeline_free (p);
  g_free (path);
  g_free (text);
}

Test (pipeline, dataset_common_keys_are_validated)
{
  assert_error (load_error ("", (const char *const[]) { "dataset.val-split=1.5", NULL }),
                INTERP_ERROR_OUT_OF_RANGE, "[dataset]", "'val-split'");
}

Test (pipeline, fractions_are_numbers)
{
  InterpParamSpec spec[] = { { .key = "epsilon", .type = INTERP_PARAM_DOUBLE_LIST,
                               .default_value = "8/255", .min = 0, .max = 1 }, { 0 } };
  GError *error = NULL;
  cr_assert (interp_param_validate (&spec[0], "1/255, 2/255, 0.5", &error));
  cr_assert_not (interp_param_validate (&spec[0], "2/0", &error));
  cr_assert_eq (error->code, INTERP_ERROR_BAD_VALUE);
  g_clear_error (&error);
  cr_assert_not (interp_param_validate (&spec[0], "300/255", &error));
  cr_assert_eq (error->code, INTERP_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  /* Found by tests/fuzz/fuzz-pipeline: an item that is not a number (here
   * a fraction without numerator) was converted to int64 as NaN, undefined
   * behaviour (UBSan aborts), before the error was reported. */
  cr_assert_not (interp_param_validate (&spec[0], "1/255, /255", &error));
  cr_assert_eq (error->code, INTERP_ERROR_BAD_VALUE);
  g_clear_error (&error);
  InterpParamSpec wide[] = { { .key = "levels", .type = INTERP_PARAM_DOUBLE_LIST,
                               .default_value = "1" }, { 0 } };
  cr_assert (interp_param_validate (&wide[0], "1e300, -1e300", &error),
             "%s", error ? error->message : "");
}

/* ---- kinds from the table: [task] and [pruner] ------------------------- */

static gpointer
task_create (const InterpParams *params, const InterpDataInfo *data, InterpContext *ctx,
             GError **error)
{
  return NULL;
}

static gpointer
pruner_create (const InterpParams *params, InterpNet *net, InterpContext *ctx, GError **error)
{
  return NULL;
}

static void
destroy (gpointer self)
{
}

static int
n_outputs (gpointer self)
{
  return 4;
}

static int64_t
mapped_size (gpointer self, int64_t n)
{
  return 4 * n;
}

static gboolean
map (gpointer self, const InterpTensor *x, const int32_t *labels, InterpTensor *out,
     int32_t *targets, GError **error)
{
  return TRUE;
}

static gboolean
prune (gpointer self, InterpNet *net, double fraction, InterpRng *rng, GError **error)
{
  return TRUE;
}

static const InterpTaskVTable task_vtable = {
  INTERP_VTABLE_SIZE (InterpTaskVTable), .create = task_create, .destroy = destroy,
  .n_outputs = n_outputs, .mapped_size = mapped_size, .map = map,
};

static const InterpPrunerVTable pruner_vtable = {
  INTERP_VTABLE_SIZE (InterpPrunerVTable), .create = pruner_create, .destroy = destroy,
  .prune = prune,
};

static const InterpParamSpec pruner_params[] = {
  { .key = "scope", .type = INTERP_PARAM_CHOICE, .default_value = "global",
    .choices = "global|layer", .help = "where the fraction applies" },
  { 0 }
};

static const InterpComponent task = INTERP_COMPONENT (
  .kind = INTERP_KIND_TASK, .name = "test-rotation", .description = "Test task.",
  .vtable = &task_vtable);
static const InterpComponent pruner = INTERP_COMPONENT (
  .kind = INTERP_KIND_PRUNER, .name = "test-magnitude", .description = "Test pruner.",
  .params = pruner_params, .vtable = &pruner_vtable);
static const InterpComponent *const task_pruner_components[] = { &task, &pruner };
static const InterpPluginDescriptor task_pruner = {
  .abi_version = INTERP_ABI_VERSION, .struct_size = sizeof (InterpPluginDescriptor),
  .name = "test-task-pruner", .version = "0", .license = "MIT", .description = "In the test.",
  .components = task_pruner_components, .n_components = 2,
};

static void
add_task_pruner (void)
{
  GError *error = NULL;
  cr_assert (interp_registry_add (registry, &task_pruner, NULL, &error), "%s",
             error ? error->message : "");
}

Test (pipeline, task_and_pruner_groups_are_singletons)
{
  add_task_pruner ();
  char *text = g_strconcat (base, "[pruner]\nplugin = test-magnitude\nscope = layer\n"
                            "fraction = 0.5\n[task]\nplugin = test-rotation\n", NULL);
  char *path = write_pipeline (text);
  GError *error = NULL;
  InterpPipeline *p = interp_pipeline_load (path, NULL, registry, &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  InterpStage *t = interp_pipeline_singleton (p, INTERP_KIND_TASK);
  InterpStage *r = interp_pipeline_singleton (p, INTERP_KIND_PRUNER);
  cr_assert_not_null (t);
  cr_assert_not_null (r);
  cr_assert_str_eq (t->group, "task");
  cr_assert_str_eq (t->instance, "test-rotation");
  cr_assert_eq (interp_pipeline_instances (p, INTERP_KIND_TASK)->len, 1);
  /* The component's keys and the schedule every [pruner] group takes. */
  cr_assert_str_eq (interp_params_get_string (r->params, "scope"), "layer");
  cr_assert_float_eq (interp_params_get_double (r->common, "fraction"), 0.5, 1e-15);
  cr_assert_eq (interp_params_get_int (r->common, "rounds"), 1);
  cr_assert_null (t->common);

  /* Run order: dataset, task, model (then [train]), pruner, the instances. */
  char *resolved = interp_pipeline_resolved_text (p);
  const char *at[] = {
    strstr (resolved, "\n[dataset]\n"), strstr (resolved, "\n[task]\nplugin = test-rotation\n"),
    strstr (resolved, "\n[model]\n"), strstr (resolved, "\n[train]\n"),
    strstr (resolved, "\n[pruner]\nplugin = test-magnitude\nscope = layer\nfraction = 0.5\n"
            "rounds = 1\n"),
    strstr (resolved, "\n[metric:acc]\n"),
  };
  for (guint i = 0; i < G_N_ELEMENTS (at); i++)
    cr_assert (at[i] && (i == 0 || at[i - 1] < at[i]), "section %u out of place:\n%s", i,
               resolved);
  GPtrArray *stages = interp_pipeline_stages (p);
  cr_assert_eq (stages->len, 5);
  cr_assert_eq (g_ptr_array_index (stages, 1), t);
  cr_assert_eq (g_ptr_array_index (stages, 3), r);
  g_ptr_array_unref (stages);
  g_free (resolved);
  interp_pipeline_free (p);
  g_free (path);
  g_free (text);
}

/* Both are optional: without them nothing changes. */
Test (pipeline, task_and_pruner_are_optional)
{
  add_task_pruner ();
  char *path = write_pipeline (base);
  GError *error = NULL;
  InterpPipeline *p = interp_pipeline_load (path, NULL, registry, &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  cr_assert_null (interp_pipeline_singleton (p, INTERP_KIND_TASK));
  cr_assert_null (interp_pipeline_singleton (p, INTERP_KIND_PRUNER));
  cr_assert_eq (interp_pipeline_instances (p, INTERP_KIND_PRUNER)->len, 0);
  char *resolved = interp_pipeline_resolved_text (p);
  cr_assert_null (strstr (resolved, "[task]"), "%s", resolved);
  cr_assert_null (strstr (resolved, "[pruner]"), "%s", resolved);
  g_free (resolved);
  interp_pipeline_free (p);
  g_free (path);
}

Test (pipeline, pruner_schedule_keys_are_validated)
{
  add_task_pruner ();
  assert_error (load_error ("[pruner]\nplugin = test-magnitude\nfractoin = 0.1\n", NULL),
                INTERP_ERROR_UNKNOWN_KEY, "[pruner]", "did you mean 'fraction'");
  assert_error (load_error ("[pruner]\nplugin = test-magnitude\nrounds = 0\n", NULL),
                INTERP_ERROR_OUT_OF_RANGE, "[pruner]", "'rounds'");
  assert_error (load_error ("[task]\nangles = 4\n", NULL), INTERP_ERROR_MISSING, "[task]",
                "task component");
  assert_error (load_error ("[task]\nplugin = test-rotatoin\n", NULL), INTERP_ERROR_NOT_FOUND,
                "[task]", "did you mean 'test-rotation'");
}

Test (pipeline, singleton_and_instance_groups_keep_their_form)
{
  add_task_pruner ();
  assert_error (load_error ("[task:rot]\nplugin = test-rotation\n", NULL), INTERP_ERROR_PIPELINE,
                "[task:rot]: unknown group", "did you mean [task]?");
  assert_error (load_error ("[metric]\nplugin = accuracy\n", NULL), INTERP_ERROR_PIPELINE,
                "[metric]: unknown group", "did you mean [metric:NAME]?");
}

/* The message lists every group a pipeline may have, from the kind table. */
Test (pipeline, unknown_kind_lists_every_kind)
{
  GError *e = load_error ("[bogus:x]\nplugin = x\n", NULL);
  cr_assert_eq (e->code, INTERP_ERROR_PIPELINE, "%s", e->message);
  for (int k = 0; k < INTERP_N_KINDS; k++)
    {
      const char *name = interp_kind_name ((InterpKind) k);
      gboolean singleton = k == INTERP_KIND_DATASET || k == INTERP_KIND_MODEL
        || k == INTERP_KIND_TASK || k == INTERP_KIND_PRUNER;
      char *want = singleton ? g_strdup_printf ("[%s]", name) : g_strdup_printf (" %s,", name);
      if (k == INTERP_KIND_SALIENCY)
        {
          g_free (want);
          want = g_strdup (" saliency, hypothesis");
        }
      cr_assert (strstr (e->message, want), "'%s' not in: %s", want, e->message);
      g_free (want);
    }
  cr_assert (strstr (e->message, "groups are [pipeline], [dataset], [task], [model], [pruner], "
                     "[train], [sweep] and [KIND:NAME] with KIND one of regularizer, "
                     "corruption, attack, metric, saliency, hypothesis"), "%s", e->message);
  g_error_free (e);
}

Test (pipeline, missing_dataset_group_names_an_example)
{
  char *path = write_pipeline ("[model]\nplugin = mlp\n");
  GError *error = NULL;
  cr_assert_null (interp_pipeline_load (path, NULL, registry, &error));
  assert_error (error, INTERP_ERROR_MISSING, "the [dataset] group is missing",
                "[dataset] plugin = fashion-mnist");
  g_free (path);
}
