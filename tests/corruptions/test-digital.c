/* The digital corruptions: brightness, contrast, saturate, jpeg-compression
 * and pixelate. */
#include "config.h"

#include <interp/image.h>

#include "corruption-test.h"

extern const InterpComponent interp_corruption_brightness;
extern const InterpComponent interp_corruption_contrast;
extern const InterpComponent interp_corruption_saturate;
extern const InterpComponent interp_corruption_jpeg_compression;
extern const InterpComponent interp_corruption_pixelate;

static const InterpComponent *const digitals[] = {
  &interp_corruption_brightness, &interp_corruption_contrast, &interp_corruption_saturate,
  &interp_corruption_jpeg_compression, &interp_corruption_pixelate,
};

/* Float results computed in float32 from double constants: 1e-5 is ~100
 * float ulps at 1, while every effect checked is at least a level
 * (1/255 = 3.9e-3). */
#define FLOAT_TOL 1e-5

Test (digital, stronger_with_severity)
{
  for (size_t i = 0; i < G_N_ELEMENTS (digitals); i++)
    {
      ct_assert_monotone (digitals[i], 1, 28);
      if (digitals[i] != &interp_corruption_saturate)
        ct_assert_monotone (digitals[i], 3, 32);
    }
}

/* Saturate's constants are not one ordering of strength: s x 0.3 and
 * s x 0.1 (severities 1, 2) desaturate, s x 1.5, 2 s + 0.1, 2.5 s + 0.2
 * (3 to 5) oversaturate, so only the order within each half is the
 * generator's.  (On grey, tested above, 1-3 change nothing and 4-5 tint.) */
Test (digital, saturate_stronger_within_each_direction)
{
  double mad[5];
  ct_severity_profile (&interp_corruption_saturate, 3, 32, mad);
  ct_assert_not_milder (&interp_corruption_saturate, mad, 1, 2, "3x32x32");
  ct_assert_not_milder (&interp_corruption_saturate, mad, 3, 4, "3x32x32");
  ct_assert_not_milder (&interp_corruption_saturate, mad, 4, 5, "3x32x32");
}

Test (digital, shapes_range_and_refusals)
{
  for (size_t i = 0; i < G_N_ELEMENTS (digitals); i++)
    {
      ct_assert_shapes (digitals[i]);
      ct_assert_refuses_level (digitals[i]);
    }
}

Test (digital, deterministic_and_draw_nothing)
{
  for (size_t i = 0; i < G_N_ELEMENTS (digitals); i++)
    ct_assert_deterministic (digitals[i], FALSE);
}

/* (x - m) c + m with c < 1 stays within [min x, max x], so nothing is
 * clipped and, unquantised, every channel keeps its mean; the mean of 1024
 * float32 values is exact to ~1e-7. */
Test (digital, contrast_keeps_the_channel_means)
{
  gpointer self = ct_create_unquantized (&interp_corruption_contrast);
  InterpTensor *x = ct_natural_image (3, 32, 2), *out = interp_tensor_new_4d (1, 3, 32, 32);
  for (int s = 1; s <= 5; s++)
    {
      ct_apply (&interp_corruption_contrast, self, x, s, 0, out);
      for (int c = 0; c < 3; c++)
        {
          double mx = 0, mo = 0, spread_x = 0, spread_o = 0;
          for (int e = 0; e < 1024; e++)
            {
              mx += x->data[c * 1024 + e] / 1024.0;
              mo += out->data[c * 1024 + e] / 1024.0;
            }
          for (int e = 0; e < 1024; e++)
            {
              spread_x += fabs (x->data[c * 1024 + e] - mx);
              spread_o += fabs (out->data[c * 1024 + e] - mo);
            }
          cr_assert_float_eq (mo, mx, 1e-6, "severity %d channel %d", s, c);
          cr_assert_lt (spread_o, spread_x, "severity %d: contrast not reduced", s);
        }
    }
  interp_tensor_free (out);
  interp_tensor_free (x);
  ct_vtable (&interp_corruption_contrast)->destroy (self);
}

/* Circular hue distance, hue in [0, 1). */
static double
hue_distance (double a, double b)
{
  double d = fabs (a - b);
  return fmin (d, 1.0 - d);
}

/* Brightness moves only v: hue and saturation stay.  Pixels with chroma
 * (max - min) >= 0.05 only: there hue = (difference of two channels) /
 * (6 chroma) has float error below 1e-7 / 0.05, so 1e-5 holds easily,
 * while grey pixels have no defined hue.  Unquantised, so the 8-bit
 * truncation does not move the hue. */
