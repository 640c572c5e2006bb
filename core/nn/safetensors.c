/* Generic safetensors reading and writing (F32 tensors only).
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

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <interp/checkpoint.h>
#include <interp/error.h>

/* The reference implementation's MAX_HEADER_SIZE. */
#define ST_MAX_HEADER ((guint64) 100000000)

typedef struct {
  const char *name;        /* borrowed from the JSON tree */
  int ndim;
  int64_t shape[INTERP_MAX_DIMS];
  guint64 begin, end;      /* relative to the data start */
  gboolean skip;           /* not F32 but the caller asked to skip it */
} StEntry;

/* Sizes of the dtypes the format defines, so a foreign tensor can be
 * bounds-checked (and skipped) and an unsupported one named. */
static int
dtype_size (const char *dtype)
{
  static const struct { const char *name; int size; } table[] = {
    { "BOOL", 1 }, { "U8", 1 }, { "I8", 1 }, { "F8_E5M2", 1 }, { "F8_E4M3", 1 },
    { "I16", 2 }, { "U16", 2 }, { "F16", 2 }, { "BF16", 2 },
    { "I32", 4 }, { "U32", 4 }, { "F32", 4 },
    { "I64", 8 }, { "U64", 8 }, { "F64", 8 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_str_equal (table[i].name, dtype))
      return table[i].size;
  return 0;
}

static void
floats_swap_le (float *data, size_t n)
{
#if G_BYTE_ORDER == G_BIG_ENDIAN
  guint32 *u = (guint32 *) data;
  for (size_t i = 0; i < n; i++)
    u[i] = GUINT32_SWAP_LE_BE (u[i]);
#else
  (void) data;
  (void) n;
#endif
}

/* ---- reading ------------------------------------------------------------ */

static gboolean
read_uint_array (JsonNode *node, guint64 *out, int max, int *n_out)
{
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  JsonArray *a = json_node_get_array (node);
  guint n = json_array_get_length (a);
  if ((int) n > max || n > (guint) G_MAXINT)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_INT64)
        return FALSE;
      gint64 v = json_node_get_int (e);
      if (v < 0)
        return FALSE;
      out[i] = (guint64) v;
    }
  *n_out = (int) n;
  return TRUE;
}

