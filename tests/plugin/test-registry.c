/* The plugin loader (core/plugin/loader.c): files, directories, the search
 * path, the problems it records and verbose loading.  Component checks are
 * test-components.c's; lookup, list and describe test-describe.c's. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <interp/attack.h>
#include <interp/error.h>
#include "plugin/registry.h"
#include <interp/metric.h>
#include "registry-helpers.h"

TestSuite (registry, .init = make_tmp, .fini = remove_tmp);

Test (registry, loads_good_plugin)
{
  char *path = built_plugin ("good");
  InterpRegistry *reg = interp_registry_new ();
  GError *err = NULL;
  cr_assert (interp_registry_load_file (reg, path, &err), "%s", err ? err->message : "");
  cr_assert_eq (interp_registry_n_plugins (reg), 1);

  const InterpRegistryEntry *m = interp_registry_find (reg, INTERP_KIND_METRIC, "test-good");
  cr_assert_not_null (m);
  cr_assert_str_eq (m->path, path);
  cr_assert_str_eq (m->plugin->name, "test-good");
  cr_assert_str_eq (m->plugin->version, "1.2.3");
  cr_assert_eq (m->component->kind, INTERP_KIND_METRIC);
  const InterpMetricVTable *v = m->component->vtable;
  cr_assert_eq (v->struct_size, sizeof (InterpMetricVTable));
  cr_assert_not_null (v->create (NULL, NULL, NULL, NULL, NULL));

  const InterpRegistryEntry *a = interp_registry_find (reg, INTERP_KIND_ATTACK, "test-noop");
  cr_assert_not_null (a);
  cr_assert_eq (a->plugin, m->plugin);
  /* Names are per kind. */
  cr_assert_null (interp_registry_find (reg, INTERP_KIND_ATTACK, "test-good"));
  cr_assert_null (interp_registry_find (reg, INTERP_N_KINDS, "test-good"));

  /* The same file again is not a duplicate: it is loaded once. */
  cr_assert (interp_registry_load_file (reg, path, &err), "%s", err ? err->message : "");
  cr_assert_eq (interp_registry_n_plugins (reg), 1);
  interp_registry_free (reg);
  g_free (path);
}

Test (registry, refuses_wrong_abi)
{
  char *path = built_plugin ("wrong-abi");
  /* Both versions are named: the plugin's 42 and ours. */
  char *ours = g_strdup_printf ("ABI %u", INTERP_ABI_VERSION);
  char *theirs = g_strdup_printf ("ABI %u", INTERP_ABI_VERSION + 41);
  assert_refused (path, INTERP_ERROR_PLUGIN_ABI, ours);
  assert_refused (path, INTERP_ERROR_PLUGIN_ABI, theirs);
  g_free (ours);
  g_free (theirs);
  g_free (path);
}

Test (registry, refuses_missing_entry_point)
{
  char *path = built_plugin ("no-entry");
  assert_refused (path, INTERP_ERROR_PLUGIN_INVALID, "no interp_plugin_describe");
  g_free (path);
}

Test (registry, refuses_short_descriptor)
{
  char *path = built_plugin ("short-descriptor");
  assert_refused (path, INTERP_ERROR_PLUGIN_INVALID, "shorter");
  g_free (path);
}

Test (registry, refuses_missing_metadata)
{
  char *path = built_plugin ("missing-metadata");
  assert_refused (path, INTERP_ERROR_PLUGIN_INVALID, "license");
  g_free (path);
}

Test (registry, refuses_short_vtable_whole_plugin)
{
  char *path = built_plugin ("short-vtable");
  assert_refused (path, INTERP_ERROR_PLUGIN_INVALID, "metric vtable");
  g_free (path);
}

Test (registry, refuses_default_that_fails_its_spec)
{
  char *path = built_plugin ("bad-default");
  assert_refused (path, INTERP_ERROR_PLUGIN_INVALID, "'count'");
  g_free (path);
}

