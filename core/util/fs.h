/* libinterp internals: files that are never left half-written. */
#ifndef INTERP_FSUTIL_H
#define INTERP_FSUTIL_H

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Writes `len` bytes to a temporary file next to `path`, fsyncs it and
 * renames it over `path`: readers see the old file or the new one, never a
 * truncated one.  Errors are INTERP_ERROR_IO naming the path. */
gboolean interp_write_file_atomic (const char *path, const void *data, gsize len,
                                   GError **error);
/* Serialises a JSON document (pretty-printed; `root` is not consumed) and
 * writes it with interp_write_file_atomic. */
gboolean interp_write_json_atomic (const char *path, JsonNode *root, GError **error);
/* mkdir -p; INTERP_ERROR_IO naming the folder. */
gboolean interp_mkdir_p (const char *dir, GError **error);
/* Removes a folder tree (for --force). */
gboolean interp_remove_tree (const char *dir, GError **error);

G_END_DECLS

#endif
