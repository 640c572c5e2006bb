/* Generic safetensors reading and writing (F32 tensors only): the files;
 * their JSON header is parsed, checked and built in safetensors-header.c.
 *
 * The format (github.com/huggingface/safetensors, docs "format"): an 8-byte
 * little-endian header length N, N bytes of a UTF-8 JSON object mapping each
 * tensor name to {"dtype", "shape", "data_offsets": [begin, end]} plus an
 * optional "__metadata__" string -> string map, then the raw little-endian
 * data.  Offsets are relative to the first byte after the header.  The
 * reference validator requires the tensors to tile the data exactly (no
 * overlap, no gap, nothing after the last one) and bounds N at 100 MB; we
 * check the same, so every file we accept the reference accepts too.
 */
#include "config.h"

#include "nn/safetensors-private.h"
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <interp/checkpoint.h>
#include <interp/error.h>

/* The reference implementation's MAX_HEADER_SIZE. */
#define ST_MAX_HEADER ((guint64) 100000000)

/* ---- reading ------------------------------------------------------------ */

static gboolean
read_exact (FILE *f, const char *path, void *buf, size_t n, guint64 offset,
            GError **error)
{
  if (fseeko (f, (off_t) offset, SEEK_SET) != 0 || fread (buf, 1, n, f) != n)
    {
      int err = ferror (f) ? errno : 0;
      g_set_error (error, INTERP_ERROR, err ? INTERP_ERROR_IO : INTERP_ERROR_FORMAT,
                   "%s: cannot read %zu bytes at byte %" G_GUINT64_FORMAT ": %s",
                   path, n, offset, err ? g_strerror (err) : "file shorter than expected");
      return FALSE;
    }
  return TRUE;
}

GHashTable *
interp_safetensors_read_filtered (const char *path, GHashTable **metadata,
                                  InterpSafetensorsSkipFunc skip, gpointer skip_data,
                                  GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (metadata)
    *metadata = NULL;
  GHashTable *result = NULL;
  InterpSafetensorsHeader hdr = { 0 };
  char *header = NULL;

  FILE *f = fopen (path, "rb");
  if (f == NULL)
    {
      int err = errno;
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "cannot open %s: %s",
                   path, g_strerror (err));
      return NULL;
    }
  struct stat st;
  if (fstat (fileno (f), &st) != 0)
    {
      int err = errno;
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "cannot stat %s: %s",
                   path, g_strerror (err));
      goto out;
    }
  guint64 file_size = (guint64) st.st_size;
  if (file_size < 8)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: %" G_GUINT64_FORMAT " bytes is too short for a safetensors "
                   "file (8-byte header length missing)", path, file_size);
      goto out;
    }
  guint8 len_bytes[8];
  if (!read_exact (f, path, len_bytes, 8, 0, error))
    goto out;
  guint64 header_len = 0;
  for (int i = 7; i >= 0; i--)
    header_len = (header_len << 8) | len_bytes[i];
  if (header_len > ST_MAX_HEADER)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: header length %" G_GUINT64_FORMAT " at byte 0 is absurd "
                   "(limit %" G_GUINT64_FORMAT "); not a safetensors file?", path,
                   header_len, ST_MAX_HEADER);
      goto out;
    }
  if (header_len > file_size - 8)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: header length %" G_GUINT64_FORMAT " at byte 0 exceeds the "
                   "%" G_GUINT64_FORMAT " bytes that follow (truncated file?)",
                   path, header_len, file_size - 8);
      goto out;
    }
  header = g_malloc (header_len + 1);
  if (!read_exact (f, path, header, header_len, 8, error))
    goto out;
  header[header_len] = '\0';
  if (!interp_safetensors_header_parse (path, header, header_len, skip, skip_data, &hdr, error))
    goto out;

  guint64 data_start = 8 + header_len;
  if (!interp_safetensors_header_check_layout (path, &hdr, file_size - data_start, data_start,
                                               error))
    goto out;

  result = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify) interp_tensor_free);
  for (size_t i = 0; i < hdr.n; i++)
    {
      const InterpSafetensorsEntry *e = &hdr.entries[i];
      if (e->skip)
        continue;
      InterpTensor *t = interp_tensor_new (e->ndim, e->shape);
      g_hash_table_insert (result, g_strdup (e->name), t);
      if (t->numel
          && !read_exact (f, path, t->data, t->numel * sizeof (float), data_start + e->begin,
                          error))
        {
          g_clear_pointer (&result, g_hash_table_unref);
          goto out;
        }
      interp_safetensors_floats_swap_le (t->data, t->numel);
    }

  if (metadata)
    {
      *metadata = hdr.metadata ? hdr.metadata : g_hash_table_new_full (g_str_hash, g_str_equal,
                                                                       g_free, g_free);
      hdr.metadata = NULL;
    }

