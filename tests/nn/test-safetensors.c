/* Safetensors reading and writing: exact round trips, the on-disk layout,
 * and every kind of malformed file (written here byte by byte). */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/checkpoint.h>
#include <interp/error.h>

#include "../test-tree.h"

static char *tmpdir;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("interp-st-XXXXXX", NULL);
  cr_assert_not_null (tmpdir);
}

static void
teardown (void)
{
  test_remove_tree (tmpdir);
  g_free (tmpdir);
}

TestSuite (safetensors, .init = setup, .fini = teardown);

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* Writes an 8-byte LE length (header_len, or the header's real length when
 * header_len < 0), the header bytes and `data`. */
static char *
write_raw (const char *name, const char *header, gint64 header_len, const void *data,
           size_t data_len)
{
  char *path = tmp_path (name);
  size_t hl = strlen (header);
  guint64 len = header_len < 0 ? hl : (guint64) header_len;
  GByteArray *b = g_byte_array_new ();
  for (int i = 0; i < 8; i++)
    {
      guint8 c = (guint8) (len >> (8 * i));
      g_byte_array_append (b, &c, 1);
    }
  g_byte_array_append (b, (const guint8 *) header, (guint) hl);
  if (data_len)
    g_byte_array_append (b, data, (guint) data_len);
  cr_assert (g_file_set_contents (path, (const char *) b->data, b->len, NULL));
  g_byte_array_unref (b);
  return path;
}

/* Asserts that reading `path` fails with `code` and that the message names
 * the file and contains every string of `needles`. */
static void
assert_read_fails (const char *path, int code, const char *const *needles)
{
  GError *error = NULL;
  GHashTable *meta = NULL;
  GHashTable *t = interp_safetensors_read (path, &meta, &error);
  cr_assert_null (t, "%s: read succeeded", path);
  cr_assert_null (meta);
  cr_assert_not_null (error);
  cr_assert_eq (error->domain, INTERP_ERROR);
  cr_assert_eq (error->code, code, "code %d, message: %s", error->code, error->message);
  cr_assert_not_null (strstr (error->message, path), "no path in: %s", error->message);
  for (int i = 0; needles && needles[i]; i++)
    cr_assert_not_null (strstr (error->message, needles[i]), "'%s' not in: %s", needles[i],
                        error->message);
  g_error_free (error);
}

static const float some_data[6] = { 1.0f, -2.5f, 3.25f, 0.0f, 1e-3f, 7.0f };

/* ---- round trips --------------------------------------------------------- */

static InterpTensor *
tensor_with (int ndim, const int64_t *shape, guint32 seed)
{
  InterpTensor *t = interp_tensor_new (ndim, shape);
  guint32 *u = (guint32 *) t->data;
  for (size_t i = 0; i < t->numel; i++)
    {
      seed = seed * 1664525u + 1013904223u;
      u[i] = seed;           /* arbitrary bit patterns, NaN payloads included */
    }
  return t;
}

Test (safetensors, round_trip_is_bit_exact)
{
  int64_t s1[2] = { 2, 3 }, s2[1] = { 5 }, s3[4] = { 2, 1, 3, 2 }, s4[2] = { 0, 3 };
  InterpTensor *t[4] = {
    tensor_with (2, s1, 1), tensor_with (1, s2, 2), tensor_with (4, s3, 3),
    interp_tensor_new (2, s4),
  };
  /* Values with special bit patterns. */
  t[1]->data[0] = -0.0f;
  t[1]->data[1] = INFINITY;
  t[1]->data[2] = 1e-45f;
  const char *names[4] = { "fc.weight", "fc.bias", "conv.weight", "empty" };
  GHashTable *meta = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (meta, "format", "pt");
  g_hash_table_insert (meta, "note", "ünïcode \"quoted\"\n");
  char *path = tmp_path ("a.safetensors");
  GError *error = NULL;
  cr_assert (interp_safetensors_write (path, names, t, 4, meta, &error));
  cr_assert_null (error);

  GHashTable *meta2 = NULL;
  GHashTable *r = interp_safetensors_read (path, &meta2, &error);
  cr_assert_not_null (r, "%s", error ? error->message : "");
  cr_assert_eq (g_hash_table_size (r), 4);
  for (int i = 0; i < 4; i++)
    {
      InterpTensor *x = g_hash_table_lookup (r, names[i]);
      cr_assert_not_null (x, "%s", names[i]);
      cr_assert (interp_tensor_same_shape (x, t[i]), "%s", names[i]);
      cr_assert_eq (memcmp (x->data, t[i]->data, t[i]->numel * sizeof (float)), 0, "%s",
                    names[i]);
    }
  cr_assert_eq (g_hash_table_size (meta2), 2);
  cr_assert_str_eq (g_hash_table_lookup (meta2, "format"), "pt");
  cr_assert_str_eq (g_hash_table_lookup (meta2, "note"), "ünïcode \"quoted\"\n");

  /* Writing the same thing again gives the same bytes (sorted metadata). */
  char *path2 = tmp_path ("b.safetensors");
  cr_assert (interp_safetensors_write (path2, names, t, 4, meta, NULL));
  char *c1, *c2;
  gsize l1, l2;
  cr_assert (g_file_get_contents (path, &c1, &l1, NULL));
  cr_assert (g_file_get_contents (path2, &c2, &l2, NULL));
  cr_assert_eq (l1, l2);
  cr_assert_eq (memcmp (c1, c2, l1), 0);
  g_free (c1);
  g_free (c2);

  g_hash_table_unref (r);
  g_hash_table_unref (meta2);
  g_hash_table_unref (meta);
  for (int i = 0; i < 4; i++)
    interp_tensor_free (t[i]);
  g_free (path);
  g_free (path2);
}