Test (registry, refuses_truncated_and_non_elf_files)
{
  char *good = built_plugin ("good");
  gsize size = file_size (good);
  /* Cut inside the ELF header, inside the program headers, halfway, and
   * one byte short (where only the section headers are lost). */
  const gsize keeps[] = { 40, 100, size / 2, size - 1 };
  for (guint i = 0; i < G_N_ELEMENTS (keeps); i++)
    {
      char *name = g_strdup_printf ("truncated-%u.so", i);
      char *path = write_truncated (tmp, name, keeps[i]);
      assert_refused (path, INTERP_ERROR_PLUGIN_INVALID, "cannot load plugin");
      g_free (path);
      g_free (name);
    }
  char *junk = g_build_filename (tmp, "junk.so", NULL);
  write_file (junk, "not a shared object\n", 20);
  assert_refused (junk, INTERP_ERROR_PLUGIN_INVALID, "cannot load plugin");
  char *empty = g_build_filename (tmp, "empty.so", NULL);
  write_file (empty, "", 0);
  assert_refused (empty, INTERP_ERROR_PLUGIN_INVALID, "cannot load plugin");
  char *missing = g_build_filename (tmp, "missing.so", NULL);
  assert_refused (missing, INTERP_ERROR_NOT_FOUND, NULL);
  g_free (missing);
  g_free (empty);
  g_free (junk);
  g_free (good);
}

Test (registry, refuses_duplicate_naming_both_files)
{
  char *good = built_plugin ("good");
  char *dup = built_plugin ("redefines-good");
  InterpRegistry *reg = interp_registry_new ();
  GError *err = NULL;
  cr_assert (interp_registry_load_file (reg, good, &err));
  cr_assert_not (interp_registry_load_file (reg, dup, &err));
  cr_assert (g_error_matches (err, INTERP_ERROR, INTERP_ERROR_DUPLICATE), "%s", err->message);
  cr_assert (strstr (err->message, good) && strstr (err->message, dup), "%s", err->message);
  cr_assert (strstr (err->message, "metric:test-good"), "%s", err->message);
  /* The first definition stays. */
  const InterpRegistryEntry *e = interp_registry_find (reg, INTERP_KIND_METRIC, "test-good");
  cr_assert_str_eq (e->plugin->name, "test-good");
  cr_assert_eq (interp_registry_n_plugins (reg), 1);
  g_error_free (err);
  interp_registry_free (reg);
  g_free (dup);
  g_free (good);
}

/* Every test plugin, a truncated copy, a non-ELF file and a file that is not
 * a .so in one directory: the good ones load, each broken one is one problem
 * with its own code that names its file. */
Test (registry, broken_plugins_do_not_stop_good_ones)
{
  static const struct { const char *file; int code; } expect[] = {
    { "bad-default.so", INTERP_ERROR_PLUGIN_INVALID },
    { "junk.so", INTERP_ERROR_PLUGIN_INVALID },
    { "missing-metadata.so", INTERP_ERROR_PLUGIN_INVALID },
    { "no-entry.so", INTERP_ERROR_PLUGIN_INVALID },
    { "redefines-good.so", INTERP_ERROR_DUPLICATE },
    { "short-descriptor.so", INTERP_ERROR_PLUGIN_INVALID },
    { "short-vtable.so", INTERP_ERROR_PLUGIN_INVALID },
    { "truncated.so", INTERP_ERROR_PLUGIN_INVALID },
    { "wrong-abi.so", INTERP_ERROR_PLUGIN_ABI },
  };
  static const char *const plugins[] = {
    "good", "second", "redefines-good", "wrong-abi", "no-entry", "short-descriptor",
    "missing-metadata", "short-vtable", "bad-default",
  };
  char *dir = g_build_filename (tmp, "mixed", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (plugins); i++)
    g_free (copy_plugin (plugins[i], dir, NULL));
  char *good = g_build_filename (dir, "good.so", NULL);
  g_free (write_truncated (dir, "truncated.so", file_size (good) / 3));
  char *junk = g_build_filename (dir, "junk.so", NULL);
  write_file (junk, "#!/bin/sh\n", 10);
  char *readme = g_build_filename (dir, "README.txt", NULL);
  write_file (readme, "not a plugin\n", 13);
  char *subdir = g_build_filename (dir, "nested.so", NULL);
  g_mkdir (subdir, 0700);

  InterpRegistry *reg = interp_registry_new ();
  const char *dirs[] = { dir, NULL };
  interp_registry_load_search_path (reg, dirs);

  cr_assert_eq (interp_registry_n_plugins (reg), 2);
  const InterpRegistryEntry *e = interp_registry_find (reg, INTERP_KIND_METRIC, "test-good");
  cr_assert_not_null (e);
  cr_assert_str_eq (e->path, good);
  cr_assert_not_null (interp_registry_find (reg, INTERP_KIND_METRIC, "test-second"));
  cr_assert_not_null (interp_registry_find (reg, INTERP_KIND_ATTACK, "test-noop"));
  cr_assert_null (interp_registry_find (reg, INTERP_KIND_METRIC, "test-short-vtable-fine"));

  const GPtrArray *msgs = interp_registry_problems (reg);
  const GPtrArray *errs = interp_registry_problem_errors (reg);
  cr_assert_eq (msgs->len, G_N_ELEMENTS (expect), "%u problems", msgs->len);
  cr_assert_eq (errs->len, msgs->len);
  /* Directory entries are tried in sorted order, so problems come sorted. */
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      const GError *err = errs->pdata[i];
      char *path = g_build_filename (dir, expect[i].file, NULL);
      cr_assert_str_eq (msgs->pdata[i], err->message);
      cr_assert (strstr (err->message, path), "problem %u does not name %s: %s", i, path,
                 err->message);
      cr_assert (g_error_matches (err, INTERP_ERROR, expect[i].code), "%s: code %d: %s",
                 expect[i].file, err->code, err->message);
      g_free (path);
    }
  interp_registry_free (reg);
  g_free (subdir);
  g_free (readme);
  g_free (junk);
  g_free (good);
  g_free (dir);
}

