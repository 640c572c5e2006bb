/* interp-run's thread and plugin-path settings: an unusable -j or
 * INTERP_THREADS is an error naming it, its value and the range (exit
 * status 2) instead of every core in silence; an INTERP_PLUGIN_PATH entry
 * that is a plain file is skipped with a warning naming it. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "../test-tree.h"

static char *tmpdir;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("interp-cli-options-XXXXXX", NULL);
}

static void
teardown (void)
{
  test_remove_tree (tmpdir);
  g_free (tmpdir);
}

TestSuite (cli_options, .init = setup, .fini = teardown, .timeout = 120);

/* Runs interp-run with the arguments (NULL-terminated) in the test's
 * environment with `var` set to `value` (unless var is NULL); returns the
 * exit status and its standard error in *err. */
static int
run_env (const char *var, const char *value, char **err, ...)
{
  const char *builddir = g_getenv ("INTERP_TEST_BUILDDIR");
  cr_assert_not_null (builddir, "INTERP_TEST_BUILDDIR is not set (run through make check)");
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_build_filename (builddir, "interp-run", NULL));
  va_list ap;
  va_start (ap, err);
  const char *a;
  while ((a = va_arg (ap, const char *)))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  char **envp = g_get_environ ();
  envp = g_environ_unsetenv (envp, "INTERP_THREADS");
  if (var)
    envp = g_environ_setenv (envp, var, value, TRUE);
  int status = -1;
  char *e = NULL;
  GError *error = NULL;
  cr_assert (g_spawn_sync (tmpdir, (char **) argv->pdata, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                           NULL, NULL, &e, &status, &error),
             "spawn: %s", error ? error->message : "");
  g_strfreev (envp);
  g_ptr_array_unref (argv);
  *err = e;
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* A pipeline that would run (so an exit status 2 is the option's doing). */
static char *
smoke_path (void)
{
  static const char *smoke =
    "[pipeline]\nname = smoke\nseed = 1\n"
    "[dataset]\nplugin = synthetic\ntrain-size = 64\ntest-size = 32\n"
    "[model]\nplugin = mlp\nhidden = 4\n"
    "[train]\nepochs = 1\nbatch-size = 32\n"
    "[metric:accuracy]\nplugin = accuracy\n";
  char *path = g_build_filename (tmpdir, "smoke.ini", NULL);
  cr_assert (g_file_set_contents (path, smoke, -1, NULL));
  return path;
}

static void
expect_bad_jobs (const char *value)
{
  char *path = smoke_path ();
  char *err = NULL;
  cr_assert_eq (run_env (NULL, NULL, &err, path, "--check", "-j", value, NULL), 2, "-j %s: %s",
                value, err);
  char *want = g_strdup_printf ("-j %s: expected a thread count from 1 to 4096", value);
  cr_assert (strstr (err, want), "%s", err);
  g_free (want);
  g_free (err);
  g_free (path);
}

Test (cli_options, jobs_zero_is_an_error) { expect_bad_jobs ("0"); }
Test (cli_options, jobs_negative_is_an_error) { expect_bad_jobs ("-3"); }
Test (cli_options, jobs_not_a_number_is_an_error) { expect_bad_jobs ("2x"); }
Test (cli_options, jobs_above_the_range_is_an_error) { expect_bad_jobs ("4097"); }

Test (cli_options, jobs_long_form_names_itself)
{
  char *path = smoke_path ();
  char *err = NULL;
  cr_assert_eq (run_env (NULL, NULL, &err, path, "--check", "--jobs=0", NULL), 2, "%s", err);
  cr_assert (strstr (err, "--jobs 0: expected a thread count from 1 to 4096"), "%s", err);
  g_free (err);
  g_free (path);
}

static void
expect_bad_threads (const char *value)
{
  char *path = smoke_path ();
  char *err = NULL;
  cr_assert_eq (run_env ("INTERP_THREADS", value, &err, path, "--check", NULL), 2,
                "INTERP_THREADS=%s: %s", value, err);
  char *want = g_strdup_printf ("INTERP_THREADS=%s: expected a thread count from 1 to 4096",
                                value);
  cr_assert (strstr (err, want), "%s", err);
  g_free (want);
  g_free (err);
  g_free (path);
}

Test (cli_options, interp_threads_text_is_an_error) { expect_bad_threads ("abc"); }
Test (cli_options, interp_threads_zero_is_an_error) { expect_bad_threads ("0"); }
Test (cli_options, interp_threads_negative_is_an_error) { expect_bad_threads ("-1"); }

Test (cli_options, good_or_overridden_settings_run)
{
  char *path = smoke_path ();
  char *err = NULL;
  cr_assert_eq (run_env ("INTERP_THREADS", "2", &err, path, "--check", NULL), 0, "%s", err);
  g_free (err);
  cr_assert_eq (run_env ("INTERP_THREADS", "", &err, path, "--check", NULL), 0, "%s", err);
  g_free (err);
  /* -j wins: the variable is not used, so not judged */
  cr_assert_eq (run_env ("INTERP_THREADS", "abc", &err, path, "--check", "-j", "1", NULL), 0,
                "%s", err);
  g_free (err);
  cr_assert_eq (run_env (NULL, NULL, &err, path, "--check", "-j", "4096", NULL), 0, "%s", err);
  g_free (err);
  g_free (path);
}

/* A file on the path is skipped with a warning naming it; the folders of
 * the test environment's path still load (the pipeline's plugins are found). */
Test (cli_options, a_plain_file_on_the_plugin_path_is_a_warning)
{
  char *path = smoke_path ();
  char *file = g_build_filename (tmpdir, "accuracy.la", NULL);
  cr_assert (g_file_set_contents (file, "# libtool\n", -1, NULL));
  const char *env = g_getenv ("INTERP_PLUGIN_PATH");
  cr_assert_not_null (env, "INTERP_PLUGIN_PATH is not set (run through make check)");
  char *value = g_strdup_printf ("%s%s%s", file, G_SEARCHPATH_SEPARATOR_S, env);
  char *err = NULL;
  cr_assert_eq (run_env ("INTERP_PLUGIN_PATH", value, &err, path, "--check", NULL), 0, "%s",
                err);
  char *want = g_strdup_printf ("INTERP_PLUGIN_PATH entry %s is a file, not a plugin folder, "
                                "and is skipped", file);
  cr_assert (strstr (err, want) && strstr (err, "warning:"), "%s", err);
  cr_assert_null (strstr (err, "cannot read plugin directory"), "%s", err);
  g_free (want);
  g_free (err);
  g_free (value);
  g_free (file);
  g_free (path);
}