Test (safetensors, layout_is_the_documented_format)
{
  int64_t s[2] = { 2, 3 }, s2[1] = { 2 };
  InterpTensor *a = interp_tensor_new (2, s), *b = interp_tensor_new (1, s2);
  memcpy (a->data, some_data, sizeof some_data);
  b->data[0] = 0.5f;
  b->data[1] = -1.0f;
  const char *names[2] = { "a", "b" };
  InterpTensor *ts[2] = { a, b };
  char *path = tmp_path ("layout.safetensors");
  cr_assert (interp_safetensors_write (path, names, ts, 2, NULL, NULL));

  guint8 *c;
  gsize len;
  cr_assert (g_file_get_contents (path, (char **) &c, &len, NULL));
  guint64 n = 0;
  for (int i = 7; i >= 0; i--)
    n = (n << 8) | c[i];
  cr_assert_eq ((8 + n) % 8, 0, "data not 8-byte aligned");
  cr_assert_eq (len, 8 + n + 8 * sizeof (float));
  char *header = g_strndup ((const char *) c + 8, n);
  cr_assert_eq (header[0], '{');
  cr_assert_not_null (strstr (header, "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],"
                                      "\"data_offsets\":[0,24]}"), "%s", header);
  cr_assert_not_null (strstr (header, "\"b\":{\"dtype\":\"F32\",\"shape\":[2],"
                                      "\"data_offsets\":[24,32]}"), "%s", header);
  cr_assert_null (strstr (header, "__metadata__"));
  /* Little-endian float32, in header order. */
  const guint8 *d = c + 8 + n;
  for (int i = 0; i < 6; i++)
    {
      guint32 u = (guint32) d[4 * i] | (guint32) d[4 * i + 1] << 8
                  | (guint32) d[4 * i + 2] << 16 | (guint32) d[4 * i + 3] << 24;
      float f;
      memcpy (&f, &u, 4);
      cr_assert_eq (f, some_data[i]);
    }
  g_free (header);
  g_free (c);
  interp_tensor_free (a);
  interp_tensor_free (b);
  g_free (path);
}

Test (safetensors, empty_file_round_trips)
{
  char *path = tmp_path ("empty.safetensors");
  cr_assert (interp_safetensors_write (path, NULL, NULL, 0, NULL, NULL));
  GHashTable *meta = NULL;
  GHashTable *r = interp_safetensors_read (path, &meta, NULL);
  cr_assert_not_null (r);
  cr_assert_eq (g_hash_table_size (r), 0);
  cr_assert_eq (g_hash_table_size (meta), 0);
  g_hash_table_unref (r);
  g_hash_table_unref (meta);
  g_free (path);
}

Test (safetensors, scalar_becomes_one_element)
{
  float v = 42.0f;
  char *path = write_raw ("scalar.safetensors",
                          "{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}",
                          -1, &v, 4);
  GHashTable *r = interp_safetensors_read (path, NULL, NULL);
  cr_assert_not_null (r);
  InterpTensor *t = g_hash_table_lookup (r, "s");
  cr_assert_eq (t->ndim, 1);
  cr_assert_eq (t->shape[0], 1);
  cr_assert_eq (t->data[0], 42.0f);
  g_hash_table_unref (r);
  g_free (path);
}