static gboolean
parse_entry (const char *path, const char *name, JsonNode *node,
             InterpSafetensorsSkipFunc skip, gpointer skip_data,
             StEntry *e, GError **error)
{
  e->name = name;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: header entry for tensor '%s' is not a JSON object", path, name);
      return FALSE;
    }
  JsonObject *o = json_node_get_object (node);

  JsonNode *dn = json_object_get_member (o, "dtype");
  if (dn == NULL || !JSON_NODE_HOLDS_VALUE (dn)
      || json_node_get_value_type (dn) != G_TYPE_STRING)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: tensor '%s' has no string \"dtype\"", path, name);
      return FALSE;
    }
  const char *dtype = json_node_get_string (dn);
  int esize = dtype_size (dtype);
  if (esize == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: tensor '%s' has unknown dtype \"%s\"", path, name, dtype);
      return FALSE;
    }

  /* A safetensors shape may have any rank; collect up to 8 to report it. */
  guint64 dims[8];
  int ndim = 0;
  JsonNode *sn = json_object_get_member (o, "shape");
  if (sn == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: tensor '%s' has no \"shape\"", path, name);
      return FALSE;
    }
  if (JSON_NODE_HOLDS_ARRAY (sn) && json_array_get_length (json_node_get_array (sn)) > 8)
    ndim = (int) json_array_get_length (json_node_get_array (sn));
  else if (!read_uint_array (sn, dims, 8, &ndim))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: tensor '%s' has a \"shape\" that is not an array of "
                   "non-negative integers", path, name);
      return FALSE;
    }

  guint64 offs[2];
  int n_offs = 0;
  JsonNode *on = json_object_get_member (o, "data_offsets");
  if (on == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: tensor '%s' has no \"data_offsets\"", path, name);
      return FALSE;
    }
  if (!read_uint_array (on, offs, 2, &n_offs) || n_offs != 2 || offs[0] > offs[1])
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: tensor '%s' has \"data_offsets\" that are not "
                   "[begin, end] with 0 <= begin <= end", path, name);
      return FALSE;
    }
  e->begin = offs[0];
  e->end = offs[1];

  gboolean is_f32 = g_str_equal (dtype, "F32");
  if (!is_f32)
    {
      if (skip && skip (name, skip_data))
        e->skip = TRUE;
      else
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s: tensor '%s' has dtype %s; only F32 is supported",
                       path, name, dtype);
          return FALSE;
        }
    }
  if (!e->skip && ndim > INTERP_MAX_DIMS)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: tensor '%s' has %d dimensions; at most %d are supported",
                   path, name, ndim, INTERP_MAX_DIMS);
      return FALSE;
    }

  /* The byte count must match the shape; guard the product against
   * overflow so a hostile shape cannot wrap around to a small number. */
  guint64 bytes = (guint64) esize;
  gboolean overflow = ndim > 8;
  for (int i = 0; i < ndim && !overflow; i++)
    {
      if (dims[i] != 0 && bytes > G_MAXUINT64 / dims[i])
        overflow = TRUE;
      else
        bytes *= dims[i];
    }
  if (overflow || bytes != e->end - e->begin)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: tensor '%s': data_offsets [%" G_GUINT64_FORMAT ", %"
                   G_GUINT64_FORMAT "] span %" G_GUINT64_FORMAT
                   " bytes, which does not match its shape and dtype %s",
                   path, name, e->begin, e->end, e->end - e->begin, dtype);
      return FALSE;
    }

  if (!e->skip)
    {
      /* A 0-d (scalar) tensor becomes a 1-element vector. */
      e->ndim = ndim == 0 ? 1 : ndim;
      e->shape[0] = 1;
      for (int i = 0; i < ndim; i++)
        {
          if (dims[i] > (guint64) G_MAXINT64)
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                           "%s: tensor '%s' has an absurd dimension", path, name);
              return FALSE;
            }
          e->shape[i] = (int64_t) dims[i];
        }
    }
  return TRUE;
}

static gboolean
parse_metadata (const char *path, JsonNode *node, GHashTable **metadata, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: \"__metadata__\" is not a JSON object", path);
      return FALSE;
    }
  JsonObject *o = json_node_get_object (node);
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GList *members = json_object_get_members (o);
  for (GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      JsonNode *v = json_object_get_member (o, key);
      if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s: \"__metadata__\" value of '%s' is not a string", path, key);
          g_list_free (members);
          g_hash_table_unref (table);
          return FALSE;
        }
      g_hash_table_insert (table, g_strdup (key), g_strdup (json_node_get_string (v)));
    }
  g_list_free (members);
  if (metadata)
    *metadata = table;
  else
    g_hash_table_unref (table);
  return TRUE;
}

static int
entry_cmp (gconstpointer a, gconstpointer b)
{
  const StEntry *x = a, *y = b;
  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return 0;
}

