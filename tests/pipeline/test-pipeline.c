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
  cr_assert_str_eq (p->model->entry->component->name, "mlp");
  cr_assert_eq (p->metrics->len, 1);
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
  const gint64 *h = interp_params_get_int_list (p->model->params, "hidden", &n);
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
                               .default_value = "8/255", .min = 0, .max = 1 }, { NULL } };
  GError *error = NULL;
  cr_assert (interp_param_validate (&spec[0], "1/255, 2/255, 0.5", &error));
  cr_assert_not (interp_param_validate (&spec[0], "2/0", &error));
  cr_assert_eq (error->code, INTERP_ERROR_BAD_VALUE);
  g_clear_error (&error);
  cr_assert_not (interp_param_validate (&spec[0], "300/255", &error));
  cr_assert_eq (error->code, INTERP_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
}
