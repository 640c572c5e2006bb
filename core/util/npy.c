/* The .npy reader (include/interp/npy.h): the prelude and header of
 * numpy/lib/format.py (read_magic, _read_array_header), parsed without
 * Python's literal_eval by a small parser for the one dict shape NumPy
 * writes. */
#include "config.h"

#include <interp/npy.h>

#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6

struct _InterpNpy {
  char *path;
  FILE *fp;
  InterpNpyDtype dtype;
  gboolean swap;                /* file byte order differs from the host's */
  int ndim;
  int64_t shape[INTERP_NPY_MAX_DIMS];
  int64_t row_numel;
  int64_t data_offset;
};

/* The parser's state: the header text and where in the file it starts, so
 * an error names the byte of the file at fault. */
typedef struct {
  const char *path;
  const char *text;
  size_t len, pos;
  int64_t base;
} Parser;

static gboolean G_GNUC_PRINTF (3, 4)
parse_fail (const Parser *p, GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
               "%s: byte %" G_GINT64_FORMAT ": bad .npy header: %s", p->path,
               p->base + (int64_t) p->pos, msg);
  g_free (msg);
  return FALSE;
}

static void
skip_space (Parser *p)
{
  while (p->pos < p->len && g_ascii_isspace (p->text[p->pos]))
    p->pos++;
}

static gboolean
expect_char (Parser *p, char c, const char *what, GError **error)
{
  skip_space (p);
  if (p->pos < p->len && p->text[p->pos] == c)
    {
      p->pos++;
      return TRUE;
    }
  return parse_fail (p, error, "expected %s", what);
}

/* A Python string literal in single or double quotes, without escapes
 * (no key or dtype NumPy writes has one). */
static gboolean
parse_string (Parser *p, char **out, GError **error)
{
  skip_space (p);
  if (p->pos >= p->len || (p->text[p->pos] != '\'' && p->text[p->pos] != '"'))
    return parse_fail (p, error, "expected a quoted string");
  char quote = p->text[p->pos];
  size_t start = ++p->pos;
  while (p->pos < p->len && p->text[p->pos] != quote)
    {
      if (p->text[p->pos] == '\\' || p->text[p->pos] == '\n')
        return parse_fail (p, error, "unsupported character in a string");
      p->pos++;
    }
  if (p->pos >= p->len)
    return parse_fail (p, error, "unterminated string");
  *out = g_strndup (p->text + start, p->pos - start);
  p->pos++;
  return TRUE;
}

static gboolean
parse_bool (Parser *p, gboolean *out, GError **error)
{
  skip_space (p);
  const char *at = p->text + p->pos;
  size_t left = p->len - p->pos;
  if (left >= 4 && strncmp (at, "True", 4) == 0)
    *out = TRUE, p->pos += 4;
  else if (left >= 5 && strncmp (at, "False", 5) == 0)
    *out = FALSE, p->pos += 5;
  else
    return parse_fail (p, error, "'fortran_order' must be True or False");
  return TRUE;
}

/* A non-negative integer literal; a trailing 'L' (Python 2 longs, which
 * NumPy's own reader filters out: format.py _filter_header) is accepted. */
static gboolean
parse_dim (Parser *p, int64_t *out, GError **error)
{
  skip_space (p);
  if (p->pos >= p->len || !g_ascii_isdigit (p->text[p->pos]))
    return parse_fail (p, error, "expected a non-negative integer in 'shape'");
  guint64 v = 0;
  while (p->pos < p->len && g_ascii_isdigit (p->text[p->pos]))
    {
      guint d = (guint) (p->text[p->pos] - '0');
      if (v > ((guint64) G_MAXINT64 - d) / 10)
        return parse_fail (p, error, "dimension too large");
      v = v * 10 + d;
      p->pos++;
    }
  if (p->pos < p->len && p->text[p->pos] == 'L')
    p->pos++;
  *out = (int64_t) v;
  return TRUE;
}

