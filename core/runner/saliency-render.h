/* libinterp internals: the saliency PNGs of a trial, for the report.
 *
 * For the first `n_examples` explained images (the order of the stage's
 * set, index K from 0) and every method, TRIAL/saliency/METHOD/image-K.png
 * is the method's heat map blended over the image, and TRIAL/saliency/
 * grid.png puts them side by side: one row per image, the image as the
 * network saw it in the first column, then one column per method (in the
 * order given), each titled with the method's name above the top row.
 * TRIAL/saliency/scales.json records the colour scale of every heat map:
 *   {"methods": [{"name": METHOD, "signed": bool, "scale": [s_K, ...]}]}
 *
 * A heat map shows the map summed over channels, m(y, x), the usual
 * reduction for pixel attributions (Captum's visualize_image_attr sums
 * over its reduction axis too).  Its scale s is Captum's outlier threshold
 * (captum/attr/_utils/visualization.py, _cumulative_sum_threshold with
 * the default outlier_perc = 2): the smallest |m| value at which the
 * cumulative sum of the sorted |m| reaches 98% of their total, so the few
 * largest values that make up the top 2% of the attribution mass saturate
 * instead of washing the rest out.  v = clamp(m / s, -1, 1) (0 everywhere
 * when s = 0: an all-zero map).
 *   signed methods   diverging ColorBrewer RdBu, centred at v = 0 (near
 *                    white), +1 dark red, -1 dark blue
 *   unsigned methods sequential ColorBrewer Blues of |v|, 0 near white
 * The colour is blended over the image's greyscale (mean over channels, as
 * Captum's blended_heat_map) with Captum's default alpha_overlay 0.5:
 *   pixel = round(0.5 * 255 * grey + 0.5 * colour).
 * Every image is upscaled by interp_example_scale (examples.h, nearest
 * neighbour), as the evaluation's example images are.
 *
 * PNGs are written atomically by interp_pixels_write_png; the same maps
 * give the same bytes (the grid's titles are drawn with cairo's toy font
 * API, grey antialiasing; without cairo the grid has no title strip).
 */
#ifndef INTERP_SALIENCY_RENDER_H
#define INTERP_SALIENCY_RENDER_H

#include <glib.h>
#include <interp/interp.h>

G_BEGIN_DECLS

#define INTERP_SALIENCY_RENDER_DIR "saliency"
#define INTERP_SALIENCY_GRID_FILE "grid.png"
#define INTERP_SALIENCY_SCALES_FILE "scales.json"
/* Captum's default outlier_perc (percent of the attribution mass). */
#define INTERP_SALIENCY_OUTLIER_PERCENT 2.0

typedef struct {
  /* The group ("saliency:gradient") or its instance name ("gradient"): the
   * instance name names the folder and the grid's column. */
  const char *name;
  const InterpTensor *maps;   /* images' shape, N x C x H x W */
  gboolean is_signed;         /* INTERP_SALIENCY_SIGNED */
} InterpSaliencyRenderMethod;

/* Writes the PNGs and scales.json above for images (N x C x H x W, C 1 or
 * 3, pixels in [0, 1]) and the methods' maps, for the first
 * MIN(n_examples, N) images; nothing (TRUE) when n_examples is 0.
 * Errors: INTERP_ERROR_UNSUPPORTED naming [pipeline] saliency-examples for
 * images that are not 1- or 3-channel, INTERP_ERROR_SHAPE naming the method
 * whose maps differ from the images' shape, INTERP_ERROR_BAD_VALUE naming
 * the method and image for a non-finite map value, INTERP_ERROR_IO naming
 * the file. */
gboolean interp_saliency_render (const char *trial_dir, const InterpTensor *images,
                                 const InterpSaliencyRenderMethod *methods, guint n_methods,
                                 int64_t n_examples, GError **error);

/* ---- the pieces, for tests ---------------------------------------------- */

/* Captum's threshold of n non-negative values at `percent` of their total
 * (the scale s above with percent = 100 - outlier_perc); 0 for n = 0 or an
 * all-zero input.  Sorts `values` in place. */
double interp_saliency_outlier_threshold (double *values, size_t n, double percent);

/* The colour of a normalised value: signed v in [-1, 1] on RdBu, unsigned
 * v in [0, 1] on Blues (values outside are clamped), as 8-bit RGB. */
void interp_saliency_colour (double v, gboolean is_signed, guint8 rgb[3]);

/* The heat map of one image (C x H x W values, planar) and its map (same
 * shape) as 8-bit RGB of (H * scale) x (W * scale), interleaved; returns
 * the colour scale s (NaN, rgb untouched, when a map value is not finite). */
double interp_saliency_heat_pixels (const float *image, const float *map, int64_t channels,
                                    int64_t height, int64_t width, gboolean is_signed,
                                    int scale, guint8 *rgb);

G_END_DECLS

#endif
