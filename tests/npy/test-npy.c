/* The .npy reader (core/util/npy.c) on files whose bytes are built here for
 * every version and every refusal, and, when /usr/bin/python3 has NumPy,
 * on files written by np.save and np.lib.format.write_array. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <interp/npy.h>

static char *tmpdir;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("interp-test-npy-XXXXXX", NULL);
  cr_assert_not_null (tmpdir);
}

static void
teardown (void)
{
  GDir *d = g_dir_open (tmpdir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      char *p = g_build_filename (tmpdir, name, NULL);
      g_remove (p);
      g_free (p);
    }
  if (d)
    g_dir_close (d);
  g_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

TestSuite (npy, .init = setup, .fini = teardown);

/* A .npy file: the prelude of `major`.0, `dict` padded with spaces to
 * `pad_to` (0: no padding) and a '\n', then `len` data bytes.  Returns the
 * path (g_free). */
static char *
write_npy (const char *name, int major, const char *dict, size_t pad_to, const void *data,
           size_t len)
{
  size_t prelude = major == 1 ? 10 : 12;
  GString *h = g_string_new (dict);
  if (pad_to)
    while ((prelude + h->len + 1) % pad_to != 0)
      g_string_append_c (h, ' ');
  g_string_append_c (h, '\n');
  GByteArray *b = g_byte_array_new ();
  g_byte_array_append (b, (const guint8 *) "\x93NUMPY", 6);
  guint8 ver[2] = { (guint8) major, 0 };
  g_byte_array_append (b, ver, 2);
  guint8 hl[4] = { (guint8) (h->len & 0xff), (guint8) ((h->len >> 8) & 0xff),
                   (guint8) ((h->len >> 16) & 0xff), (guint8) ((h->len >> 24) & 0xff) };
  g_byte_array_append (b, hl, major == 1 ? 2 : 4);
  g_byte_array_append (b, (const guint8 *) h->str, h->len);
  if (len)
    g_byte_array_append (b, data, (guint) len);
  char *path = g_build_filename (tmpdir, name, NULL);
  cr_assert (g_file_set_contents (path, (const char *) b->data, b->len, NULL));
  g_byte_array_unref (b);
  g_string_free (h, TRUE);
  return path;
}

static void
write_raw (const char *path, const void *data, size_t len)
{
  cr_assert (g_file_set_contents (path, data, (gssize) len, NULL));
}

/* Opening must fail with `code` and a message holding the path and every
 * string of `parts` (NULL-terminated). */
static void
assert_refused (const char *path, int code, const char *const *parts)
{
  GError *error = NULL;
  InterpNpy *npy = interp_npy_open (path, &error);
  cr_assert_null (npy, "%s was accepted", path);
  cr_assert_not_null (error);
  cr_assert_eq (error->code, code, "code %d, expected %d: %s", error->code, code,
                error->message);
  cr_assert (strstr (error->message, path), "no path in: %s", error->message);
  for (; parts && *parts; parts++)
    cr_assert (strstr (error->message, *parts), "'%s' not in: %s", *parts, error->message);
  g_error_free (error);
}

static InterpNpy *
open_ok (const char *path)
{
  GError *error = NULL;
  InterpNpy *npy = interp_npy_open (path, &error);
  cr_assert_not_null (npy, "%s", error ? error->message : "");
  return npy;
}

Test (npy, every_version_reads_uint8_exactly)
{
  uint8_t data[24];
  for (int i = 0; i < 24; i++)
    data[i] = (uint8_t) (i * 11);
  for (int major = 1; major <= 3; major++)
    {
      char name[16];
      g_snprintf (name, sizeof name, "v%d.npy", major);
      /* Version 1 padded as NumPy pads (64), 2 unpadded, 3 padded to 16. */
      char *path = write_npy (name, major,
                              "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 4), }",
                              major == 1 ? 64 : major == 2 ? 0 : 16, data, sizeof data);
      InterpNpy *npy = open_ok (path);
      cr_assert_eq (interp_npy_dtype (npy), INTERP_NPY_UINT8);
      cr_assert_eq (interp_npy_ndim (npy), 3);
      cr_assert_eq (interp_npy_shape (npy)[0], 2);
      cr_assert_eq (interp_npy_shape (npy)[1], 3);
      cr_assert_eq (interp_npy_shape (npy)[2], 4);
      cr_assert_eq (interp_npy_n_rows (npy), 2);
      cr_assert_eq (interp_npy_row_numel (npy), 12);
      if (major == 1)
        cr_assert_eq (interp_npy_data_offset (npy), 128);
      uint8_t got[24] = { 0 };
      cr_assert (interp_npy_read_rows (npy, 0, 2, got, NULL));
      cr_assert_arr_eq (got, data, sizeof data);
      char *shape = interp_npy_shape_string (npy);
      cr_assert_str_eq (shape, "(2, 3, 4)");
      g_free (shape);
      interp_npy_close (npy);
      g_free (path);
    }
}

