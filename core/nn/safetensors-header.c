/* The safetensors header: parsing and validating the JSON object that
 * describes a file's tensors (dtype, shape, data offsets, __metadata__),
 * checking that the tensors tile the data section, and building the header
 * of a file to write.  Reading and writing the file around it is
 * safetensors.c, where the format is described. */
#include "config.h"

#include "nn/safetensors-private.h"

#include <stdlib.h>
#include <string.h>

#include <interp/error.h>

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

/* ---- parsing ------------------------------------------------------------ */

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
             InterpSafetensorsEntry *e, GError **error)
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

gboolean
interp_safetensors_header_parse (const char *path, const char *text, guint64 len,
                                 InterpSafetensorsSkipFunc skip, gpointer skip_data,
                                 InterpSafetensorsHeader *h, GError **error)
{
  memset (h, 0, sizeof *h);
  if (len == 0 || text[0] != '{' || memchr (text, '\0', len))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: the %" G_GUINT64_FORMAT "-byte header at byte 8 is not a "
                   "JSON object", path, len);
      return FALSE;
    }
  h->parser = json_parser_new_immutable ();
  GError *json_error = NULL;
  if (!json_parser_load_from_data (h->parser, text, (gssize) len, &json_error))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: the header at byte 8 is not valid JSON: %s", path,
                   json_error->message);
      g_error_free (json_error);
      goto fail;
    }
  JsonNode *root = json_parser_get_root (h->parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: the header at byte 8 is not a JSON object", path);
      goto fail;
    }

  JsonObject *obj = json_node_get_object (root);
  GList *members = json_object_get_members (obj);
  h->entries = g_new0 (InterpSafetensorsEntry, g_list_length (members) + 1);
  for (GList *l = members; l; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (obj, name);
      gboolean ok;
      if (g_str_equal (name, "__metadata__"))
        ok = parse_metadata (path, node, &h->metadata, error);
      else
        ok = parse_entry (path, name, node, skip, skip_data, &h->entries[h->n++], error);
      if (!ok)
        {
          g_list_free (members);
          goto fail;
        }
    }
  g_list_free (members);
  return TRUE;

fail:
  interp_safetensors_header_clear (h);
  return FALSE;
}

void
interp_safetensors_header_clear (InterpSafetensorsHeader *h)
{
  if (h->metadata)
    g_hash_table_unref (h->metadata);
  g_free (h->entries);
  g_clear_object (&h->parser);
  memset (h, 0, sizeof *h);
}

/* ---- checking the data layout ------------------------------------------- */

static int
entry_cmp (gconstpointer a, gconstpointer b)
{
  const InterpSafetensorsEntry *x = a, *y = b;
  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return 0;
}

gboolean
interp_safetensors_header_check_layout (const char *path, InterpSafetensorsHeader *h,
                                        guint64 data_size, guint64 data_start,
                                        GError **error)
{
  InterpSafetensorsEntry *entries = h->entries;
  size_t n = h->n;
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
  qsort (entries, n, sizeof (InterpSafetensorsEntry), entry_cmp);
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

/* ---- building ----------------------------------------------------------- */

static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char *
interp_safetensors_header_build (const char *const *names, InterpTensor *const *tensors,
                                 int n, GHashTable *metadata, size_t *len_out)
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
