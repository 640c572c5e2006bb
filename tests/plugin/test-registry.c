/* The plugin loader and registry (core/registry.c, core/describe.c).
 *
 * The test plugins are built from the sources in tests/plugin/fixtures into
 * $INTERP_TEST_BUILDDIR/tests/plugin/fixtures/.libs; tests copy them into a private
 * temporary directory when they need a particular directory layout.
 * Criterion runs every test in its own process, so setenv() is local. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <interp/attack.h>
#include <interp/error.h>
#include "plugin/registry.h"
#include "fixtures/test-plugin.h"

static char *tmp;   /* this test's private directory */

static void
make_tmp (void)
{
  GError *err = NULL;
  tmp = g_dir_make_tmp ("interp-registry-XXXXXX", &err);
  cr_assert_not_null (tmp, "%s", err ? err->message : "?");
  /* Nothing the user installed may leak in. */
  setenv ("INTERP_NO_SYSTEM_PLUGINS", "1", 1);
  unsetenv ("INTERP_PLUGIN_PATH");
}

static void
remove_tree (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  if (d)
    {
      for (const char *n; (n = g_dir_read_name (d)) != NULL;)
        {
          char *child = g_build_filename (path, n, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
          g_free (child);
        }
      g_dir_close (d);
    }
  g_rmdir (path);
}

static void
remove_tmp (void)
{
  if (tmp)
    remove_tree (tmp);
  g_clear_pointer (&tmp, g_free);
}

TestSuite (registry, .init = make_tmp, .fini = remove_tmp);

/* The built test plugin `name` (without .so). */
static char *
built_plugin (const char *name)
{
  const char *b = g_getenv ("INTERP_TEST_BUILDDIR");
  char *file = g_strconcat (name, ".so", NULL);
  char *path = g_build_filename (b ? b : ".", "tests", "plugin", "fixtures", ".libs", file, NULL);
  g_free (file);
  cr_assert (g_file_test (path, G_FILE_TEST_IS_REGULAR),
             "%s is missing: build the test plugins with `make check`", path);
  return path;
}

static void
write_file (const char *path, const char *data, gsize len)
{
  GError *err = NULL;
  cr_assert (g_file_set_contents (path, data, (gssize) len, &err), "%s",
             err ? err->message : "?");
}

/* Copies test plugin `name` to dir/as (as: file name, NULL = name.so);
 * returns the new path. */
static char *
copy_plugin (const char *name, const char *dir, const char *as)
{
  char *src = built_plugin (name);
  char *data = NULL;
  gsize len = 0;
  cr_assert (g_file_get_contents (src, &data, &len, NULL));
  g_mkdir_with_parents (dir, 0700);
  char *file = as ? g_strdup (as) : g_strconcat (name, ".so", NULL);
  char *dst = g_build_filename (dir, file, NULL);
  write_file (dst, data, len);
  g_free (file);
  g_free (data);
  g_free (src);
  return dst;
}

/* Writes the first `keep` bytes of the good plugin to dir/name. */
static char *
write_truncated (const char *dir, const char *name, gsize keep)
{
  char *src = built_plugin ("good");
  char *data = NULL;
  gsize len = 0;
  cr_assert (g_file_get_contents (src, &data, &len, NULL));
  cr_assert_lt (keep, len);
  char *dst = g_build_filename (dir, name, NULL);
  write_file (dst, data, keep);
  g_free (data);
  g_free (src);
  return dst;
}

static gsize
file_size (const char *path)
{
  GStatBuf st;
  cr_assert_eq (g_stat (path, &st), 0);
  return (gsize) st.st_size;
}

/* load_file must refuse `path` with `code` and a message naming `path`
 * and containing `needle`. */
static void
assert_refused (const char *path, int code, const char *needle)
{
  InterpRegistry *reg = interp_registry_new ();
  GError *err = NULL;
  cr_assert_not (interp_registry_load_file (reg, path, &err), "%s was accepted", path);
  cr_assert_not_null (err);
  cr_assert (g_error_matches (err, INTERP_ERROR, code), "%s: code %d, expected %d: %s", path,
             err->code, code, err->message);
  cr_assert (strstr (err->message, path), "message does not name the file: %s", err->message);
  if (needle)
    cr_assert (strstr (err->message, needle), "message lacks '%s': %s", needle, err->message);
  cr_assert_eq (interp_registry_n_plugins (reg), 0);
  /* load_file reports to its caller only. */
  cr_assert_eq (interp_registry_problems (reg)->len, 0);
  g_error_free (err);
  interp_registry_free (reg);
}

Test (registry, kind_names_round_trip)
{
  static const char *const names[] = {
    "model", "dataset", "regularizer", "attack", "corruption", "metric", "saliency",
  };
  cr_assert_eq (G_N_ELEMENTS (names), INTERP_N_KINDS);
  for (int k = 0; k < INTERP_N_KINDS; k++)
    {
      cr_assert_str_eq (interp_kind_name ((InterpKind) k), names[k]);
      cr_assert_eq (interp_kind_from_name (names[k]), k);
    }
  cr_assert_null (interp_kind_name (INTERP_N_KINDS));
  cr_assert_eq (interp_kind_from_name ("metrics"), -1);
  cr_assert_eq (interp_kind_from_name (""), -1);
  cr_assert_eq (interp_kind_from_name (NULL), -1);
}

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

Test (registry, missing_explicit_directory_is_a_problem)
{
  char *gone = g_build_filename (tmp, "does-not-exist", NULL);
  InterpRegistry *reg = interp_registry_new ();
  const char *dirs[] = { gone, NULL };
  interp_registry_load_search_path (reg, dirs);
  const GPtrArray *errs = interp_registry_problem_errors (reg);
  cr_assert_eq (errs->len, 1);
  const GError *err = errs->pdata[0];
  cr_assert (g_error_matches (err, INTERP_ERROR, INTERP_ERROR_NOT_FOUND), "%s", err->message);
  cr_assert (strstr (err->message, gone), "%s", err->message);
  cr_assert (strstr (err->message, "--plugin-path"), "%s", err->message);
  interp_registry_free (reg);

  setenv ("INTERP_PLUGIN_PATH", gone, 1);
  reg = interp_registry_new ();
  interp_registry_load_search_path (reg, NULL);
  errs = interp_registry_problem_errors (reg);
  cr_assert_eq (errs->len, 1);
  err = errs->pdata[0];
  cr_assert (strstr (err->message, "INTERP_PLUGIN_PATH"), "%s", err->message);
  interp_registry_free (reg);
  g_free (gone);
}

/* ---- descriptors compiled into the test ------------------------------ */

static const InterpComponent builtin_metric = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "test-builtin",
  .description = "A metric compiled into the test.", .vtable = &test_metric_vtable);

