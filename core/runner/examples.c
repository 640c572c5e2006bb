/* Example images of the evaluation, TRIAL/examples/NAME.png (contract in examples.h). */
#include "config.h"

#include "runner/examples.h"

#include <math.h>
#include <png.h>
#include <string.h>

#include <interp/error.h>

#include "util/fs.h"

char *
interp_example_file_name (const char *group, const char *level_text, int64_t index)
{
  if (group == NULL)
    return g_strdup_printf ("clean-%" G_GINT64_FORMAT ".png", index);
  const char *colon = strchr (group, ':');
  GString *s = g_string_new ("corruption-");
  /* Instance names and level texts are already file-safe ([a-z0-9-.]);
   * anything else becomes '_' so a name can never leave the folder. */
  for (const char *p = colon ? colon + 1 : group; *p; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '-' || *p == '.' ? *p : '_');
  g_string_append (s, "-s");
  for (const char *p = level_text; *p; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '-' || *p == '.' ? *p : '_');
  g_string_append_printf (s, "-%" G_GINT64_FORMAT ".png", index);
  return g_string_free (s, FALSE);
}

int
interp_example_scale (int64_t height, int64_t width)
{
  int64_t side = MIN (height, width);
  if (side <= 0 || side >= INTERP_EXAMPLE_MIN_SIDE)
    return 1;
  return (int) ((INTERP_EXAMPLE_MIN_SIDE + side - 1) / side);
}

static void
png_append (png_structp png, png_bytep data, png_size_t len)
{
  g_byte_array_append (png_get_io_ptr (png), data, (guint) len);
}

static void
png_no_flush (png_structp png)
{
  (void) png;
}

gboolean
interp_example_encode_png (const guint8 *pixels, int64_t width, int64_t height, int channels,
                           guint8 **bytes, gsize *len, GError **error)
{
  g_return_val_if_fail (channels == 1 || channels == 3, FALSE);
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png ? png_create_info_struct (png) : NULL;
  GByteArray *out = g_byte_array_new ();
  png_bytep *rows = g_new (png_bytep, MAX (height, 1));
  if (!info || setjmp (png_jmpbuf (png)))
    {
      png_destroy_write_struct (&png, info ? &info : NULL);
      g_byte_array_unref (out);
      g_free (rows);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED, "libpng could not encode an image");
      return FALSE;
    }
  png_set_write_fn (png, out, png_append, png_no_flush);
  png_set_IHDR (png, info, (png_uint_32) width, (png_uint_32) height, 8,
                channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  for (int64_t y = 0; y < height; y++)
    rows[y] = (png_bytep) pixels + (size_t) y * (size_t) width * (size_t) channels;
  png_set_rows (png, info, rows);
  png_write_png (png, info, PNG_TRANSFORM_IDENTITY, NULL);
  png_destroy_write_struct (&png, &info);
  g_free (rows);
  *len = out->len;
  *bytes = g_byte_array_free (out, FALSE);
  return TRUE;
}

/* Image `i` of the batch as interleaved 8-bit pixels, upscaled by `scale`. */
static gboolean
to_pixels (const InterpTensor *batch, int64_t i, int64_t index, int scale, const char *what,
           guint8 *px, GError **error)
{
  int64_t c_n = batch->shape[1], h_n = batch->shape[2], w_n = batch->shape[3];
  const float *img = batch->data + (size_t) i * interp_tensor_sample_size (batch);
  int64_t out_w = w_n * scale;
  for (int64_t c = 0; c < c_n; c++)
    for (int64_t y = 0; y < h_n; y++)
      for (int64_t x = 0; x < w_n; x++)
        {
          float v = img[(c * h_n + y) * w_n + x];
          if (!isfinite (v))
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                           "%s: example image %" G_GINT64_FORMAT " has a non-finite pixel "
                           "(channel %" G_GINT64_FORMAT ", row %" G_GINT64_FORMAT ", column %"
                           G_GINT64_FORMAT ")", what, index, c, y, x);
              return FALSE;
            }
          /* Values outside [0, 1] are clamped for display only; the
           * network saw them as they were. */
          guint8 b = (guint8) lrint (255.0 * CLAMP (v, 0.0f, 1.0f));
          for (int dy = 0; dy < scale; dy++)
            for (int dx = 0; dx < scale; dx++)
              px[((y * scale + dy) * out_w + x * scale + dx) * c_n + c] = b;
        }
  return TRUE;
}

gboolean
interp_examples_write (const char *trial_dir, const char *group, const char *level_text,
                       const InterpTensor *batch, int64_t first_index, int64_t count,
                       GError **error)
{
  if (first_index >= count)
    return TRUE;
  const char *what = group ? group : "clean test data";
  if (batch->ndim != 4 || (batch->shape[1] != 1 && batch->shape[1] != 3))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
                   "[pipeline] corruption-examples: %s: only images of 1 or 3 channels can be "
                   "saved as examples (these have %" G_GINT64_FORMAT "); set "
                   "corruption-examples = 0", what, batch->ndim == 4 ? batch->shape[1] : 0);
      return FALSE;
    }
  char *dir = g_build_filename (trial_dir, INTERP_EXAMPLES_DIR, NULL);
  gboolean ok = interp_mkdir_p (dir, error);
  int channels = (int) batch->shape[1];
  int scale = interp_example_scale (batch->shape[2], batch->shape[3]);
  int64_t w = batch->shape[3] * scale, h = batch->shape[2] * scale;
  guint8 *px = g_malloc ((size_t) w * (size_t) h * (size_t) channels);
  for (int64_t i = 0; ok && i < batch->shape[0] && first_index + i < count; i++)
    {
      guint8 *bytes = NULL;
      gsize len = 0;
      ok = to_pixels (batch, i, first_index + i, scale, what, px, error)
           && interp_example_encode_png (px, w, h, channels, &bytes, &len, error);
      if (ok)
        {
          char *name = interp_example_file_name (group, level_text, first_index + i);
          char *path = g_build_filename (dir, name, NULL);
          ok = interp_write_file_atomic (path, bytes, len, error);
          g_free (path);
          g_free (name);
        }
      g_free (bytes);
    }
  g_free (px);
  g_free (dir);
  return ok;
}
