/* Crash safety end to end: the run folder's lock, and sweeps killed with
 * SIGKILL at many moments and resumed, ending bit-identical to a run that was
 * never interrupted. */
#include <criterion/criterion.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <interp/interp.h>
#include <interp/runner.h>

#include "../test-tree.h"

static char *tmpdir;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("interp-crash-XXXXXX", NULL);
}

static void
teardown (void)
{
  test_remove_tree (tmpdir);
  g_free (tmpdir);
}

TestSuite (crash, .init = setup, .fini = teardown, .timeout = 600);

static char *
write_file (const char *name, const char *text)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  cr_assert (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* argv of interp-run with the arguments (NULL-terminated va_list). */
static GPtrArray *
interp_run_argv (const char *first, va_list ap)
{
  const char *builddir = g_getenv ("INTERP_TEST_BUILDDIR");
  cr_assert_not_null (builddir, "INTERP_TEST_BUILDDIR is not set (run through make check)");
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_build_filename (builddir, "interp-run", NULL));
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* Runs interp-run to its end in the environment `envp` (NULL: this one's);
 * returns the exit status, its stderr in *err. */
static int
run_in (char **envp, char **err, const char *first, va_list ap)
{
  GPtrArray *argv = interp_run_argv (first, ap);
  int status = -1;
  char *e = NULL;
  GError *error = NULL;
  cr_assert (g_spawn_sync (tmpdir, (char **) argv->pdata, envp, G_SPAWN_STDOUT_TO_DEV_NULL,
                           NULL, NULL, NULL, &e, &status, &error),
             "spawn: %s", error ? error->message : "");
  g_ptr_array_unref (argv);
  if (err)
    *err = e;
  else
    g_free (e);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static int
run (char **err, const char *first, ...)
{
  va_list ap;
  va_start (ap, first);
  int status = run_in (NULL, err, first, ap);
  va_end (ap);
  return status;
}

static int
run_env (char **envp, char **err, const char *first, ...)
{
  va_list ap;
  va_start (ap, first);
  int status = run_in (envp, err, first, ap);
  va_end (ap);
  return status;
}

/* Starts interp-run and returns at once; the caller reaps it. */
static GPid
start (const char *first, ...)
{
  va_list ap;
  va_start (ap, first);
  GPtrArray *argv = interp_run_argv (first, ap);
  va_end (ap);
  GPid pid = 0;
  GError *error = NULL;
  cr_assert (g_spawn_async (tmpdir, (char **) argv->pdata, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                              | G_SPAWN_STDERR_TO_DEV_NULL,
                            NULL, NULL, &pid, &error),
             "spawn: %s", error ? error->message : "");
  g_ptr_array_unref (argv);
  return pid;
}

/* Waits until `trigger` exists (NULL: at once), then `delay` microseconds
 * more, then SIGKILLs `pid`.  Returns its exit status if it ended by itself
 * first, -1 if it was killed. */
static int
kill_after (GPid pid, const char *trigger, gint64 delay)
{
  gint64 end = trigger ? G_MAXINT64 : g_get_monotonic_time () + delay;
  int status = 0;
  for (;;)
    {
      pid_t r = waitpid (pid, &status, WNOHANG);
      if (r == pid)
        return WIFEXITED (status) ? WEXITSTATUS (status) : -2;
      cr_assert (r == 0 || errno == EINTR, "waitpid: %s", g_strerror (errno));
      if (trigger && g_file_test (trigger, G_FILE_TEST_EXISTS))
        {
          end = g_get_monotonic_time () + delay;
          trigger = NULL;
        }
      if (g_get_monotonic_time () >= end)
        break;
      g_usleep (200);
    }
  kill (pid, SIGKILL);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  /* It may have ended by itself between the last look and the signal. */
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return -1;
}

static int
wait_or_kill (GPid pid, gint64 delay)
{
  return kill_after (pid, NULL, delay);
}

/* Whether DIR/manifest.json has a "finished" time and the report, written
 * after it, is there. */
static gboolean
run_finished (const char *dir)
{
  char *path = g_build_filename (dir, "manifest.json", NULL);
  JsonParser *parser = json_parser_new ();
  gboolean finished = FALSE;
  if (json_parser_load_from_file (parser, path, NULL))
    {
      JsonNode *root = json_parser_get_root (parser);
      JsonNode *f = JSON_NODE_HOLDS_OBJECT (root)
                      ? json_object_get_member (json_node_get_object (root), "finished")
                      : NULL;
      finished = f && JSON_NODE_HOLDS_VALUE (f);
    }
  g_object_unref (parser);
  g_free (path);
  char *report = g_build_filename (dir, "report.html", NULL);
  finished = finished && g_file_test (report, G_FILE_TEST_IS_REGULAR);
  g_free (report);
  return finished;
}

/* ---- the lock ------------------------------------------------------------ */

static const char *smoke =
  "[pipeline]\nname = smoke\nseed = 1\n"
  "[dataset]\nplugin = synthetic\ntrain-size = 256\ntest-size = 128\nval-split = 0.25\n"
  "[model]\nplugin = mlp\nhidden = 16\n"
  "[train]\nepochs = 2\nbatch-size = 32\nlearning-rate = 0.05\n"
  "[metric:accuracy]\nplugin = accuracy\n";

typedef struct {
  const char *pipeline, *dir;
  gboolean tried;
  int resume_status, force_status, check_status, report_status;
  char *resume_err, *force_err, *report_err;
  GError *api_error;            /* of a second run of the folder from this process */
} Intruder;

/* While the run holds its folder, other interp-runs try to use it. */
static gboolean
intrude_on_epoch_end (gpointer self, InterpNet *net, const InterpEpochSummary *e, gboolean *stop,
                      GError **error)
{
  Intruder *in = self;
  if (in->tried)
    return TRUE;
  in->tried = TRUE;
  in->resume_status = run (&in->resume_err, in->pipeline, "--output", in->dir, "--resume", "-j",
                           "1", NULL);
  in->force_status = run (&in->force_err, in->pipeline, "--output", in->dir, "--force", "-j", "1",
                          NULL);
  in->check_status = run (NULL, in->pipeline, "--output", in->dir, "--check", NULL);
  in->report_status = run (&in->report_err, "--report", in->dir, NULL);
  /* The lock is the open file's, not the process's: refused here too. */
  InterpRunner *runner = interp_runner_new (NULL);
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  opts.output = in->dir;
  opts.threads = 1;
  opts.resume = TRUE;
  InterpRun *r = interp_run_open (runner, in->pipeline, &opts, &in->api_error);
  cr_assert_not_null (r, "%s", in->api_error->message);
  cr_assert_not (interp_run_execute (r, NULL, &in->api_error));
  interp_run_free (r);
  interp_runner_free (runner);
  return TRUE;
}

static const InterpTrainHooks intrude_hooks = {
  INTERP_VTABLE_SIZE (InterpTrainHooks),
  .on_epoch_end = intrude_on_epoch_end,
};

Test (crash, a_second_run_on_a_folder_in_use_is_refused)
{
  char *path = write_file ("smoke.ini", smoke);
  char *dir = g_build_filename (tmpdir, "run", NULL);
  Intruder in = { .pipeline = path, .dir = dir };
  InterpRunner *runner = interp_runner_new (NULL);
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  opts.output = dir;
  opts.threads = 1;
  opts.train_hooks = &intrude_hooks;
  opts.train_hooks_self = &in;
  GError *error = NULL;
  InterpRun *r = interp_run_open (runner, path, &opts, &error);
  cr_assert_not_null (r, "%s", error ? error->message : "");
  cr_assert (interp_run_execute (r, NULL, &error), "%s", error ? error->message : "");
  interp_run_free (r);
  interp_runner_free (runner);
  cr_assert (in.tried);

  char *holder = g_strdup_printf ("%s: another interp-run (pid %ld) is using this run folder",
                                  dir, (long) getpid ());
  cr_assert_eq (in.resume_status, 2, "--resume on a folder in use: %s", in.resume_err);
  cr_assert (strstr (in.resume_err, holder), "%s", in.resume_err);
  cr_assert_eq (in.force_status, 2, "--force on a folder in use: %s", in.force_err);
  cr_assert (strstr (in.force_err, holder), "%s", in.force_err);
  cr_assert_eq (in.check_status, 0, "--check must not take the lock");
  cr_assert_eq (in.report_status, 1, "--report on a folder in use: %s", in.report_err);
  cr_assert (strstr (in.report_err, holder), "%s", in.report_err);
  cr_assert_not_null (in.api_error);
  cr_assert (g_error_matches (in.api_error, INTERP_ERROR, INTERP_ERROR_EXISTS), "%s",
             in.api_error->message);
  cr_assert (strstr (in.api_error->message, holder), "%s", in.api_error->message);
  g_error_free (in.api_error);
  /* The refused --force removed nothing: the run went on and finished. */
  cr_assert (run_finished (dir));
  char *model = g_build_filename (dir, "trials", "trial-000", "model.safetensors", NULL);
  cr_assert (g_file_test (model, G_FILE_TEST_IS_REGULAR));

  /* Released at the end: the folder can be replaced now. */
  char *err = NULL;
  cr_assert_eq (run (&err, path, "--output", dir, "--force", "-j", "1", NULL), 0, "%s", err);
  g_free (err);
  g_free (model);
  g_free (holder);
  g_free (in.resume_err);
  g_free (in.force_err);
  g_free (in.report_err);
  g_free (dir);
  g_free (path);
}

Test (crash, the_lock_dies_with_its_holder)
{
  /* Long enough that it is still training when it is killed. */
  char *path = write_file ("long.ini", smoke);
  char *dir = g_build_filename (tmpdir, "run", NULL);
  GPid pid = start (path, "--output", dir, "-j", "1", "-q", "--set", "train.epochs=100000", NULL);
  char *state = g_build_filename (dir, "trials", "trial-000", "train-state.json", NULL);
  int status = 0;
  while (!g_file_test (state, G_FILE_TEST_EXISTS))
    {
      cr_assert_eq (waitpid (pid, &status, WNOHANG), 0, "the run ended before its first epoch");
      g_usleep (1000);
    }
  char *err = NULL;
  cr_assert_eq (run (&err, path, "--output", dir, "--resume", "-j", "1", NULL), 2, "%s", err);
  char *holder = g_strdup_printf ("%s: another interp-run (pid %ld) is using this run folder",
                                  dir, (long) pid);
  cr_assert (strstr (err, holder), "%s", err);
  g_free (err);
  cr_assert_eq (wait_or_kill (pid, 0), -1);

  /* Its lock went with it.  (Fewer epochs than were done: the resume only
   * evaluates the last checkpoint.) */
  cr_assert_eq (run (&err, path, "--output", dir, "--resume", "-j", "1", "--set",
                     "train.epochs=1", NULL), 0, "%s", err);
  cr_assert (strstr (err, "resuming the run in"), "%s", err);
  cr_assert (run_finished (dir));
  g_free (err);
  g_free (holder);
  g_free (state);
  g_free (dir);
  g_free (path);
}

/* ---- kill and resume ----------------------------------------------------- */

/* 4 trials of 3 epochs, tracked every epoch, with gradient norms, evaluated
 * clean and under an attack. */
static const char *sweep =
  "[pipeline]\nname = crash\nseed = 1\n"
  "[dataset]\nplugin = synthetic\ntrain-size = 1536\ntest-size = 512\nval-split = 0.25\n"
  "[model]\nplugin = mlp\nhidden = 32\n"
  "[train]\nepochs = 3\nbatch-size = 32\nlearning-rate = 0.05\noptimizer = adam\n"
  "gradient-norms = 10\n"
  "[attack:fgsm]\nplugin = fgsm\nepsilon = 0, 0.05, 0.1\n"
  "[metric:accuracy]\nplugin = accuracy\nperturbations = clean, attack:*\n"
  "track-epochs = true\n"
  "[sweep]\ntrain.learning-rate = 0.01, 0.05\npipeline.seed = 1..2\n";

static GBytes *
load (const char *dir, const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;
  gsize len = 0;
  GBytes *b = g_file_get_contents (path, &text, &len, NULL) ? g_bytes_new_take (text, len) : NULL;
  g_free (path);
  return b;
}

/* The files of `want` that must be byte-identical in `got`: the summary,
 * and every trial's model, metrics, tracked epochs, gradient norms and the
 * checkpoints both still have. */
static void
assert_same_run (const char *want, const char *got, int round)
{
  static const char *const top[] = { "summary.csv", "summary.json", NULL };
  for (const char *const *n = top; *n; n++)
    {
      GBytes *a = load (want, *n), *b = load (got, *n);
      cr_assert_not_null (a);
      cr_assert_not_null (b, "round %d: %s is missing", round, *n);
      cr_assert (g_bytes_equal (a, b), "round %d: %s differs from the uninterrupted run's", round,
                 *n);
      g_bytes_unref (a);
      g_bytes_unref (b);
    }
  char *trials = g_build_filename (want, "trials", NULL);
  GDir *d = g_dir_open (trials, 0, NULL);
  cr_assert_not_null (d);
  const char *id;
  guint n_trials = 0;
  while ((id = g_dir_read_name (d)))
    {
      n_trials++;
      char *wt = g_build_filename (trials, id, NULL);
      char *gt = g_build_filename (got, "trials", id, NULL);
      GDir *f = g_dir_open (wt, 0, NULL);
      cr_assert_not_null (f);
      const char *name;
      guint compared = 0;
      while ((name = g_dir_read_name (f)))
        {
          gboolean must = g_str_equal (name, "model.safetensors")
                          || g_str_equal (name, "metrics.json")
                          || g_str_equal (name, "epochs.json")
                          || g_str_equal (name, "gradient-norms.csv");
          gboolean checkpoint = g_str_has_suffix (name, ".safetensors");
          if (!must && !checkpoint)
            continue;
          GBytes *a = load (wt, name), *b = load (gt, name);
          cr_assert (b || !must, "round %d: %s/%s is missing", round, id, name);
          if (b)
            {
              cr_assert (g_bytes_equal (a, b),
                         "round %d: %s/%s differs from the uninterrupted run's", round, id, name);
              compared++;
              g_bytes_unref (b);
            }
          g_bytes_unref (a);
        }
      g_dir_close (f);
      cr_assert_geq (compared, 4);
      g_free (wt);
      g_free (gt);
    }
  g_dir_close (d);
  cr_assert_eq (n_trials, 4);
  g_free (trials);
}

/* Nothing a killed run left is still anywhere under `dir`: no
 * "NAME.tmp-XXXXXX" of an interrupted write, no superseded checkpoint. */
static void
assert_no_temporaries (const char *dir, int round)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  cr_assert_not_null (d);
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      char *child = g_build_filename (dir, name, NULL);
      cr_assert_null (strstr (name, ".tmp-"), "round %d: %s was left behind", round, child);
      /* Training ended at epoch 3: no earlier checkpoint stays. */
      cr_assert (!g_str_has_prefix (name, "checkpoint-epoch-")
                   || g_str_equal (name, "checkpoint-epoch-003.safetensors"),
                 "round %d: %s was left behind", round, child);
      cr_assert (!g_str_has_prefix (name, "optimizer-epoch-")
                   || g_str_equal (name, "optimizer-epoch-003.safetensors"),
                 "round %d: %s was left behind", round, child);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        assert_no_temporaries (child, round);
      g_free (child);
    }
  g_dir_close (d);
}

Test (crash, killed_sweeps_resume_bit_identical)
{
  char *path = write_file ("crash.ini", sweep);
  char *want = g_build_filename (tmpdir, "uninterrupted", NULL);
  char *again_dir = g_build_filename (tmpdir, "uninterrupted-again", NULL);
  /* Twice: the runs are deterministic, and the second (warm) one is as long
   * as the runs below. */
  gint64 length = G_MAXINT64;
  for (int i = 0; i < 2; i++)
    {
      /* Started and waited for as the runs below are. */
      gint64 t0 = g_get_monotonic_time ();
      GPid pid = start (path, "--output", i ? again_dir : want, "-j", "1", "-q", NULL);
      cr_assert_eq (wait_or_kill (pid, G_MAXINT64 / 2), 0, "the uninterrupted run failed");
      length = MIN (length, g_get_monotonic_time () - t0);
    }
  fprintf (stderr, "a run takes %.2f s\n", (double) length / 1e6);
  char *err = NULL;
  assert_same_run (want, again_dir, -1);
  /* Each round waits for a sign that the run reached a stage (a file
   * appears), then a little more, drawn from a fixed seed, and kills it:
   * at the start, while training, checkpointing, evaluating, saving the
   * example images, writing the summary and writing the report.  The
   * choices are reproducible; where exactly each kill lands varies from one
   * machine (and one try) to the next, which is the point. */
  static const char *const stages[] = {
    NULL, "trials/trial-000/train-state.json", "trials/trial-001/checkpoint-epoch-002.safetensors",
    "trials/trial-001/model.safetensors", "trials/trial-002/model.safetensors",
    "trials/trial-003/examples", "trials/trial-003/metrics.json", "summary.csv", "plots", NULL,
  };
  const int rounds = G_N_ELEMENTS (stages);
  GRand *rng = g_rand_new_with_seed (20261202);
  for (int k = 0; k < rounds; k++)
    {
      char *name = g_strdup_printf ("round-%d", k);
      char *got = g_build_filename (tmpdir, name, NULL);
      /* Every third round in two worker processes, which die with the run. */
      const char *jobs = k % 3 == 2 ? "2" : "1";
      /* After the sign, up to a twentieth of a run; without one, anywhere. */
      double fraction = g_rand_double (rng) * (stages[k] ? 0.05 : 1);
      char *trigger = stages[k] ? g_build_filename (got, stages[k], NULL) : NULL;
      GPid pid = start (path, "--output", got, "-j", jobs, "-q", NULL);
      int status = kill_after (pid, trigger, (gint64) (fraction * (double) length));
      g_free (trigger);
      cr_assert (status == -1 || status == 0, "round %d: the first run failed (%d)", k, status);
      gboolean killed = status == -1;
      /* Every other round, the first resume is killed too. */
      double again = k % 2 ? g_rand_double (rng) : -1;
      int tries = 0;
      while (!run_finished (got))
        {
          cr_assert_lt (tries++, 5, "round %d: the run does not finish", k);
          if (again >= 0)
            {
              pid = start (path, "--output", got, "-j", jobs, "-q", "--resume", NULL);
              status = wait_or_kill (pid, (gint64) (again * (double) length));
              cr_assert (status == -1 || status == 0, "round %d: a resume failed (%d)", k,
                         status);
              again = -1;
              continue;
            }
          cr_assert_eq (run (&err, path, "--output", got, "-j", jobs, "-q", "--resume", NULL), 0,
                        "round %d: %s", k, err);
          g_free (err);
        }
      assert_same_run (want, got, k);
      assert_no_temporaries (got, k);
      char *report = g_build_filename (got, "report.html", NULL);
      cr_assert (g_file_test (report, G_FILE_TEST_IS_REGULAR), "round %d: no report", k);
      g_free (report);
      fprintf (stderr, "round %d (-j %s): %.1f%% of a run after %s: %s, %d more resume(s)\n", k,
               jobs, 100 * fraction, stages[k] ? stages[k] : "the start",
               killed ? "killed" : "had finished", tries);
      test_remove_tree (got);
      g_free (got);
      g_free (name);
    }
  g_rand_free (rng);
  g_free (again_dir);
  g_free (want);
  g_free (path);
}

/* ---- a full disk ----------------------------------------------------------- */

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* path -> SHA-256 of every file under `dir` (but the lock, whose pid
 * changes with each run). */
static void
hash_tree (GHashTable *sums, const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  cr_assert_not_null (d);
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      char *child = g_build_filename (dir, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          hash_tree (sums, child);
          g_free (child);
          continue;
        }
      if (g_str_equal (name, ".lock"))
        {
          g_free (child);
          continue;
        }
      char *text = NULL;
      gsize len = 0;
      cr_assert (g_file_get_contents (child, &text, &len, NULL));
      g_hash_table_insert (sums, child,
                           g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) text, len));
      g_free (text);
    }
  g_dir_close (d);
}