static const InterpComponent *const builtin_components[] = { &builtin_metric };

static const InterpPluginDescriptor builtin = {
  .abi_version = INTERP_ABI_VERSION, .struct_size = sizeof (InterpPluginDescriptor),
  .name = "builtin", .version = "0", .license = "MIT", .description = "In the test binary.",
  .components = builtin_components, .n_components = 1,
};

/* `builtin` with one component replaced by `c`. */
static GError *
add_component (const InterpComponent *c)
{
  const InterpComponent *comps[] = { c };
  InterpPluginDescriptor d = builtin;
  d.components = comps;
  InterpRegistry *reg = interp_registry_new ();
  GError *err = NULL;
  gboolean ok = interp_registry_add (reg, &d, "<test>", &err);
  cr_assert_eq (ok, err == NULL);
  interp_registry_free (reg);
  return err;
}

static void
assert_component_refused (const InterpComponent *c, const char *needle)
{
  GError *err = add_component (c);
  cr_assert_not_null (err, "accepted a component that should be refused (%s)", needle);
  cr_assert (g_error_matches (err, INTERP_ERROR, INTERP_ERROR_PLUGIN_INVALID), "%s",
             err->message);
  cr_assert (g_str_has_prefix (err->message, "<test>: "), "%s", err->message);
  cr_assert (strstr (err->message, needle), "message lacks '%s': %s", needle, err->message);
  g_error_free (err);
}