Test (digital, brightness_keeps_hue_and_saturation)
{
  gpointer self = ct_create_unquantized (&interp_corruption_brightness);
  InterpTensor *x = ct_natural_image (3, 32, 4), *out = interp_tensor_new_4d (1, 3, 32, 32);
  InterpImage *hx = interp_image_new (3, 32, 32), *ho = interp_image_new (3, 32, 32);
  int checked = 0;
  for (int s = 1; s <= 5; s++)
    {
      ct_apply (&interp_corruption_brightness, self, x, s, 0, out);
      InterpImage vx = interp_image_view (x, 0), vo = interp_image_view (out, 0);
      interp_image_rgb_to_hsv (&vx, hx);
      interp_image_rgb_to_hsv (&vo, ho);
      for (int e = 0; e < 1024; e++)
        {
          float r = vx.data[e], g = vx.data[1024 + e], b = vx.data[2048 + e];
          float chroma = fmaxf (r, fmaxf (g, b)) - fminf (r, fminf (g, b));
          if (chroma < 0.05f)
            continue;
          checked++;
          cr_assert_leq (hue_distance (hx->data[e], ho->data[e]), 1e-5,
                         "severity %d pixel %d: hue %g -> %g", s, e, hx->data[e], ho->data[e]);
          cr_assert_float_eq (ho->data[1024 + e], hx->data[1024 + e], 1e-5,
                              "severity %d pixel %d: saturation", s, e);
          cr_assert_geq (ho->data[2048 + e], hx->data[2048 + e], "severity %d: darker", s);
        }
    }
  cr_assert_gt (checked, 1000, "the test image has too little colour");
  interp_image_free (hx);
  interp_image_free (ho);
  interp_tensor_free (out);
  interp_tensor_free (x);
  ct_vtable (&interp_corruption_brightness)->destroy (self);
}

/* Grey through RGB: a grey pixel has v = x and s = 0, so it becomes
 * min (x + c, 1) (28x28 uses the 32x32 c). */
Test (digital, brightness_of_grey)
{
  static const double c[5] = { 0.05, 0.10, 0.15, 0.20, 0.30 };
  gpointer self = ct_create_unquantized (&interp_corruption_brightness);
  InterpTensor *x = ct_natural_image (1, 28, 5), *out = interp_tensor_new_4d (1, 1, 28, 28);
  for (int s = 1; s <= 5; s++)
    {
      ct_apply (&interp_corruption_brightness, self, x, s, 0, out);
      for (size_t e = 0; e < x->numel; e++)
        cr_assert_float_eq (out->data[e], fmin (x->data[e] + c[s - 1], 1.0), FLOAT_TOL);
    }
  interp_tensor_free (out);
  interp_tensor_free (x);
  ct_vtable (&interp_corruption_brightness)->destroy (self);
}

/* Grey has s = 0: s a + 0 leaves it grey and unchanged (severities 1-3). */
Test (digital, saturate_leaves_grey_without_shift)
{
  gpointer self = ct_create_unquantized (&interp_corruption_saturate);
  InterpTensor *x = ct_natural_image (1, 28, 6), *out = interp_tensor_new_4d (1, 1, 28, 28);
  for (int s = 1; s <= 3; s++)
    {
      ct_apply (&interp_corruption_saturate, self, x, s, 0, out);
      for (size_t e = 0; e < x->numel; e++)
        cr_assert_float_eq (out->data[e], x->data[e], FLOAT_TOL, "severity %d", s);
    }
  interp_tensor_free (out);
  interp_tensor_free (x);
  ct_vtable (&interp_corruption_saturate)->destroy (self);
}

/* The component is the round trip at the table's quality (80 for 32x32
 * severity 1), byte for byte. */
Test (digital, jpeg_is_the_round_trip_at_the_table_quality)
{
  gpointer self = ct_create (&interp_corruption_jpeg_compression, NULL);
  InterpTensor *x = ct_natural_image (3, 32, 7), *out = interp_tensor_new_4d (1, 3, 32, 32);
  ct_apply (&interp_corruption_jpeg_compression, self, x, 1, 0, out);
  InterpImage src = interp_image_view (x, 0);
  InterpImage *ref = interp_image_new (3, 32, 32);
  GError *error = NULL;
  cr_assert (interp_image_jpeg_roundtrip (&src, 80, ref, &error), "%s",
             error ? error->message : "");
  cr_assert (memcmp (ref->data, out->data, out->numel * sizeof (float)) == 0);
  cr_assert_gt (ct_mean_abs_diff (x, out), 0.0, "quality 80 changed nothing");
  interp_image_free (ref);
  interp_tensor_free (out);
  interp_tensor_free (x);
  ct_vtable (&interp_corruption_jpeg_compression)->destroy (self);
}

