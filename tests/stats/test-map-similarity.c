/* Known-answer tests of core/stats/map-similarity.c.
 *
 * "by hand" values are derived next to them.  "reference" values were
 * computed with /usr/bin/python3 (numpy 1.24.2, scipy 1.10.1, scikit-image
 * 0.19.3; CI has no skimage, hence constants) by this script, on maps made
 * by the LCG below (exact in float and double):
 *
 *   import numpy as np, scipy.stats, skimage.metrics, skimage.feature
 *   def lcg(seed, n):
 *       s, out = seed, []
 *       for _ in range(n):
 *           s = (s * 1103515245 + 12345) % 2**31
 *           out.append(((s >> 16) % 201 - 100) / 64.0)
 *       return np.array(out)
 *   def norm2d(m):   # PAIR-code/saliency VisualizeImageGrayscale, channels first
 *       g = np.sum(np.abs(m), axis=0)
 *       vmax, vmin = np.percentile(g, 99), np.min(g)
 *       return np.clip((g - vmin) / (vmax - vmin), 0, 1)
 *   for (c, h, w) in [(1, 28, 28), (3, 12, 16)]:
 *       n = c * h * w
 *       a = lcg(1, n).reshape(c, h, w)
 *       b = (a + lcg(2, n).reshape(c, h, w)).astype(np.float32).astype(np.float64)
 *       x, y = norm2d(a), norm2d(b)
 *       dr = max(x.max(), y.max()) - min(x.min(), y.min())
 *       hog = lambda m: skimage.feature.hog(m, orientations=9, pixels_per_cell=(4, 4),
 *                                           cells_per_block=(2, 2), block_norm='L2-Hys')
 *       print(scipy.stats.spearmanr(a.ravel(), b.ravel())[0],
 *             scipy.stats.spearmanr(np.abs(a).ravel(), np.abs(b).ravel())[0],
 *             skimage.metrics.structural_similarity(x, y, data_range=dr),
 *             scipy.stats.pearsonr(hog(x), hog(y))[0])
 *
 * Tolerances: the C code sums in double in another order than numpy /
 * scipy's uniform_filter (relative rounding ~1e-15 per operation over a few
 * thousand terms), so 1e-12 relative is loose enough for rounding and far
 * too tight for any real difference (a rank, a window or a bin off changes
 * the third digit). */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "stats/map-similarity.h"

static void
assert_rel (const char *what, double got, double want, double rel)
{
  cr_assert (fabs (got - want) <= rel * fmax (fabs (want), 1e-300) || got == want,
             "%s = %.17g, want %.17g", what, got, want);
}
#define ASSERT_REL(got, want, rel) assert_rel (#got, (got), (want), (rel))

static float *
lcg_map (uint64_t seed, size_t n)
{
  float *m = g_new (float, n);
  uint64_t s = seed;
  for (size_t i = 0; i < n; i++)
    {
      s = (s * 1103515245u + 12345u) % (1u << 31);
      m[i] = (float) ((double) ((int64_t) ((s >> 16) % 201) - 100) / 64.0);
    }
  return m;
}

Test (map_similarity, names_parse)
{
  for (int s = 0; s < INTERP_N_SIMILARITIES; s++)
    {
      InterpMapSimilarity got;
      cr_assert (interp_map_similarity_parse (interp_map_similarity_name (s), &got));
      cr_assert_eq (got, s);
    }
  InterpMapSimilarity got;
  cr_assert (interp_map_similarity_parse ("spearman-abs", &got));
  cr_assert_eq (got, INTERP_SIMILARITY_SPEARMAN_ABS);
  cr_assert_not (interp_map_similarity_parse ("pearson", &got));
  cr_assert_not (interp_map_similarity_parse ("", &got));
}