Test (registry, builtin_descriptor)
{
  InterpRegistry *reg = interp_registry_new ();
  GError *err = NULL;
  cr_assert (interp_registry_add (reg, &builtin, NULL, &err));
  const InterpRegistryEntry *e = interp_registry_find (reg, INTERP_KIND_METRIC, "test-builtin");
  cr_assert_not_null (e);
  cr_assert_str_eq (e->path, "<builtin>");
  cr_assert_not (interp_registry_add (reg, &builtin, "<again>", &err));
  cr_assert (g_error_matches (err, INTERP_ERROR, INTERP_ERROR_DUPLICATE));
  cr_assert (strstr (err->message, "<again>") && strstr (err->message, "<builtin>"), "%s",
             err->message);
  g_error_free (err);
  interp_registry_free (reg);
}

Test (registry, refuses_bad_components)
{
  InterpComponent c = builtin_metric;
  cr_assert_null (add_component (&c));

  c = builtin_metric;
  c.struct_size = sizeof (InterpComponent) - 8;
  assert_component_refused (&c, "shorter");

  c = builtin_metric;
  c.kind = (InterpKind) 99;
  assert_component_refused (&c, "unknown kind 99");

  c = builtin_metric;
  c.name = "";
  assert_component_refused (&c, "no name");

  c = builtin_metric;
  c.name = "Test:Upper";
  assert_component_refused (&c, "lower-case-with-dashes");

  c = builtin_metric;
  c.description = NULL;
  assert_component_refused (&c, "no description");

  c = builtin_metric;
  c.vtable = NULL;
  assert_component_refused (&c, "no vtable");

  InterpMetricVTable v = test_metric_vtable;
  v.update = NULL;
  c = builtin_metric;
  c.vtable = &v;
  assert_component_refused (&c, "'update'");

  static const InterpParamSpec twice[] = {
    { "k", INTERP_PARAM_INT, "1", "", 0, 0, NULL },
    { "k", INTERP_PARAM_INT, "2", "", 0, 0, NULL },
    { NULL }
  };
  c = builtin_metric;
  c.params = twice;
  assert_component_refused (&c, "declared twice");

  static const InterpParamSpec no_choices[] = {
    { "mode", INTERP_PARAM_CHOICE, NULL, "", 0, 0, NULL },
    { NULL }
  };
  c = builtin_metric;
  c.params = no_choices;
  assert_component_refused (&c, "no choices");

  static const InterpParamSpec out_of_range[] = {
    { "p", INTERP_PARAM_DOUBLE, "2", "", 0, 1, NULL },
    { NULL }
  };
  c = builtin_metric;
  c.params = out_of_range;
  assert_component_refused (&c, "'p'");
}

static gpointer
attack_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return NULL;
}

static void
attack_destroy (gpointer self)
{
}

static gboolean
attack_perturb (gpointer self, InterpNet *net, const InterpTensor *x, const int32_t *labels,
                double level, InterpRng *rng, InterpTensor *x_adv, GError **error)
{
  return TRUE;
}

Test (registry, attack_level_key_must_be_a_declared_list)
{
  static const InterpParamSpec params[] = {
    { "epsilon", INTERP_PARAM_DOUBLE_LIST, "0.1", "", 0, 1, NULL },
    { "steps", INTERP_PARAM_INT_LIST, "1", "", 0, 0, NULL },
    { NULL }
  };
  InterpAttackVTable v = {
    INTERP_VTABLE_SIZE (InterpAttackVTable), .level_key = "epsilon",
    .create = attack_create, .destroy = attack_destroy, .perturb = attack_perturb,
  };
  InterpComponent c = builtin_metric;
  c.kind = INTERP_KIND_ATTACK;
  c.params = params;
  c.vtable = &v;
  cr_assert_null (add_component (&c));

  v.level_key = "epsilons";
  assert_component_refused (&c, "level_key 'epsilons'");
  v.level_key = "steps";   /* attacks sweep doubles */
  assert_component_refused (&c, "double list");
  v.level_key = NULL;
  assert_component_refused (&c, "no level_key");
}

