/* Resizing, sampling, remapping and affine warps against hand-computed
 * values. */
#include "config.h"

#include "image-test.h"

/* Bilinear weights are dyadic or simple fractions of small integers here:
 * float evaluation is exact to a few ulps of values <= 16. */
#define TOL 1e-5

Test (geometry, bilinear_resize_2x2_to_4x4)
{
  /* v(y, x) = 2y + x is linear, so bilinear interpolation reproduces it at
   * the clamped source coordinates (d + 0.5) / 2 - 0.5:
   * d = 0..3 -> -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1). */
  const float v[] = { 0, 1, 2, 3 };
  const double p[4] = { 0, 0.25, 0.75, 1 };
  InterpImage *img = image_from (1, 2, 2, v), *out = interp_image_new (1, 4, 4);
  interp_image_resize (img, INTERP_RESIZE_BILINEAR, out);
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 4; x++)
      cr_assert_float_eq (at (out, 0, y, x), 2 * p[y] + p[x], TOL, "(%d, %d)", y, x);
  cr_assert_float_eq (at (out, 0, 1, 2), 1.25, TOL);
  interp_image_free (img);
  interp_image_free (out);
}

Test (geometry, bilinear_downscale_averages_neighbours)
{
  /* 4 -> 2: source coordinates (d + 0.5) * 2 - 0.5 = 0.5, 2.5. */
  const float v[] = { 0, 2, 4, 8 };
  InterpImage *img = image_from (1, 1, 4, v), *out = interp_image_new (1, 1, 2);
  interp_image_resize (img, INTERP_RESIZE_BILINEAR, out);
  const float want[] = { 1, 6 };
  assert_image_near (out, want, TOL);
  interp_image_free (img);
  interp_image_free (out);
}

Test (geometry, area_resize_4x4_to_2x2_is_block_means)
{
  float v[16];
  for (int i = 0; i < 16; i++)
    v[i] = (float) i;
  InterpImage *img = image_from (1, 4, 4, v), *out = interp_image_new (1, 2, 2);
  interp_image_resize (img, INTERP_RESIZE_AREA, out);
  /* (0 + 1 + 4 + 5) / 4, (2 + 3 + 6 + 7) / 4, ... */
  const float want[] = { 2.5f, 4.5f, 10.5f, 12.5f };
  assert_image_near (out, want, TOL);
  interp_image_free (img);
  interp_image_free (out);
}

Test (geometry, area_resize_non_integer_follows_pil_box)
{
  /* PIL BOX, 3 -> 2: scale 1.5; output 0 covers (0, 1.5], holding the
   * centres 0.5 and 1.5; output 1 covers (1.5, 3], holding 2.5. */
  const float v[] = { 0, 1, 4 };
  InterpImage *img = image_from (1, 1, 3, v), *out = interp_image_new (1, 1, 2);
  interp_image_resize (img, INTERP_RESIZE_AREA, out);
  const float want[] = { 0.5f, 4 };
  assert_image_near (out, want, TOL);
  /* 2 -> 3: scale 2/3, intervals (d - 0.5, d + 0.5] * ... around centres
   * 1/3, 1, 5/3: each takes the one input centre (0.5 or 1.5) inside. */
  const float w[] = { 3, 7 };
  InterpImage *two = image_from (1, 1, 2, w), *three = interp_image_new (1, 1, 3);
  interp_image_resize (two, INTERP_RESIZE_AREA, three);
  const float want3[] = { 3, 7, 7 };
  assert_image_near (three, want3, 0.0);
  interp_image_free (img);
  interp_image_free (out);
  interp_image_free (two);
  interp_image_free (three);
}

Test (geometry, sample_inside_and_outside)
{
  const float v[] = { 0, 1, 2, 3 };
  InterpImage *img = image_from (1, 2, 2, v);
  cr_assert_float_eq (interp_image_sample (img, 0, 0.5, 0.5, INTERP_BORDER_CONSTANT, 0), 1.5, TOL);
  cr_assert_float_eq (interp_image_sample (img, 0, 1.0, 0.25, INTERP_BORDER_CONSTANT, 0), 2.25, TOL);
  /* Half a pixel above row 0: half cval, half v(0, 1) = 1. */
  cr_assert_float_eq (interp_image_sample (img, 0, -0.5, 1, INTERP_BORDER_CONSTANT, 0), 0.5, TOL);
  cr_assert_float_eq (interp_image_sample (img, 0, -0.5, 1, INTERP_BORDER_CONSTANT, 1), 1.0, TOL);
  /* Row -1 is row 1 under reflect-101, row 0 under reflect. */
  cr_assert_float_eq (interp_image_sample (img, 0, -1, 0, INTERP_BORDER_REFLECT_101, 0), 2, TOL);
  cr_assert_float_eq (interp_image_sample (img, 0, -1, 0, INTERP_BORDER_REFLECT, 0), 0, TOL);
  cr_assert_float_eq (interp_image_sample (img, 0, 5, 7, INTERP_BORDER_NEAREST, 0), 3, TOL);
  cr_assert_float_eq (interp_image_sample (img, 0, 1e300, 0, INTERP_BORDER_CONSTANT, 9), 9, TOL);
  interp_image_free (img);
}