out:
  interp_safetensors_header_clear (&hdr);
  g_free (header);
  fclose (f);
  return result;
}

GHashTable *
interp_safetensors_read (const char *path, GHashTable **metadata, GError **error)
{
  return interp_safetensors_read_filtered (path, metadata, NULL, NULL, error);
}

/* ---- writing ------------------------------------------------------------ */

static gboolean
check_names (const char *path, const char *const *names, InterpTensor *const *tensors,
             int n, GError **error)
{
  GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean ok = TRUE;
  for (int i = 0; i < n && ok; i++)
    {
      const char *name = names[i];
      const char *why = NULL;
      if (name == NULL || name[0] == '\0')
        why = "is empty";
      else if (!g_utf8_validate (name, -1, NULL))
        why = "is not UTF-8";
      else if (g_str_equal (name, "__metadata__"))
        why = "is reserved";
      else if (tensors[i] == NULL)
        why = "has no tensor";
      else if (!g_hash_table_add (seen, (gpointer) name))
        why = "appears twice";
      if (why)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                       "%s: tensor name %d ('%s') %s", path, i, name ? name : "",
                       why);
          ok = FALSE;
        }
    }
  g_hash_table_unref (seen);
  return ok;
}

/* Tensor data little-endian, whatever the machine. */
static gboolean
write_floats_le (InterpAtomicFile *f, const float *data, size_t n)
{
#if G_BYTE_ORDER == G_BIG_ENDIAN
  float buf[1024];
  for (size_t i = 0; i < n; i += G_N_ELEMENTS (buf))
    {
      size_t m = MIN (n - i, G_N_ELEMENTS (buf));
      memcpy (buf, data + i, m * sizeof (float));
      interp_safetensors_floats_swap_le (buf, m);
      if (!interp_atomic_file_write (f, buf, m * sizeof (float)))
        return FALSE;
    }
  return TRUE;
#else
  return interp_atomic_file_write (f, data, n * sizeof (float));
#endif
}

gboolean
interp_safetensors_write (const char *path, const char *const *names,
                          InterpTensor *const *tensors, int n,
                          GHashTable *metadata, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (n >= 0 && (n == 0 || (names && tensors)), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_names (path, names, tensors, n, error))
    return FALSE;
  if (metadata)
    {
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init (&it, metadata);
      while (g_hash_table_iter_next (&it, &k, &v))
        if (k == NULL || v == NULL || !g_utf8_validate (k, -1, NULL)
            || !g_utf8_validate (v, -1, NULL))
          {
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                         "%s: metadata keys and values must be UTF-8 strings", path);
            return FALSE;
          }
    }

  size_t header_len = 0;
  char *header = interp_safetensors_header_build (names, tensors, n, metadata, &header_len);

  InterpAtomicFile *f = interp_atomic_file_new (path, error);
  if (f == NULL)
    {
      g_free (header);
      return FALSE;
    }
  guint8 len_bytes[8];
  for (int i = 0; i < 8; i++)
    len_bytes[i] = (guint8) (((guint64) header_len >> (8 * i)) & 0xff);
  gboolean ok = interp_atomic_file_write (f, len_bytes, 8)
                && interp_atomic_file_write (f, header, header_len);
  for (int i = 0; ok && i < n; i++)
    ok = write_floats_le (f, tensors[i]->data, tensors[i]->numel);
  g_free (header);
  return interp_atomic_file_commit (f, error);
}