/* Two directories define metric:test-good; the one earlier in the search
 * order keeps it, and the later one is a problem naming both files. */
static void
assert_winner (InterpRegistry *reg, const char *winner_dir, const char *loser_dir)
{
  const InterpRegistryEntry *e = interp_registry_find (reg, INTERP_KIND_METRIC, "test-good");
  cr_assert_not_null (e);
  cr_assert (g_str_has_prefix (e->path, winner_dir), "%s won, expected a file in %s", e->path,
             winner_dir);
  const GPtrArray *errs = interp_registry_problem_errors (reg);
  cr_assert_eq (errs->len, 1);
  const GError *err = errs->pdata[0];
  cr_assert (g_error_matches (err, INTERP_ERROR, INTERP_ERROR_DUPLICATE), "%s", err->message);
  cr_assert (strstr (err->message, winner_dir) && strstr (err->message, loser_dir), "%s",
             err->message);
}

Test (registry, search_order)
{
  char *a = g_build_filename (tmp, "a", NULL);
  char *b = g_build_filename (tmp, "b", NULL);
  g_free (copy_plugin ("good", a, NULL));
  g_free (copy_plugin ("redefines-good", b, NULL));

  /* --plugin-path entries in their order. */
  InterpRegistry *reg = interp_registry_new ();
  const char *ba[] = { b, a, NULL };
  interp_registry_load_search_path (reg, ba);
  assert_winner (reg, b, a);
  interp_registry_free (reg);

  /* --plugin-path before INTERP_PLUGIN_PATH. */
  setenv ("INTERP_PLUGIN_PATH", a, 1);
  reg = interp_registry_new ();
  const char *just_b[] = { b, NULL };
  interp_registry_load_search_path (reg, just_b);
  assert_winner (reg, b, a);
  interp_registry_free (reg);

  /* INTERP_PLUGIN_PATH in its order, empty entries skipped. */
  char *env = g_strdup_printf (":%s::%s:", a, b);
  setenv ("INTERP_PLUGIN_PATH", env, 1);
  reg = interp_registry_new ();
  interp_registry_load_search_path (reg, NULL);
  assert_winner (reg, a, b);
  interp_registry_free (reg);

  g_free (env);
  g_free (b);
  g_free (a);
}

