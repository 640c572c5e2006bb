/* Gaussian taps, radius and blur (scipy.ndimage conventions) and 2-D
 * correlation (cv2.filter2D), on images small enough to work by hand. */
#include "config.h"

#include "image-test.h"

/* Float taps and one or two float products: 1e-6 is some ten float ulps
 * at the magnitudes below (<= 1). */
#define TOL 1e-6

Test (filters, gaussian_radius_is_scipys)
{
  /* int(truncate * sigma + 0.5) */
  cr_assert_eq (interp_gaussian_radius (1.0, 4.0), 4);
  cr_assert_eq (interp_gaussian_radius (0.4, 4.0), 2);     /* 2.1 */
  cr_assert_eq (interp_gaussian_radius (0.7, 3.0), 2);     /* 2.6 */
  cr_assert_eq (interp_gaussian_radius (0.125, 4.0), 1);   /* 1.0 */
  cr_assert_eq (interp_gaussian_radius (0.1, 4.0), 0);     /* 0.9 */
}

Test (filters, gaussian_taps_by_hand)
{
  /* sigma 1, radius 1: (e^-1/2, 1, e^-1/2) / (1 + 2 e^-1/2). */
  float t[3];
  interp_gaussian_taps (1.0, 1, t);
  double e = exp (-0.5), s = 1.0 + 2.0 * e;
  cr_assert_float_eq (t[0], e / s, TOL);
  cr_assert_float_eq (t[1], 1.0 / s, TOL);
  cr_assert_float_eq (t[2], e / s, TOL);
  cr_assert_float_eq (t[1], 0.45186276, 1e-7);   /* 1 / 2.2130613 */
  float u[9], sum = 0;
  interp_gaussian_taps (2.0, 4, u);
  for (int i = 0; i < 9; i++)
    sum += u[i];
  cr_assert_float_eq (sum, 1.0, TOL);
  cr_assert_float_eq (u[0], u[8], 0.0);
  cr_assert_float_eq (u[3] / u[4], exp (-1.0 / 8.0), TOL);   /* x = 1, sigma 2 */
}

Test (filters, blur_of_a_delta_is_the_kernel)
{
  /* 5x5 delta at the centre, sigma 1, truncate 1 -> radius int(1.5) = 1:
   * the 3x3 outer product of the taps around the centre, 0 elsewhere. */
  InterpImage *img = interp_image_new (1, 5, 5), *out = interp_image_new (1, 5, 5);
  img->data[12] = 1.0f;
  interp_image_gaussian_blur (img, 1.0, 1.0, INTERP_BORDER_REFLECT_101, out);
  double e = exp (-0.5), s = 1.0 + 2.0 * e, t[3] = { e / s, 1 / s, e / s };
  for (int y = 0; y < 5; y++)
    for (int x = 0; x < 5; x++)
      {
        double want = (abs (y - 2) <= 1 && abs (x - 2) <= 1) ? t[y - 1] * t[x - 1] : 0.0;
        cr_assert_float_eq (at (out, 0, y, x), want, TOL, "(%d, %d)", y, x);
      }
  interp_image_free (img);
  interp_image_free (out);
}

