/* libinterp internals: files that are never left half-written. */
#ifndef INTERP_FSUTIL_H
#define INTERP_FSUTIL_H

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Every file interp writes goes through here: to a temporary file next to
 * `path` ("<path>.tmp-XXXXXX"), fsynced, closed and renamed over `path`, so
 * readers see the old file or the new one, never a truncated one, and a
 * failure leaves the old file untouched.  Errors are INTERP_ERROR_IO naming
 * the path and the step that failed. */
typedef struct InterpAtomicFile InterpAtomicFile;

InterpAtomicFile *interp_atomic_file_new (const char *path, GError **error);
/* Appends; after a failed write the file only remembers the error, which
 * commit reports.  FALSE once anything failed. */
gboolean interp_atomic_file_write (InterpAtomicFile *f, const void *data, gsize len);
/* fsync, close, rename over the path (and fsync its folder); frees f. */
gboolean interp_atomic_file_commit (InterpAtomicFile *f, GError **error);
/* Closes and removes the temporary file; frees f.  NULL is allowed. */
void interp_atomic_file_abort (InterpAtomicFile *f);

/* The whole file at once. */
gboolean interp_write_file_atomic (const char *path, const void *data, gsize len,
                                   GError **error);
/* Serialises a JSON document (pretty-printed; `root` is not consumed) and
 * writes it with interp_write_file_atomic. */
gboolean interp_write_json_atomic (const char *path, JsonNode *root, GError **error);
/* mkdir -p; INTERP_ERROR_IO naming the folder. */
gboolean interp_mkdir_p (const char *dir, GError **error);
/* Removes a folder tree (for --force). */
gboolean interp_remove_tree (const char *dir, GError **error);
/* Removes everything in `dir` but the entry named `keep` (NULL: nothing
 * kept), leaving `dir` itself. */
gboolean interp_remove_contents (const char *dir, const char *keep, GError **error);

/* Removes the temporary files interp_atomic_file_new made under `dir` (at
 * any depth) that a killed process left behind: names ending in ".tmp-"
 * and six characters.  Only for a folder no other process is writing. */
void interp_remove_stale_temporaries (const char *dir);

/* An exclusive lock on DIR/.lock (created if missing), held until
 * interp_folder_unlock or the process ends, however it ends: flock(2), so
 * the kernel releases it when the process dies, and a second lock on the
 * same folder is refused even from within the same process.  The holder's
 * pid is written into the file for the message of whoever is refused.
 * Returns the lock's descriptor, or -1: INTERP_ERROR_EXISTS naming the
 * folder and the holder's pid when another holds it, INTERP_ERROR_IO when
 * the file cannot be opened. */
int interp_folder_lock (const char *dir, GError **error);
/* Releases a lock from interp_folder_lock; -1 is allowed. */
void interp_folder_unlock (int fd);

G_END_DECLS

#endif