Test (registry, plugin_is_registered_all_or_nothing)
{
  InterpRegistry *reg = interp_registry_new ();
  GError *err = NULL;
  cr_assert (interp_registry_add (reg, &builtin, NULL, &err));

  static const InterpComponent fresh = INTERP_COMPONENT (
    .kind = INTERP_KIND_METRIC, .name = "test-fresh", .description = "New.",
    .vtable = &test_metric_vtable);
  const InterpComponent *comps[] = { &fresh, &builtin_metric };
  InterpPluginDescriptor d = builtin;
  d.name = "clashing";
  d.components = comps;
  d.n_components = 2;
  cr_assert_not (interp_registry_add (reg, &d, "<clash>", &err));
  cr_assert (g_error_matches (err, INTERP_ERROR, INTERP_ERROR_DUPLICATE));
  g_clear_error (&err);
  cr_assert_null (interp_registry_find (reg, INTERP_KIND_METRIC, "test-fresh"));

  /* A plugin declaring one KIND:NAME twice is refused on its own. */
  const InterpComponent *self_dup[] = { &fresh, &fresh };
  d.components = self_dup;
  cr_assert_not (interp_registry_add (reg, &d, "<self>", &err));
  cr_assert (g_error_matches (err, INTERP_ERROR, INTERP_ERROR_DUPLICATE));
  cr_assert (strstr (err->message, "twice"), "%s", err->message);
  g_clear_error (&err);
  cr_assert_eq (interp_registry_n_plugins (reg), 1);
  interp_registry_free (reg);
}

/* ---- lookup, list and describe ---------------------------------------- */

static InterpRegistry *
load_good_and_second (void)
{
  InterpRegistry *reg = interp_registry_new ();
  GError *err = NULL;
  char *good = built_plugin ("good"), *second = built_plugin ("second");
  cr_assert (interp_registry_load_file (reg, good, &err), "%s", err ? err->message : "");
  cr_assert (interp_registry_load_file (reg, second, &err), "%s", err ? err->message : "");
  g_free (second);
  g_free (good);
  return reg;
}

static void
assert_lookup_fails (InterpRegistry *reg, const char *text, int code, const char *needle)
{
  GError *err = NULL;
  cr_assert_null (interp_registry_lookup (reg, text, &err), "%s was found", text);
  cr_assert (g_error_matches (err, INTERP_ERROR, code), "%s: code %d: %s", text, err->code,
             err->message);
  cr_assert (strstr (err->message, needle), "%s: message lacks '%s': %s", text, needle,
             err->message);
  g_error_free (err);
}

Test (registry, lookup_suggests)
{
  InterpRegistry *reg = load_good_and_second ();
  GError *err = NULL;
  const InterpRegistryEntry *e = interp_registry_lookup (reg, "metric:test-good", &err);
  cr_assert_not_null (e, "%s", err ? err->message : "");
  cr_assert_str_eq (e->component->name, "test-good");
  cr_assert_not_null (interp_registry_lookup (reg, "attack:test-noop", NULL));

  assert_lookup_fails (reg, "metric:test-goad", INTERP_ERROR_NOT_FOUND, "metric:test-good");
  assert_lookup_fails (reg, "metirc:test-good", INTERP_ERROR_NOT_FOUND, "metric:test-good");
  assert_lookup_fails (reg, "bogus:test-good", INTERP_ERROR_NOT_FOUND, "unknown kind 'bogus'");
  assert_lookup_fails (reg, "test-good", INTERP_ERROR_INVALID_ARGUMENT, "metric:test-good");
  assert_lookup_fails (reg, "nothing", INTERP_ERROR_INVALID_ARGUMENT, "KIND:NAME");
  assert_lookup_fails (reg, "metric:", INTERP_ERROR_INVALID_ARGUMENT, "KIND:NAME");
  assert_lookup_fails (reg, ":test-good", INTERP_ERROR_INVALID_ARGUMENT, "KIND:NAME");
  assert_lookup_fails (reg, "attack:test-second", INTERP_ERROR_NOT_FOUND, "metric:test-second");
  assert_lookup_fails (reg, "model:cnn", INTERP_ERROR_NOT_FOUND, "no model plugins");
  assert_lookup_fails (reg, "metric:zzzzzzzzzzzz", INTERP_ERROR_NOT_FOUND, "--list-plugins");
  interp_registry_free (reg);
}

Test (registry, list_is_sorted_by_name)
{
  InterpRegistry *reg = load_good_and_second ();
  g_autoptr (GPtrArray) metrics = interp_registry_list (reg, INTERP_KIND_METRIC);
  cr_assert_eq (metrics->len, 2);
  cr_assert_str_eq (((InterpRegistryEntry *) metrics->pdata[0])->component->name, "test-good");
  cr_assert_str_eq (((InterpRegistryEntry *) metrics->pdata[1])->component->name, "test-second");
  g_autoptr (GPtrArray) models = interp_registry_list (reg, INTERP_KIND_MODEL);
  cr_assert_eq (models->len, 0);
  interp_registry_free (reg);
}

