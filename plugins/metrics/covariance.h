/* Streaming covariance and the dimensionality of a spectrum, for
 * metric:dimensionality (and any metric that needs a covariance without
 * keeping the samples).
 *
 * Accumulation is in double, on data shifted by the first sample seen
 * (the "shifted data" algorithm: Chan, Golub & LeVeque, "Algorithms for
 * computing the sample variance", The American Statistician 37(3), 1983):
 * sums of (x - K) and (x - K)(x - K)^T, K = the first row ever added.  The
 * shift keeps the subtraction of the mean from cancelling digits when the
 * mean is large against the spread, and since K does not depend on how
 * the rows are cut into batches, neither does the result beyond the
 * rounding of the sums.  The outer-product sum goes through cblas_dsyrk
 * (lower triangle), which is deterministic for a given thread count. */
#ifndef INTERP_PLUGINS_METRICS_COVARIANCE_H
#define INTERP_PLUGINS_METRICS_COVARIANCE_H

#include <glib.h>
#include <stdint.h>

typedef struct {
  int64_t dim;          /* D, features per row */
  int64_t n;            /* rows added since the last reset */
  double *shift;        /* D: K, the first row added */
  double *sum;          /* D: sum of (x - K) */
  double *outer;        /* D x D row-major, lower triangle: sum of (x - K)(x - K)^T */
} InterpCovariance;

G_GNUC_INTERNAL InterpCovariance *interp_covariance_new (int64_t dim);
G_GNUC_INTERNAL void interp_covariance_free (InterpCovariance *c);
G_GNUC_INTERNAL void interp_covariance_reset (InterpCovariance *c);
/* Adds rows[0..m) (m x D, row-major).  The buffer is the caller's scratch:
 * it is overwritten with the shifted rows. */
G_GNUC_INTERNAL void interp_covariance_add (InterpCovariance *c, double *rows, int64_t m);
/* The population covariance (divided by n, n >= 1) as a full symmetric
 * D x D row-major matrix in `out`. */
G_GNUC_INTERNAL void interp_covariance_matrix (const InterpCovariance *c, double *out);

/* Eigenvalues of the symmetric n x n row-major matrix `a` (only its lower
 * triangle is read; `a` is destroyed) into values[0..n), in descending
 * order.  Householder tridiagonalisation, then the implicit QL iteration
 * with Wilkinson's shift (Golub & Van Loan, "Matrix Computations", 4th ed.,
 * algorithms 8.3.1 and 8.3.3; Bowdler, Martin, Reinsch & Wilkinson, "The QR
 * and QL algorithms for symmetric matrices", Numer. Math. 11, 1968).  Both
 * steps are backward stable: each eigenvalue is exact for a matrix within
 * a small multiple of n * DBL_EPSILON * ||a||_2 of `a`.  FALSE when the QL
 * iteration did not converge (never seen on finite input; NaN or infinity
 * in `a` is the caller's to refuse). */
G_GNUC_INTERNAL gboolean interp_symmetric_eigenvalues (double *a, int64_t n, double *values);

/* What metric:dimensionality reports of a covariance. */
typedef struct {
  double total;         /* trace = sum of eigenvalues */
  double pr;            /* participation ratio (sum l)^2 / sum l^2; 0 when total is 0 */
  int64_t pc90, pc95;   /* components for 90% / 95% of the variance; 0 when total is 0 */
} InterpDimensionality;

/* The participation ratio from the trace and the Frobenius norm of the
 * full symmetric matrix `cov` (sum l_i = tr C, sum l_i^2 = ||C||_F^2: no
 * eigenvalue rounding enters it), and PCA-k from the descending
 * `eigenvalues` (negative rounding residue counts as 0).  PCA-k is the
 * smallest k with l_1 + ... + l_k >= fraction * total, the comparison
 * allowing the eigenvalues' rounding (see covariance.c), so an exact tie
 * such as eigenvalues (9, 1) at 90% gives k = 1 whatever the rounding. */
G_GNUC_INTERNAL void interp_dimensionality_of (const double *cov, const double *eigenvalues,
                                               int64_t dim, InterpDimensionality *out);

#endif
