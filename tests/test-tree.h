/* tests: removing a test's temporary folder (or file) and everything under
 * it, quietly (teardown must not fail a test).  Header-only, for the test
 * programs that link only the public libinterp.so and so cannot call
 * core/util's interp_remove_tree. */
#ifndef INTERP_TESTS_TEST_TREE_H
#define INTERP_TESTS_TEST_TREE_H

#include <glib.h>
#include <glib/gstdio.h>

static inline void
test_remove_tree (const char *path)
{
  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  GDir *d = g_dir_open (path, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      char *child = g_build_filename (path, name, NULL);
      test_remove_tree (child);
      g_free (child);
    }
  if (d)
    g_dir_close (d);
  g_rmdir (path);
}

#endif
