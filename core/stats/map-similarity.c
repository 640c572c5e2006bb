/* Similarity of two saliency maps (map-similarity.h): rank and linear
 * correlations, SSIM and HOG as scipy and skimage compute them. */
#include "config.h"

#include "stats/map-similarity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[INTERP_N_SIMILARITIES] = {
  "spearman-abs", "spearman", "ssim", "hog-pearson"
};

const char *
interp_map_similarity_name (InterpMapSimilarity s)
{
  g_return_val_if_fail (s >= 0 && s < INTERP_N_SIMILARITIES, "?");
  return names[s];
}

gboolean
interp_map_similarity_parse (const char *name, InterpMapSimilarity *out)
{
  for (int s = 0; s < INTERP_N_SIMILARITIES; s++)
    if (g_str_equal (name, names[s]))
      {
        *out = (InterpMapSimilarity) s;
        return TRUE;
      }
  return FALSE;
}

const char *
interp_map_similarity_names (void)
{
  return "spearman-abs, spearman, ssim, hog-pearson";
}

char *
interp_map_similarity_unfit (InterpMapSimilarity s, int64_t c, int64_t h, int64_t w)
{
  const int64_t hog_min = INTERP_HOG_CELL * INTERP_HOG_BLOCK;
  switch (s)
    {
    case INTERP_SIMILARITY_SSIM:
      if (h < INTERP_SSIM_WINDOW || w < INTERP_SSIM_WINDOW)
        return g_strdup_printf ("ssim needs maps of at least %d x %d pixels (its window), "
                                "these are %" G_GINT64_FORMAT " x %" G_GINT64_FORMAT,
                                INTERP_SSIM_WINDOW, INTERP_SSIM_WINDOW, h, w);
      return NULL;
    case INTERP_SIMILARITY_HOG_PEARSON:
      if (h < hog_min || w < hog_min)
        return g_strdup_printf ("hog-pearson needs maps of at least %" G_GINT64_FORMAT " x %"
                                G_GINT64_FORMAT " pixels (one block of %d x %d cells of %d "
                                "pixels), these are %" G_GINT64_FORMAT " x %" G_GINT64_FORMAT,
                                hog_min, hog_min, INTERP_HOG_BLOCK, INTERP_HOG_BLOCK,
                                INTERP_HOG_CELL, h, w);
      return NULL;
    default:
      if (c * h * w < 2)
        return g_strdup_printf ("%s needs at least 2 values per map", names[s]);
      return NULL;
    }
}

/* ---- correlations ----------------------------------------------------------- */

double
interp_pearson (const double *x, const double *y, size_t n)
{
  if (n < 2)
    return NAN;
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; i++)
    {
      mx += x[i];
      my += y[i];
    }
  mx /= (double) n;
  my /= (double) n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; i++)
    {
      double dx = x[i] - mx, dy = y[i] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
  if (sxx == 0 || syy == 0)
    return NAN;
  /* Rounding can carry |r| a hair past 1 for (anti)proportional inputs. */
  return CLAMP (sxy / sqrt (sxx * syy), -1.0, 1.0);
}

typedef struct {
  double v;
  size_t i;
} Ranked;

static int
ranked_cmp (const void *a, const void *b)
{
  const Ranked *p = a, *q = b;
  if (p->v != q->v)
    return p->v < q->v ? -1 : 1;
  return p->i < q->i ? -1 : (p->i > q->i);
}

/* Ranks 1..n of x, ties their average rank (scipy.stats.rankdata "average"). */
static void
average_ranks (const double *x, size_t n, double *rank)
{
  Ranked *r = g_new (Ranked, n);
  for (size_t i = 0; i < n; i++)
    r[i] = (Ranked) { x[i], i };
  qsort (r, n, sizeof *r, ranked_cmp);
  for (size_t first = 0; first < n;)
    {
      size_t last = first;
      while (last + 1 < n && r[last + 1].v == r[first].v)
        last++;
      double avg = 0.5 * ((double) first + (double) last) + 1.0;
      for (size_t k = first; k <= last; k++)
        rank[r[k].i] = avg;
      first = last + 1;
    }
  g_free (r);
}

double
interp_spearman (const double *x, const double *y, size_t n)
{
  double *rx = g_new (double, n + 1), *ry = g_new (double, n + 1);
  average_ranks (x, n, rx);
  average_ranks (y, n, ry);
  double rho = interp_pearson (rx, ry, n);
  g_free (rx);
  g_free (ry);
  return rho;
}

