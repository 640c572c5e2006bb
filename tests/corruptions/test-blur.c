/* The blur corruptions: gaussian-, glass-, defocus-, motion- and zoom-blur.
 * Hand-computed values are for 32x32 severity 1 unless said otherwise. */
#include "config.h"

#include <stdlib.h>

#include "corruption-test.h"

extern const InterpComponent interp_corruption_gaussian_blur;
extern const InterpComponent interp_corruption_glass_blur;
extern const InterpComponent interp_corruption_defocus_blur;
extern const InterpComponent interp_corruption_motion_blur;
extern const InterpComponent interp_corruption_zoom_blur;

static const InterpComponent *const blurs[] = {
  &interp_corruption_gaussian_blur, &interp_corruption_glass_blur,
  &interp_corruption_defocus_blur, &interp_corruption_motion_blur,
  &interp_corruption_zoom_blur,
};

/* Float results computed in float32 from double constants: 1e-5 is ~100
 * float ulps at 1, far below any of the differences the checks tell apart
 * (the smallest is a 1.6e-3 corner weight). */
#define FLOAT_TOL 1e-5

Test (blur, stronger_with_severity)
{
  for (size_t i = 0; i < G_N_ELEMENTS (blurs); i++)
    {
      if (blurs[i] == &interp_corruption_glass_blur || blurs[i] == &interp_corruption_motion_blur)
        continue;   /* their own tests below */
      ct_assert_monotone (blurs[i], 3, 32);
      ct_assert_monotone (blurs[i], 1, 28);
    }
}

/* Glass blur's (sigma, delta, iterations) are ordered by the pixel moves
 * first: 1-3 move once with sigma 0.05, 0.25, 0.4, 4-5 move twice.  Within
 * one iteration count a larger sigma also blurs the moved pixels back
 * towards their neighbours, so the difference from the clean image need
 * not grow with sigma (measured on these images: 11.59, 11.66, 11.44
 * levels for 32x32 severities 1-3).  What holds: every two-move severity
 * changes the image more than every one-move severity. */
Test (blur, glass_stronger_with_more_moves)
{
  const int64_t shapes[2][2] = { { 1, 28 }, { 3, 32 } };
  for (int k = 0; k < 2; k++)
    {
      double mad[5];
      ct_severity_profile (&interp_corruption_glass_blur, shapes[k][0], shapes[k][1], mad);
      for (int once = 1; once <= 3; once++)
        for (int twice = 4; twice <= 5; twice++)
          ct_assert_not_milder (&interp_corruption_glass_blur, mad, once, twice,
                                shapes[k][0] == 1 ? "1x28x28" : "3x32x32");
    }
}

/* Motion blur's taps are weighted exp(-i^2 / (2 sigma^2)) for i up to
 * 2 radius, so with sigma 2 (32x32 severities 3 and 4, radius 6 and 8; the
 * 28x28 row keeps the pair: 1.75 with radius 5 and 7) the taps the larger
 * radius adds weigh below exp(-169 / 8) ~ 7e-10: the two severities give
 * the same images up to float rounding.  So 1 < 2 < 3 ~ 4 < 5, with 3 ~ 4
 * allowed to differ by 1e-6 (a one-level flip of one element moves the
 * mean over 16 x 3072 elements by 8e-8). */
Test (blur, motion_stronger_with_severity)
{
  const int64_t shapes[2][2] = { { 1, 28 }, { 3, 32 } };
  for (int k = 0; k < 2; k++)
    {
      const char *shape = shapes[k][0] == 1 ? "1x28x28" : "3x32x32";
      double mad[5];
      ct_severity_profile (&interp_corruption_motion_blur, shapes[k][0], shapes[k][1], mad);
      ct_assert_not_milder (&interp_corruption_motion_blur, mad, 1, 2, shape);
      ct_assert_not_milder (&interp_corruption_motion_blur, mad, 2, 3, shape);
      ct_assert_not_milder (&interp_corruption_motion_blur, mad, 4, 5, shape);
      cr_assert_float_eq (mad[2], mad[3], 1e-6, "%s: severities 3 and 4 differ", shape);
      cr_assert_gt (mad[4], mad[3] + 1e-3 / 255, "%s: severity 5 adds nothing", shape);
    }
}

Test (blur, shapes_range_and_refusals)
{
  for (size_t i = 0; i < G_N_ELEMENTS (blurs); i++)
    {
      ct_assert_shapes (blurs[i]);
      ct_assert_refuses_level (blurs[i]);
    }
}

