/* libinterp internals: similarity of two saliency maps of one image, the
 * measures of the sanity checks (Adebayo et al. 2018, "Sanity Checks for
 * Saliency Maps", NeurIPS; adebayoj/sanity_checks_saliency).
 *
 * Both maps are C x H x W floats (the image's shape).  The measures:
 *
 *   spearman      Spearman rank correlation of the C*H*W values, ties
 *                 given their average rank (as scipy.stats.spearmanr).
 *   spearman-abs  the same of the absolute values.
 *   ssim          SSIM (Wang et al. 2004) of the two normalised 2-D maps
 *                 as skimage.metrics.structural_similarity computes it by
 *                 default: 7 x 7 uniform window, K1 = 0.01, K2 = 0.03,
 *                 sample covariances (49/48), the mean over the windows
 *                 that lie inside the image (skimage crops 3 pixels on
 *                 every side); data_range = max - min of the two
 *                 normalised maps together (1 unless degenerate).
 *   hog-pearson   Pearson correlation of the HOG features of the two
 *                 normalised 2-D maps, skimage.feature.hog with
 *                 orientations 9, block_norm L2-Hys, no transform_sqrt, and
 *                 pixels_per_cell 4 x 4, cells_per_block 2 x 2 instead of
 *                 the defaults 8 x 8 / 3 x 3: those are sized for large
 *                 photographs, and on a 28 x 28 map give 3 x 3 cells, one
 *                 block and only 81 features; 4-pixel cells (about a digit
 *                 stroke's width) give 7 x 7 cells and 6 x 6 blocks of 36
 *                 features each on 28 x 28, 7 x 7 blocks on 32 x 32.
 *
 * Normalised 2-D map (ssim and hog-pearson): as Adebayo et al. show and
 * compare their maps, PAIR-code/saliency's VisualizeImageGrayscale
 * (called by adebayoj/sanity_checks_saliency src/utils.py,
 * abs_grayscale_norm, for maps with a channel axis): the sum over
 * channels of |map|, then (v - min) / (p99 - min) clipped to [0, 1], p99
 * the 99th percentile with numpy's linear interpolation.
 *
 * Undefined values.  A correlation of a constant vector, or SSIM / HOG of a
 * map whose normalisation divides by zero (p99 = min: e.g. a map that is 0
 * everywhere, as a gradient through dead ReLUs is), has no value: the
 * functions return NaN then and nothing else does.  Callers must not
 * average it silently: the randomisation checks leave such images out of
 * the mean and warn, and record null when no image has a value. */
#ifndef INTERP_MAP_SIMILARITY_H
#define INTERP_MAP_SIMILARITY_H

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef enum {
  INTERP_SIMILARITY_SPEARMAN_ABS = 0,
  INTERP_SIMILARITY_SPEARMAN,
  INTERP_SIMILARITY_SSIM,
  INTERP_SIMILARITY_HOG_PEARSON,
  INTERP_N_SIMILARITIES
} InterpMapSimilarity;

/* HOG's and SSIM's geometry (see above). */
#define INTERP_SSIM_WINDOW 7
#define INTERP_HOG_ORIENTATIONS 9
#define INTERP_HOG_CELL 4
#define INTERP_HOG_BLOCK 2

/* "spearman-abs", "spearman", "ssim", "hog-pearson". */
const char *interp_map_similarity_name (InterpMapSimilarity s);
/* The measure called `name`; FALSE for an unknown name. */
gboolean interp_map_similarity_parse (const char *name, InterpMapSimilarity *out);
/* The names, comma-separated, for messages. */
const char *interp_map_similarity_names (void);

/* Whether maps of h x w pixels are large enough for s (SSIM: the 7 x 7
 * window; HOG: one block of 2 x 2 cells of 4 pixels); the Spearman
 * measures need 2 values.  When not, a message (new string) saying why. */
char *interp_map_similarity_unfit (InterpMapSimilarity s, int64_t c, int64_t h, int64_t w);

/* The similarity of maps a and b (each c x h x w), or NaN when undefined
 * (see above).  The sizes must be fit (interp_map_similarity_unfit). */
double interp_map_similarity (InterpMapSimilarity s, const float *a, const float *b,
                              int64_t c, int64_t h, int64_t w);

/* The building blocks, for tests: Spearman's rho of x and y (n values, NaN
 * for a constant one), Pearson's r, the normalised 2-D map of a (h*w
 * doubles into out; FALSE when p99 = min), SSIM of two 2-D maps with a
 * data range, and the HOG features of a 2-D map (returns their number,
 * writes them to out when not NULL). */
double interp_spearman (const double *x, const double *y, size_t n);
double interp_pearson (const double *x, const double *y, size_t n);
gboolean interp_map_normalise_2d (const float *a, int64_t c, int64_t h, int64_t w, double *out);
double interp_ssim_2d (const double *x, const double *y, int64_t h, int64_t w,
                       double data_range);
size_t interp_hog_2d (const double *img, int64_t h, int64_t w, double *out);

G_END_DECLS

#endif