Test (registry, list_text)
{
  InterpRegistry *reg = load_good_and_second ();
  char *text = interp_registry_list_text (reg);
  /* Grouped by kind in enum order, each with its plugin. */
  const char *model = strstr (text, "model:\n  (none)\n");
  const char *attack = strstr (text, "\nattack:\n");
  const char *metric = strstr (text, "\nmetric:\n");
  cr_assert (model && attack && metric && model < attack && attack < metric, "%s", text);
  const char *good = strstr (text, "\n  test-good ");
  const char *second = strstr (text, "\n  test-second ");
  cr_assert (good && second && metric < good && good < second, "%s", text);
  cr_assert (strstr (text, "A metric that measures nothing, for the registry tests."), "%s", text);
  cr_assert (strstr (text, "[test-good 1.2.3]"), "%s", text);
  cr_assert (strstr (text, "[test-second 0.1]"), "%s", text);
  cr_assert (strstr (attack, "test-noop") < metric, "%s", text);
  cr_assert (g_str_has_suffix (text, "\n"));
  g_free (text);
  interp_registry_free (reg);
}

/* The line of the parameter table that starts with `key`. */
static char *
param_line (const char *text, const char *key)
{
  char **lines = g_strsplit (text, "\n", -1);
  char *found = NULL;
  for (char **l = lines; *l && !found; l++)
    {
      char *s = g_strchug (g_strdup (*l));
      if (g_str_has_prefix (s, key) && s[strlen (key)] == ' ')
        found = g_strdup (s);
      g_free (s);
    }
  g_strfreev (lines);
  return found;
}

Test (registry, describe_lists_every_parameter)
{
  InterpRegistry *reg = load_good_and_second ();
  const InterpRegistryEntry *e = interp_registry_find (reg, INTERP_KIND_METRIC, "test-good");
  char *text = interp_describe_component (e);
  cr_assert (g_str_has_prefix (text, "metric:test-good\n"), "%s", text);
  cr_assert (strstr (text, e->component->description), "%s", text);
  cr_assert (strstr (text, "test-good 1.2.3 (MIT)"), "%s", text);
  cr_assert (strstr (text, "Well-formed test plugin."), "%s", text);
  cr_assert (strstr (text, e->path), "%s", text);

  for (const InterpParamSpec *s = e->component->params; s->key; s++)
    {
      char *line = param_line (text, s->key);
      cr_assert_not_null (line, "no line for '%s' in:\n%s", s->key, text);
      cr_assert (strstr (line, s->help), "'%s': help missing: %s", s->key, line);
      cr_assert (strstr (line, s->default_value ? (*s->default_value ? s->default_value : "\"\"")
                                                : "required"),
                 "'%s': default missing: %s", s->key, line);
      g_free (line);
    }
  char *alpha = param_line (text, "alpha");
  cr_assert (strstr (alpha, "double") && strstr (alpha, "[0, 1]"), "%s", alpha);
  char *mode = param_line (text, "mode");
  cr_assert (strstr (mode, "choice") && strstr (mode, "fast|slow"), "%s", mode);
  char *count = param_line (text, "count");
  cr_assert (strstr (count, "int") && strstr (count, "required") && strstr (count, "[1, 100]"),
             "%s", count);
  char *layers = param_line (text, "layers");
  cr_assert (strstr (layers, "string list"), "%s", layers);
  /* Columns line up: every help starts in the same column. */
  cr_assert_eq (strstr (alpha, "Mixing") - alpha, strstr (count, "Units") - count, "%s", text);
  g_free (layers);
  g_free (count);
  g_free (mode);
  g_free (alpha);
  g_free (text);

  e = interp_registry_find (reg, INTERP_KIND_ATTACK, "test-noop");
  text = interp_describe_component (e);
  cr_assert (g_str_has_prefix (text, "attack:test-noop\n"), "%s", text);
  cr_assert (strstr (text, "swept:    epsilon"), "%s", text);
  g_free (text);

  e = interp_registry_find (reg, INTERP_KIND_METRIC, "test-second");
  text = interp_describe_component (e);
  cr_assert (strstr (text, "parameters: none"), "%s", text);
  g_free (text);
  interp_registry_free (reg);
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
