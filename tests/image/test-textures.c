/* The generators' kernels (disk, motion line) and the plasma fractal. */
#include "config.h"

#include "image-test.h"

#include <interp/rng.h>

/* Kernel entries are float products and quotients of values <= 1, sums of
 * up to 17 x 17 of them: 1e-6 leaves room for that rounding only. */
#define TOL 1e-6

static double
kernel_sum (const float *k, int side)
{
  double s = 0;
  for (int i = 0; i < side * side; i++)
    s += k[i];
  return s;
}

Test (kernels, disk_of_radius_0_3_is_the_blurred_centre)
{
  /* Only (0, 0) satisfies x^2 + y^2 <= 0.09: a delta at (8, 8) of the 17x17
   * grid; the 3x3 Gaussian of sigma 0.4 spreads it into the outer product
   * of the taps (e, 1, e) / (1 + 2e), e = exp(-1 / (2 * 0.16)). */
  int side = 0;
  float *k = interp_disk_kernel (0.3, 0.4, &side);
  cr_assert_eq (side, 17);
  double e = exp (-1.0 / 0.32), t[3] = { e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e) };
  for (int y = 0; y < 17; y++)
    for (int x = 0; x < 17; x++)
      {
        double want = (abs (y - 8) <= 1 && abs (x - 8) <= 1) ? t[y - 7] * t[x - 7] : 0.0;
        cr_assert_float_eq (k[y * 17 + x], want, TOL, "(%d, %d)", y, x);
      }
  g_free (k);
}

Test (kernels, disk_sums_to_one_and_is_symmetric)
{
  const double radii[] = { 0.5, 1, 1.5, 3, 6 };
  for (gsize r = 0; r < G_N_ELEMENTS (radii); r++)
    {
      int side;
      float *k = interp_disk_kernel (radii[r], 0.5, &side);
      cr_assert_eq (side, 17);
      /* The disk stays 2 pixels inside the grid, so the 3x3 blur loses
       * nothing at the border and keeps the sum. */
      cr_assert_float_eq (kernel_sum (k, side), 1.0, 1e-5, "radius %g", radii[r]);
      for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
          {
            float v = k[y * side + x];
            cr_assert_float_eq (v, k[x * side + y], TOL);
            cr_assert_float_eq (v, k[(side - 1 - y) * side + x], TOL);
            cr_assert_float_eq (v, k[y * side + side - 1 - x], TOL);
          }
      g_free (k);
    }
  /* Radius 1: five pixels of 1/5 before the blur; the centre keeps
   * 1/5 * (t1^2 + 4 t0 t1) -- itself plus its four neighbours' share. */
  int side;
  float *k = interp_disk_kernel (1, 0.5, &side);
  double e = exp (-2.0), t0 = e / (1 + 2 * e), t1 = 1 / (1 + 2 * e);
  cr_assert_float_eq (k[8 * 17 + 8], 0.2 * (t1 * t1 + 4 * t0 * t1), TOL);
  g_free (k);
  k = interp_disk_kernel (10, 0.5, &side);
  cr_assert_eq (side, 21, "2 * ceil(10) + 1 beyond radius 8");
  g_free (k);
}

static double
motion_weight (int i, double sigma, int radius)
{
  double s = 0;
  for (int j = 0; j <= 2 * radius; j++)
    s += exp (-(double) j * j / (2 * sigma * sigma));
  return exp (-(double) i * i / (2 * sigma * sigma)) / s;
}

