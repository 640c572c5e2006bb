/* What the path methods (integrated-gradients, gradient-shap, noise-tunnel)
 * share: baselines, Captum's quadrature rules, and the batch of
 * "images x samples" rows they push through one forward/backward.
 *
 * Baselines (the `baseline` key):
 *   zero     all zeros (black), Sundararajan et al. 2017's choice for images;
 *   blur     the image blurred by a Gaussian of `blur-sigma` pixels (scipy's
 *            gaussian_filter conventions: radius int(4 sigma + 0.5), border
 *            "reflect"), as Sturmfels et al. 2020 ("Visualizing the impact
 *            of feature attribution baselines", Distill) discuss;
 *   uniform  uniform noise in [0, 1] per element, drawn from the stream
 *            image by image in element order;
 *   mean     the dataset's per-channel mean: the mean buffer
 *            ("<node>.mean") of the network's first normalize node, read
 *            with interp_net_find_param (no new accessor).  An error naming
 *            the key when the network has no normalize node. */
#ifndef INTERP_PLUGINS_SALIENCY_PATH_COMMON_H
#define INTERP_PLUGINS_SALIENCY_PATH_COMMON_H

#include <interp/interp.h>

G_BEGIN_DECLS

typedef enum {
  PATH_BASELINE_ZERO,
  PATH_BASELINE_BLUR,
  PATH_BASELINE_UNIFORM,
  PATH_BASELINE_MEAN,
} PathBaselineKind;

typedef struct {
  PathBaselineKind kind;
  double blur_sigma;
} PathBaseline;

/* The keys `baseline` and `blur-sigma` (the two entries of the parameter
 * tables, spelled out in each component's table) into b. */
void path_baseline_read (const InterpParams *params, PathBaseline *b);

/* The baselines of images [0, n) of x into out (x's shape, resized),
 * uniform ones drawn from rng.  method names the component in errors. */
gboolean path_baseline_fill (const PathBaseline *b, const char *method, InterpNet *net,
                             const InterpTensor *x, InterpRng *rng, InterpTensor *out,
                             GError **error);

/* Captum's approximation_methods (captum/attr/_utils/approximation_methods.py):
 * n alphas in [0, 1] and their weights (step sizes).
 *   riemann-left      alphas k/n, k = 0..n-1; weights 1/n
 *   riemann-right     alphas k/n, k = 1..n; weights 1/n
 *   riemann-middle    alphas (k + 1/2)/n, k = 0..n-1; weights 1/n
 *   riemann-trapezoid alphas k/(n-1), k = 0..n-1; weights 1/(n-1), halved
 *                     at both ends (needs n >= 2)
 *   gausslegendre     numpy.polynomial.legendre.leggauss(n) nodes x_k
 *                     (ascending) and weights w_k, mapped to [0, 1]:
 *                     alpha = (1 + x) / 2, weight w / 2.
 * Returns FALSE for an unknown name or riemann-trapezoid with n < 2. */
gboolean path_quadrature (const char *method, int n, double *alphas, double *weights);

/* Keys shared by the path methods' tables. */
#define PATH_BASELINE_PARAMS                                                              \
  { .key = "baseline", .type = INTERP_PARAM_CHOICE, .default_value = "zero",              \
    .choices = "zero|blur|uniform|mean",                                                  \
    .help = "the reference input: zero (black), blur (Gaussian blur of the image), "      \
            "uniform (noise in [0,1] from the stream), mean (the normalize node's "       \
            "per-channel dataset mean)" },                                                \
  { .key = "blur-sigma", .type = INTERP_PARAM_DOUBLE, .default_value = "5", .min = 0.01,  \
    .max = 1000, .help = "standard deviation in pixels of the blur baseline's Gaussian "  \
                         "(scipy gaussian_filter: truncate 4, border reflect)" }

G_END_DECLS

#endif