Test (npy, a_row_range_reads_only_those_rows)
{
  uint8_t data[5 * 6];
  for (int i = 0; i < 30; i++)
    data[i] = (uint8_t) (200 - i);
  char *path = write_npy ("rows.npy", 1, "{'descr': '|u1', 'fortran_order': False, "
                          "'shape': (5, 2, 3), }", 64, data, sizeof data);
  InterpNpy *npy = open_ok (path);
  uint8_t got[12];
  memset (got, 0xAA, sizeof got);
  cr_assert (interp_npy_read_rows (npy, 2, 2, got, NULL));
  cr_assert_arr_eq (got, data + 12, 12);
  cr_assert (interp_npy_read_rows (npy, 5, 0, got, NULL), "an empty range at the end");
  GError *error = NULL;
  cr_assert_not (interp_npy_read_rows (npy, 4, 2, got, &error));
  cr_assert_eq (error->code, INTERP_ERROR_INVALID_ARGUMENT);
  cr_assert (strstr (error->message, "rows [4, 6)"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (interp_npy_read_rows (npy, -1, 1, got, &error));
  g_clear_error (&error);
  interp_npy_close (npy);
  g_free (path);
}

Test (npy, keys_in_any_order_with_spaces_and_double_quotes)
{
  const char *dicts[] = {
    "{'shape': (3,), 'fortran_order': False, 'descr': '|u1'}",
    "{ \"fortran_order\" :False ,\"shape\":( 3 , ) ,  \"descr\":\"|u1\" , }",
    "{'descr':'<u1','shape':(3L,),'fortran_order':False}",
  };
  const uint8_t data[3] = { 7, 0, 255 };
  for (guint i = 0; i < G_N_ELEMENTS (dicts); i++)
    {
      char *path = write_npy ("keys.npy", 1, dicts[i], 0, data, 3);
      InterpNpy *npy = open_ok (path);
      cr_assert_eq (interp_npy_ndim (npy), 1);
      cr_assert_eq (interp_npy_n_rows (npy), 3);
      cr_assert_eq (interp_npy_row_numel (npy), 1, "a 1-D row is one element");
      char *shape = interp_npy_shape_string (npy);
      cr_assert_str_eq (shape, "(3,)");
      g_free (shape);
      uint8_t got[3];
      cr_assert (interp_npy_read_rows (npy, 0, 3, got, NULL));
      cr_assert_arr_eq (got, data, 3);
      interp_npy_close (npy);
      g_free (path);
    }
}

Test (npy, float32_little_and_big_endian_and_integer_labels)
{
  /* Exact binary values (sums of powers of two), so equality is exact. */
  const float values[4] = { -1.5f, 0.0f, 0.25f, 3.0e38f };
  uint8_t le[16], be[16];
  for (int i = 0; i < 4; i++)
    {
      guint32 u;
      memcpy (&u, &values[i], 4);
      for (int k = 0; k < 4; k++)
        {
          le[i * 4 + k] = (uint8_t) (u >> (8 * k));
          be[i * 4 + k] = (uint8_t) (u >> (8 * (3 - k)));
        }
    }
  const char *dicts[2] = { "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
                           "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }" };
  const uint8_t *bytes[2] = { le, be };
  for (int k = 0; k < 2; k++)
    {
      char *path = write_npy ("f.npy", 2, dicts[k], 64, bytes[k], 16);
      InterpNpy *npy = open_ok (path);
      cr_assert_eq (interp_npy_dtype (npy), INTERP_NPY_FLOAT32);
      float got[2];
      cr_assert (interp_npy_read_rows (npy, 1, 1, got, NULL));
      cr_assert (got[0] == values[2] && got[1] == values[3], "%s: %g %g", dicts[k], got[0],
                 got[1]);
      interp_npy_close (npy);
      g_free (path);
    }

  const int64_t labels[3] = { 9, 0, 123456789012 };
  uint8_t lb[24];
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 8; k++)
      lb[i * 8 + k] = (uint8_t) ((guint64) labels[i] >> (8 * k));
  char *path = write_npy ("l.npy", 1, "{'descr': '<i8', 'fortran_order': False, "
                          "'shape': (3,), }", 64, lb, sizeof lb);
  InterpNpy *npy = open_ok (path);
  cr_assert_eq (interp_npy_dtype (npy), INTERP_NPY_INT64);
  int64_t got[3];
  cr_assert (interp_npy_read_rows (npy, 0, 3, got, NULL));
  cr_assert_arr_eq (got, labels, sizeof labels);
  interp_npy_close (npy);
  g_free (path);
}

Test (npy, a_version_3_header_must_be_utf8)
{
  /* A utf-8 character in the padding: valid in 3.0 (format.py encodes the
   * 3.0 header as utf-8), and the dict itself still parses. */
  const uint8_t data[2] = { 1, 2 };
  char *path = write_npy ("u.npy", 3, "{'descr': '|u1', 'fortran_order': False, "
                          "'shape': (2,), }  \xc3\xa9", 0, data, 2);
  const char *parts[] = { "text after the header dict", NULL };
  assert_refused (path, INTERP_ERROR_FORMAT, parts);
  g_free (path);
  path = write_npy ("u.npy", 3, "{'descr': '|u1', 'fortran_order': False, "
                    "'shape': (2,), } \xff", 0, data, 2);
  const char *bad_utf8[] = { "not utf-8", "byte 12", NULL };
  assert_refused (path, INTERP_ERROR_FORMAT, bad_utf8);
  g_free (path);
}

Test (npy, bad_magic_version_and_header_length_name_the_byte)
{
  const uint8_t data[2] = { 1, 2 };
  char *path = write_npy ("m.npy", 1, "{'descr': '|u1', 'fortran_order': False, "
                          "'shape': (2,), }", 64, data, 2);
  size_t len;
  char *bytes;
  cr_assert (g_file_get_contents (path, &bytes, &len, NULL));

  bytes[1] = 'M';
  write_raw (path, bytes, len);
  const char *magic[] = { "byte 0", "magic", NULL };
  assert_refused (path, INTERP_ERROR_FORMAT, magic);
  bytes[1] = 'N';

  bytes[6] = 4;
  write_raw (path, bytes, len);
  const char *version[] = { "byte 6", "4.0", NULL };
  assert_refused (path, INTERP_ERROR_UNSUPPORTED, version);
  bytes[6] = 1;
  bytes[7] = 1;
  write_raw (path, bytes, len);
  const char *minor[] = { "byte 6", "1.1", NULL };
  assert_refused (path, INTERP_ERROR_UNSUPPORTED, minor);
  bytes[7] = 0;

  bytes[9] = 0x10;   /* header length 4096 + 118: past the end */
  write_raw (path, bytes, len);
  const char *hlen[] = { "byte 8", "truncated", NULL };
  assert_refused (path, INTERP_ERROR_FORMAT, hlen);
  bytes[9] = 0;

  write_raw (path, bytes, 7);
  const char *prelude[] = { "truncated", NULL };
  assert_refused (path, INTERP_ERROR_FORMAT, prelude);

  write_raw (path, bytes, len);
  InterpNpy *npy = open_ok (path);
  interp_npy_close (npy);
  g_free (bytes);
  g_free (path);
}

Test (npy, truncated_or_oversized_data_is_a_shape_mismatch_with_the_offset)
{
  uint8_t data[12] = { 0 };
  const char *dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 4), }";
  char *path = write_npy ("t.npy", 1, dict, 64, data, 11);
  /* 10 + 61 + 1 header bytes padded to 128. */
  const char *truncated[] = { "truncated", "(3, 4)", "12 data bytes", "byte 128", "has 11",
                              NULL };
  assert_refused (path, INTERP_ERROR_FORMAT, truncated);
  g_free (path);
  path = write_npy ("t.npy", 1, dict, 64, data, 12);
  interp_npy_close (open_ok (path));
  g_free (path);
  uint8_t more[13] = { 0 };
  path = write_npy ("t.npy", 1, dict, 64, more, 13);
  const char *extra[] = { "does not match", "has 13", NULL };
  assert_refused (path, INTERP_ERROR_FORMAT, extra);
  g_free (path);
  /* float32: the element size enters the length. */
  path = write_npy ("t.npy", 2, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
                    0, data, 11);
  const char *f4[] = { "12 data bytes", "float32", NULL };
  assert_refused (path, INTERP_ERROR_FORMAT, f4);
  g_free (path);
}

