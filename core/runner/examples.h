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
 *
 * Under every attack and level, the first [pipeline] attack-examples test
 * images are written the same way, with their perturbation:
 *   attack-NAME-eLEVEL-I.png         image I under [attack:NAME] at LEVEL
 *   attack-NAME-eLEVEL-I-delta.png   its perturbation x_adv - x, amplified:
 *                                    0.5 + 0.5 (x_adv - x) / m per value,
 *                                    m = max |x_adv - x| over the image, so
 *                                    -m is black, 0 mid grey, +m white (all
 *                                    grey when m = 0)
 *   attack-NAME-eLEVEL.json          {"max_abs_delta": [m of each image]}:
 *                                    the scale of each delta image
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

/* attack-NAME-eLEVEL-I.png, or with `perturbation` its -delta.png
 * (`group` "attack:NAME").  Free with g_free. */
char *interp_attack_example_file_name (const char *group, const char *level_text, int64_t index,
                                       gboolean perturbation);
/* attack-NAME-eLEVEL.json.  Free with g_free. */
char *interp_attack_example_scales_name (const char *group, const char *level_text);

/* The amplified perturbation of one image (numel values) into out, as the
 * -delta.png shows it (above); returns m = max |x_adv - x|. */
double interp_attack_example_amplify (const float *x, const float *x_adv, size_t numel,
                                      float *out);

/* Writes the adversarial images of x_adv (x: the clean batch, same shape)
 * whose test index first_index + i is below `count`, and their amplified
 * perturbations; appends each image's m to max_abs_delta.  Errors as
 * interp_examples_write. */
gboolean interp_attack_examples_write (const char *trial_dir, const char *group,
                                       const char *level_text, const InterpTensor *x,
                                       const InterpTensor *x_adv, int64_t first_index,
                                       int64_t count, GArray *max_abs_delta, GError **error);

/* TRIAL_DIR/examples/attack-NAME-eLEVEL.json from the m values collected. */
gboolean interp_attack_examples_write_scales (const char *trial_dir, const char *group,
                                              const char *level_text,
                                              const GArray *max_abs_delta, GError **error);

G_END_DECLS

#endif