/* A tuple: "()", "(n,)", "(a, b)", "(a, b,)".  "(n)" is an int in Python,
 * not a tuple, and is refused as NumPy refuses it. */
static gboolean
parse_shape (Parser *p, int *ndim, int64_t *shape, GError **error)
{
  if (!expect_char (p, '(', "a tuple for 'shape'", error))
    return FALSE;
  *ndim = 0;
  skip_space (p);
  gboolean comma = FALSE;
  while (p->pos < p->len && p->text[p->pos] != ')')
    {
      int64_t d = 0;
      if (*ndim == INTERP_NPY_MAX_DIMS)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
                       "%s: byte %" G_GINT64_FORMAT ": more than %d dimensions are not read",
                       p->path, p->base + (int64_t) p->pos, INTERP_NPY_MAX_DIMS);
          return FALSE;
        }
      if (!parse_dim (p, &d, error))
        return FALSE;
      shape[(*ndim)++] = d;
      skip_space (p);
      comma = p->pos < p->len && p->text[p->pos] == ',';
      if (comma)
        p->pos++;
      else if (p->pos < p->len && p->text[p->pos] != ')')
        return parse_fail (p, error, "expected ',' or ')' in 'shape'");
      skip_space (p);
    }
  if (!expect_char (p, ')', "')' closing 'shape'", error))
    return FALSE;
  if (*ndim == 1 && !comma)
    {
      p->pos--;
      return parse_fail (p, error, "'shape' (%" G_GINT64_FORMAT ") is not a tuple "
                         "(a one-element tuple is written (%" G_GINT64_FORMAT ",))",
                         shape[0], shape[0]);
    }
  return TRUE;
}

typedef struct {
  const char *descr;
  InterpNpyDtype dtype;
  gboolean multibyte;
  gboolean little;
  gboolean supported;
} DescrRow;

/* '|' (not applicable) and '<' are read as they are; '>' float32 is
 * byte-swapped.  A big-endian integer wider than a byte is refused: no
 * suite ships one, and refusing is cheaper than a path no test covers. */
static const DescrRow descr_rows[] = {
  { "|u1", INTERP_NPY_UINT8, FALSE, TRUE, TRUE },
  { "<u1", INTERP_NPY_UINT8, FALSE, TRUE, TRUE },
  { ">u1", INTERP_NPY_UINT8, FALSE, TRUE, TRUE },
  { "<i4", INTERP_NPY_INT32, TRUE, TRUE, TRUE },
  { "<i8", INTERP_NPY_INT64, TRUE, TRUE, TRUE },
  { "<f4", INTERP_NPY_FLOAT32, TRUE, TRUE, TRUE },
  { ">f4", INTERP_NPY_FLOAT32, TRUE, FALSE, TRUE },
  { ">i4", INTERP_NPY_INT32, TRUE, FALSE, FALSE },
  { ">i8", INTERP_NPY_INT64, TRUE, FALSE, FALSE },
};

static gboolean
set_dtype (InterpNpy *npy, const Parser *p, size_t at, const char *descr, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (descr_rows); i++)
    if (g_str_equal (descr, descr_rows[i].descr) && descr_rows[i].supported)
      {
        npy->dtype = descr_rows[i].dtype;
        gboolean host_little = G_BYTE_ORDER == G_LITTLE_ENDIAN;
        npy->swap = descr_rows[i].multibyte && descr_rows[i].little != host_little;
        return TRUE;
      }
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
               "%s: byte %" G_GINT64_FORMAT ": dtype '%s' is not read (uint8 '|u1', int32 "
               "'<i4', int64 '<i8', float32 '<f4' or '>f4')", p->path, p->base + (int64_t) at,
               descr);
  return FALSE;
}