Test (safetensors, overwrite_is_atomic_and_leaves_no_temp)
{
  int64_t s[1] = { 3 };
  InterpTensor *a = interp_tensor_new (1, s);
  const char *names[1] = { "a" };
  char *path = tmp_path ("x.safetensors");
  cr_assert (interp_safetensors_write (path, names, &a, 1, NULL, NULL));
  interp_tensor_fill (a, 2.0f);
  cr_assert (interp_safetensors_write (path, names, &a, 1, NULL, NULL));
  GHashTable *r = interp_safetensors_read (path, NULL, NULL);
  cr_assert_eq (((InterpTensor *) g_hash_table_lookup (r, "a"))->data[2], 2.0f);
  g_hash_table_unref (r);

  /* A rename that cannot succeed (the target is a non-empty directory) is
   * an IO error and cleans up its temporary file. */
  char *dir = tmp_path ("isdir");
  g_mkdir (dir, 0700);
  char *inner = g_build_filename (dir, "keep", NULL);
  g_file_set_contents (inner, "x", 1, NULL);
  GError *error = NULL;
  cr_assert_not (interp_safetensors_write (dir, names, &a, 1, NULL, &error));
  cr_assert_eq (error->code, INTERP_ERROR_IO);
  cr_assert_not_null (strstr (error->message, dir));
  g_clear_error (&error);

  GDir *d = g_dir_open (tmpdir, 0, NULL);
  const char *name;
  int n = 0;
  while ((name = g_dir_read_name (d)))
    {
      cr_assert_null (strstr (name, ".tmp-"), "left over: %s", name);
      n++;
    }
  g_dir_close (d);
  cr_assert_eq (n, 2);

  /* A folder that does not exist. */
  char *nowhere = tmp_path ("no/such/dir/x.safetensors");
  cr_assert_not (interp_safetensors_write (nowhere, names, &a, 1, NULL, &error));
  cr_assert_eq (error->code, INTERP_ERROR_IO);
  cr_assert_not_null (strstr (error->message, "no/such/dir"));
  g_clear_error (&error);

  g_free (nowhere);
  g_free (inner);
  g_free (dir);
  g_free (path);
  interp_tensor_free (a);
}

