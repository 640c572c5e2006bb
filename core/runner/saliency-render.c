/* The saliency PNGs of a trial: heat maps and the methods grid (contract in
 * saliency-render.h). */
#include "config.h"

#include "runner/saliency-render.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_CAIRO
#include <cairo.h>
#endif

#include <interp/error.h>
#include <interp/image.h>

#include "runner/examples.h"
#include "util/fs.h"

/* ColorBrewer (Cynthia Brewer, colorbrewer2.org) RdBu, 11 classes, from
 * dark red to dark blue, and Blues, 9 classes, light to dark; matplotlib's
 * maps of the same names interpolate these lists linearly. */
static const guint8 rdbu[11][3] = {
  { 0x67, 0x00, 0x1f }, { 0xb2, 0x18, 0x2b }, { 0xd6, 0x60, 0x4d }, { 0xf4, 0xa5, 0x82 },
  { 0xfd, 0xdb, 0xc7 }, { 0xf7, 0xf7, 0xf7 }, { 0xd1, 0xe5, 0xf0 }, { 0x92, 0xc5, 0xde },
  { 0x43, 0x93, 0xc3 }, { 0x21, 0x66, 0xac }, { 0x05, 0x30, 0x61 },
};
static const guint8 blues[9][3] = {
  { 0xf7, 0xfb, 0xff }, { 0xde, 0xeb, 0xf7 }, { 0xc6, 0xdb, 0xef }, { 0x9e, 0xca, 0xe1 },
  { 0x6b, 0xae, 0xd6 }, { 0x42, 0x92, 0xc6 }, { 0x21, 0x71, 0xb5 }, { 0x08, 0x51, 0x9c },
  { 0x08, 0x30, 0x6b },
};

/* Gap between grid cells and the title strip's height, in pixels. */
#define GRID_GAP 4
#define GRID_TITLE_HEIGHT 20
#define GRID_TITLE_SIZE 11.0
#define GRID_TITLE_PAD 8
/* Captum's default alpha_overlay of blended_heat_map. */
#define HEAT_ALPHA 0.5

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

double
interp_saliency_outlier_threshold (double *values, size_t n, double percent)
{
  if (n == 0)
    return 0.0;
  qsort (values, n, sizeof *values, compare_doubles);
  double total = 0.0;
  for (size_t i = 0; i < n; i++)
    total += values[i];
  /* The first index whose cumulative sum reaches the share (Captum's
   * np.where(cum_sums >= cum_sums[-1] * 0.01 * percentile)[0][0]); the
   * last one when rounding keeps every partial sum below it. */
  double want = total * 0.01 * percent, cum = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      cum += values[i];
      if (cum >= want)
        return values[i];
    }
  return values[n - 1];
}

static void
interpolate (const guint8 (*anchors)[3], guint n, double p, guint8 rgb[3])
{
  p = CLAMP (p, 0.0, (double) (n - 1));
  guint i = MIN ((guint) p, n - 2);
  double f = p - i;
  for (int c = 0; c < 3; c++)
    rgb[c] = (guint8) lrint ((1.0 - f) * anchors[i][c] + f * anchors[i + 1][c]);
}

void
interp_saliency_colour (double v, gboolean is_signed, guint8 rgb[3])
{
  if (is_signed)
    /* +1 is RdBu's first (red) class, -1 its last (blue). */
    interpolate (rdbu, G_N_ELEMENTS (rdbu), (1.0 - CLAMP (v, -1.0, 1.0)) * 0.5 * 10.0, rgb);
  else
    interpolate (blues, G_N_ELEMENTS (blues), CLAMP (v, 0.0, 1.0) * 8.0, rgb);
}