static gboolean
parse_header (InterpNpy *npy, Parser *p, GError **error)
{
  enum { K_DESCR, K_FORTRAN, K_SHAPE, N_KEYS };
  static const char *const keys[N_KEYS] = { "descr", "fortran_order", "shape" };
  gboolean seen[N_KEYS] = { FALSE, FALSE, FALSE };
  if (!expect_char (p, '{', "'{' opening the header dict", error))
    return FALSE;
  for (;;)
    {
      skip_space (p);
      if (p->pos < p->len && p->text[p->pos] == '}')
        break;
      size_t key_at = p->pos;
      char *key = NULL;
      if (!parse_string (p, &key, error))
        return FALSE;
      int k = 0;
      while (k < N_KEYS && !g_str_equal (key, keys[k]))
        k++;
      if (k == N_KEYS || seen[k])
        {
          p->pos = key_at;
          parse_fail (p, error, "%s key '%s' (the keys are 'descr', 'fortran_order', "
                      "'shape')", k == N_KEYS ? "unknown" : "repeated", key);
          g_free (key);
          return FALSE;
        }
      g_free (key);
      seen[k] = TRUE;
      if (!expect_char (p, ':', "':' after a key", error))
        return FALSE;
      skip_space (p);
      size_t value_at = p->pos;
      gboolean ok = TRUE;
      if (k == K_DESCR)
        {
          if (p->pos < p->len && p->text[p->pos] == '[')
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
                           "%s: byte %" G_GINT64_FORMAT ": structured dtypes are not read",
                           p->path, p->base + (int64_t) value_at);
              return FALSE;
            }
          char *descr = NULL;
          ok = parse_string (p, &descr, error) && set_dtype (npy, p, value_at, descr, error);
          g_free (descr);
        }
      else if (k == K_FORTRAN)
        {
          gboolean fortran = FALSE;
          ok = parse_bool (p, &fortran, error);
          if (ok && fortran)
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
                           "%s: byte %" G_GINT64_FORMAT ": fortran_order True (column-major "
                           "data) is not read; save the array in C order", p->path,
                           p->base + (int64_t) value_at);
              return FALSE;
            }
        }
      else
        ok = parse_shape (p, &npy->ndim, npy->shape, error);
      if (!ok)
        return FALSE;
      skip_space (p);
      if (p->pos < p->len && p->text[p->pos] == ',')
        p->pos++;
      else if (p->pos >= p->len || p->text[p->pos] != '}')
        return parse_fail (p, error, "expected ',' or '}' after a value");
    }
  p->pos++;
  skip_space (p);
  if (p->pos != p->len)
    return parse_fail (p, error, "text after the header dict");
  for (int k = 0; k < N_KEYS; k++)
    if (!seen[k])
      return parse_fail (p, error, "the dict has no '%s' key", keys[k]);
  if (npy->ndim < 1)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
                   "%s: a 0-dimensional array (shape ()) is not read: 1 to %d dimensions",
                   p->path, INTERP_NPY_MAX_DIMS);
      return FALSE;
    }
  return TRUE;
}

/* Positioned reads (pread): no shared file offset, so several threads may
 * read rows of one open file at once. */
static gboolean
read_exact (InterpNpy *npy, int64_t offset, void *dst, size_t n, GError **error)
{
  int fd = fileno (npy->fp);
  size_t got = 0;
  while (got < n)
    {
      ssize_t r = pread (fd, (char *) dst + got, n - got, (off_t) (offset + (int64_t) got));
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int e = errno;
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: read at byte %" G_GINT64_FORMAT
                       ": %s", npy->path, offset + (int64_t) got, g_strerror (e));
          return FALSE;
        }
      if (r == 0)
        break;
      got += (size_t) r;
    }
  if (got == n)
    return TRUE;
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
               "%s: truncated: %" G_GSIZE_FORMAT " bytes needed at byte %" G_GINT64_FORMAT
               ", the file ends after %" G_GSIZE_FORMAT, npy->path, n, offset, got);
  return FALSE;
}

static guint32
le_u32 (const uint8_t *b, int n)
{
  guint32 v = 0;
  for (int i = n - 1; i >= 0; i--)
    v = (v << 8) | b[i];
  return v;
}