Test (safetensors, bad_names_are_refused)
{
  int64_t s[1] = { 1 };
  InterpTensor *a = interp_tensor_new (1, s);
  InterpTensor *ts[2] = { a, a };
  char *path = tmp_path ("names.safetensors");
  const char *cases[][2] = {
    { "a", "a" }, { "a", "__metadata__" }, { "a", "" }, { "a", "\xff\xfe" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GError *error = NULL;
      cr_assert_not (interp_safetensors_write (path, cases[i], ts, 2, NULL, &error));
      cr_assert_eq (error->code, INTERP_ERROR_INVALID_ARGUMENT, "case %zu", i);
      cr_assert_not_null (strstr (error->message, path));
      g_error_free (error);
    }
  cr_assert_not (g_file_test (path, G_FILE_TEST_EXISTS));
  interp_tensor_free (a);
  g_free (path);
}

/* ---- malformed files ------------------------------------------------------ */

Test (safetensors, missing_file)
{
  char *path = tmp_path ("absent.safetensors");
  assert_read_fails (path, INTERP_ERROR_IO, NULL);
  g_free (path);
}

Test (safetensors, too_short_for_length)
{
  char *path = tmp_path ("short.safetensors");
  g_file_set_contents (path, "\x10\x00\x00", 3, NULL);
  assert_read_fails (path, INTERP_ERROR_FORMAT, (const char *[]){ "too short", NULL });
  g_free (path);
}

Test (safetensors, header_length_beyond_file)
{
  char *path = write_raw ("long.safetensors", "{}", 1000, NULL, 0);
  assert_read_fails (path, INTERP_ERROR_FORMAT,
                     (const char *[]){ "header length 1000", "byte 0", NULL });
  g_free (path);
}

Test (safetensors, absurd_header_length)
{
  char *path = write_raw ("absurd.safetensors", "{}", G_MAXINT64, NULL, 0);
  assert_read_fails (path, INTERP_ERROR_FORMAT, (const char *[]){ "absurd", NULL });
  g_free (path);
}

Test (safetensors, header_not_json)
{
  char *path = write_raw ("notjson.safetensors", "{\"a\": [1, 2", -1, NULL, 0);
  assert_read_fails (path, INTERP_ERROR_FORMAT, (const char *[]){ "not valid JSON", NULL });
  g_free (path);
  path = write_raw ("garbage.safetensors", "PK\x03\x04garbage", -1, NULL, 0);
  assert_read_fails (path, INTERP_ERROR_FORMAT, (const char *[]){ "JSON object", NULL });
  g_free (path);
}

Test (safetensors, header_not_an_object)
{
  char *path = write_raw ("array.safetensors", "[1, 2, 3]", -1, NULL, 0);
  assert_read_fails (path, INTERP_ERROR_FORMAT, (const char *[]){ "JSON object", NULL });
  g_free (path);
}

Test (safetensors, header_with_nul_byte)
{
  char *path = write_raw ("nul.safetensors", "{}", 3, "\0", 1);
  assert_read_fails (path, INTERP_ERROR_FORMAT, NULL);
  g_free (path);
}

typedef struct {
  const char *header;
  size_t data_len;
  const char *needle1, *needle2;
} BadCase;

static void
run_bad_cases (const BadCase *cases, size_t n)
{
  guint8 data[64] = { 0 };
  for (size_t i = 0; i < n; i++)
    {
      char *name = g_strdup_printf ("bad%zu.safetensors", i);
      char *path = write_raw (name, cases[i].header, -1, data, cases[i].data_len);
      assert_read_fails (path, INTERP_ERROR_FORMAT,
                         (const char *[]){ cases[i].needle1, cases[i].needle2, NULL });
      g_free (path);
      g_free (name);
    }
}

Test (safetensors, missing_fields)
{
  const BadCase cases[] = {
    { "{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "'w'", "dtype" },
    { "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8, "'w'", "shape" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, "'w'", "data_offsets" },
    { "{\"w\":3}", 0, "'w'", "not a JSON object" },
    { "{\"w\":{\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "'w'", "dtype" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}", 8, "'w'", "shape" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8, "'w'", "shape" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "'w'", "shape" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8, "'w'", "data_offsets" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", 8, "'w'", "data_offsets" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, "'w'", "data_offsets" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,16]}}", 8, "'w'", "data_offsets" },
  };
  run_bad_cases (cases, G_N_ELEMENTS (cases));
}

Test (safetensors, wrong_dtype_is_named)
{
  const BadCase cases[] = {
    { "{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "'w'", "F16" },
    { "{\"w\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}", 8, "'w'", "I64" },
    { "{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,1]}}", 1, "'w'", "Q4" },
  };
  run_bad_cases (cases, G_N_ELEMENTS (cases));
}

Test (safetensors, shape_and_offsets_disagree)
{
  const BadCase cases[] = {
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20, "'w'", "shape" },
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,2],\"data_offsets\":[0,8]}}", 8, "'w'",
      "5 dimensions" },
    /* A product that overflows 64 bits must not wrap to a small number. */
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}",
      0, "'w'", "shape" },
  };
  run_bad_cases (cases, G_N_ELEMENTS (cases));
}

Test (safetensors, offsets_out_of_range_overlapping_or_gapped)
{
  const BadCase cases[] = {
    /* End beyond the data: a truncated file. */
    { "{\"w\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]}}", 16, "'w'",
      "truncated" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 24, "'b'", "overlaps" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20, "'b'", "unused" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12, "unused",
      "byte" },
    /* Two tensors sharing the same bytes. */
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "overlaps", "'a'" },
  };
  run_bad_cases (cases, G_N_ELEMENTS (cases));
}

Test (safetensors, bad_metadata)
{
  const BadCase cases[] = {
    { "{\"__metadata__\":[1]}", 0, "__metadata__", "object" },
    { "{\"__metadata__\":{\"epochs\":3}}", 0, "__metadata__", "'epochs'" },
  };
  run_bad_cases (cases, G_N_ELEMENTS (cases));
}

Test (safetensors, truncated_data_names_tensor_and_offset)
{
  int64_t s[1] = { 6 };
  InterpTensor *a = interp_tensor_new (1, s), *b = interp_tensor_new (1, s);
  const char *names[2] = { "first", "second" };
  InterpTensor *ts[2] = { a, b };
  char *path = tmp_path ("trunc.safetensors");
  cr_assert (interp_safetensors_write (path, names, ts, 2, NULL, NULL));
  char *c;
  gsize len;
  g_file_get_contents (path, &c, &len, NULL);
  g_file_set_contents (path, c, (gssize) len - 3, NULL);
  char *end = g_strdup_printf ("byte %zu", len);
  assert_read_fails (path, INTERP_ERROR_FORMAT,
                     (const char *[]){ "'second'", "truncated", end, NULL });
  g_free (end);
  g_free (c);
  g_free (path);
  interp_tensor_free (a);
  interp_tensor_free (b);
}

/* Every truncation and many single-byte corruptions of a valid file either
 * read or fail with FORMAT; none may crash (run under ASan to be sure). */