Test (registry, same_file_twice_loads_once)
{
  char *a = g_build_filename (tmp, "a", NULL);
  char *good = copy_plugin ("good", a, NULL);
  char *link_dir = g_build_filename (tmp, "links", NULL);
  g_mkdir (link_dir, 0700);
  char *link = g_build_filename (link_dir, "alias.so", NULL);
  cr_assert_eq (symlink (good, link), 0);

  setenv ("INTERP_PLUGIN_PATH", a, 1);
  InterpRegistry *reg = interp_registry_new ();
  const char *dirs[] = { a, link_dir, good, NULL };
  interp_registry_load_search_path (reg, dirs);
  cr_assert_eq (interp_registry_problems (reg)->len, 0, "%s",
                interp_registry_problems (reg)->len
                ? (char *) interp_registry_problems (reg)->pdata[0] : "");
  cr_assert_eq (interp_registry_n_plugins (reg), 1);
  interp_registry_free (reg);
  g_free (link);
  g_free (link_dir);
  g_free (good);
  g_free (a);
}

/* ---- verbose loading ---------------------------------------------------- */

static GLogWriterOutput
collect_messages (GLogLevelFlags level, const GLogField *fields, gsize n, gpointer data)
{
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      {
        g_string_append (data, fields[i].value);
        g_string_append_c (data, '\n');
      }
  return G_LOG_WRITER_HANDLED;
}

static GString *
load_logged (const char *dir)
{
  GString *log = g_string_new (NULL);
  g_log_set_writer_func (collect_messages, log, NULL);
  InterpRegistry *reg = interp_registry_new ();
  const char *dirs[] = { dir, NULL };
  interp_registry_load_search_path (reg, dirs);
  interp_registry_free (reg);
  return log;
}

Test (registry, debug_plugins_logs_every_file_tried)
{
  char *dir = g_build_filename (tmp, "d", NULL);
  char *good = copy_plugin ("good", dir, NULL);
  char *abi = copy_plugin ("wrong-abi", dir, NULL);
  setenv ("INTERP_DEBUG_PLUGINS", "1", 1);
  GString *log = load_logged (dir);
  char *want[] = {
    g_strdup_printf ("searching plugin directory %s\n", dir),
    g_strdup_printf ("trying plugin %s\n", good),
    g_strdup_printf ("loaded %s: plugin 'test-good' 1.2.3", good),
    g_strdup_printf ("trying plugin %s\n", abi),
    g_strdup_printf ("plugin refused: %s: plugin built for interp plugin ABI", abi),
    /* The installed directory comes last, and the tests switch it off. */
    g_strdup_printf ("INTERP_NO_SYSTEM_PLUGINS is set: not searching %s\n", INTERP_PLUGIN_DIR),
  };
  const char *at = log->str;
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      const char *hit = strstr (at, want[i]);
      cr_assert_not_null (hit, "log lacks (in order) '%s':\n%s", want[i], log->str);
      at = hit;
      g_free (want[i]);
    }
  g_string_free (log, TRUE);
  g_free (abi);
  g_free (good);
  g_free (dir);
}

Test (registry, quiet_without_debug_plugins)
{
  char *dir = g_build_filename (tmp, "d", NULL);
  g_free (copy_plugin ("wrong-abi", dir, NULL));
  unsetenv ("INTERP_DEBUG_PLUGINS");
  GString *log = load_logged (dir);
  cr_assert_eq (log->len, 0, "%s", log->str);
  g_string_free (log, TRUE);
  g_free (dir);
}

Test (registry, installed_directory_is_searched_last_unless_switched_off)
{
  unsetenv ("INTERP_NO_SYSTEM_PLUGINS");
  setenv ("INTERP_DEBUG_PLUGINS", "1", 1);
  char *dir = g_build_filename (tmp, "d", NULL);
  g_free (copy_plugin ("second", dir, NULL));
  GString *log = load_logged (dir);
  char *first = g_strdup_printf ("searching plugin directory %s\n", dir);
  char *last = g_strdup_printf ("searching plugin directory %s\n", INTERP_PLUGIN_DIR);
  const char *a = strstr (log->str, first), *b = strstr (log->str, last);
  cr_assert (a && b && a < b, "%s", log->str);
  g_free (last);
  g_free (first);
  g_string_free (log, TRUE);
  g_free (dir);
}

/* A build tree's path lists plugins/KIND/.libs for kinds without a module
 * yet: a listed folder that does not exist, or holds no .so, is not a
 * problem, from --plugin-path or INTERP_PLUGIN_PATH alike. */