Test (filters, blur_border_modes_at_the_edge)
{
  /* One row [1 0 0 0], radius 1: the y pass of a single row returns it
   * (all taps read row 0); at x = 0 the x pass reads v(-1), which is
   * v(1) = 0 (reflect-101), v(0) = 1 (reflect, nearest) or 0 (constant). */
  const float v[] = { 1, 0, 0, 0 };
  InterpImage *img = image_from (1, 1, 4, v), *out = interp_image_new (1, 1, 4);
  double e = exp (-0.5), s = 1.0 + 2.0 * e, t0 = e / s, t1 = 1 / s;
  const struct { InterpBorder b; double x0; } cases[] = {
    { INTERP_BORDER_REFLECT_101, t1 }, { INTERP_BORDER_REFLECT, t0 + t1 },
    { INTERP_BORDER_NEAREST, t0 + t1 }, { INTERP_BORDER_CONSTANT, t1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      interp_image_gaussian_blur (img, 1.0, 1.0, cases[i].b, out);
      /* With one row, constant reads rows -1 and 1 as 0: only t1 of it stays. */
      double row = cases[i].b == INTERP_BORDER_CONSTANT ? t1 : 1.0;
      cr_assert_float_eq (at (out, 0, 0, 0), row * cases[i].x0, TOL, "border %d", cases[i].b);
      cr_assert_float_eq (at (out, 0, 0, 1), row * t0, TOL, "border %d", cases[i].b);
      cr_assert_float_eq (at (out, 0, 0, 2), 0.0, TOL);
    }
  interp_image_free (img);
  interp_image_free (out);
}

Test (filters, blur_sigma_zero_copies_and_channels_are_separate)
{
  const float v[] = { 0.1f, 0.2f, 0.3f, 0.4f, 1, 0, 0, 0 };
  InterpImage *img = image_from (2, 2, 2, v), *out = interp_image_new (2, 2, 2);
  interp_image_gaussian_blur (img, 0.0, 4.0, INTERP_BORDER_NEAREST, out);
  assert_image_near (out, v, 0.0);
  /* Normalised taps keep a constant channel constant when the border
   * repeats it (nearest); each channel is blurred on its own. */
  const float w[] = { 0.5f, 0.5f, 0.5f, 0.5f, 0, 0, 0, 0 };
  InterpImage *flat = image_from (2, 2, 2, w);
  interp_image_gaussian_blur (flat, 0.8, 4.0, INTERP_BORDER_NEAREST, out);
  assert_image_near (out, w, TOL);
  interp_image_free (img);
  interp_image_free (flat);
  interp_image_free (out);
}

Test (filters, filter2d_is_a_correlation)
{
  /* A kernel with its only 1 at the top-left tap reads src(y - 1, x - 1):
   * a delta at (2, 2) moves to (3, 3); a convolution would move it to (1, 1). */
  float k[9] = { 1, 0, 0, 0, 0, 0, 0, 0, 0 };
  InterpImage *img = interp_image_new (1, 5, 5), *out = interp_image_new (1, 5, 5);
  img->data[2 * 5 + 2] = 1.0f;
  interp_image_filter2d (img, k, 3, 3, INTERP_BORDER_CONSTANT, out);
  for (int i = 0; i < 25; i++)
    cr_assert_eq (out->data[i], i == 3 * 5 + 3 ? 1.0f : 0.0f, "pixel %d", i);
  interp_image_free (img);
  interp_image_free (out);
}

Test (filters, filter2d_border_and_rectangular_kernel)
{
  /* 1x3 kernel (1 0 0) reads src(y, x - 1); at x = 0 reflect-101 reads x = 1. */
  const float v[] = { 1, 2, 3, 4 };
  float k[3] = { 1, 0, 0 };
  InterpImage *img = image_from (1, 1, 4, v), *out = interp_image_new (1, 1, 4);
  interp_image_filter2d (img, k, 1, 3, INTERP_BORDER_REFLECT_101, out);
  const float want[] = { 2, 1, 2, 3 };
  assert_image_near (out, want, 0.0);
  interp_image_filter2d (img, k, 1, 3, INTERP_BORDER_NEAREST, out);
  const float want_n[] = { 1, 1, 2, 3 };
  assert_image_near (out, want_n, 0.0);
  /* A box 3x1 (vertical) on a 3x1 column, constant border: sums of neighbours. */
  const float col[] = { 1, 2, 4 };
  float box[3] = { 1, 1, 1 };
  InterpImage *c = image_from (1, 3, 1, col), *co = interp_image_new (1, 3, 1);
  interp_image_filter2d (c, box, 3, 1, INTERP_BORDER_CONSTANT, co);
  const float want_c[] = { 3, 7, 6 };
  assert_image_near (co, want_c, 0.0);
  interp_image_free (img);
  interp_image_free (out);
  interp_image_free (c);
  interp_image_free (co);
}