/* ---- the normalised 2-D map ------------------------------------------------- */

static int
double_cmp (const void *a, const void *b)
{
  double p = *(const double *) a, q = *(const double *) b;
  return (p > q) - (p < q);
}

gboolean
interp_map_normalise_2d (const float *a, int64_t c, int64_t h, int64_t w, double *out)
{
  const size_t hw = (size_t) (h * w);
  for (size_t j = 0; j < hw; j++)
    {
      double s = 0;
      for (int64_t k = 0; k < c; k++)
        s += fabs ((double) a[(size_t) k * hw + j]);
      out[j] = s;
    }
  double *sorted = g_memdup2 (out, hw * sizeof (double));
  qsort (sorted, hw, sizeof (double), double_cmp);
  /* numpy.percentile's default "linear": position q (n - 1) in the sorted values. */
  double pos = 0.99 * (double) (hw - 1);
  size_t lo = (size_t) floor (pos);
  size_t hi = MIN (lo + 1, hw - 1);
  double vmax = sorted[lo] + (pos - (double) lo) * (sorted[hi] - sorted[lo]);
  double vmin = sorted[0];
  g_free (sorted);
  if (!(vmax > vmin))
    return FALSE;
  for (size_t j = 0; j < hw; j++)
    out[j] = CLAMP ((out[j] - vmin) / (vmax - vmin), 0.0, 1.0);
  return TRUE;
}

/* ---- SSIM ------------------------------------------------------------------- */

double
interp_ssim_2d (const double *x, const double *y, int64_t h, int64_t w, double data_range)
{
  const int win = INTERP_SSIM_WINDOW;
  const double np_ = (double) win * win;
  const double cov_norm = np_ / (np_ - 1.0);   /* skimage's use_sample_covariance */
  const double c1 = (0.01 * data_range) * (0.01 * data_range);
  const double c2 = (0.03 * data_range) * (0.03 * data_range);
  if (c1 == 0)
    return NAN;
  double total = 0;
  int64_t count = 0;
  /* skimage filters the whole image, then averages S over the crop of
   * (win - 1) / 2 pixels: exactly the windows lying inside the image, so
   * the filter's border mode never matters. */
  for (int64_t r = 0; r + win <= h; r++)
    for (int64_t q = 0; q + win <= w; q++)
      {
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < win; i++)
          for (int j = 0; j < win; j++)
            {
              double a = x[(r + i) * w + q + j], b = y[(r + i) * w + q + j];
              sx += a;
              sy += b;
              sxx += a * a;
              syy += b * b;
              sxy += a * b;
            }
        double ux = sx / np_, uy = sy / np_;
        double vx = cov_norm * (sxx / np_ - ux * ux);
        double vy = cov_norm * (syy / np_ - uy * uy);
        double vxy = cov_norm * (sxy / np_ - ux * uy);
        double s = ((2 * ux * uy + c1) * (2 * vxy + c2))
                   / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
        total += s;
        count++;
      }
  return count > 0 ? total / (double) count : NAN;
}

/* ---- HOG -------------------------------------------------------------------- */

/* Orientation in [0, 180) degrees of the gradient, as numpy's
 * rad2deg(arctan2(g_row, g_col)) % 180 (the sign of the divisor). */
static double
orientation_deg (double g_row, double g_col)
{
  double deg = atan2 (g_row, g_col) * (180.0 / G_PI);
  double m = fmod (deg, 180.0);
  if (m != 0 && m < 0)
    m += 180.0;
  return m == 0 ? 0.0 : m;
}