Test (geometry, remap_with_shifted_maps)
{
  /* map_x = x + 0.5 on a 1x3 row: (v0 + v1) / 2, (v1 + v2) / 2, then
   * v2 and v3 = v1 (reflect-101) averaged. */
  const float v[] = { 0, 2, 6 };
  const float my[] = { 0, 0, 0 }, mx[] = { 0.5f, 1.5f, 2.5f };
  InterpImage *img = image_from (1, 1, 3, v), *out = interp_image_new (1, 1, 3);
  interp_image_remap (img, my, mx, INTERP_BORDER_REFLECT_101, 0, out);
  const float want[] = { 1, 4, 4 };
  assert_image_near (out, want, TOL);
  interp_image_free (img);
  interp_image_free (out);
}

Test (geometry, warp_identity_and_one_pixel_translation)
{
  float v[12];
  for (int i = 0; i < 12; i++)
    v[i] = (float) (i + 1);
  InterpImage *img = image_from (1, 3, 4, v), *out = interp_image_new (1, 3, 4);
  const double id[6] = { 1, 0, 0, 0, 1, 0 };
  cr_assert (interp_image_warp_affine (img, id, INTERP_BORDER_CONSTANT, 0, out));
  assert_image_near (out, v, 0.0);
  /* m moves source x to x + 1: dst(y, x) = src(y, x - 1), column 0 = cval. */
  const double tx[6] = { 1, 0, 1, 0, 1, 0 };
  cr_assert (interp_image_warp_affine (img, tx, INTERP_BORDER_CONSTANT, -1, out));
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 4; x++)
      cr_assert_float_eq (at (out, 0, y, x), x == 0 ? -1.0 : v[y * 4 + x - 1], TOL);
  const double singular[6] = { 1, 2, 0, 2, 4, 0 };
  out->data[0] = 42;
  cr_assert_not (interp_image_warp_affine (img, singular, INTERP_BORDER_CONSTANT, 0, out));
  cr_assert_eq (out->data[0], 42, "dst untouched when m is singular");
  interp_image_free (img);
  interp_image_free (out);
}

Test (geometry, affine_from_points_recovers_a_known_map)
{
  /* m = (2 1 3; -1 0.5 4) applied to three points by hand. */
  const double m_true[6] = { 2, 1, 3, -1, 0.5, 4 };
  const double src[6] = { 0, 0, 1, 0, 0, 1 };
  const double dst[6] = { 3, 4, 5, 3, 4, 4.5 };
  double m[6];
  cr_assert (interp_affine_from_points (src, dst, m));
  for (int i = 0; i < 6; i++)
    cr_assert_float_eq (m[i], m_true[i], 1e-12, "m[%d] = %g", i, m[i]);
  /* Points not at the origin: (2, 3) (5, -1) (-4, 7) under the same map. */
  const double s2[6] = { 2, 3, 5, -1, -4, 7 };
  double d2[6];
  for (int k = 0; k < 3; k++)
    {
      d2[2 * k] = 2 * s2[2 * k] + s2[2 * k + 1] + 3;
      d2[2 * k + 1] = -s2[2 * k] + 0.5 * s2[2 * k + 1] + 4;
    }
  cr_assert (interp_affine_from_points (s2, d2, m));
  for (int i = 0; i < 6; i++)
    cr_assert_float_eq (m[i], m_true[i], 1e-12, "m[%d] = %g", i, m[i]);
  const double line[6] = { 0, 0, 1, 1, 2, 2 };
  cr_assert_not (interp_affine_from_points (line, dst, m), "collinear source points");
}

Test (geometry, affine_about_centre)
{
  double m[6];
  interp_affine_about_centre (3, 3, 0, 1, 0, 0, 0, m);
  const double id[6] = { 1, 0, 0, 0, 1, 0 };
  for (int i = 0; i < 6; i++)
    cr_assert_float_eq (m[i], id[i], 1e-12);
  /* A quarter turn counter-clockwise as displayed about (1, 1): the pixel
   * right of the centre, (2, 1), goes to the one above it, (1, 0). */
  interp_affine_about_centre (3, 3, G_PI / 2, 1, 0, 0, 0, m);
  cr_assert_float_eq (m[0] * 2 + m[1] * 1 + m[2], 1, 1e-12);
  cr_assert_float_eq (m[3] * 2 + m[4] * 1 + m[5], 0, 1e-12);
  /* Scale 2 about the centre (13.5, 13.5) of 28 pixels, then t = (1, -2). */
  interp_affine_about_centre (28, 28, 0, 2, 0, 1, -2, m);
  cr_assert_float_eq (m[0] * 13.5 + m[2], 14.5, 1e-12);
  cr_assert_float_eq (m[4] * 13.5 + m[5], 11.5, 1e-12);
  cr_assert_float_eq (m[0] * 14.5 + m[2], 16.5, 1e-12);
  /* Shear 0.5: x += 0.5 (y - 13.5) about the centre; y unchanged. */
  interp_affine_about_centre (28, 28, 0, 1, 0.5, 0, 0, m);
  cr_assert_float_eq (m[0] * 13.5 + m[1] * 15.5 + m[2], 14.5, 1e-12);
  cr_assert_float_eq (m[3] * 13.5 + m[4] * 15.5 + m[5], 15.5, 1e-12);
}