typedef struct {
  const char *dict;
  int code;
  const char *part;
} BadHeader;

Test (npy, every_malformed_or_unsupported_header_is_refused_clearly)
{
  static const BadHeader bad[] = {
    { "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", INTERP_ERROR_UNSUPPORTED,
      "dtype '<f8'" },
    { "{'descr': '>i8', 'fortran_order': False, 'shape': (1,), }", INTERP_ERROR_UNSUPPORTED,
      "dtype '>i8'" },
    { "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }",
      INTERP_ERROR_UNSUPPORTED, "structured" },
    { "{'descr': '|u1', 'fortran_order': True, 'shape': (1,), }", INTERP_ERROR_UNSUPPORTED,
      "fortran_order True" },
    { "{'descr': '|u1', 'fortran_order': False, 'shape': (1,1,1,1,1), }",
      INTERP_ERROR_UNSUPPORTED, "more than 4" },
    { "{'descr': '|u1', 'fortran_order': False, 'shape': (), }", INTERP_ERROR_UNSUPPORTED,
      "0-dimensional" },
    { "{'descr': '|u1', 'fortran_order': False, 'shape': (1), }", INTERP_ERROR_FORMAT,
      "not a tuple" },
    { "{'descr': '|u1', 'fortran_order': False, 'shape': (-1,), }", INTERP_ERROR_FORMAT,
      "non-negative integer" },
    { "{'descr': '|u1', 'shape': (1,), }", INTERP_ERROR_FORMAT, "no 'fortran_order'" },
    { "{'descr': '|u1', 'fortran_order': False, 'shape': (1,), 'x': 1}", INTERP_ERROR_FORMAT,
      "unknown key 'x'" },
    { "{'descr': '|u1', 'descr': '|u1', 'fortran_order': False, 'shape': (1,)}",
      INTERP_ERROR_FORMAT, "repeated key 'descr'" },
    { "{'descr': '|u1', 'fortran_order': 0, 'shape': (1,)}", INTERP_ERROR_FORMAT,
      "True or False" },
    { "{'descr': '|u1' 'fortran_order': False, 'shape': (1,)}", INTERP_ERROR_FORMAT,
      "expected ',' or '}'" },
    { "{'descr': '|u1', 'fortran_order': False, 'shape': (1,)", INTERP_ERROR_FORMAT,
      "expected ',' or '}'" },
    { "('descr', '|u1')", INTERP_ERROR_FORMAT, "'{'" },
    { "{'descr': '|u1', 'fortran_order': False, 'shape': (1,)} x", INTERP_ERROR_FORMAT,
      "text after" },
    { "{'descr' '|u1', 'fortran_order': False, 'shape': (1,)}", INTERP_ERROR_FORMAT,
      "expected ':'" },
    { "{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999999999999,)}",
      INTERP_ERROR_FORMAT, "too large" },
  };
  const uint8_t one = 5;
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      char *path = write_npy ("bad.npy", 1, bad[i].dict, 64, &one, 1);
      const char *parts[] = { bad[i].part, "byte ", NULL };
      /* The 0-dimensional refusal is about the whole dict: no byte. */
      if (strstr (bad[i].part, "0-dim"))
        parts[1] = NULL;
      assert_refused (path, bad[i].code, parts);
      g_free (path);
    }
}

