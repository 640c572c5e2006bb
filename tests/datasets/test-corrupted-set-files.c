#include "config.h"

#include "test-corrupted-set-files.h"

#include <string.h>

#include <criterion/criterion.h>

char *
tcs_write_npy (const char *dir, const char *name, const char *descr, size_t elem_size,
               int ndim, const int64_t *shape, const void *data)
{
  GString *h = g_string_new (NULL);
  g_string_append_printf (h, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
  size_t numel = 1;
  for (int d = 0; d < ndim; d++)
    {
      g_string_append_printf (h, "%s%" G_GINT64_FORMAT, d ? ", " : "", shape[d]);
      numel *= (size_t) shape[d];
    }
  g_string_append (h, ndim == 1 ? ",), }" : "), }");
  while ((10 + h->len + 1) % 64 != 0)
    g_string_append_c (h, ' ');
  g_string_append_c (h, '\n');
  GByteArray *b = g_byte_array_new ();
  const guint8 prelude[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (guint8) (h->len & 0xff),
                               (guint8) (h->len >> 8) };
  g_byte_array_append (b, prelude, 10);
  g_byte_array_append (b, (const guint8 *) h->str, h->len);
  g_byte_array_append (b, data, (guint) (numel * elem_size));
  char *path = g_build_filename (dir, name, NULL);
  char *parent = g_path_get_dirname (path);
  g_mkdir_with_parents (parent, 0755);
  g_free (parent);
  cr_assert (g_file_set_contents (path, (const char *) b->data, b->len, NULL), "%s", path);
  g_byte_array_unref (b);
  g_string_free (h, TRUE);
  return path;
}

uint8_t
tcs_pixel (int64_t row, int64_t y, int64_t x, int64_t c)
{
  return (uint8_t) ((row * 7 + y * 13 + x * 3 + c * 50) % 256);
}

char *
tcs_write_images (const char *dir, const char *name, int64_t rows, int64_t h, int64_t w,
                  int64_t c)
{
  uint8_t *data = g_malloc ((gsize) (rows * h * w * c));
  uint8_t *p = data;
  for (int64_t r = 0; r < rows; r++)
    for (int64_t y = 0; y < h; y++)
      for (int64_t x = 0; x < w; x++)
        for (int64_t k = 0; k < c; k++)
          *p++ = tcs_pixel (r, y, x, k);
  const int64_t shape[4] = { rows, h, w, c };
  char *path = tcs_write_npy (dir, name, "|u1", 1, 4, shape, data);
  g_free (data);
  return path;
}

char *
tcs_write_labels (const char *dir, const char *name, int64_t n, const int32_t *labels)
{
  int64_t *wide = g_new (int64_t, (gsize) n + 1);
  for (int64_t i = 0; i < n; i++)
    wide[i] = labels[i];
  char *path = tcs_write_npy (dir, name, "<i8", 8, 1, &n, wide);
  g_free (wide);
  return path;
}
