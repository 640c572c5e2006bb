/* libinterp internals: the pieces of the faithfulness checks
 * (saliency-faithfulness.c) that have a contract of their own, exposed for
 * the tests; interp_saliency_faithfulness (saliency-stage.h) is the check. */
#ifndef INTERP_SALIENCY_FAITHFULNESS_H
#define INTERP_SALIENCY_FAITHFULNESS_H

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Side of RISE's blur kernel (eclique/RISE Evaluation.ipynb: klen = 11, ksig = 5). */
#define INTERP_RISE_BLUR_SIDE 11
#define INTERP_RISE_BLUR_SIGMA 5.0

/* RISE's insertion blur kernel, side x side floats (row-major): gkern(11, 5)
 * of eclique/RISE evaluation.py, i.e. scipy.ndimage.gaussian_filter (sigma 5,
 * truncate 4: radius 20, mode "reflect") applied to an 11 x 11 delta, so the
 * Gaussian's tails beyond the 11 x 11 window are folded back into it; it sums
 * to 1.  RISE convolves with it under zero padding (conv2d padding = 5). */
void interp_saliency_rise_kernel (float *kernel);

/* Pixel order of one map (channels x hw floats): pixels by decreasing sum
 * over channels, ties broken by the lower pixel index; order[hw]. */
void interp_saliency_pixel_order (const float *map, int64_t channels, int64_t hw,
                                  int64_t *order);

/* Normalised area under a curve of n >= 2 points equally spaced over
 * [0, 1] by the trapezoid rule: (sum - v[0]/2 - v[n-1]/2) / (n - 1), RISE's
 * auc(). */
double interp_saliency_curve_auc (const double *v, size_t n);

G_END_DECLS

#endif
