/* Non-finite numbers never pass for a trained network (public runner API,
 * linked like test-runner): a [train] checkpoint holding a NaN is refused
 * unless allow-non-finite-checkpoint says otherwise, and a parameter
 * poisoned while every loss of the epoch stays finite is a divergence at
 * the epoch's end, recorded (stop) or an error (fail). */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <interp/interp.h>
#include <interp/runner.h>

#include "../test-tree.h"

static char *tmpdir;
static InterpRunner *runner;
static GString *warnings;

/* The library logs structured messages: collect the warnings to check
 * what they name, and show everything as usual. */
static GLogWriterOutput
collect (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  if (level & G_LOG_LEVEL_WARNING)
    for (gsize i = 0; i < n_fields; i++)
      if (g_str_equal (fields[i].key, "MESSAGE"))
        g_string_append_printf (warnings, "%s\n", (const char *) fields[i].value);
  return g_log_writer_standard_streams (level, fields, n_fields, data);
}

static void
setup (void)
{
  warnings = g_string_new (NULL);
  g_log_set_writer_func (collect, NULL, NULL);
  tmpdir = g_dir_make_tmp ("interp-non-finite-XXXXXX", NULL);
  runner = interp_runner_new (NULL);
}

static void
teardown (void)
{
  interp_runner_free (runner);
  test_remove_tree (tmpdir);
  g_free (tmpdir);
  g_string_free (warnings, TRUE);
}

TestSuite (non_finite, .init = setup, .fini = teardown, .timeout = 300);

/* 192 training images: 6 batches of 32 an epoch. */
#define SMOKE                                                                            \
  "[pipeline]\nname = smoke\nseed = 1\n"                                                \
  "[dataset]\nplugin = synthetic\ntrain-size = 256\ntest-size = 128\nval-split = 0.25\n" \
  "[model]\nplugin = mlp\nhidden = 16\n"                                                \
  "[metric:accuracy]\nplugin = accuracy\n"

static char *
write_pipeline (const char *name, const char *text)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  cr_assert (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static char *
read_file (const char *dir, const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "%s is missing", path);
  g_free (path);
  return text;
}

static gboolean
exists (const char *dir, const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  gboolean ok = g_file_test (path, G_FILE_TEST_EXISTS);
  g_free (path);
  return ok;
}

static gboolean
run_pipeline (const char *pipeline, const char *output, const InterpTrainHooks *hooks,
              gpointer self, GError **error)
{
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  char *dir = g_build_filename (tmpdir, output, NULL);
  opts.output = dir;
  opts.threads = 1;
  opts.train_hooks = hooks;
  opts.train_hooks_self = self;
  InterpRun *run = interp_run_open (runner, pipeline, &opts, error);
  g_free (dir);
  gboolean ok = run && interp_run_execute (run, NULL, error);
  interp_run_free (run);
  return ok;
}

/* ---- a parameter poisoned by a hook --------------------------------------------- */

typedef struct {
  int64_t epoch;          /* poison in this epoch (0-based) ... */
  int step_in_epoch;      /* ... before this step of it, after backward */
  int steps;              /* steps seen in that epoch */
  gboolean losses_finite; /* every loss the hook saw was finite */
  char *name;             /* the parameter poisoned */
} Poison;

static gboolean
poison_on_batch (gpointer self, InterpTrainBatch *b, GError **error)
{
  Poison *p = self;
  p->losses_finite = p->losses_finite && isfinite (b->loss);
  return TRUE;
}

static gboolean
poison_before_step (gpointer self, InterpTrainBatch *b, GError **error)
{
  Poison *p = self;
  if (b->epoch != p->epoch || p->steps++ != p->step_in_epoch)
    return TRUE;
  /* the last trainable tensor: the output layer's bias or weight */
  for (int i = interp_net_n_params (b->net); i-- > 0;)
    {
      InterpParam *q = interp_net_param (b->net, i);
      if (!q->is_buffer && q->value->numel > 3)
        {
          q->value->data[3] = NAN;
          p->name = g_strdup (q->name);
          return TRUE;
        }
    }
  cr_assert_fail ("no parameter to poison");
  return TRUE;
}

static const InterpTrainHooks poison_hooks = {
  INTERP_VTABLE_SIZE (InterpTrainHooks),
  .on_batch = poison_on_batch,
  .before_step = poison_before_step,
};

Test (non_finite, a_parameter_poisoned_after_the_last_loss_is_a_divergence)
{
  char *path = write_pipeline ("smoke.ini", SMOKE "[train]\nepochs = 3\nbatch-size = 32\n");
  /* the epoch's last step: no later loss of the epoch can see the NaN */
  Poison p = { .epoch = 1, .step_in_epoch = 5, .losses_finite = TRUE };
  GError *error = NULL;
  cr_assert (run_pipeline (path, "stop", &poison_hooks, &p, &error), "%s",
             error ? error->message : "");
  cr_assert_not_null (p.name, "the hook never ran");
  cr_assert (p.losses_finite, "every loss of the run stayed finite");
  char *want = g_strdup_printf ("parameter '%s' has a non-finite value (nan) at index 3",
                                p.name);
  cr_assert (strstr (warnings->str, want), "%s", warnings->str);
  cr_assert (strstr (warnings->str, "epoch 2"), "%s", warnings->str);

  char *out = g_build_filename (tmpdir, "stop", NULL);
  char *csv = read_file (out, "summary.csv");
  cr_assert (strstr (csv, "\ntrial-000,1,training-diverged,,clean,,1\n"), "%s", csv);
  char *trial = g_build_filename (out, "trials", "trial-000", NULL);
  char *log = read_file (trial, "train-log.csv");
  cr_assert (strstr (log, "\n2,") && !strstr (log, "\n3,"), "epochs 1 and 2 logged: %s", log);
  /* epoch 1 finished and was checkpointed; the diverged epoch 2 was not */
  cr_assert_not (exists (trial, "checkpoint-epoch-002.safetensors"));
  char *state = read_file (trial, "train-state.json");
  cr_assert (strstr (state, "\"epochs\" : 1") || strstr (state, "\"epochs\": 1"), "%s", state);
  g_free (state);
  g_free (log);
  g_free (trial);
  g_free (csv);
  g_free (out);
  g_free (want);
  g_free (p.name);
  g_free (path);
}

