/* The diamond-square plasma fractal of make_cifar_c.py's fog
 * (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * plasma_fractal), the same structure with interp's random stream. */
#include "config.h"

#include <interp/image.h>


/* The generator's wibbledmean: sum / 4 + wibble * U(-wibble, wibble) (the
 * noise's scale is wibble squared, as written there). */
static double
wibbled_mean (double sum, double wibble, InterpRng *rng)
{
  return sum / 4.0 + wibble * (-wibble + 2.0 * wibble * interp_rng_uniform (rng));
}

void
interp_plasma_fractal (int mapsize, double wibble_decay, InterpRng *rng, float *out)
{
  g_return_if_fail (mapsize >= 2 && (mapsize & (mapsize - 1)) == 0 && wibble_decay > 0);
  const int n = mapsize;
  double *m = g_new0 (double, (gsize) n * n);
#define M(y, x) m[(((y) + n) % n) * n + (((x) + n) % n)]
  double wibble = 100.0;
  /* Every roll of the generator wraps around, hence the modular M(). The
   * draws come in numpy's order: all squares row-major, then the diamonds
   * on the rows of the corners, then those on the rows of the centres. */
  for (int step = n; step >= 2; step /= 2)
    {
      const int h = step / 2;
      /* squares: the centre of each cell from its four corners */
      for (int y = 0; y < n; y += step)
        for (int x = 0; x < n; x += step)
          M (y + h, x + h) = wibbled_mean (M (y, x) + M (y + step, x) + M (y, x + step)
                                           + M (y + step, x + step), wibble, rng);
      /* diamonds on corner rows: centres above and below, corners left and right */
      for (int y = 0; y < n; y += step)
        for (int x = 0; x < n; x += step)
          M (y, x + h) = wibbled_mean (M (y + h, x + h) + M (y - h, x + h) + M (y, x)
                                       + M (y, x + step), wibble, rng);
      /* diamonds on centre rows: centres left and right, corners above and below */
      for (int y = 0; y < n; y += step)
        for (int x = 0; x < n; x += step)
          M (y + h, x) = wibbled_mean (M (y + h, x + h) + M (y + h, x - h) + M (y, x)
                                       + M (y + step, x), wibble, rng);
      wibble /= wibble_decay;
    }
#undef M
  double lo = m[0], hi = m[0];
  for (int i = 0; i < n * n; i++)
    {
      lo = MIN (lo, m[i]);
      hi = MAX (hi, m[i]);
    }
  /* The map is a continuous random variable: a flat map has probability 0;
   * should it happen, 0 everywhere is the only value in [0, 1] it can map to
   * without dividing by zero. */
  const double range = hi - lo;
  for (int i = 0; i < n * n; i++)
    out[i] = range > 0 ? (float) ((m[i] - lo) / range) : 0.0f;
  g_free (m);
}