Test (kernels, motion_kernel_lies_along_its_angle)
{
  /* radius 2: taps i = 0..4 one-sided, side 4 * 2 + 1 = 9, centre 4. */
  int side;
  float *k = interp_motion_kernel (2, 1.0, 0.0, &side);
  cr_assert_eq (side, 9);
  cr_assert_float_eq (kernel_sum (k, side), 1.0, TOL);
  for (int y = 0; y < 9; y++)
    for (int x = 0; x < 9; x++)
      {
        double want = (y == 4 && x >= 4) ? motion_weight (x - 4, 1.0, 2) : 0.0;
        cr_assert_float_eq (k[y * 9 + x], want, TOL, "angle 0 (%d, %d)", y, x);
      }
  g_free (k);
  /* 90 degrees: straight down the column (y grows downwards). */
  k = interp_motion_kernel (2, 1.0, 90.0, &side);
  for (int y = 0; y < 9; y++)
    for (int x = 0; x < 9; x++)
      {
        double want = (x == 4 && y >= 4) ? motion_weight (y - 4, 1.0, 2) : 0.0;
        cr_assert_float_eq (k[y * 9 + x], want, TOL, "angle 90 (%d, %d)", y, x);
      }
  g_free (k);
  /* 45 degrees: offsets ceil(i * 0.7071 - 0.5) = 0, 1, 1, 2, 3 on the
   * diagonal; taps 1 and 2 share the pixel (5, 5). */
  k = interp_motion_kernel (2, 1.5, 45.0, &side);
  cr_assert_float_eq (kernel_sum (k, side), 1.0, TOL);
  for (int y = 0; y < 9; y++)
    for (int x = 0; x < 9; x++)
      if (y != x)
        cr_assert_eq (k[y * 9 + x], 0.0f, "off the diagonal at (%d, %d)", y, x);
  cr_assert_float_eq (k[5 * 9 + 5], motion_weight (1, 1.5, 2) + motion_weight (2, 1.5, 2), TOL);
  cr_assert_float_eq (k[7 * 9 + 7], motion_weight (4, 1.5, 2), TOL);
  cr_assert_eq (k[8 * 9 + 8], 0.0f);
  g_free (k);
  /* 180 degrees: to the left. */
  k = interp_motion_kernel (3, 2.0, 180.0, &side);
  cr_assert_eq (side, 13);
  cr_assert_float_eq (k[6 * 13 + 0], motion_weight (6, 2.0, 3), TOL);
  cr_assert_eq (k[6 * 13 + 7], 0.0f);
  g_free (k);
}

Test (plasma, range_and_determinism)
{
  float a[32 * 32], b[32 * 32], c[32 * 32];
  InterpRng r1, r2, r3;
  interp_rng_seed (&r1, 11);
  interp_rng_seed (&r2, 11);
  interp_rng_seed (&r3, 12);
  interp_plasma_fractal (32, 3.0, &r1, a);
  interp_plasma_fractal (32, 3.0, &r2, b);
  interp_plasma_fractal (32, 3.0, &r3, c);
  float lo = 1, hi = 0;
  gboolean differs = FALSE;
  for (int i = 0; i < 32 * 32; i++)
    {
      cr_assert (a[i] >= 0.0f && a[i] <= 1.0f);
      cr_assert_eq (a[i], b[i], "same seed, same map");
      lo = MIN (lo, a[i]);
      hi = MAX (hi, a[i]);
      differs |= a[i] != c[i];
    }
  cr_assert (lo == 0.0f && hi == 1.0f, "normalised to exactly [0, 1]: %g %g", lo, hi);
  cr_assert (differs, "another seed, another map");
}

Test (plasma, two_by_two_by_hand)
{
  /* mapsize 2, one level (step 2, wibble 100), corner (0, 0) = 0 and the
   * rolls wrapping every neighbour onto the same four points:
   *   centre (1, 1) = 4 * 0 / 4 + 100 * U(-100, 100) = c
   *   (0, 1) = (c + c + 0 + 0) / 4 + noise,  (1, 0) likewise;
   * then min -> 0, max -> 1. */
  InterpRng rng, copy;
  interp_rng_seed (&rng, 5);
  copy = rng;
  double u[3];
  for (int i = 0; i < 3; i++)
    u[i] = 100.0 * (-100.0 + 200.0 * interp_rng_uniform (&copy));
  double m[4];
  m[0] = 0;
  m[3] = u[0];
  m[1] = m[3] / 2 + u[1];
  m[2] = m[3] / 2 + u[2];
  double lo = MIN (MIN (m[0], m[1]), MIN (m[2], m[3]));
  double hi = MAX (MAX (m[0], m[1]), MAX (m[2], m[3]));
  float out[4];
  interp_plasma_fractal (2, 3.0, &rng, out);
  for (int i = 0; i < 4; i++)
    cr_assert_float_eq (out[i], (m[i] - lo) / (hi - lo), TOL, "entry %d", i);
}