size_t
interp_hog_2d (const double *img, int64_t h, int64_t w, double *out)
{
  const int cell = INTERP_HOG_CELL, block = INTERP_HOG_BLOCK, bins = INTERP_HOG_ORIENTATIONS;
  const int64_t cells_r = h / cell, cells_c = w / cell;
  const int64_t blocks_r = cells_r - block + 1, blocks_c = cells_c - block + 1;
  if (blocks_r < 1 || blocks_c < 1)
    return 0;
  const size_t per_block = (size_t) (block * block * bins);
  const size_t n_features = (size_t) (blocks_r * blocks_c) * per_block;
  if (out == NULL)
    return n_features;

  /* skimage's _hog_channel_gradient: central differences without the 1/2,
   * zero on the first and last row (column). */
  /* The cell sums are floats: skimage's cell_hog (_hoglib.pyx) accumulates
   * in a C float and divides in float, so summing in double would differ
   * from skimage in the eighth digit. */
  float *hist = g_new0 (float, (size_t) (cells_r * cells_c * bins));
  for (int64_t r = 0; r < cells_r * cell; r++)
    for (int64_t q = 0; q < cells_c * cell; q++)
      {
        double g_row = (r > 0 && r < h - 1) ? img[(r + 1) * w + q] - img[(r - 1) * w + q] : 0;
        double g_col = (q > 0 && q < w - 1) ? img[r * w + q + 1] - img[r * w + q - 1] : 0;
        double mag = hypot (g_col, g_row);
        double o = orientation_deg (g_row, g_col);
        /* Bin i holds [180 i / 9, 180 (i + 1) / 9) (hog_histograms). */
        int b = 0;
        while (b + 1 < bins && o >= (180.0 / bins) * (b + 1))
          b++;
        hist[((r / cell) * cells_c + q / cell) * bins + b] += mag;
      }
  for (size_t k = 0; k < (size_t) (cells_r * cells_c * bins); k++)
    hist[k] /= (float) (cell * cell);

  /* L2-Hys per block: L2 normalise, clip at 0.2, normalise again (eps 1e-5). */
  const double eps = 1e-5;
  double *v = out;
  for (int64_t br = 0; br < blocks_r; br++)
    for (int64_t bc = 0; bc < blocks_c; bc++)
      {
        size_t k = 0;
        for (int i = 0; i < block; i++)
          for (int j = 0; j < block; j++)
            for (int o = 0; o < bins; o++)
              v[k++] = hist[((br + i) * cells_c + bc + j) * bins + o];
        double ss = 0;
        for (k = 0; k < per_block; k++)
          ss += v[k] * v[k];
        double norm = sqrt (ss + eps * eps);
        ss = 0;
        for (k = 0; k < per_block; k++)
          {
            v[k] = MIN (v[k] / norm, 0.2);
            ss += v[k] * v[k];
          }
        norm = sqrt (ss + eps * eps);
        for (k = 0; k < per_block; k++)
          v[k] /= norm;
        v += per_block;
      }
  g_free (hist);
  return n_features;
}

/* ---- the measures ----------------------------------------------------------- */

double
interp_map_similarity (InterpMapSimilarity s, const float *a, const float *b, int64_t c,
                       int64_t h, int64_t w)
{
  const size_t n = (size_t) (c * h * w), hw = (size_t) (h * w);
  double result = NAN;
  if (s == INTERP_SIMILARITY_SPEARMAN || s == INTERP_SIMILARITY_SPEARMAN_ABS)
    {
      double *x = g_new (double, n), *y = g_new (double, n);
      gboolean abs_ = s == INTERP_SIMILARITY_SPEARMAN_ABS;
      for (size_t i = 0; i < n; i++)
        {
          x[i] = abs_ ? fabs ((double) a[i]) : a[i];
          y[i] = abs_ ? fabs ((double) b[i]) : b[i];
        }
      result = interp_spearman (x, y, n);
      g_free (x);
      g_free (y);
      return result;
    }
  double *x = g_new (double, hw), *y = g_new (double, hw);
  if (interp_map_normalise_2d (a, c, h, w, x) && interp_map_normalise_2d (b, c, h, w, y))
    {
      if (s == INTERP_SIMILARITY_SSIM)
        {
          double lo = x[0], hi = x[0];
          for (size_t i = 0; i < hw; i++)
            {
              lo = MIN (lo, MIN (x[i], y[i]));
              hi = MAX (hi, MAX (x[i], y[i]));
            }
          result = interp_ssim_2d (x, y, h, w, hi - lo);
        }
      else
        {
          size_t nf = interp_hog_2d (x, h, w, NULL);
          double *fx = g_new (double, nf + 1), *fy = g_new (double, nf + 1);
          interp_hog_2d (x, h, w, fx);
          interp_hog_2d (y, h, w, fy);
          result = interp_pearson (fx, fy, nf);
          g_free (fx);
          g_free (fy);
        }
    }
  g_free (x);
  g_free (y);
  return result;
}