Test (npy, the_byte_offset_points_into_the_header)
{
  const uint8_t one = 5;
  /* 'descr' value starts at prelude 10 + 10 characters. */
  char *path = write_npy ("o.npy", 1, "{'descr': '<f8', 'fortran_order': False, "
                          "'shape': (1,), }", 64, &one, 1);
  const char *parts[] = { "byte 20:", NULL };
  assert_refused (path, INTERP_ERROR_UNSUPPORTED, parts);
  g_free (path);
}

Test (npy, a_missing_file_or_a_folder)
{
  char *path = g_build_filename (tmpdir, "none.npy", NULL);
  assert_refused (path, INTERP_ERROR_NOT_FOUND, NULL);
  g_free (path);
  assert_refused (tmpdir, INTERP_ERROR_IO, NULL);
}

/* NumPy's own files, when the system python has NumPy. */
static gboolean
have_numpy (void)
{
  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  char *argv[] = { "/usr/bin/python3", "-c", "import numpy", NULL };
  int status = 1;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* Values the script and the test compute alike: u8[i] = (7 i + 3) mod 256,
 * f32[i] = (i - 50) / 8 (exact in binary), i64[i] = i * 1000003. */
static const char numpy_script[] =
  "import sys, numpy as np\n"
  "d = sys.argv[1]\n"
  "u8 = ((np.arange(3 * 4 * 5 * 2) * 7 + 3) % 256).astype(np.uint8).reshape(3, 4, 5, 2)\n"
  "np.save(d + '/u8.npy', u8)\n"
  "f32 = ((np.arange(6 * 7, dtype=np.float64) - 50) / 8).astype(np.float32).reshape(6, 7)\n"
  "np.save(d + '/f32.npy', f32)\n"
  "np.save(d + '/f32be.npy', f32.astype('>f4'))\n"
  "np.save(d + '/i64.npy', np.arange(9, dtype=np.int64) * 1000003)\n"
  "with open(d + '/u8v2.npy', 'wb') as f:\n"
  "    np.lib.format.write_array(f, u8, version=(2, 0))\n"
  "with open(d + '/f32v3.npy', 'wb') as f:\n"
  "    np.lib.format.write_array(f, f32, version=(3, 0))\n"
  "np.save(d + '/fortran.npy', np.asfortranarray(f32))\n";

static void
check_u8 (const char *name)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  InterpNpy *npy = open_ok (path);
  cr_assert_eq (interp_npy_dtype (npy), INTERP_NPY_UINT8);
  cr_assert_eq (interp_npy_ndim (npy), 4);
  char *shape = interp_npy_shape_string (npy);
  cr_assert_str_eq (shape, "(3, 4, 5, 2)");
  g_free (shape);
  uint8_t got[120];
  cr_assert (interp_npy_read_rows (npy, 0, 3, got, NULL));
  for (int i = 0; i < 120; i++)
    cr_assert_eq (got[i], (7 * i + 3) % 256, "%s[%d]", name, i);
  uint8_t row[40];
  cr_assert (interp_npy_read_rows (npy, 2, 1, row, NULL));
  cr_assert_arr_eq (row, got + 80, 40);
  interp_npy_close (npy);
  g_free (path);
}

