/* Shared by the path methods; contracts in path-common.h. */
#include "config.h"

#include "path-common.h"

#include <math.h>
#include <string.h>

void
path_baseline_read (const InterpParams *params, PathBaseline *b)
{
  const char *k = interp_params_get_string (params, "baseline");
  b->kind = strcmp (k, "blur") == 0      ? PATH_BASELINE_BLUR
            : strcmp (k, "uniform") == 0 ? PATH_BASELINE_UNIFORM
            : strcmp (k, "mean") == 0    ? PATH_BASELINE_MEAN
                                         : PATH_BASELINE_ZERO;
  b->blur_sigma = interp_params_get_double (params, "blur-sigma");
}

static gboolean
fill_mean (const char *method, InterpNet *net, const InterpTensor *x, InterpTensor *out,
           GError **error)
{
  int node = -1;
  for (int i = 0; i < interp_net_n_nodes (net) && node < 0; i++)
    if (interp_net_node_op (net, i) == INTERP_OP_NORMALIZE)
      node = i;
  if (node < 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "%s: baseline = mean needs the dataset mean, but the network has no "
                   "normalize node", method);
      return FALSE;
    }
  char *name = g_strdup_printf ("%s.mean", interp_net_node_name (net, node));
  const InterpParam *p = interp_net_find_param (net, name);
  g_free (name);
  const int64_t n = x->shape[0], c = x->shape[1];
  const int64_t plane = x->ndim == 4 ? x->shape[2] * x->shape[3] : 1;
  if (p == NULL || (int64_t) p->value->numel != c)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: baseline = mean: node %s has no mean of %" G_GINT64_FORMAT
                   " channels", method, interp_net_node_name (net, node), c);
      return FALSE;
    }
  for (int64_t i = 0; i < n; i++)
    for (int64_t ch = 0; ch < c; ch++)
      for (int64_t j = 0; j < plane; j++)
        out->data[(i * c + ch) * plane + j] = p->value->data[ch];
  return TRUE;
}

gboolean
path_baseline_fill (const PathBaseline *b, const char *method, InterpNet *net,
                    const InterpTensor *x, InterpRng *rng, InterpTensor *out, GError **error)
{
  interp_tensor_reshape (out, x->ndim, x->shape);
  switch (b->kind)
    {
    case PATH_BASELINE_ZERO:
      interp_tensor_zero (out);
      return TRUE;
    case PATH_BASELINE_UNIFORM:
      for (size_t j = 0; j < out->numel; j++)
        out->data[j] = (float) interp_rng_uniform (rng);
      return TRUE;
    case PATH_BASELINE_MEAN:
      return fill_mean (method, net, x, out, error);
    case PATH_BASELINE_BLUR:
      if (x->ndim != 4)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                       "%s: baseline = blur needs images (N x C x H x W)", method);
          return FALSE;
        }
      for (int64_t i = 0; i < x->shape[0]; i++)
        {
          InterpImage src = interp_image_view (x, i), dst = interp_image_view (out, i);
          interp_image_gaussian_blur (&src, b->blur_sigma, 4.0, INTERP_BORDER_REFLECT, &dst);
        }
      return TRUE;
    }
  return FALSE;
}

/* Legendre P_n and its derivative at x by the three-term recurrence. */
static void
legendre (int n, double x, double *p, double *dp)
{
  double p0 = 1.0, p1 = x;
  for (int k = 2; k <= n; k++)
    {
      double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
      p0 = p1;
      p1 = p2;
    }
  *p = n == 0 ? 1.0 : p1;
  /* P_n'(x) = n (x P_n - P_{n-1}) / (x^2 - 1); the roots are interior. */
  *dp = n * (x * p1 - p0) / (x * x - 1.0);
}

/* Gauss-Legendre nodes (ascending) and weights on [-1, 1]: Newton's method
 * from Tricomi's initial guess cos(pi (k + 3/4) / (n + 1/2)), to double
 * precision, w = 2 / ((1 - x^2) P_n'(x)^2) (Abramowitz & Stegun 25.4.29).
 * numpy's leggauss solves the companion matrix and polishes with one Newton
 * step; both converge to the same double roots within a few ulps. */
static void
gauss_legendre (int n, double *x, double *w)
{
  if (n == 1)
    {
      x[0] = 0.0;
      w[0] = 2.0;
      return;
    }
  for (int k = 0; k < n; k++)
    {
      double r = cos (G_PI * (k + 0.75) / (n + 0.5)), p, dp;
      for (int it = 0; it < 100; it++)
        {
          legendre (n, r, &p, &dp);
          double step = p / dp;
          r -= step;
          if (fabs (step) < 1e-16)
            break;
        }
      legendre (n, r, &p, &dp);
      /* k = 0 is the largest root: store ascending. */
      x[n - 1 - k] = r;
      w[n - 1 - k] = 2.0 / ((1.0 - r * r) * dp * dp);
    }
}

gboolean
path_quadrature (const char *method, int n, double *alphas, double *weights)
{
  if (n < 1)
    return FALSE;
  if (strcmp (method, "gausslegendre") == 0)
    {
      gauss_legendre (n, alphas, weights);
      for (int k = 0; k < n; k++)
        {
          alphas[k] = 0.5 * (1.0 + alphas[k]);
          weights[k] *= 0.5;
        }
      return TRUE;
    }
  if (strcmp (method, "riemann-trapezoid") == 0)
    {
      if (n < 2)
        return FALSE;
      for (int k = 0; k < n; k++)
        {
          alphas[k] = (double) k / (n - 1);
          weights[k] = (k == 0 || k == n - 1 ? 0.5 : 1.0) / (n - 1);
        }
      return TRUE;
    }
  double offset;
  if (strcmp (method, "riemann-left") == 0)
    offset = 0.0;
  else if (strcmp (method, "riemann-right") == 0)
    offset = 1.0;
  else if (strcmp (method, "riemann-middle") == 0)
    offset = 0.5;
  else
    return FALSE;
  for (int k = 0; k < n; k++)
    {
      alphas[k] = (k + offset) / n;
      weights[k] = 1.0 / n;
    }
  return TRUE;
}