/* Quality 100 quantises every DCT coefficient with step 1, so the only
 * losses are rounding (coefficients, colour conversion, IDCT): a grey
 * image comes back within 2 levels everywhere.  Colour also loses the
 * chroma detail that 4:2:0 subsampling drops (about 6 levels per channel on
 * average on these images, whose channels vary independently), but luma is
 * coded at full resolution and the YCbCr transform gives luma from Y alone,
 * so the luma of the result is within the same 2 levels plus half a level
 * for rounding each decoded channel (0.299 + 0.587 + 0.114 = 1 times 0.5). */
static double
worst_levels (const float *a, const float *b, size_t n)
{
  double worst = 0;
  for (size_t e = 0; e < n; e++)
    worst = fmax (worst, fabs ((double) a[e] - (double) b[e]) * 255);
  return worst;
}

static void
luma (const InterpImage *rgb, float *y)
{
  size_t n = (size_t) (rgb->height * rgb->width);
  for (size_t e = 0; e < n; e++)
    y[e] = 0.299f * rgb->data[e] + 0.587f * rgb->data[n + e] + 0.114f * rgb->data[2 * n + e];
}

Test (digital, jpeg_quality_100_is_nearly_lossless)
{
  GError *error = NULL;
  InterpTensor *g = ct_natural_image (1, 28, 8);
  InterpImage gs = interp_image_view (g, 0), *gout = interp_image_new (1, 28, 28);
  cr_assert (interp_image_jpeg_roundtrip (&gs, 100, gout, &error), "%s",
             error ? error->message : "");
  double worst = worst_levels (g->data, gout->data, g->numel);
  cr_assert_leq (worst, 2.0 + 1e-3, "grey: %g levels off", worst);

  InterpTensor *x = ct_natural_image (3, 32, 8);
  InterpImage xs = interp_image_view (x, 0), *xout = interp_image_new (3, 32, 32);
  cr_assert (interp_image_jpeg_roundtrip (&xs, 100, xout, &error), "%s",
             error ? error->message : "");
  float yx[1024], yo[1024];
  luma (&xs, yx);
  luma (xout, yo);
  worst = worst_levels (yx, yo, 1024);
  cr_assert_leq (worst, 2.5 + 1e-3, "colour: luma %g levels off", worst);
  interp_image_free (xout);
  interp_image_free (gout);
  interp_tensor_free (x);
  interp_tensor_free (g);
}

/* m = int (n c) divides n: 64x64 severity 5 (c 0.5, m 32: 2x2 blocks),
 * 224x224 severity 5 (c 0.25, m 56: 4x4 blocks).  Each block is exactly
 * constant (the upscale copies one value) and, unquantised, the mean of
 * the clean block. */
static void
check_blocks (int64_t side, int block)
{
  gpointer self = ct_create_unquantized (&interp_corruption_pixelate);
  InterpTensor *x = ct_natural_image (3, side, 10), *out = interp_tensor_new_4d (1, 3, side, side);
  ct_apply (&interp_corruption_pixelate, self, x, 5, 0, out);
  for (int64_t c = 0; c < 3; c++)
    for (int64_t bi = 0; bi < side; bi += block)
      for (int64_t bj = 0; bj < side; bj += block)
        {
          const float *o = out->data + c * side * side, *in = x->data + c * side * side;
          double mean = 0;
          for (int i = 0; i < block; i++)
            for (int j = 0; j < block; j++)
              {
                cr_assert_eq (o[(bi + i) * side + bj + j], o[bi * side + bj],
                              "%" G_GINT64_FORMAT ": block (%" G_GINT64_FORMAT ", %"
                              G_GINT64_FORMAT ") not constant", side, bi, bj);
                mean += in[(bi + i) * side + bj + j] / (double) (block * block);
              }
          cr_assert_float_eq (o[bi * side + bj], mean, FLOAT_TOL);
        }
  interp_tensor_free (out);
  interp_tensor_free (x);
  ct_vtable (&interp_corruption_pixelate)->destroy (self);
}

Test (digital, pixelate_is_blockwise_constant)
{
  check_blocks (64, 2);
  check_blocks (224, 4);
}