Test (blur, deterministic_per_stream)
{
  for (size_t i = 0; i < G_N_ELEMENTS (blurs); i++)
    {
      /* glass-blur draws the pixel moves, motion-blur the angle. */
      gboolean random = blurs[i] == &interp_corruption_glass_blur
                        || blurs[i] == &interp_corruption_motion_blur;
      ct_assert_deterministic (blurs[i], random);
    }
}

/* Every kernel sums to 1 and every pixel move keeps a constant image, so a
 * constant image comes back at exactly its 8-bit level. */
Test (blur, constant_image_unchanged)
{
  const int64_t shapes[2][2] = { { 1, 28 }, { 3, 32 } };
  for (size_t i = 0; i < G_N_ELEMENTS (blurs); i++)
    for (int k = 0; k < 2; k++)
      {
        gpointer self = ct_create (blurs[i], NULL);
        InterpTensor *x = ct_constant_image (shapes[k][0], shapes[k][1], 100);
        InterpTensor *out = interp_tensor_new_4d (1, 1, 1, 1);
        for (int s = 1; s <= 5; s++)
          {
            ct_apply (blurs[i], self, x, s, 5, out);
            for (size_t e = 0; e < out->numel; e++)
              cr_assert_eq (out->data[e], x->data[e], "%s severity %d: %g at %zu",
                            blurs[i]->name, s, out->data[e], e);
          }
        interp_tensor_free (out);
        interp_tensor_free (x);
        ct_vtable (blurs[i])->destroy (self);
      }
}

/* A single white pixel at (16, 16) on black, unquantised output. */
static InterpTensor *
impulse_response (const InterpComponent *comp, int severity)
{
  gpointer self = ct_create_unquantized (comp);
  InterpTensor *x = ct_constant_image (3, 32, 0), *out = interp_tensor_new_4d (1, 3, 32, 32);
  for (int c = 0; c < 3; c++)
    x->data[(c * 32 + 16) * 32 + 16] = 1.0f;
  ct_apply (comp, self, x, severity, 0, out);
  interp_tensor_free (x);
  ct_vtable (comp)->destroy (self);
  return out;
}

static float
at (const InterpTensor *t, int c, int i, int j)
{
  return t->data[(c * 32 + i) * 32 + j];
}

/* sigma 0.4, truncate 4: radius int(1.6 + 0.5) = 2 and taps
 * exp(-x^2 / 0.32) / sum = 3.4256e-6, 0.0403876, 0.9192179, ... */
Test (blur, gaussian_impulse_response)
{
  InterpTensor *out = impulse_response (&interp_corruption_gaussian_blur, 1);
  const double t0 = 0.9192179157, t1 = 0.0403876165, t2 = 3.4256064e-6;
  for (int c = 0; c < 3; c++)
    {
      cr_assert_float_eq (at (out, c, 16, 16), t0 * t0, FLOAT_TOL);
      cr_assert_float_eq (at (out, c, 15, 16), t0 * t1, FLOAT_TOL);
      cr_assert_float_eq (at (out, c, 16, 17), t0 * t1, FLOAT_TOL);
      cr_assert_float_eq (at (out, c, 17, 17), t1 * t1, FLOAT_TOL);
      cr_assert_float_eq (at (out, c, 18, 16), t0 * t2, 1e-7);
      cr_assert_eq (at (out, c, 19, 16), 0.0f, "radius 2: nothing 3 pixels away");
    }
  interp_tensor_free (out);
}

/* Radius 0.3: the disk is the centre pixel alone, so the kernel is the
 * 3x3 Gaussian of sigma 0.4 (cv2.getGaussianKernel (3, 0.4) = exp(-x^2 /
 * 0.32) normalised: 0.0403879, 0.9192242, 0.0403879). */
Test (blur, defocus_impulse_response)
{
  InterpTensor *out = impulse_response (&interp_corruption_defocus_blur, 1);
  const double t0 = 0.9192242135, t1 = 0.0403878933;
  for (int c = 0; c < 3; c++)
    {
      cr_assert_float_eq (at (out, c, 16, 16), t0 * t0, FLOAT_TOL);
      cr_assert_float_eq (at (out, c, 16, 15), t0 * t1, FLOAT_TOL);
      cr_assert_float_eq (at (out, c, 15, 15), t1 * t1, FLOAT_TOL);
      cr_assert_float_eq (at (out, c, 16, 18), 0.0, FLOAT_TOL);
    }
  interp_tensor_free (out);
}

