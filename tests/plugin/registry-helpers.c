/* Helpers shared by the registry tests (registry-helpers.h). */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include <interp/error.h>
#include "registry-helpers.h"

#include "../test-tree.h"

char *tmp;   /* this test's private directory */

void
make_tmp (void)
{
  GError *err = NULL;
  tmp = g_dir_make_tmp ("interp-registry-XXXXXX", &err);
  cr_assert_not_null (tmp, "%s", err ? err->message : "?");
  /* Nothing the user installed may leak in. */
  setenv ("INTERP_NO_SYSTEM_PLUGINS", "1", 1);
  unsetenv ("INTERP_PLUGIN_PATH");
}

void
remove_tmp (void)
{
  if (tmp)
    test_remove_tree (tmp);
  g_clear_pointer (&tmp, g_free);
}


/* The built test plugin `name` (without .so). */
char *
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

void
write_file (const char *path, const char *data, gsize len)
{
  GError *err = NULL;
  cr_assert (g_file_set_contents (path, data, (gssize) len, &err), "%s",
             err ? err->message : "?");
}

/* Copies test plugin `name` to dir/as (as: file name, NULL = name.so);
 * returns the new path. */
char *
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
char *
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

gsize
file_size (const char *path)
{
  GStatBuf st;
  cr_assert_eq (g_stat (path, &st), 0);
  return (gsize) st.st_size;
}

/* load_file must refuse `path` with `code` and a message naming `path`
 * and containing `needle`. */
void
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