Test (map_similarity, spearman_by_hand)
{
  /* by hand: one swap of neighbours, sum d^2 = 2: rho = 1 - 6*2/(4*15) = 0.8 */
  const double x[] = { 1, 2, 3, 4 }, y[] = { 1, 3, 2, 4 };
  ASSERT_REL (interp_spearman (x, y, 4), 0.8, 1e-15);
  /* by hand, ties: ranks of x are 1, 2.5, 2.5, 4; Pearson with 1..4:
   * sxy = 4.5, sxx = 4.5, syy = 5, rho = 4.5 / sqrt(22.5) */
  const double xt[] = { 1, 2, 2, 3 };
  ASSERT_REL (interp_spearman (xt, x, 4), 4.5 / sqrt (22.5), 1e-15);
  /* Any monotone map: rho = 1; reversed: -1. */
  const double sq[] = { 1, 4, 9, 16 }, rev[] = { 4, 3, 2, 1 };
  ASSERT_REL (interp_spearman (x, sq, 4), 1.0, 1e-15);
  ASSERT_REL (interp_spearman (x, rev, 4), -1.0, 1e-15);
  /* A constant vector has no rank correlation. */
  const double k[] = { 2, 2, 2, 2 };
  cr_assert (isnan (interp_spearman (x, k, 4)));
}

Test (map_similarity, spearman_abs_and_signed)
{
  /* by hand: |a| = |b| = 1 2 3, so spearman-abs = 1; signed ranks 2 3 1 and
   * 2 1 3 are exact opposites around the mean: -1. */
  const float a[] = { -1, 2, -3 }, b[] = { 1, -2, 3 };
  ASSERT_REL (interp_map_similarity (INTERP_SIMILARITY_SPEARMAN_ABS, a, b, 1, 1, 3), 1.0, 1e-15);
  ASSERT_REL (interp_map_similarity (INTERP_SIMILARITY_SPEARMAN, a, b, 1, 1, 3), -1.0, 1e-15);
}

Test (map_similarity, ssim_by_hand)
{
  /* by hand: x = 0, y = 1 everywhere, data range 1: means 0 and 1, no
   * variance: S = (0 + C1)(0 + C2) / ((0 + 1 + C1)(0 + C2)) = C1 / (1 + C1),
   * C1 = (0.01)^2. */
  double x[49] = { 0 }, y[49];
  for (int i = 0; i < 49; i++)
    y[i] = 1;
  ASSERT_REL (interp_ssim_2d (x, y, 7, 7, 1.0), 1e-4 / (1.0 + 1e-4), 1e-13);
  /* Identical maps: every window is 1 whatever the content. */
  for (int i = 0; i < 49; i++)
    x[i] = (i * 7 % 11) / 11.0;
  ASSERT_REL (interp_ssim_2d (x, x, 7, 7, 1.0), 1.0, 1e-14);
  /* No data range: C1 = C2 = 0, undefined. */
  cr_assert (isnan (interp_ssim_2d (x, x, 7, 7, 0.0)));
}

Test (map_similarity, hog_by_hand)
{
  /* by hand: an 8 x 8 step edge between columns 3 and 4.  The central
   * difference along columns is 1 at columns 3 and 4 (every row), 0
   * elsewhere, rows give 0: orientation 0 (bin 0).  Each 4 x 4 cell holds
   * one such column: 4 / 16 = 0.25 in bin 0.  One block of 2 x 2 cells:
   * L2 gives 0.25 / sqrt(0.25 + 1e-10), clipped to 0.2, renormalised:
   * 0.2 / sqrt(4 * 0.04 + 1e-10) in the four bin-0 entries, 0 in the 32
   * others (skimage gives the same 36 features). */
  double img[64];
  for (int r = 0; r < 8; r++)
    for (int q = 0; q < 8; q++)
      img[r * 8 + q] = q >= 4;
  cr_assert_eq (interp_hog_2d (img, 8, 8, NULL), 36);
  double f[36];
  cr_assert_eq (interp_hog_2d (img, 8, 8, f), 36);
  int nonzero = 0;
  for (int k = 0; k < 36; k++)
    if (f[k] != 0)
      {
        nonzero++;
        cr_assert_eq (k % INTERP_HOG_ORIENTATIONS, 0, "feature %d is not bin 0", k);
        ASSERT_REL (f[k], 0.2 / sqrt (0.16 + 1e-10), 1e-14);
      }
  cr_assert_eq (nonzero, 4);
  /* 28 x 28: 7 x 7 cells, 6 x 6 blocks of 36 (skimage: 1296). */
  cr_assert_eq (interp_hog_2d (img, 28, 28, NULL), 1296);
}