double
interp_saliency_heat_pixels (const float *image, const float *map, int64_t channels,
                             int64_t height, int64_t width, gboolean is_signed, int scale,
                             guint8 *rgb)
{
  const size_t hw = (size_t) (height * width);
  double *m = g_new0 (double, hw), *mag = g_new (double, hw);
  for (int64_t c = 0; c < channels; c++)
    for (size_t j = 0; j < hw; j++)
      m[j] += map[(size_t) c * hw + j];
  for (size_t j = 0; j < hw; j++)
    {
      if (!isfinite (m[j]))
        {
          g_free (m);
          g_free (mag);
          return NAN;
        }
      mag[j] = fabs (m[j]);
    }
  double s = interp_saliency_outlier_threshold (mag, hw, 100.0 - INTERP_SALIENCY_OUTLIER_PERCENT);
  const int64_t out_w = width * scale;
  for (int64_t y = 0; y < height; y++)
    for (int64_t x = 0; x < width; x++)
      {
        size_t j = (size_t) (y * width + x);
        double grey = 0.0;
        for (int64_t c = 0; c < channels; c++)
          grey += CLAMP (image[(size_t) c * hw + j], 0.0f, 1.0f);
        grey /= (double) channels;
        double v = s > 0.0 ? m[j] / s : 0.0;
        guint8 col[3];
        interp_saliency_colour (is_signed ? v : fabs (v), is_signed, col);
        guint8 out[3];
        for (int k = 0; k < 3; k++)
          out[k] = (guint8) lrint ((1.0 - HEAT_ALPHA) * 255.0 * grey + HEAT_ALPHA * col[k]);
        for (int dy = 0; dy < scale; dy++)
          for (int dx = 0; dx < scale; dx++)
            memcpy (rgb + ((y * scale + dy) * out_w + x * scale + dx) * 3, out, 3);
      }
  g_free (m);
  g_free (mag);
  return s;
}

/* The instance name of a group, with anything not file-safe as '_' (names
 * are [a-z0-9-] already; this keeps a name from leaving the folder). */
static char *
method_name (const char *name)
{
  const char *colon = strchr (name, ':');
  GString *s = g_string_new (NULL);
  for (const char *p = colon ? colon + 1 : name; *p; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '-' || *p == '.' ? *p : '_');
  return g_string_free (s, FALSE);
}

/* The image itself as 8-bit RGB (grey replicated), upscaled. */
static void
image_pixels (const float *image, int64_t channels, int64_t height, int64_t width, int scale,
              guint8 *rgb)
{
  const size_t hw = (size_t) (height * width);
  const int64_t out_w = width * scale;
  for (int64_t y = 0; y < height; y++)
    for (int64_t x = 0; x < width; x++)
      for (int k = 0; k < 3; k++)
        {
          float v = image[(size_t) (channels == 3 ? k : 0) * hw + (size_t) (y * width + x)];
          /* Values outside [0, 1] are clamped for display only. */
          guint8 b = (guint8) lrint (255.0 * CLAMP (v, 0.0f, 1.0f));
          for (int dy = 0; dy < scale; dy++)
            for (int dx = 0; dx < scale; dx++)
              rgb[((y * scale + dy) * out_w + x * scale + dx) * 3 + k] = b;
        }
}

static gboolean
check_inputs (const InterpTensor *images, const InterpSaliencyRenderMethod *methods,
              guint n_methods, GError **error)
{
  if (images->ndim != 4 || (images->shape[1] != 1 && images->shape[1] != 3))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
                   "[pipeline] saliency-examples: only images of 1 or 3 channels can be "
                   "rendered as heat maps (these have %" G_GINT64_FORMAT "); set "
                   "saliency-examples = 0", images->ndim == 4 ? images->shape[1] : 0);
      return FALSE;
    }
  for (guint k = 0; k < n_methods; k++)
    {
      const InterpTensor *m = methods[k].maps;
      gboolean same = m->ndim == images->ndim;
      for (int d = 0; same && d < m->ndim; d++)
        same = m->shape[d] == images->shape[d];
      if (!same)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                       "%s: its maps do not have the shape of the explained images",
                       methods[k].name);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- the grid ------------------------------------------------------------ */

typedef struct {
  int64_t cell_w, cell_h;     /* one upscaled image */
  int64_t *col_x, *col_w;     /* per column (0: the image) */
  int64_t width, height, title_h;
  guint n_cols;
  InterpPixels px;
} Grid;

#ifdef HAVE_CAIRO
static void
title_font (cairo_t *cr)
{
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, GRID_TITLE_SIZE);
  /* Grey antialiasing: no subpixel colours, the same pixels on any screen. */
  cairo_font_options_t *fo = cairo_font_options_create ();
  cairo_font_options_set_antialias (fo, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style (fo, CAIRO_HINT_STYLE_NONE);
  cairo_set_font_options (cr, fo);
  cairo_font_options_destroy (fo);
}