/* The horizontal ramp f(j) = 0.1 + 0.8 j / 31 (every row, every channel).
 * Severity 1 at 32x32 averages x with 7 zooms (numpy.arange (1, 1.06, 0.01)
 * has 7 values, 1.00 .. 1.06).  By hand, (ch, m) = (ceil (32 / z),
 * round (ch z)): (32, 32) (32, 32) (32, 33) (32, 33) (31, 32) (31, 33)
 * (31, 33), with top = trim = 0 in every case; bilinear zooming of a ramp
 * is exact, so column j reads f at j (ch - 1) / (m - 1): scales 1, 1, 1,
 * 31/32, 31/32, 30/31, 30/32, 30/32 for x and the seven zooms. */
Test (blur, zoom_of_a_ramp)
{
  gpointer self = ct_create_unquantized (&interp_corruption_zoom_blur);
  InterpTensor *x = interp_tensor_new_4d (1, 3, 32, 32), *out = interp_tensor_new_4d (1, 3, 32, 32);
  for (size_t e = 0; e < x->numel; e++)
    x->data[e] = (float) (0.1 + 0.8 * (double) (e % 32) / 31.0);
  ct_apply (&interp_corruption_zoom_blur, self, x, 1, 0, out);
  const double scale = (3.0 + 2 * 31.0 / 32 + 30.0 / 31 + 2 * 30.0 / 32) / 8;
  for (size_t e = 0; e < out->numel; e++)
    {
      double j = (double) (e % 32);
      cr_assert_float_eq (out->data[e], 0.1 + 0.8 * j * scale / 31.0, FLOAT_TOL,
                          "column %g: %.7f", j, out->data[e]);
    }
  interp_tensor_free (out);
  interp_tensor_free (x);
  ct_vtable (&interp_corruption_zoom_blur)->destroy (self);
}

static int
compare_floats (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

/* Severity 1 blurs with sigma 0.05 (32) / 0.04 (28): radius int(4 sigma +
 * 0.5) = 0, so both blurs are the identity and only the pixel moves show.
 * Colour (the generator's copy): rows and columns 0 and 1 are never
 * written, and every other pixel is, whole, one of the clean pixels at
 * (h - a, w - b) with a, b in {0, 1}.  Grey (a true swap): the image is a
 * permutation of the clean one. */
Test (blur, glass_moves_pixels_as_the_generator)
{
  gpointer self = ct_create (&interp_corruption_glass_blur, NULL);
  InterpTensor *x = ct_natural_image (3, 32, 9), *out = interp_tensor_new_4d (1, 3, 32, 32);
  ct_apply (&interp_corruption_glass_blur, self, x, 1, 4, out);
  const size_t plane = 32 * 32;
  int moved = 0;
  for (int h = 0; h < 32; h++)
    for (int w = 0; w < 32; w++)
      {
        gboolean found = FALSE;
        for (int a = 0; a <= (h >= 2) && !found; a++)
          for (int b = 0; b <= (w >= 2) && !found; b++)
            {
              gboolean same = TRUE;
              for (size_t c = 0; c < 3; c++)
                same = same && out->data[c * plane + h * 32 + w]
                                 == x->data[c * plane + (h - a) * 32 + (w - b)];
              found = same;
              moved += same && (a || b);
            }
        cr_assert (found, "pixel (%d, %d) is none of the clean pixels it may come from", h, w);
      }
  /* 900 moves, each of which keeps the pixel with probability 1/4. */
  cr_assert_gt (moved, 500, "only %d pixels moved", moved);
  interp_tensor_free (out);
  interp_tensor_free (x);

  InterpTensor *g = ct_natural_image (1, 28, 9), *gout = interp_tensor_new_4d (1, 1, 28, 28);
  ct_apply (&interp_corruption_glass_blur, self, g, 1, 4, gout);
  cr_assert (memcmp (g->data, gout->data, g->numel * sizeof (float)) != 0, "nothing moved");
  qsort (g->data, g->numel, sizeof (float), compare_floats);
  qsort (gout->data, gout->numel, sizeof (float), compare_floats);
  cr_assert (memcmp (g->data, gout->data, g->numel * sizeof (float)) == 0,
             "the grey swaps are not a permutation");
  interp_tensor_free (gout);
  interp_tensor_free (g);
  ct_vtable (&interp_corruption_glass_blur)->destroy (self);
}
