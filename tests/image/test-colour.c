/* RGB <-> HSV (skimage.color) and float <-> 8-bit pixels. */
#include "config.h"

#include "image-test.h"

#include <interp/rng.h>

/* Values of a few divisions and products of numbers <= 1, stored as float:
 * a few float ulps (6e-8 each). */
#define TOL 1e-6

Test (colour, hsv_of_known_colours)
{
  /* (r, g, b) -> (h, s, v), by skimage's rules:
   *  red (1,0,0) -> (0,1,1); grey .5 -> (0,0,.5) (delta 0: h = s = 0);
   *  green -> h 2/6; blue -> h 4/6; black -> (0,0,0);
   *  (.2,.4,.6): v .6, delta .4, s 2/3, blue max: (4 + (.2-.4)/.4) / 6 = 3.5/6;
   *  (1,0,.5): red max, (0 - .5) / 1 = -.5, / 6 -> -1/12, mod 1 -> 11/12. */
  const double rgb[7][3] = { { 1, 0, 0 }, { .5, .5, .5 }, { 0, 1, 0 }, { 0, 0, 1 },
                             { 0, 0, 0 }, { .2, .4, .6 }, { 1, 0, .5 } };
  const double hsv[7][3] = { { 0, 1, 1 }, { 0, 0, .5 }, { 2.0 / 6, 1, 1 }, { 4.0 / 6, 1, 1 },
                             { 0, 0, 0 }, { 3.5 / 6, 2.0 / 3, .6 }, { 11.0 / 12, 1, 1 } };
  InterpImage *img = interp_image_new (3, 1, 7), *out = interp_image_new (3, 1, 7);
  for (int i = 0; i < 7; i++)
    for (int c = 0; c < 3; c++)
      img->data[c * 7 + i] = (float) rgb[i][c];
  interp_image_rgb_to_hsv (img, out);
  for (int i = 0; i < 7; i++)
    for (int c = 0; c < 3; c++)
      cr_assert_float_eq (at (out, c, 0, i), hsv[i][c], TOL, "colour %d channel %d", i, c);
  /* and back */
  InterpImage *back = interp_image_new (3, 1, 7);
  interp_image_hsv_to_rgb (out, back);
  for (int i = 0; i < 7; i++)
    for (int c = 0; c < 3; c++)
      cr_assert_float_eq (at (back, c, 0, i), rgb[i][c], TOL, "colour %d channel %d", i, c);
  interp_image_free (img);
  interp_image_free (out);
  interp_image_free (back);
}

Test (colour, hsv_to_rgb_by_sector)
{
  /* h = 0.5 (sector 3, f = 0), s = .5, v = .8: p = .4, q = .8, so (p, q, v) = (.4, .8, .8);
   * h = 1 wraps to sector 0 (numpy's % 6), f = 0: (v, t, p) = (.8, .4, .4). */
  const float v[] = { 0.5f, 1.0f, 0.5f, 0.5f, 0.8f, 0.8f };
  InterpImage *img = image_from (3, 1, 2, v), *out = interp_image_new (3, 1, 2);
  interp_image_hsv_to_rgb (img, out);
  const float want[] = { 0.4f, 0.8f, 0.8f, 0.4f, 0.8f, 0.4f };
  assert_image_near (out, want, TOL);
  interp_image_free (img);
  interp_image_free (out);
}

Test (colour, hsv_round_trip_in_place)
{
  InterpRng rng;
  interp_rng_seed (&rng, 7);
  InterpImage *img = interp_image_new (3, 8, 8), *copy = interp_image_new (3, 8, 8);
  for (size_t i = 0; i < interp_image_numel (img); i++)
    img->data[i] = (float) interp_rng_uniform (&rng);
  interp_image_copy (img, copy);
  interp_image_rgb_to_hsv (img, img);   /* the header allows src == dst */
  for (size_t i = 0; i < interp_image_numel (img); i++)
    cr_assert (img->data[i] >= 0.0f && img->data[i] <= 1.0f);
  interp_image_hsv_to_rgb (img, img);
  /* Each step rounds to float a quotient and a product of values <= 1. */
  assert_image_near (img, copy->data, 1e-5);
  interp_image_free (img);
  interp_image_free (copy);
}

Test (colour, pixels_round_and_truncate)
{
  const float v[] = { 0.5f, 1.0f, -1.0f, 2.0f / 255, 0.999f / 255, 1.5f };
  InterpImage *img = image_from (1, 1, 6, v);
  InterpPixels px = { 0 };
  interp_image_to_pixels (img, FALSE, &px);
  cr_assert (px.channels == 1 && px.width == 6 && px.height == 1);
  const uint8_t rounded[] = { 128, 255, 0, 2, 1, 255 };   /* 127.5 + .5 -> 128 */
  cr_assert_arr_eq (px.pixels, rounded, 6);
  interp_pixels_clear (&px);
  interp_image_to_pixels (img, TRUE, &px);
  const uint8_t truncated[] = { 127, 255, 0, 2, 0, 255 };
  cr_assert_arr_eq (px.pixels, truncated, 6);
  interp_pixels_clear (&px);
  cr_assert_null (px.pixels);
  interp_image_free (img);
}

Test (colour, pixels_interleave_and_back)
{
  /* 3 channels, 1x2: planar (r0 r1 g0 g1 b0 b1) <-> interleaved (r0 g0 b0 r1 g1 b1). */
  const float v[] = { 0, 1, 51.0f / 255, 102.0f / 255, 1, 0 };
  InterpImage *img = image_from (3, 1, 2, v);
  InterpPixels px = { 0 };
  interp_image_to_pixels (img, FALSE, &px);
  const uint8_t want[] = { 0, 51, 255, 255, 102, 0 };
  cr_assert_arr_eq (px.pixels, want, 6);
  InterpImage *back = interp_image_new (3, 1, 2);
  interp_image_from_pixels (&px, back);
  assert_image_near (back, v, TOL);
  uint8_t chw[6];
  interp_pixels_to_chw_u8 (&px, 1, 2, chw);
  const uint8_t planar[] = { 0, 255, 51, 102, 255, 0 };
  cr_assert_arr_eq (chw, planar, 6);
  interp_pixels_clear (&px);
  interp_image_free (img);
  interp_image_free (back);
}

Test (colour, pixels_to_chw_resizes_bilinearly)
{
  /* 1x2 grey (0, 200) -> 1x4: source x = -0.25 (0), 0.25, 0.75, 1.25 (1):
   * 0, 50, 150, 200 (exact, no rounding needed). */
  uint8_t raw[] = { 0, 200 };
  InterpPixels px = { .width = 2, .height = 1, .channels = 1, .pixels = raw };
  uint8_t out[4];
  interp_pixels_to_chw_u8 (&px, 1, 4, out);
  const uint8_t want[] = { 0, 50, 150, 200 };
  cr_assert_arr_eq (out, want, 4);
}
