/* Helpers of test-attacks-minimal.c and test-attacks-ensemble.c: affine
 * classifiers whose minimal adversarial perturbations are known in closed
 * form, and running an attack component from "key=value" pairs.  Every
 * function asserts (Criterion) rather than returning errors. */
#ifndef INTERP_TESTS_MINIMAL_HELPERS_H
#define INTERP_TESTS_MINIMAL_HELPERS_H

#include <interp/interp.h>

G_BEGIN_DECLS

/* input 1 x H x W -> flatten -> fc (k classes): z = W x + b, W given
 * row-major k x (H W).  Eval mode. */
InterpNet *affine_net (int64_t h, int64_t w, int64_t k, const double *weight, const double *bias);

/* Binary, 2 x 2 pixels: z_0 = 0, z_1 = v.x + b with v = (0.8, -0.4, 0.2, 0.4)
 * (||v||_2 = 1, ||v||_1 = 1.8) and b = -0.8.  At x = 0.5 everywhere
 * f = z_1 - z_0 = -0.3: class 0, at L2 distance 0.3 and Linf distance
 * 0.3 / 1.8 = 1/6 from the boundary. */
extern const double BIN_W[8], BIN_B[2], BIN_L2, BIN_LINF;
/* Three classes on 2 x 2 pixels; at x = 0.5 the boundaries of classes 1 and
 * 2 are at L2 distances 0.3 and 0.2 (minimal-helpers.c). */
extern const double TRI_W[12], TRI_B[3];

/* n images of 1 x h x w pixels, all equal to v. */
InterpTensor *constant_images (int64_t n, int64_t h, int64_t w, float v);
/* |f_i - f_j| / ||w_i - w_j|| in the dual norm of `norm` (L2: L2, Linf:
 * L1) for one image xi of d pixels. */
double analytic_distance (InterpNorm norm, const double *wt, const double *b, size_t d, int i,
                          int j, const float *xi);

/* An instance of an attack component from pairs (NULL-ended, may be NULL). */
gpointer attack_new (const InterpComponent *comp, const char *const *pairs);
void attack_free (const InterpComponent *comp, gpointer self);
/* x_adv = attack (x) with every image's budget eps and stream seed 7. */
InterpTensor *run (const InterpComponent *comp, gpointer self, InterpNet *net,
                   const InterpTensor *x, const int32_t *labels, double eps);
/* The argmax of image i of x. */
int32_t predict (InterpNet *net, const InterpTensor *x, int64_t i);
/* ||a[i] - x[i]|| in `norm`. */
double norm_of (InterpNorm norm, const InterpTensor *a, const InterpTensor *x, int64_t i);

/* A 3-class affine model on 4 x 4 images and RND_N images labelled with
 * their clean argmax (minimal-helpers.c says how it is drawn). */
#define RND_N 12
InterpNet *random_model (InterpTensor **x, int32_t *labels);

/* Float32 rounding of a handful of pixels near 0.5 is ~6e-8 each; 1e-6
 * bounds the norm error of 4-16 such differences with a wide margin while
 * staying far below DeepFool's own 1e-4 step. */
#define ROUNDING 1e-6

G_END_DECLS

#endif