Test (non_finite, a_poisoned_parameter_fails_the_trial_when_asked)
{
  char *path = write_pipeline ("smoke.ini", SMOKE "[train]\nepochs = 3\nbatch-size = 32\n"
                                            "on-divergence = fail\n");
  Poison p = { .epoch = 0, .step_in_epoch = 5, .losses_finite = TRUE };
  GError *error = NULL;
  cr_assert_not (run_pipeline (path, "fail", &poison_hooks, &p, &error));
  cr_assert_not_null (p.name);
  char *want = g_strdup_printf ("parameter '%s' has a non-finite value (nan) at index 3",
                                p.name);
  cr_assert (strstr (error->message, want), "%s", error->message);
  cr_assert (strstr (error->message, "epoch 1"), "%s", error->message);
  g_clear_error (&error);
  g_free (want);
  g_free (p.name);
  g_free (path);
}

/* ---- [train] checkpoint --------------------------------------------------------- */

/* A trained model's file, with `tensor`[at] set to `bad`, written to
 * tmpdir/NAME; returns its path. */
static char *
poisoned_model (const char *name, const char **tensor, size_t at, float bad)
{
  char *path = write_pipeline ("train.ini", SMOKE "[train]\nepochs = 1\nbatch-size = 32\n");
  GError *error = NULL;
  cr_assert (run_pipeline (path, "trained", NULL, NULL, &error), "%s",
             error ? error->message : "");
  g_free (path);
  char *model = g_build_filename (tmpdir, "trained", "trials", "trial-000",
                                  "model.safetensors", NULL);
  GHashTable *t = interp_safetensors_read (model, NULL, &error);
  cr_assert_not_null (t, "%s", error ? error->message : "");
  g_free (model);
  guint n = 0;
  const char **names = (const char **) g_hash_table_get_keys_as_array (t, &n);
  InterpTensor **tensors = g_new (InterpTensor *, n);
  for (guint i = 0; i < n; i++)
    tensors[i] = g_hash_table_lookup (t, names[i]);
  /* a weight (not the normalisation, which has a check of its own) */
  *tensor = NULL;
  for (guint i = 0; i < n && *tensor == NULL; i++)
    if (g_str_has_suffix (names[i], ".weight") && tensors[i]->numel > at)
      {
        tensors[i]->data[at] = bad;
        *tensor = g_strdup (names[i]);
      }
  cr_assert_not_null (*tensor);
  char *out = g_build_filename (tmpdir, name, NULL);
  cr_assert (interp_safetensors_write (out, names, tensors, (int) n, NULL, &error), "%s",
             error ? error->message : "");
  g_free (tensors);
  g_free (names);
  g_hash_table_unref (t);
  return out;
}

Test (non_finite, a_checkpoint_with_a_nan_is_refused_unless_allowed)
{
  const char *tensor = NULL;
  char *model = poisoned_model ("nan.safetensors", &tensor, 17, NAN);
  char *text = g_strdup_printf (SMOKE "[train]\nepochs = 0\ncheckpoint = %s\n", model);
  char *path = write_pipeline ("eval.ini", text);
  GError *error = NULL;
  cr_assert_not (run_pipeline (path, "refused", NULL, NULL, &error));
  char *want = g_strdup_printf ("%s: tensor '%s' has a non-finite value (nan) at index 17",
                                model, tensor);
  cr_assert_eq (error->code, INTERP_ERROR_NON_FINITE, "%s", error->message);
  cr_assert (strstr (error->message, want), "%s", error->message);
  cr_assert (strstr (error->message, "[train] checkpoint"), "%s", error->message);
  g_clear_error (&error);

  char *allowed = g_strdup_printf ("%sallow-non-finite-checkpoint = true\n", text);
  char *path2 = write_pipeline ("eval-allowed.ini", allowed);
  cr_assert (run_pipeline (path2, "allowed", NULL, NULL, &error), "%s",
             error ? error->message : "");
  char *out = g_build_filename (tmpdir, "allowed", NULL);
  cr_assert (exists (out, "summary.csv"));
  g_free (out);
  g_free (path2);
  g_free (allowed);
  g_free (want);
  g_free (path);
  g_free (text);
  g_free (model);
  g_free ((char *) tensor);
}

Test (non_finite, an_infinite_checkpoint_value_is_named)
{
  const char *tensor = NULL;
  char *model = poisoned_model ("inf.safetensors", &tensor, 0, -INFINITY);
  char *text = g_strdup_printf (SMOKE "[train]\nepochs = 1\nbatch-size = 32\ncheckpoint = %s\n",
                                model);
  char *path = write_pipeline ("train-from.ini", text);
  GError *error = NULL;
  cr_assert_not (run_pipeline (path, "refused", NULL, NULL, &error));
  char *want = g_strdup_printf ("tensor '%s' has a non-finite value (-inf) at index 0", tensor);
  cr_assert (strstr (error->message, want), "%s", error->message);
  g_clear_error (&error);
  g_free (want);
  g_free (path);
  g_free (text);
  g_free (model);
  g_free ((char *) tensor);
}
