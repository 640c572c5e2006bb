/* libinterp internals: example images of the evaluation, for the report.
 *
 * While a trial is evaluated, the first `count` test images of the clean
 * condition and of every corruption condition are written to
 * TRIAL/examples/ as 8-bit PNGs (grey for one channel, RGB for three):
 *   clean-I.png                    the clean test image I
 *   corruption-NAME-sLEVEL-I.png   image I under [corruption:NAME] at LEVEL
 * (LEVEL as the summary writes it, e.g. "3").  Each image is upscaled by the
 * smallest integer factor (nearest neighbour) that makes its shorter side at
 * least INTERP_EXAMPLE_MIN_SIDE pixels, so a 28 x 28 digit is visible.
 * Written with interp_pixels_write_png (<interp/image.h>): atomically, and
 * the same pixels give the same bytes.
 * Pixels are round (255 * x) of the [0, 1] values the network sees, so the
 * files are a function of the pipeline and seed alone.
 */
#ifndef INTERP_EXAMPLES_H
#define INTERP_EXAMPLES_H

#include <glib.h>
#include <interp/interp.h>

G_BEGIN_DECLS

#define INTERP_EXAMPLES_DIR "examples"
#define INTERP_EXAMPLE_MIN_SIDE 84

/* The file name of example `index` of a condition: `group` NULL for clean,
 * else "corruption:NAME" with its level text.  Free with g_free. */
char *interp_example_file_name (const char *group, const char *level_text, int64_t index);

/* The upscaling factor for an image of height x width. */
int interp_example_scale (int64_t height, int64_t width);

/* Writes the images of `batch` (N x C x H x W, C 1 or 3, values in [0, 1])
 * whose test index first_index + i is below `count` to
 * TRIAL_DIR/examples/NAME, atomically.  Errors: INTERP_ERROR_BAD_VALUE for a
 * non-finite pixel or a channel count other than 1 and 3 (naming the
 * condition), INTERP_ERROR_IO naming the file. */
gboolean interp_examples_write (const char *trial_dir, const char *group, const char *level_text,
                                const InterpTensor *batch, int64_t first_index, int64_t count,
                                GError **error);

G_END_DECLS

#endif