static double
title_width (const char *text)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
  cairo_t *cr = cairo_create (s);
  title_font (cr);
  cairo_text_extents_t e;
  cairo_text_extents (cr, text, &e);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  return e.x_advance;
}

/* Draws the column titles into the grid's top strip. */
static void
draw_titles (Grid *g, char **titles)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) g->width,
                                                   (int) g->title_h);
  cairo_t *cr = cairo_create (s);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  title_font (cr);
  for (guint c = 0; c < g->n_cols; c++)
    {
      cairo_text_extents_t e;
      cairo_text_extents (cr, titles[c], &e);
      cairo_move_to (cr, g->col_x[c] + (g->col_w[c] - e.x_advance) / 2.0, g->title_h - 6.0);
      cairo_show_text (cr, titles[c]);
    }
  cairo_destroy (cr);
  cairo_surface_flush (s);
  const unsigned char *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  for (int64_t y = 0; y < g->title_h; y++)
    for (int64_t x = 0; x < g->width; x++)
      {
        guint32 p = *(const guint32 *) (data + y * stride + x * 4);
        guint8 *o = g->px.pixels + (y * g->width + x) * 3;
        o[0] = (guint8) (p >> 16);
        o[1] = (guint8) (p >> 8);
        o[2] = (guint8) p;
      }
  cairo_surface_destroy (s);
}
#endif

static void
grid_init (Grid *g, int64_t cell_w, int64_t cell_h, char **titles, guint n_cols, int64_t rows)
{
  *g = (Grid) { .cell_w = cell_w, .cell_h = cell_h, .n_cols = n_cols };
  g->col_x = g_new (int64_t, n_cols);
  g->col_w = g_new (int64_t, n_cols);
  int64_t x = GRID_GAP;
  for (guint c = 0; c < n_cols; c++)
    {
      g->col_w[c] = cell_w;
#ifdef HAVE_CAIRO
      /* A column is as wide as its title, so names are never cut. */
      g->col_w[c] = MAX (cell_w, (int64_t) ceil (title_width (titles[c])) + GRID_TITLE_PAD);
#endif
      g->col_x[c] = x;
      x += g->col_w[c] + GRID_GAP;
    }
  g->width = x;
#ifdef HAVE_CAIRO
  g->title_h = GRID_TITLE_HEIGHT;
#endif
  g->height = g->title_h + GRID_GAP + rows * (cell_h + GRID_GAP);
  g->px = (InterpPixels) { .width = g->width, .height = g->height, .channels = 3 };
  size_t bytes = (size_t) g->width * (size_t) g->height * 3;
  g->px.pixels = g_malloc (bytes);
  memset (g->px.pixels, 255, bytes);
#ifdef HAVE_CAIRO
  draw_titles (g, titles);
#else
  (void) titles;
#endif
}

/* Copies one upscaled RGB cell into row `row`, column `col`. */
static void
grid_put (Grid *g, int64_t row, guint col, const guint8 *rgb)
{
  int64_t x0 = g->col_x[col] + (g->col_w[col] - g->cell_w) / 2;
  int64_t y0 = g->title_h + GRID_GAP + row * (g->cell_h + GRID_GAP);
  for (int64_t y = 0; y < g->cell_h; y++)
    memcpy (g->px.pixels + ((y0 + y) * g->width + x0) * 3, rgb + y * g->cell_w * 3,
            (size_t) g->cell_w * 3);
}

static void
grid_clear (Grid *g)
{
  g_free (g->col_x);
  g_free (g->col_w);
  interp_pixels_clear (&g->px);
}

/* ---- the whole ----------------------------------------------------------- */

static gboolean
write_rgb (const char *path, const guint8 *rgb, int64_t w, int64_t h, GError **error)
{
  InterpPixels px = { .width = w, .height = h, .channels = 3, .pixels = (uint8_t *) rgb };
  return interp_pixels_write_png (&px, path, error);
}