static void
check_f32 (const char *name)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  InterpNpy *npy = open_ok (path);
  cr_assert_eq (interp_npy_dtype (npy), INTERP_NPY_FLOAT32);
  cr_assert_eq (interp_npy_n_rows (npy), 6);
  cr_assert_eq (interp_npy_row_numel (npy), 7);
  float got[42];
  cr_assert (interp_npy_read_rows (npy, 0, 6, got, NULL));
  for (int i = 0; i < 42; i++)
    cr_assert (got[i] == (float) (i - 50) / 8.0f, "%s[%d] = %g", name, i, got[i]);
  interp_npy_close (npy);
  g_free (path);
}

Test (npy, files_written_by_numpy_read_back_exactly)
{
  if (!have_numpy ())
    cr_skip_test ("/usr/bin/python3 cannot import numpy");
  char *script = g_build_filename (tmpdir, "write.py", NULL);
  cr_assert (g_file_set_contents (script, numpy_script, -1, NULL));
  char *argv[] = { "/usr/bin/python3", script, tmpdir, NULL };
  int status = 1;
  char *err = NULL;
  cr_assert (g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                           &err, &status, NULL));
  cr_assert (g_spawn_check_wait_status (status, NULL), "numpy script failed: %s", err);
  g_free (err);
  g_remove (script);
  g_free (script);

  check_u8 ("u8.npy");
  check_u8 ("u8v2.npy");
  check_f32 ("f32.npy");
  check_f32 ("f32be.npy");
  check_f32 ("f32v3.npy");

  char *path = g_build_filename (tmpdir, "i64.npy", NULL);
  InterpNpy *npy = open_ok (path);
  int64_t labels[9];
  cr_assert (interp_npy_read_rows (npy, 0, 9, labels, NULL));
  for (int i = 0; i < 9; i++)
    cr_assert_eq (labels[i], (int64_t) i * 1000003);
  interp_npy_close (npy);
  g_free (path);

  /* NumPy writes a Fortran-ordered 2-D array with fortran_order True. */
  path = g_build_filename (tmpdir, "fortran.npy", NULL);
  const char *parts[] = { "fortran_order True", NULL };
  assert_refused (path, INTERP_ERROR_UNSUPPORTED, parts);
  g_free (path);
}
