/* Example images of the evaluation, TRIAL/examples/NAME.png (contract in examples.h). */
#include "config.h"

#include "runner/examples.h"

#include <math.h>
#include <string.h>

#include <interp/error.h>

#include <interp/image.h>

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
  int scale = interp_example_scale (batch->shape[2], batch->shape[3]);
  InterpPixels px = { .width = batch->shape[3] * scale, .height = batch->shape[2] * scale,
                      .channels = (int) batch->shape[1] };
  px.pixels = g_malloc ((size_t) px.width * (size_t) px.height * (size_t) px.channels);
  for (int64_t i = 0; ok && i < batch->shape[0] && first_index + i < count; i++)
    {
      ok = to_pixels (batch, i, first_index + i, scale, what, px.pixels, error);
      if (ok)
        {
          char *name = interp_example_file_name (group, level_text, first_index + i);
          char *path = g_build_filename (dir, name, NULL);
          /* Atomic, and no time chunk: the same pixels give the same bytes. */
          ok = interp_pixels_write_png (&px, path, error);
          g_free (path);
          g_free (name);
        }
    }
  interp_pixels_clear (&px);
  g_free (dir);
  return ok;
}