static gboolean
write_scales (const char *dir, char **names, const InterpSaliencyRenderMethod *methods,
              guint n_methods, const double *scales, int64_t n, GError **error)
{
  JsonArray *a = json_array_new ();
  for (guint k = 0; k < n_methods; k++)
    {
      JsonObject *o = json_object_new ();
      json_object_set_string_member (o, "name", names[k]);
      json_object_set_boolean_member (o, "signed", methods[k].is_signed);
      JsonArray *s = json_array_new ();
      for (int64_t i = 0; i < n; i++)
        json_array_add_double_element (s, scales[k * n + i]);
      json_object_set_array_member (o, "scale", s);
      json_array_add_object_element (a, o);
    }
  JsonObject *root_o = json_object_new ();
  json_object_set_array_member (root_o, "methods", a);
  JsonNode *root = json_node_init_object (json_node_alloc (), root_o);
  char *path = g_build_filename (dir, INTERP_SALIENCY_SCALES_FILE, NULL);
  gboolean ok = interp_write_json_atomic (path, root, error);
  g_free (path);
  json_node_unref (root);
  json_object_unref (root_o);
  return ok;
}

gboolean
interp_saliency_render (const char *trial_dir, const InterpTensor *images,
                        const InterpSaliencyRenderMethod *methods, guint n_methods,
                        int64_t n_examples, GError **error)
{
  const int64_t n = MIN (n_examples, images->ndim > 0 ? images->shape[0] : 0);
  if (n <= 0)
    return TRUE;
  if (!check_inputs (images, methods, n_methods, error))
    return FALSE;
  const int64_t c_n = images->shape[1], h = images->shape[2], w = images->shape[3];
  const int scale = interp_example_scale (h, w);
  const int64_t cw = w * scale, ch = h * scale;
  const size_t per = interp_tensor_sample_size (images);

  char *dir = g_build_filename (trial_dir, INTERP_SALIENCY_RENDER_DIR, NULL);
  char **titles = g_new0 (char *, n_methods + 2);
  titles[0] = g_strdup ("image");
  for (guint k = 0; k < n_methods; k++)
    titles[k + 1] = method_name (methods[k].name);
  char **names = titles + 1;
  gboolean ok = interp_mkdir_p (dir, error);
  for (guint k = 0; ok && k < n_methods; k++)
    {
      char *sub = g_build_filename (dir, names[k], NULL);
      ok = interp_mkdir_p (sub, error);
      g_free (sub);
    }
  if (!ok)
    {
      g_strfreev (titles);
      g_free (dir);
      return FALSE;
    }

  Grid grid;
  grid_init (&grid, cw, ch, titles, n_methods + 1, n);
  guint8 *rgb = g_malloc ((size_t) (cw * ch * 3));
  double *scales = g_new (double, MAX (n_methods, 1) * (size_t) n);
  for (int64_t i = 0; ok && i < n; i++)
    {
      const float *img = images->data + (size_t) i * per;
      image_pixels (img, c_n, h, w, scale, rgb);
      grid_put (&grid, i, 0, rgb);
      for (guint k = 0; ok && k < n_methods; k++)
        {
          double s = interp_saliency_heat_pixels (img, methods[k].maps->data + (size_t) i * per,
                                                  c_n, h, w, methods[k].is_signed, scale, rgb);
          if (isnan (s))
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                           "%s: the map of explained image %" G_GINT64_FORMAT " has a "
                           "non-finite value", methods[k].name, i);
              ok = FALSE;
              break;
            }
          scales[k * n + i] = s;
          grid_put (&grid, i, k + 1, rgb);
          char *file = g_strdup_printf ("image-%" G_GINT64_FORMAT ".png", i);
          char *path = g_build_filename (dir, names[k], file, NULL);
          ok = write_rgb (path, rgb, cw, ch, error);
          g_free (path);
          g_free (file);
        }
    }
  if (ok)
    {
      char *path = g_build_filename (dir, INTERP_SALIENCY_GRID_FILE, NULL);
      ok = interp_pixels_write_png (&grid.px, path, error)
           && write_scales (dir, names, methods, n_methods, scales, n, error);
      g_free (path);
    }
  g_free (scales);
  g_free (rgb);
  grid_clear (&grid);
  g_strfreev (titles);
  g_free (dir);
  return ok;
}
