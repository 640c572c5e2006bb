/* plugins/corruptions: what the MNIST-C corruptions share
 * (google-research/mnist-c, corruptions.py).
 *
 * MNIST-C works on 28x28 images.  Its pixel-measured constants (shifts,
 * stripe widths, line widths, zigzag steps) are scaled here by side / 28
 * for the other sizes; its angles and scale factors do not depend on size.
 */
#ifndef INTERP_PLUGINS_MNIST_C_GEOMETRY_H
#define INTERP_PLUGINS_MNIST_C_GEOMETRY_H

#include "corruption-common.h"

G_BEGIN_DECLS

/* side / 28: how much larger than MNIST this call's image is. */
double mnistc_pixel_scale (const CorrCall *call);

/* A random sign, -1 or +1, as np.random.choice([-1, 1]). */
double mnistc_random_sign (InterpRng *rng);

/* dst(c, y, x) := bilinear src at (a[0] x + a[1] y + a[2], a[3] x + a[4] y + a[5]),
 * 0 outside the image: skimage.transform.warp (src, inverse_map=A, order=1,
 * mode="constant", cval=0), A mapping output (x, y) = (column, row) to
 * input coordinates. */
void mnistc_warp_inverse (const InterpImage *src, const double a[6], InterpImage *dst);

/* As mnistc_warp_inverse with the 2x2 part (a11 a12; a21 a22) and the
 * translation MNIST-C chooses so that the image centre (13.5, 13.5 for 28x28;
 * (side - 1) / 2 in general) maps to itself. */
void mnistc_warp_about_centre (const InterpImage *src, double a11, double a12, double a21,
                               double a22, InterpImage *dst);

/* MNIST-C's line_from_points: a bright line through (c0, r0) and (c1, r1)
 * (column, row), intensity log(1 - d / width) + 1 clipped to [0, 1] where d
 * is the vertical distance of a pixel centre from the line (clipped just
 * below width), zero in the columns left of floor(c0) and from ceil(c1) on.
 * Adds it to `layer` (height x width floats) and clips the sum to [0, 1],
 * as zigzag accumulates its segments.  Nothing is drawn when c1 == c0.
 * MNIST-C's width is 2.3 pixels. */
void mnistc_add_line (float *layer, int64_t height, int64_t width, double c0, double r0,
                      double c1, double r1, double line_width);

/* dst := clip (src + layer, 0, 1) with the same layer on every channel. */
void mnistc_add_layer (const InterpImage *src, const float *layer, InterpImage *dst);

G_END_DECLS

#endif
