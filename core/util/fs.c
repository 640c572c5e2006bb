#include "config.h"

#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <interp/error.h>

struct InterpAtomicFile {
  char *path;
  char *tmp;
  int fd;
  int error;         /* the first write's errno, 0 while all is well */
};

InterpAtomicFile *
interp_atomic_file_new (const char *path, GError **error)
{
  /* A fresh name next to `path` (same file system, so the rename is atomic). */
  char *tmp = g_strconcat (path, ".tmp-XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot write: %s", path,
                   g_strerror (e));
      g_free (tmp);
      return NULL;
    }
  InterpAtomicFile *f = g_new0 (InterpAtomicFile, 1);
  f->path = g_strdup (path);
  f->tmp = tmp;
  f->fd = fd;
  return f;
}

gboolean
interp_atomic_file_write (InterpAtomicFile *f, const void *data, gsize len)
{
  const char *p = data;
  while (f->error == 0 && len > 0)
    {
      ssize_t w = write (f->fd, p, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        f->error = w < 0 ? errno : EIO;
      else
        {
          p += w;
          len -= (gsize) w;
        }
    }
  return f->error == 0;
}

static void
atomic_file_free (InterpAtomicFile *f)
{
  g_free (f->path);
  g_free (f->tmp);
  g_free (f);
}

void
interp_atomic_file_abort (InterpAtomicFile *f)
{
  if (f == NULL)
    return;
  close (f->fd);
  g_unlink (f->tmp);
  atomic_file_free (f);
}

gboolean
interp_atomic_file_commit (InterpAtomicFile *f, GError **error)
{
  /* The file is closed whatever happens; the first failure is reported. */
  int e = f->error;
  const char *what = "write";
  if (e == 0 && fsync (f->fd) != 0)
    {
      e = errno;
      what = "fsync";
    }
  if (close (f->fd) != 0 && e == 0)
    {
      e = errno;
      what = "close";
    }
  if (e == 0 && g_rename (f->tmp, f->path) != 0)
    {
      e = errno;
      what = "rename";
    }
  if (e != 0)
    {
      g_unlink (f->tmp);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot write (%s): %s", f->path,
                   what, g_strerror (e));
      atomic_file_free (f);
      return FALSE;
    }
  /* Make the rename itself durable; a file system that cannot sync a folder
   * still has the complete file, so a failure here is not one. */
  char *dir = g_path_get_dirname (f->path);
  int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      (void) fsync (dfd);
      close (dfd);
    }
  g_free (dir);
  atomic_file_free (f);
  return TRUE;
}

gboolean
interp_write_file_atomic (const char *path, const void *data, gsize len, GError **error)
{
  InterpAtomicFile *f = interp_atomic_file_new (path, error);
  if (f == NULL)
    return FALSE;
  interp_atomic_file_write (f, data, len);
  return interp_atomic_file_commit (f, error);
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

/* Removes the children of `dir` but `keep`. */
static gboolean
remove_children (const char *dir, const char *keep, GError **error)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return TRUE;
  const char *name;
  gboolean ok = TRUE;
  while (ok && (name = g_dir_read_name (d)))
    {
      if (keep && strcmp (name, keep) == 0)
        continue;
      char *child = g_build_filename (dir, name, NULL);
      ok = g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK)
             ? interp_remove_tree (child, error)
             : g_unlink (child) == 0;
      if (!ok && error && !*error)
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot remove: %s", child,
                     g_strerror (errno));
      g_free (child);
    }
  g_dir_close (d);
  return ok;
}

gboolean
interp_remove_tree (const char *dir, GError **error)
{
  if (!remove_children (dir, NULL, error))
    return FALSE;
  if (g_rmdir (dir) != 0 && errno != ENOENT)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot remove: %s", dir,
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
interp_remove_contents (const char *dir, const char *keep, GError **error)
{
  return remove_children (dir, keep, error);
}

/* "<name>.tmp-XXXXXX", as interp_atomic_file_new names them. */
static gboolean
is_temporary (const char *name)
{
  gsize len = strlen (name);
  return len > 11 && strncmp (name + len - 11, ".tmp-", 5) == 0;
}

void
interp_remove_stale_temporaries (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return;
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      char *child = g_build_filename (dir, name, NULL);
      gboolean is_link = g_file_test (child, G_FILE_TEST_IS_SYMLINK);
      if (!is_link && g_file_test (child, G_FILE_TEST_IS_DIR))
        interp_remove_stale_temporaries (child);
      else if (!is_link && is_temporary (name) && g_unlink (child) == 0)
        g_debug ("%s: removed, left by an interrupted write", child);
      g_free (child);
    }
  g_dir_close (d);
}

int
interp_folder_lock (const char *dir, GError **error)
{
  char *path = g_build_filename (dir, ".lock", NULL);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot open the lock: %s", path,
                   g_strerror (e));
      g_free (path);
      return -1;
    }
  int r;
  while ((r = flock (fd, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR)
    ;
  if (r != 0)
    {
      int e = errno;
      char *text = NULL;
      gint64 pid = 0;
      if (g_file_get_contents (path, &text, NULL, NULL))
        {
          g_strstrip (text);
          if (!g_ascii_string_to_signed (text, 10, 1, G_MAXINT, &pid, NULL))
            pid = 0;
        }
      g_free (text);
      if (e == EWOULDBLOCK)
        {
          char *who = pid > 0 ? g_strdup_printf (" (pid %" G_GINT64_FORMAT ")", pid)
                              : g_strdup ("");
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_EXISTS,
                       "%s: another interp-run%s is using this run folder; wait for it to "
                       "finish or stop it", dir, who);
          g_free (who);
        }
      else
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot lock: %s", path,
                     g_strerror (e));
      close (fd);
      g_free (path);
      return -1;
    }
  /* Only for the message above: the lock is the flock, not the text. */
  char pid[32];
  int n = g_snprintf (pid, sizeof pid, "%ld\n", (long) getpid ());
  if (ftruncate (fd, 0) != 0 || pwrite (fd, pid, (size_t) n, 0) != n)
    g_debug ("%s: cannot record the pid: %s", path, g_strerror (errno));
  g_free (path);
  return fd;
}

void
interp_folder_unlock (int fd)
{
  if (fd >= 0)
    close (fd);
}