Test (registry, missing_or_empty_listed_directory_is_not_a_problem)
{
  char *gone = g_build_filename (tmp, "does-not-exist", NULL);
  char *empty = g_build_filename (tmp, "empty", NULL);
  char *other = g_build_filename (tmp, "no-plugins", NULL);
  char *readme = g_build_filename (other, "README", NULL);
  g_mkdir (empty, 0700);
  g_mkdir (other, 0700);
  write_file (readme, "not a plugin\n", 13);
  char *good_dir = g_build_filename (tmp, "good", NULL);
  g_free (copy_plugin ("good", good_dir, NULL));

  InterpRegistry *reg = interp_registry_new ();
  const char *dirs[] = { gone, empty, other, good_dir, NULL };
  interp_registry_load_search_path (reg, dirs);
  cr_assert_eq (interp_registry_problems (reg)->len, 0, "%s",
                interp_registry_problems (reg)->len
                ? (char *) interp_registry_problems (reg)->pdata[0] : "");
  cr_assert_eq (interp_registry_n_plugins (reg), 1);
  interp_registry_free (reg);

  char *env = g_strjoin (":", gone, empty, other, NULL);
  setenv ("INTERP_PLUGIN_PATH", env, 1);
  reg = interp_registry_new ();
  interp_registry_load_search_path (reg, NULL);
  cr_assert_eq (interp_registry_problems (reg)->len, 0);
  interp_registry_free (reg);

  /* Asking for the one directory still tells the caller it is not there. */
  reg = interp_registry_new ();
  GError *err = NULL;
  cr_assert_not (interp_registry_load_dir (reg, gone, &err));
  cr_assert (g_error_matches (err, INTERP_ERROR, INTERP_ERROR_NOT_FOUND), "%s", err->message);
  cr_assert (strstr (err->message, gone), "%s", err->message);
  g_error_free (err);
  interp_registry_free (reg);
  g_free (env);
  g_free (good_dir);
  g_free (readme);
  g_free (other);
  g_free (empty);
  g_free (gone);
}

/* With INTERP_DEBUG_PLUGINS a missing folder is still mentioned. */
Test (registry, missing_directory_is_logged_when_debugging)
{
  char *gone = g_build_filename (tmp, "does-not-exist", NULL);
  setenv ("INTERP_DEBUG_PLUGINS", "1", 1);
  GString *log = g_string_new (NULL);
  g_log_set_writer_func (collect_messages, log, NULL);
  InterpRegistry *reg = interp_registry_new ();
  const char *dirs[] = { gone, NULL };
  interp_registry_load_search_path (reg, dirs);
  cr_assert_eq (interp_registry_problems (reg)->len, 0);
  char *want = g_strdup_printf ("%s: no such plugin directory", gone);
  cr_assert (strstr (log->str, want), "%s", log->str);
  g_free (want);
  interp_registry_free (reg);
  g_string_free (log, TRUE);
  g_free (gone);
}

/* An entry that exists but cannot be read as a directory (here a file that
 * is not a .so: the tests run as root, for whom mode 000 reads fine) is a
 * problem naming it and where it was listed. */
Test (registry, unreadable_listed_directory_is_a_problem)
{
  char *notdir = g_build_filename (tmp, "plugins.txt", NULL);
  write_file (notdir, "x\n", 2);
  InterpRegistry *reg = interp_registry_new ();
  const char *dirs[] = { notdir, NULL };
  interp_registry_load_search_path (reg, dirs);
  const GPtrArray *errs = interp_registry_problem_errors (reg);
  cr_assert_eq (errs->len, 1);
  const GError *err = errs->pdata[0];
  cr_assert (g_error_matches (err, INTERP_ERROR, INTERP_ERROR_IO), "%s", err->message);
  cr_assert (strstr (err->message, notdir), "%s", err->message);
  cr_assert (strstr (err->message, "--plugin-path"), "%s", err->message);
  cr_assert (strstr (err->message, "is a file, not a plugin folder"), "%s", err->message);
  interp_registry_free (reg);

  setenv ("INTERP_PLUGIN_PATH", notdir, 1);
  reg = interp_registry_new ();
  interp_registry_load_search_path (reg, NULL);
  errs = interp_registry_problem_errors (reg);
  cr_assert_eq (errs->len, 1);
  err = errs->pdata[0];
  cr_assert (strstr (err->message, "INTERP_PLUGIN_PATH"), "%s", err->message);
  interp_registry_free (reg);
  g_free (notdir);
}