/* Checks that the entries (sorted in place by offset) tile [0, data_size). */
static gboolean
check_layout (const char *path, StEntry *entries, size_t n, guint64 data_size,
              guint64 data_start, GError **error)
{
  for (size_t i = 0; i < n; i++)
    if (entries[i].end > data_size)
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                     "%s: tensor '%s' ends at byte %" G_GUINT64_FORMAT
                     " but the file has only %" G_GUINT64_FORMAT
                     " bytes (data truncated?)", path, entries[i].name,
                     data_start + entries[i].end, data_start + data_size);
        return FALSE;
      }
  qsort (entries, n, sizeof (StEntry), entry_cmp);
  guint64 pos = 0;
  const char *prev = NULL;
  for (size_t i = 0; i < n; i++)
    {
      if (entries[i].begin < pos)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s: tensor '%s' (data bytes %" G_GUINT64_FORMAT "..%"
                       G_GUINT64_FORMAT ") overlaps tensor '%s'", path,
                       entries[i].name, entries[i].begin, entries[i].end, prev);
          return FALSE;
        }
      if (entries[i].begin > pos)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s: %" G_GUINT64_FORMAT " unused bytes before tensor '%s' "
                       "(at byte %" G_GUINT64_FORMAT ")", path, entries[i].begin - pos,
                       entries[i].name, data_start + pos);
          return FALSE;
        }
      pos = entries[i].end;
      prev = entries[i].name;
    }
  if (pos != data_size)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: %" G_GUINT64_FORMAT " unused bytes after the last tensor "
                   "(at byte %" G_GUINT64_FORMAT ")", path, data_size - pos,
                   data_start + pos);
      return FALSE;
    }
  return TRUE;
}

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
  GHashTable *meta = NULL;
  JsonParser *parser = NULL;
  StEntry *entries = NULL;
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
  if (header_len == 0 || header[0] != '{' || memchr (header, '\0', header_len))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: the %" G_GUINT64_FORMAT "-byte header at byte 8 is not a "
                   "JSON object", path, header_len);
      goto out;
    }
  parser = json_parser_new_immutable ();
  GError *json_error = NULL;
  if (!json_parser_load_from_data (parser, header, (gssize) header_len, &json_error))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: the header at byte 8 is not valid JSON: %s", path,
                   json_error->message);
      g_error_free (json_error);
      goto out;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: the header at byte 8 is not a JSON object", path);
      goto out;
    }

  JsonObject *obj = json_node_get_object (root);
  GList *members = json_object_get_members (obj);
  size_t n = 0;
  entries = g_new0 (StEntry, g_list_length (members) + 1);
  for (GList *l = members; l; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (obj, name);
      gboolean ok;
      if (g_str_equal (name, "__metadata__"))
        ok = parse_metadata (path, node, &meta, error);
      else
        ok = parse_entry (path, name, node, skip, skip_data, &entries[n++], error);
      if (!ok)
        {
          g_list_free (members);
          goto out;
        }
    }
  g_list_free (members);

  guint64 data_start = 8 + header_len;
  if (!check_layout (path, entries, n, file_size - data_start, data_start, error))
    goto out;

  result = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify) interp_tensor_free);
  for (size_t i = 0; i < n; i++)
    {
      if (entries[i].skip)
        continue;
      InterpTensor *t = interp_tensor_new (entries[i].ndim, entries[i].shape);
      g_hash_table_insert (result, g_strdup (entries[i].name), t);
      if (t->numel
          && !read_exact (f, path, t->data, t->numel * sizeof (float),
                          data_start + entries[i].begin, error))
        {
          g_clear_pointer (&result, g_hash_table_unref);
          goto out;
        }
      floats_swap_le (t->data, t->numel);
    }

  if (metadata)
    {
      *metadata = meta ? meta : g_hash_table_new_full (g_str_hash, g_str_equal,
                                                       g_free, g_free);
      meta = NULL;
    }

out:
  if (meta)
    g_hash_table_unref (meta);
  g_free (entries);
  g_clear_object (&parser);
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