Test (map_similarity, normalise_2d)
{
  /* by hand: channel sums of |a| are 0, 1, 2, ..., 99 (two channels of
   * halves); p99 by numpy's linear rule: position 0.99 * 99 = 98.01 ->
   * 98.01; min 0.  So v / 98.01, and 99 clips to 1. */
  float a[200];
  for (int i = 0; i < 100; i++)
    {
      a[i] = -0.5f * (float) i;
      a[100 + i] = 0.5f * (float) i;
    }
  double out[100];
  cr_assert (interp_map_normalise_2d (a, 2, 10, 10, out));
  ASSERT_REL (out[50], 50 / 98.01, 1e-14);
  cr_assert_eq (out[0], 0.0);
  cr_assert_eq (out[99], 1.0);
  /* A zero map cannot be normalised. */
  float z[100] = { 0 };
  cr_assert_not (interp_map_normalise_2d (z, 1, 10, 10, out));
}

static void
check_reference (int64_t c, int64_t h, int64_t w, const double want[4])
{
  size_t n = (size_t) (c * h * w);
  float *a = lcg_map (1, n), *b = lcg_map (2, n);
  for (size_t i = 0; i < n; i++)
    b[i] = a[i] + b[i];
  const InterpMapSimilarity order[4] = { INTERP_SIMILARITY_SPEARMAN,
                                         INTERP_SIMILARITY_SPEARMAN_ABS,
                                         INTERP_SIMILARITY_SSIM,
                                         INTERP_SIMILARITY_HOG_PEARSON };
  for (int k = 0; k < 4; k++)
    {
      cr_assert_null (interp_map_similarity_unfit (order[k], c, h, w));
      double got = interp_map_similarity (order[k], a, b, c, h, w);
      cr_assert (fabs (got - want[k]) <= 1e-12 * fabs (want[k]), "%s: %.17g, want %.17g",
                 interp_map_similarity_name (order[k]), got, want[k]);
      /* A map against itself: 1 for every measure. */
      ASSERT_REL (interp_map_similarity (order[k], a, a, c, h, w), 1.0, 1e-13);
    }
  g_free (a);
  g_free (b);
}

Test (map_similarity, reference_28x28)
{
  const double want[4] = { 0.7096879259427155, 0.24859234352818996, 0.27361950828180526,
                           0.04231584565440703 };
  check_reference (1, 28, 28, want);
}

Test (map_similarity, reference_3x12x16)
{
  const double want[4] = { 0.7138828677478598, 0.2735291452110365, 0.3351735856854152,
                           0.27087693742808944 };
  check_reference (3, 12, 16, want);
}

Test (map_similarity, undefined_and_unfit)
{
  float zero[64] = { 0 }, a[64];
  for (int i = 0; i < 64; i++)
    a[i] = (float) (i % 5);
  for (int s = 0; s < INTERP_N_SIMILARITIES; s++)
    cr_assert (isnan (interp_map_similarity (s, a, zero, 1, 8, 8)), "%s of a zero map",
               interp_map_similarity_name (s));
  char *why = interp_map_similarity_unfit (INTERP_SIMILARITY_SSIM, 1, 6, 28);
  cr_assert_not_null (why);
  cr_assert (strstr (why, "7 x 7") != NULL, "%s", why);
  g_free (why);
  why = interp_map_similarity_unfit (INTERP_SIMILARITY_HOG_PEARSON, 1, 28, 7);
  cr_assert_not_null (why);
  g_free (why);
  cr_assert_null (interp_map_similarity_unfit (INTERP_SIMILARITY_HOG_PEARSON, 1, 8, 8));
}