Test (safetensors, corrupted_files_never_crash)
{
  int64_t s1[2] = { 2, 2 }, s2[1] = { 3 };
  InterpTensor *a = tensor_with (2, s1, 7), *b = tensor_with (1, s2, 8);
  const char *names[2] = { "layer.weight", "layer.bias" };
  InterpTensor *ts[2] = { a, b };
  GHashTable *meta = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (meta, "k", "v");
  char *path = tmp_path ("good.safetensors");
  cr_assert (interp_safetensors_write (path, names, ts, 2, meta, NULL));
  char *good;
  gsize len;
  g_file_get_contents (path, &good, &len, NULL);
  char *bad = tmp_path ("fuzz.safetensors");

  for (gsize cut = 0; cut < len; cut++)
    {
      g_file_set_contents (bad, good, (gssize) cut, NULL);
      GError *error = NULL;
      GHashTable *r = interp_safetensors_read (bad, NULL, &error);
      cr_assert_null (r, "truncated to %zu bytes but read", cut);
      cr_assert_eq (error->code, INTERP_ERROR_FORMAT, "cut %zu: %s", cut, error->message);
      g_error_free (error);
    }
  const guint8 values[] = { 0x00, 0xff, '"', '{', '}', '[', ']', ',', '9', '-', 'x', ' ' };
  char *copy = g_memdup2 (good, len);
  for (gsize pos = 0; pos < len; pos++)
    for (size_t v = 0; v < G_N_ELEMENTS (values); v++)
      {
        memcpy (copy, good, len);
        copy[pos] = (char) values[v];
        g_file_set_contents (bad, copy, (gssize) len, NULL);
        GError *error = NULL;
        GHashTable *m = NULL;
        GHashTable *r = interp_safetensors_read (bad, &m, &error);
        if (r)
          {
            g_hash_table_unref (r);
            g_hash_table_unref (m);
          }
        else
          {
            cr_assert_eq (error->code, INTERP_ERROR_FORMAT, "byte %zu: %s", pos,
                          error->message);
            g_error_free (error);
          }
      }
  g_free (copy);
  g_free (good);
  g_free (bad);
  g_free (path);
  g_hash_table_unref (meta);
  interp_tensor_free (a);
  interp_tensor_free (b);
}

/* ---- compatibility ---------------------------------------------------------- */

/* Reads our file with an independent parser (Python's json + struct, and
 * torch when present) and checks names, shapes and values. */
Test (safetensors, python_reads_our_file)
{
  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    cr_skip_test ("no /usr/bin/python3");
  int64_t s[2] = { 2, 3 };
  InterpTensor *a = interp_tensor_new (2, s);
  memcpy (a->data, some_data, sizeof some_data);
  const char *names[1] = { "fc.weight" };
  GHashTable *meta = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (meta, "format", "pt");
  char *path = tmp_path ("py.safetensors");
  cr_assert (interp_safetensors_write (path, names, &a, 1, meta, NULL));

  const char *script =
    "import json, struct, sys\n"
    "b = open(sys.argv[1], 'rb').read()\n"
    "n = struct.unpack('<Q', b[:8])[0]\n"
    "h = json.loads(b[8:8 + n])\n"
    "assert h['__metadata__'] == {'format': 'pt'}, h\n"
    "e = h['fc.weight']\n"
    "assert e['dtype'] == 'F32' and e['shape'] == [2, 3], e\n"
    "s, t = e['data_offsets']\n"
    "v = struct.unpack('<6f', b[8 + n + s:8 + n + t])\n"
    "print(' '.join(repr(x) for x in v))\n"
    "try:\n"
    "    import torch\n"
    "    x = torch.frombuffer(bytearray(b[8 + n + s:8 + n + t]), dtype=torch.float32)\n"
    "    assert x.reshape(e['shape']).tolist() == [list(v[:3]), list(v[3:])]\n"
    "except ImportError:\n"
    "    pass\n";
  char *argv[] = { "/usr/bin/python3", "-c", (char *) script, path, NULL };
  char *out = NULL, *err = NULL;
  int status = 0;
  cr_assert (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                           &status, NULL));
  cr_assert (g_spawn_check_wait_status (status, NULL), "python: %s", err);
  char **vals = g_strsplit (g_strstrip (out), " ", -1);
  cr_assert_eq (g_strv_length (vals), 6);
  for (int i = 0; i < 6; i++)
    cr_assert_eq ((float) g_ascii_strtod (vals[i], NULL), some_data[i]);
  g_strfreev (vals);
  g_free (out);
  g_free (err);
  g_free (path);
  g_hash_table_unref (meta);
  interp_tensor_free (a);
}