/* The prelude and header; on success npy->data_offset is set. */
static gboolean
read_header (InterpNpy *npy, int64_t file_size, GError **error)
{
  uint8_t pre[12];
  if (file_size < 10)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: truncated: %" G_GINT64_FORMAT
                   " bytes, shorter than a .npy prelude (10 bytes)", npy->path, file_size);
      return FALSE;
    }
  if (!read_exact (npy, 0, pre, 10, error))
    return FALSE;
  if (memcmp (pre, NPY_MAGIC, NPY_MAGIC_LEN) != 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: byte 0: not a .npy file (no \\x93NUMPY magic)", npy->path);
      return FALSE;
    }
  int major = pre[6], minor = pre[7];
  if (major < 1 || major > 3 || minor != 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
                   "%s: byte 6: .npy version %d.%d is not 1.0, 2.0 or 3.0", npy->path, major,
                   minor);
      return FALSE;
    }
  int len_bytes = major == 1 ? 2 : 4;
  int64_t prelude = NPY_MAGIC_LEN + 2 + len_bytes;
  if (major > 1 && !read_exact (npy, 0, pre, 12, error))
    return FALSE;
  int64_t header_len = le_u32 (pre + 8, len_bytes);
  if (prelude + header_len > file_size)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: byte 8: truncated: the header length %" G_GINT64_FORMAT " runs past the "
                   "end of the file (%" G_GINT64_FORMAT " bytes)", npy->path, header_len,
                   file_size);
      return FALSE;
    }
  char *text = g_malloc ((gsize) header_len + 1);
  gboolean ok = read_exact (npy, prelude, text, (size_t) header_len, error);
  text[header_len] = '\0';
  Parser p = { .path = npy->path, .text = text, .len = (size_t) header_len, .base = prelude };
  if (ok && memchr (text, '\0', (size_t) header_len) != NULL)
    ok = parse_fail (&p, error, "a NUL byte in the header");
  /* 3.0 differs from 2.0 only in allowing utf-8 (format.py: "utf8"
   * header encoding); the dict NumPy writes is ASCII either way. */
  else if (ok && major == 3 && !g_utf8_validate (text, (gssize) header_len, NULL))
    ok = parse_fail (&p, error, "a version 3.0 header that is not utf-8");
  ok = ok && parse_header (npy, &p, error);
  g_free (text);
  npy->data_offset = prelude + header_len;
  return ok;
}

/* The shape against the file's length: exactly header + data. */
static gboolean
check_length (InterpNpy *npy, int64_t file_size, GError **error)
{
  guint64 numel = 1;
  for (int d = 0; d < npy->ndim; d++)
    if (!g_uint64_checked_mul (&numel, numel, (guint64) npy->shape[d]))
      numel = G_MAXUINT64;
  guint64 bytes = 0;
  if (!g_uint64_checked_mul (&bytes, numel, interp_npy_dtype_size (npy->dtype)))
    bytes = G_MAXUINT64;
  guint64 have = (guint64) (file_size - npy->data_offset);
  if (bytes == have)
    {
      npy->row_numel = 1;
      for (int d = 1; d < npy->ndim; d++)
        npy->row_numel *= npy->shape[d];
      return TRUE;
    }
  char *shape = interp_npy_shape_string (npy);
  if (bytes > have)
    g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                 "%s: truncated: shape %s of %s needs %" G_GUINT64_FORMAT " data bytes from "
                 "byte %" G_GINT64_FORMAT ", the file has %" G_GUINT64_FORMAT, npy->path,
                 shape, interp_npy_dtype_name (npy->dtype), bytes, npy->data_offset, have);
  else
    g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                 "%s: shape %s of %s needs %" G_GUINT64_FORMAT " data bytes from byte %"
                 G_GINT64_FORMAT ", but the file has %" G_GUINT64_FORMAT ": the shape does not "
                 "match the data", npy->path, shape, interp_npy_dtype_name (npy->dtype), bytes,
                 npy->data_offset, have);
  g_free (shape);
  return FALSE;
}