static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static char *
build_header (const char *const *names, InterpTensor *const *tensors, int n,
              GHashTable *metadata, size_t *len_out)
{
  JsonBuilder *b = json_builder_new_immutable ();
  json_builder_begin_object (b);
  if (metadata && g_hash_table_size (metadata) > 0)
    {
      /* Sorted keys: the same metadata always gives the same bytes. */
      guint nk = 0;
      gpointer *keys = g_hash_table_get_keys_as_array (metadata, &nk);
      qsort (keys, nk, sizeof (gpointer), str_ptr_cmp);
      json_builder_set_member_name (b, "__metadata__");
      json_builder_begin_object (b);
      for (guint i = 0; i < nk; i++)
        {
          json_builder_set_member_name (b, keys[i]);
          json_builder_add_string_value (b, g_hash_table_lookup (metadata, keys[i]));
        }
      json_builder_end_object (b);
      g_free (keys);
    }
  guint64 offset = 0;
  for (int i = 0; i < n; i++)
    {
      const InterpTensor *t = tensors[i];
      json_builder_set_member_name (b, names[i]);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "dtype");
      json_builder_add_string_value (b, "F32");
      json_builder_set_member_name (b, "shape");
      json_builder_begin_array (b);
      for (int d = 0; d < t->ndim; d++)
        json_builder_add_int_value (b, t->shape[d]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "data_offsets");
      json_builder_begin_array (b);
      json_builder_add_int_value (b, (gint64) offset);
      offset += t->numel * sizeof (float);
      json_builder_add_int_value (b, (gint64) offset);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  JsonGenerator *gen = json_generator_new ();
  JsonNode *root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  gsize len = 0;
  char *text = json_generator_to_data (gen, &len);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);

  /* Pad with spaces so the data starts 8-byte aligned, as the reference
   * writer does. */
  size_t padded = (len + 8 + 7) / 8 * 8 - 8;
  text = g_realloc (text, padded + 1);
  memset (text + len, ' ', padded - len);
  text[padded] = '\0';
  *len_out = padded;
  return text;
}

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

static gboolean
write_all (int fd, const void *buf, size_t n)
{
  const char *p = buf;
  while (n > 0)
    {
      ssize_t w = write (fd, p, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return FALSE;
      p += w;
      n -= (size_t) w;
    }
  return TRUE;
}

static gboolean
write_floats_le (int fd, const float *data, size_t n)
{
#if G_BYTE_ORDER == G_BIG_ENDIAN
  float buf[1024];
  for (size_t i = 0; i < n; i += G_N_ELEMENTS (buf))
    {
      size_t m = MIN (n - i, G_N_ELEMENTS (buf));
      memcpy (buf, data + i, m * sizeof (float));
      floats_swap_le (buf, m);
      if (!write_all (fd, buf, m * sizeof (float)))
        return FALSE;
    }
  return TRUE;
#else
  return write_all (fd, data, n * sizeof (float));
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
  char *header = build_header (names, tensors, n, metadata, &header_len);

  /* Temp file next to the target so rename() stays on one file system. */
  char *tmp = g_strconcat (path, ".tmp-XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int err = errno;
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "cannot create %s: %s",
                   tmp, g_strerror (err));
      g_free (tmp);
      g_free (header);
      return FALSE;
    }

  guint8 len_bytes[8];
  for (int i = 0; i < 8; i++)
    len_bytes[i] = (guint8) (((guint64) header_len >> (8 * i)) & 0xff);
  gboolean ok = write_all (fd, len_bytes, 8) && write_all (fd, header, header_len);
  for (int i = 0; ok && i < n; i++)
    ok = write_floats_le (fd, tensors[i]->data, tensors[i]->numel);
  const char *what = "write";
  if (ok && fsync (fd) != 0)
    {
      ok = FALSE;
      what = "fsync";
    }
  int err = ok ? 0 : errno;
  if (close (fd) != 0 && ok)
    {
      ok = FALSE;
      err = errno;
      what = "close";
    }
  if (ok && g_rename (tmp, path) != 0)
    {
      ok = FALSE;
      err = errno;
      what = "rename to final name";
    }
  if (!ok)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "cannot write %s (%s of %s): %s",
                   path, what, tmp, g_strerror (err));
      g_unlink (tmp);
    }
  else
    {
      /* Make the rename itself durable; a file system that cannot sync a
       * directory still has a complete file, so failure here is ignored. */
      char *dir = g_path_get_dirname (path);
      int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dfd >= 0)
        {
          (void) fsync (dfd);
          close (dfd);
        }
      g_free (dir);
    }
  g_free (tmp);
  g_free (header);
  return ok;
}
