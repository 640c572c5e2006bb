#include "config.h"

#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include <interp/error.h>

gboolean
interp_write_file_atomic (const char *path, const void *data, gsize len, GError **error)
{
  /* A fresh name next to `path` (same file system, so the rename is atomic). */
  char *tmp = g_strconcat (path, ".tmp-XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot write: %s", path,
                   g_strerror (e));
      g_free (tmp);
      return FALSE;
    }
  const char *p = data;
  gsize left = len;
  while (left > 0)
    {
      ssize_t w = write (fd, p, left);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          int e = errno;
          close (fd);
          g_unlink (tmp);
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: write failed: %s", path,
                       g_strerror (e));
          g_free (tmp);
          return FALSE;
        }
      p += w;
      left -= (gsize) w;
    }
  /* The file is closed whatever fsync says; the first failure is reported. */
  int e = fsync (fd) != 0 ? errno : 0;
  if (close (fd) != 0 && e == 0)
    e = errno;
  if (e == 0 && g_rename (tmp, path) != 0)
    e = errno;
  if (e != 0)
    {
      g_unlink (tmp);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot finish writing: %s", path,
                   g_strerror (e));
      g_free (tmp);
      return FALSE;
    }
  g_free (tmp);
  return TRUE;
}

gboolean
interp_write_json_atomic (const char *path, JsonNode *root, GError **error)
{
  JsonGenerator *gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  gsize len = 0;
  char *text = json_generator_to_data (gen, &len);
  g_object_unref (gen);
  gboolean ok = interp_write_file_atomic (path, text, len, error);
  g_free (text);
  return ok;
}

gboolean
interp_mkdir_p (const char *dir, GError **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot create folder: %s", dir,
                   g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

gboolean
interp_remove_tree (const char *dir, GError **error)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  if (d)
    {
      const char *name;
      while ((name = g_dir_read_name (d)))
        {
          char *child = g_build_filename (dir, name, NULL);
          gboolean ok = g_file_test (child, G_FILE_TEST_IS_DIR)
                          && !g_file_test (child, G_FILE_TEST_IS_SYMLINK)
                          ? interp_remove_tree (child, error)
                          : g_unlink (child) == 0;
          if (!ok && error && !*error)
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot remove: %s", child,
                         g_strerror (errno));
          g_free (child);
          if (!ok)
            {
              g_dir_close (d);
              return FALSE;
            }
        }
      g_dir_close (d);
    }
  if (g_rmdir (dir) != 0 && errno != ENOENT)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot remove: %s", dir,
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}
