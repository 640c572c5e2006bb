/* Streaming covariance, symmetric eigenvalues and the dimensionality of a
 * spectrum (contracts in covariance.h). */
#include "config.h"

#include <cblas.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "covariance.h"

InterpCovariance *
interp_covariance_new (int64_t dim)
{
  InterpCovariance *c = g_new0 (InterpCovariance, 1);
  c->dim = dim;
  c->shift = g_new0 (double, (size_t) dim);
  c->sum = g_new0 (double, (size_t) dim);
  c->outer = g_new0 (double, (size_t) dim * (size_t) dim);
  return c;
}

void
interp_covariance_free (InterpCovariance *c)
{
  if (c == NULL)
    return;
  g_free (c->shift);
  g_free (c->sum);
  g_free (c->outer);
  g_free (c);
}

void
interp_covariance_reset (InterpCovariance *c)
{
  size_t d = (size_t) c->dim;
  c->n = 0;
  memset (c->shift, 0, d * sizeof (double));
  memset (c->sum, 0, d * sizeof (double));
  memset (c->outer, 0, d * d * sizeof (double));
}

void
interp_covariance_add (InterpCovariance *c, double *rows, int64_t m)
{
  if (m <= 0)
    return;
  size_t d = (size_t) c->dim;
  if (c->n == 0)
    memcpy (c->shift, rows, d * sizeof (double));
  for (int64_t i = 0; i < m; i++)
    {
      double *r = rows + (size_t) i * d;
      for (size_t j = 0; j < d; j++)
        {
          r[j] -= c->shift[j];
          c->sum[j] += r[j];
        }
    }
  /* outer += rows^T rows: (D x m)(m x D), lower triangle. */
  cblas_dsyrk (CblasRowMajor, CblasLower, CblasTrans, (int) d, (int) m, 1.0, rows, (int) d,
               1.0, c->outer, (int) d);
  c->n += m;
}

void
interp_covariance_matrix (const InterpCovariance *c, double *out)
{
  size_t d = (size_t) c->dim;
  double n = (double) c->n;
  /* Sum of (x-K)(x-K)^T minus n * mean(x-K) mean(x-K)^T, over n. */
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j <= i; j++)
      {
        double v = (c->outer[i * d + j] - c->sum[i] * c->sum[j] / n) / n;
        out[i * d + j] = v;
        out[j * d + i] = v;
      }
}

/* Householder tridiagonalisation of the lower triangle of a (n x n,
 * leading dimension n): diag[0..n) and off[0..n-1) (off[k] couples k and
 * k+1) of a tridiagonal matrix orthogonally similar to a.  Each step k
 * reflects column k below the diagonal onto its first element and updates
 * the trailing block A22 -= v w^T + w v^T with p = beta A22 v,
 * w = p - (beta p^T v / 2) v (Golub & Van Loan, algorithm 8.3.1). */
static void
tridiagonalise (double *a, int64_t n, double *diag, double *off, double *v, double *p)
{
  /* A column below the diagonal whose norm is under eps ||A||_F is rounding
   * residue (the dead units of a ReLU layer leave such columns after a few
   * reflections): dropping it is a backward error of that size, while
   * reflecting it squares a tiny sigma into 0 and beta into inf (NaN
   * eigenvalues, seen on a BatchNorm CNN's relu3). */
  double fro = 0.0;
  for (size_t i = 0; i < (size_t) n * (size_t) n; i++)
    fro += a[i] * a[i];
  const double negligible = DBL_EPSILON * sqrt (fro);
  for (int64_t k = 0; k + 2 < n; k++)
    {
      int64_t m = n - k - 1;
      double *x = a + (size_t) (k + 1) * (size_t) n + (size_t) k;   /* column k, stride n */
      double sigma = 0.0;
      for (int64_t i = 0; i < m; i++)
        {
          v[i] = x[(size_t) i * (size_t) n];
          sigma += v[i] * v[i];
        }
      sigma = sqrt (sigma);
      diag[k] = a[(size_t) k * (size_t) n + (size_t) k];
      if (sigma <= negligible)
        {
          off[k] = 0.0;
          continue;
        }
      double alpha = v[0] >= 0.0 ? -sigma : sigma;
      /* v = x - alpha e1; v^T v = 2 sigma (sigma + |x0|). */
      double beta = 1.0 / (sigma * (sigma + fabs (v[0])));
      v[0] -= alpha;
      off[k] = alpha;
      double *a22 = a + (size_t) (k + 1) * (size_t) n + (size_t) (k + 1);
      cblas_dsymv (CblasRowMajor, CblasLower, (int) m, beta, a22, (int) n, v, 1, 0.0, p, 1);
      double half = 0.5 * beta * cblas_ddot ((int) m, p, 1, v, 1);
      cblas_daxpy ((int) m, -half, v, 1, p, 1);
      cblas_dsyr2 (CblasRowMajor, CblasLower, (int) m, -1.0, v, 1, p, 1, a22, (int) n);
    }
  if (n >= 2)
    {
      diag[n - 2] = a[(size_t) (n - 2) * (size_t) n + (size_t) (n - 2)];
      off[n - 2] = a[(size_t) (n - 1) * (size_t) n + (size_t) (n - 2)];
    }
  diag[n - 1] = a[(size_t) (n - 1) * (size_t) n + (size_t) (n - 1)];
}