Test (crash, a_full_disk_is_a_clear_error_and_keeps_earlier_files)
{
#ifdef UNDER_ASAN
  /* The shim comes first in LD_PRELOAD, and ASan refuses to start unless its
   * own runtime does. */
  cr_skip_test ("LD_PRELOAD shims and AddressSanitizer do not mix");
#endif
  char *shim = g_build_filename (g_getenv ("INTERP_TEST_BUILDDIR"), "tests", "cli", ".libs",
                                 "enospc-shim.so", NULL);
  cr_assert (g_file_test (shim, G_FILE_TEST_IS_REGULAR), "%s is missing", shim);
  char *text = g_strconcat (smoke, "[sweep]\npipeline.seed = 1..2\n", NULL);
  char *path = write_file ("full.ini", text);
  char *want = g_build_filename (tmpdir, "uninterrupted", NULL);
  char *err = NULL;
  cr_assert_eq (run (&err, path, "--output", want, "-j", "1", "-q", NULL), 0, "%s", err);
  g_free (err);
  GBytes *want_summary = load (want, "summary.csv");

  /* The disk fills up at different points of the second trial and the
   * end of the run (the report is most of its bytes). */
  static const char *const budgets[] = { "0", "100", "5000", "30000", "60000", "400000" };
  for (guint k = 0; k < G_N_ELEMENTS (budgets); k++)
    {
      /* A run whose first trial finished, then was stopped. */
      char *name = g_strdup_printf ("full-%u", k);
      char *dir = g_build_filename (tmpdir, name, NULL);
      cr_assert_eq (run (&err, path, "--output", dir, "-j", "1", "-q", NULL), 0, "%s", err);
      g_free (err);
      char *t1 = g_build_filename (dir, "trials", "trial-001", NULL);
      test_remove_tree (t1);
      static const char *const last[] = { "manifest.json", "summary.csv", "summary.json",
                                          "report.html", NULL };
      for (const char *const *n = last; *n; n++)
        {
          char *f = g_build_filename (dir, *n, NULL);
          g_unlink (f);
          g_free (f);
        }
      GHashTable *before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      hash_tree (before, dir);

      char **envp = g_get_environ ();
      envp = g_environ_setenv (envp, "LD_PRELOAD", shim, TRUE);
      envp = g_environ_setenv (envp, "INTERP_TEST_ENOSPC_DIR", dir, TRUE);
      envp = g_environ_setenv (envp, "INTERP_TEST_ENOSPC_AFTER", budgets[k], TRUE);
      cr_assert_eq (run_env (envp, &err, path, "--output", dir, "-j", "1", "-q", "--resume",
                             NULL), 1, "after %s bytes: %s", budgets[k], err);
      g_strfreev (envp);
      /* One message, naming the file and the cause. */
      char *line = strstr (err, "error: ");
      cr_assert_not_null (line, "after %s bytes: %s", budgets[k], err);
      cr_assert_null (strstr (line + 1, "error: "), "after %s bytes: %s", budgets[k], err);
      cr_assert (strstr (line, "No space left on device"), "after %s bytes: %s", budgets[k], err);
      cr_assert (strstr (line, dir), "after %s bytes: the path is missing: %s", budgets[k], err);
      g_free (err);

      /* What was there is intact, and no half-written file is left. */
      GHashTable *after = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      hash_tree (after, dir);
      GHashTableIter it;
      gpointer file, sum;
      g_hash_table_iter_init (&it, before);
      while (g_hash_table_iter_next (&it, &file, &sum))
        {
          const char *now = g_hash_table_lookup (after, file);
          cr_assert_not_null (now, "after %s bytes: %s is gone", budgets[k], (char *) file);
          cr_assert_str_eq (now, sum, "after %s bytes: %s changed", budgets[k], (char *) file);
        }
      g_hash_table_iter_init (&it, after);
      while (g_hash_table_iter_next (&it, &file, &sum))
        cr_assert_null (strstr (file, ".tmp-"), "after %s bytes: %s was left behind", budgets[k],
                        (char *) file);

      /* With room again, the run resumes and ends as if nothing happened. */
      cr_assert_eq (run (&err, path, "--output", dir, "-j", "1", "-q", "--resume", NULL), 0,
                    "%s", err);
      g_free (err);
      GBytes *got = load (dir, "summary.csv");
      cr_assert (got && g_bytes_equal (got, want_summary), "after %s bytes: the summary differs",
                 budgets[k]);
      g_bytes_unref (got);
      g_hash_table_unref (before);
      g_hash_table_unref (after);
      g_free (t1);
      g_free (dir);
      g_free (name);
    }
  g_bytes_unref (want_summary);
  g_free (want);
  g_free (path);
  g_free (text);
  g_free (shim);
}