InterpNpy *
interp_npy_open (const char *path, GError **error)
{
  InterpNpy *npy = g_new0 (InterpNpy, 1);
  npy->path = g_strdup (path);
  npy->fp = g_fopen (path, "rb");
  GStatBuf st;
  if (npy->fp == NULL || g_stat (path, &st) != 0)
    {
      int e = errno;
      g_set_error (error, INTERP_ERROR, e == ENOENT ? INTERP_ERROR_NOT_FOUND : INTERP_ERROR_IO,
                   "%s: %s", path, g_strerror (e));
      interp_npy_close (npy);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: not a regular file", path);
      interp_npy_close (npy);
      return NULL;
    }
  if (!read_header (npy, (int64_t) st.st_size, error)
      || !check_length (npy, (int64_t) st.st_size, error))
    {
      interp_npy_close (npy);
      return NULL;
    }
  return npy;
}

void
interp_npy_close (InterpNpy *npy)
{
  if (npy == NULL)
    return;
  if (npy->fp != NULL)
    fclose (npy->fp);
  g_free (npy->path);
  g_free (npy);
}

const char *
interp_npy_path (const InterpNpy *npy)
{
  return npy->path;
}

InterpNpyDtype
interp_npy_dtype (const InterpNpy *npy)
{
  return npy->dtype;
}

size_t
interp_npy_dtype_size (InterpNpyDtype dtype)
{
  switch (dtype)
    {
    case INTERP_NPY_UINT8:
      return 1;
    case INTERP_NPY_INT64:
      return 8;
    case INTERP_NPY_INT32:
    case INTERP_NPY_FLOAT32:
    default:
      return 4;
    }
}

const char *
interp_npy_dtype_name (InterpNpyDtype dtype)
{
  static const char *const names[] = { "uint8", "int32", "int64", "float32" };
  return (guint) dtype < G_N_ELEMENTS (names) ? names[dtype] : "?";
}

int
interp_npy_ndim (const InterpNpy *npy)
{
  return npy->ndim;
}

const int64_t *
interp_npy_shape (const InterpNpy *npy)
{
  return npy->shape;
}

int64_t
interp_npy_n_rows (const InterpNpy *npy)
{
  return npy->shape[0];
}

int64_t
interp_npy_row_numel (const InterpNpy *npy)
{
  return npy->row_numel;
}

int64_t
interp_npy_data_offset (const InterpNpy *npy)
{
  return npy->data_offset;
}

char *
interp_npy_shape_string (const InterpNpy *npy)
{
  GString *s = g_string_new ("(");
  for (int d = 0; d < npy->ndim; d++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, d ? ", " : "", npy->shape[d]);
  g_string_append (s, npy->ndim == 1 ? ",)" : ")");
  return g_string_free (s, FALSE);
}

static void
swap_bytes (uint8_t *data, size_t n_elements, size_t size)
{
  for (size_t i = 0; i < n_elements; i++, data += size)
    for (size_t a = 0, b = size - 1; a < b; a++, b--)
      {
        uint8_t t = data[a];
        data[a] = data[b];
        data[b] = t;
      }
}

gboolean
interp_npy_read_rows (InterpNpy *npy, int64_t first, int64_t n, void *dst, GError **error)
{
  if (first < 0 || n < 0 || first > npy->shape[0] - n)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "%s: rows [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ") asked of %"
                   G_GINT64_FORMAT " rows", npy->path, first, first + n, npy->shape[0]);
      return FALSE;
    }
  size_t size = interp_npy_dtype_size (npy->dtype);
  size_t count = (size_t) (n * npy->row_numel);
  int64_t offset = npy->data_offset + first * npy->row_numel * (int64_t) size;
  if (count == 0)
    return TRUE;
  if (!read_exact (npy, offset, dst, count * size, error))
    return FALSE;
  if (npy->swap)
    swap_bytes (dst, count, size);
  return TRUE;
}