/* Eigenvalues of the symmetric tridiagonal (d, e) in place into d (e[k]
 * couples k and k+1; e[n-1] is workspace): implicit QL with Wilkinson's
 * shift (Bowdler et al. 1968, procedure tql1).  An off-diagonal element is
 * negligible when it is below DBL_EPSILON times the larger of its two
 * diagonal neighbours and the matrix's norm (max |d_i| + |e_i|, EISPACK
 * tql1's tst1): the neighbours alone are no scale when both are ~0, as for
 * the dead units of a ReLU layer next to live ones, and QL then never
 * deflates.  Eigenvalues below eps * norm are lost to rounding either way. */
static gboolean
tridiagonal_ql (double *d, double *e, int64_t n)
{
  e[n - 1] = 0.0;
  double norm = 0.0;
  for (int64_t i = 0; i < n; i++)
    norm = fmax (norm, fabs (d[i]) + fabs (e[i]));
  for (int64_t l = 0; l < n; l++)
    {
      int iterations = 0;
      int64_t m;
      do
        {
          for (m = l; m < n - 1; m++)
            {
              double dd = fabs (d[m]) + fabs (d[m + 1]);
              if (fabs (e[m]) <= DBL_EPSILON * fmax (dd, norm))
                break;
            }
          if (m == l)
            break;
          /* 30 iterations per eigenvalue is LAPACK's limit (dsteqr MAXIT);
           * twice that leaves room without looping forever. */
          if (iterations++ == 60)
            return FALSE;
          double g = (d[l + 1] - d[l]) / (2.0 * e[l]);
          double r = hypot (g, 1.0);
          g = d[m] - d[l] + e[l] / (g + copysign (r, g));
          double s = 1.0, c = 1.0, p = 0.0;
          int64_t i;
          gboolean underflow = FALSE;
          for (i = m - 1; i >= l; i--)
            {
              double f = s * e[i], b = c * e[i];
              r = hypot (f, g);
              e[i + 1] = r;
              if (r == 0.0)
                {
                  /* Deflate early: the rotation met an exact zero. */
                  d[i + 1] -= p;
                  e[m] = 0.0;
                  underflow = TRUE;
                  break;
                }
              s = f / r;
              c = g / r;
              g = d[i + 1] - p;
              r = (d[i] - g) * s + 2.0 * c * b;
              p = s * r;
              d[i + 1] = g + p;
              g = c * r - b;
            }
          if (underflow)
            continue;
          d[l] -= p;
          e[l] = g;
          e[m] = 0.0;
        }
      while (m != l);
    }
  return TRUE;
}

static int
compare_descending (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x < y) - (x > y);
}

gboolean
interp_symmetric_eigenvalues (double *a, int64_t n, double *values)
{
  if (n <= 0)
    return TRUE;
  double *off = g_new0 (double, (size_t) n);
  double *v = g_new (double, (size_t) n);
  double *p = g_new (double, (size_t) n);
  tridiagonalise (a, n, values, off, v, p);
  gboolean ok = tridiagonal_ql (values, off, n);
  qsort (values, (size_t) n, sizeof (double), compare_descending);
  g_free (off);
  g_free (v);
  g_free (p);
  return ok;
}

void
interp_dimensionality_of (const double *cov, const double *eigenvalues, int64_t dim,
                          InterpDimensionality *out)
{
  size_t d = (size_t) dim;
  double trace = 0.0, frobenius = 0.0;
  for (size_t i = 0; i < d; i++)
    {
      trace += cov[i * d + i];
      for (size_t j = 0; j < d; j++)
        frobenius += cov[i * d + j] * cov[i * d + j];
    }
  memset (out, 0, sizeof *out);
  out->total = trace;
  /* A covariance is positive semi-definite: trace 0 means every variance
   * is 0 (a constant representation, or no change at all), which has no
   * direction of variance.  Reported as dimensionality 0, not as 0/0. */
  if (!(trace > 0.0))
    return;
  out->pr = trace * trace / frobenius;
  /* Each computed eigenvalue is within about D * eps * ||C||_2 <= D * eps *
   * trace of an exact one (covariance.h), so a sum of k <= D of them within
   * D^2 * eps * trace: a tie closer than that is a tie. */
  double slack = MAX ((double) d * (double) d * DBL_EPSILON, 1e-12) * trace;
  double cumulative = 0.0;
  gboolean have90 = FALSE;
  for (size_t k = 0; k < d; k++)
    {
      cumulative += MAX (eigenvalues[k], 0.0);
      if (!have90 && cumulative >= 0.90 * trace - slack)
        {
          out->pc90 = (int64_t) k + 1;
          have90 = TRUE;
        }
      if (cumulative >= 0.95 * trace - slack)
        {
          out->pc95 = (int64_t) k + 1;
          break;
        }
    }
  /* Clamped negative residue can leave the sum a rounding short of the
   * trace: then every component is needed. */
  if (!have90)
    out->pc90 = dim;
  if (out->pc95 == 0)
    out->pc95 = dim;
}
