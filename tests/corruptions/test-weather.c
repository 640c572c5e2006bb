/* The CIFAR-10-C weather and digital corruptions of plugins/corruptions
 * (hendrycks/robustness, make_cifar_c.py): snow, frost, fog,
 * elastic-transform, spatter.  Frost runs on photographs the test writes as
 * PNG files into a temporary folder. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "plugins/corruptions/plugin-components.h"
#include "test-weather-generic.h"

static const char *const exact[] = { "quantize=false", NULL };

WEATHER_GENERIC_TESTS (snow, interp_corruption_snow, NULL)
WEATHER_ORDERING_TEST (snow, interp_corruption_snow, NULL)
WEATHER_GENERIC_TESTS (fog, interp_corruption_fog, NULL)
WEATHER_ORDERING_TEST (fog, interp_corruption_fog, NULL)
WEATHER_GENERIC_TESTS (elastic_transform, interp_corruption_elastic_transform, NULL)
WEATHER_GENERIC_TESTS (spatter, interp_corruption_spatter, NULL)

/* ---- frost ------------------------------------------------------------------ */

/* Writes a side x side RGB PNG: uniform `level` when level >= 0, else a
 * speckled frost-like texture from `seed`. */
static void
write_frost_png (const char *path, int side, int level, int seed)
{
  InterpPixels px = { .width = side, .height = side, .channels = 3 };
  px.pixels = g_new (uint8_t, (size_t) side * side * 3);
  InterpRng rng;
  interp_rng_seed (&rng, (uint64_t) seed);
  for (int i = 0; i < side * side; i++)
    {
      int v = level >= 0 ? level : (int) (interp_rng_below (&rng, 4) == 0 ? 230 : 60);
      for (int c = 0; c < 3; c++)
        px.pixels[i * 3 + c] = (uint8_t) MIN (255, v + 10 * c * (level < 0));
    }
  GError *error = NULL;
  cr_assert (interp_pixels_write_png (&px, path, &error), "%s", error ? error->message : "");
  interp_pixels_clear (&px);
}

/* A new temporary folder holding `n` frost PNGs of side 256 (textured,
 * or uniform `level`); g_free the path, remove with remove_dir. */
static char *
frost_dir (int n, int level)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("interp-frost-XXXXXX", &error);
  cr_assert_not_null (dir, "%s", error ? error->message : "");
  for (int i = 0; i < n; i++)
    {
      char name[32];
      g_snprintf (name, sizeof name, "frost%d.png", i + 1);
      char *path = g_build_filename (dir, name, NULL);
      write_frost_png (path, 256, level, i + 1);
      g_free (path);
    }
  return dir;
}

static void
remove_dir (char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
      g_free (path);
    }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
  g_free (dir);
}

static gpointer
frost_create (const char *dir, gboolean quantize)
{
  char *key = g_strdup_printf ("frost-dir=%s", dir);
  const char *pairs[] = { key, quantize ? "quantize=true" : "quantize=false", NULL };
  gpointer self = weather_create (&interp_corruption_frost, pairs);
  g_free (key);
  return self;
}

Test (frost, common_properties)
{
  char *dir = frost_dir (2, -1);
  gpointer self = frost_create (dir, TRUE);
  weather_check_range (&interp_corruption_frost, self, 1, 28);
  weather_check_range (&interp_corruption_frost, self, 3, 32);
  weather_check_range_n (&interp_corruption_frost, self, 64, 2);
  weather_check_range_n (&interp_corruption_frost, self, 224, 1);
  weather_check_deterministic (&interp_corruption_frost, self, 1, 28);
  weather_check_deterministic (&interp_corruption_frost, self, 3, 32);
  weather_check_sizes (&interp_corruption_frost, self);
  weather_destroy (&interp_corruption_frost, self);
  remove_dir (dir);
}

Test (frost, frost_weight_ordered_on_black_images)
{
  /* The published rows are (c0, c1) = (1, .2) (1, .3) (.9, .4) (.85, .4)
   * (.75, .45): the frost's weight c1 never falls, but the image's weight c0
   * falls too, and on an image brighter than the frost that dimming cancels
   * part of the frost, so the mean change from the clean image is not ordered
   * in general (measured on this test's images at 1x28x28: 0.081 0.121 0.132
   * 0.121 0.121).  What is ordered is the frost added to a black image, c1 f:
   * with a uniform photo f = 128 / 255 exactly, at every size. */
  static const double c1[5] = { .2, .3, .4, .4, .45 };
  char *dir = frost_dir (1, 128);
  gpointer self = frost_create (dir, FALSE);
  for (int sz = 0; sz < 2; sz++)
    {
      InterpTensor *x = interp_tensor_new_4d (1, sz ? 3 : 1, sz ? 32 : 28, sz ? 32 : 28);
      double previous = 0;
      for (int s = 1; s <= 5; s++)
        {
          InterpTensor *out = weather_apply (&interp_corruption_frost, self, x, s, s);
          double mean = 0;
          for (size_t k = 0; k < out->numel; k++)
            mean += out->data[k];
          mean /= (double) out->numel;
          /* Grey goes through ITU-R 601 luma, whose weights sum to 1 in
           * float32 within 1e-7; 1e-6 covers that and the blend's rounding. */
          cr_assert_float_eq (mean, c1[s - 1] * 128 / 255.0, 1e-6, "severity %d", s);
          cr_assert_geq (mean, previous);
          previous = mean;
          interp_tensor_free (out);
        }
      interp_tensor_free (x);
    }
  weather_destroy (&interp_corruption_frost, self);
  remove_dir (dir);
}

Test (frost, uniform_photo_gives_the_stated_blend)
{
  /* A uniform photo shrinks and crops to the same uniform value f = 128/255,
   * so out = c0 x + c1 f (clipped) with the 32x32 table exactly; tolerance
   * 1e-6 is float32 rounding of values below 2. */
  static const double c[5][2] = { { 1, .2 }, { 1, .3 }, { .9, .4 }, { .85, .4 }, { .75, .45 } };
  char *dir = frost_dir (1, 128);
  gpointer self = frost_create (dir, FALSE);
  InterpTensor *x = weather_clean_image (3, 32, 1);
  for (int s = 1; s <= 5; s++)
    {
      InterpTensor *out = weather_apply (&interp_corruption_frost, self, x, s, 0);
      for (size_t k = 0; k < x->numel; k++)
        cr_assert_float_eq (out->data[k],
                            fmin (1.0, c[s - 1][0] * x->data[k] + c[s - 1][1] * 128 / 255.0),
                            1e-6, "severity %d at %zu", s, k);
      interp_tensor_free (out);
    }
  interp_tensor_free (x);
  weather_destroy (&interp_corruption_frost, self);
  remove_dir (dir);
}

Test (frost, refuses_a_missing_folder)
{
  const char *pairs[] = { "frost-dir=/nonexistent/frost-photos", NULL };
  GError *error = NULL;
  cr_assert_null (weather_try_create (&interp_corruption_frost, pairs, &error));
  cr_assert_eq (error->code, INTERP_ERROR_NOT_FOUND, "%s", error->message);
  cr_assert (strstr (error->message, "/nonexistent/frost-photos")
             && strstr (error->message, "frost-dir") && strstr (error->message, WEATHER_WHERE),
             "%s", error->message);
  g_error_free (error);
}

Test (frost, requires_the_folder_key)
{
  GError *error = NULL;
  cr_assert_null (weather_try_create (&interp_corruption_frost, NULL, &error));
  cr_assert_eq (error->code, INTERP_ERROR_MISSING, "%s", error->message);
  cr_assert (strstr (error->message, "frost-dir"), "%s", error->message);
  g_error_free (error);
}

Test (frost, refuses_an_empty_folder)
{
  char *dir = frost_dir (0, 0);
  /* A file that is not an image by name does not count. */
  char *notes = g_build_filename (dir, "README.txt", NULL);
  cr_assert (g_file_set_contents (notes, "frost photos go here", -1, NULL));
  g_free (notes);
  char *key = g_strdup_printf ("frost-dir=%s", dir);
  const char *pairs[] = { key, NULL };
  GError *error = NULL;
  cr_assert_null (weather_try_create (&interp_corruption_frost, pairs, &error));
  g_free (key);
  cr_assert_eq (error->code, INTERP_ERROR_NOT_FOUND, "%s", error->message);
  cr_assert (strstr (error->message, dir) && strstr (error->message, "no .png"), "%s",
             error->message);
  g_error_free (error);
  remove_dir (dir);
}

Test (frost, refuses_a_bad_file_naming_it)
{
  char *dir = frost_dir (1, -1);
  char *bad = g_build_filename (dir, "frost2.jpg", NULL);
  cr_assert (g_file_set_contents (bad, "not a jpeg at all", -1, NULL));
  char *key = g_strdup_printf ("frost-dir=%s", dir);
  const char *pairs[] = { key, NULL };
  GError *error = NULL;
  cr_assert_null (weather_try_create (&interp_corruption_frost, pairs, &error));
  g_free (key);
  cr_assert_eq (error->code, INTERP_ERROR_FORMAT, "%s", error->message);
  cr_assert (strstr (error->message, "frost2.jpg") && strstr (error->message, WEATHER_WHERE),
             "%s", error->message);
  g_error_free (error);
  g_free (bad);
  remove_dir (dir);
}

Test (frost, refuses_a_photo_too_small_for_the_image)
{
  /* 128 x 0.2 = 26 pixels: too small to crop 32x32 from, named when used. */
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("interp-frost-XXXXXX", &error);
  char *path = g_build_filename (dir, "tiny.png", NULL);
  write_frost_png (path, 128, 100, 1);
  gpointer self = frost_create (dir, TRUE);
  InterpTensor *x = weather_clean_image (3, 32, 0), *out = interp_tensor_new_4d (1, 1, 1, 1);
  InterpRng rng;
  weather_stream (&rng, 1, 0);
  cr_assert_not (interp_corruption_frost.vtable == NULL);
  const InterpCorruptionVTable *vt = interp_corruption_frost.vtable;
  cr_assert_not (vt->apply (self, x, 1, &rng, out, &error));
  cr_assert (strstr (error->message, "tiny.png") && strstr (error->message, "32x32"), "%s",
             error->message);
  g_error_free (error);
  interp_tensor_free (x);
  interp_tensor_free (out);
  weather_destroy (&interp_corruption_frost, self);
  g_free (path);
  remove_dir (dir);
}

/* ---- fog -------------------------------------------------------------------- */

Test (fog, adds_a_nonnegative_field_then_rescales)
{
  /* out = (x + c F) m / (m + c), F the plasma in [0, 1] and the same on
   * every channel, m the clean maximum; so F = (out (m + c) / m - x) / c.
   * At 32x32 the map is the whole 32 x 32 fractal, normalised: F spans
   * exactly [0, 1].  Tolerance 1e-5: out is float32 (relative 6e-8), and
   * (m + c) / (m c) <= 7 for m >= 0.9 and c >= 0.2 amplifies that to
   * below 1e-6. */
  static const double c[5] = { .2, .5, .75, 1, 1.5 };
  gpointer self = weather_create (&interp_corruption_fog, exact);
  for (int s = 1; s <= 5; s++)
    {
      InterpTensor *x = weather_clean_image (3, 32, s);
      float m = 0;
      for (size_t k = 0; k < x->numel; k++)
        m = fmaxf (m, x->data[k]);
      cr_assert_geq (m, 0.9f);
      InterpTensor *out = weather_apply (&interp_corruption_fog, self, x, s, 0);
      double lo = 1e9, hi = -1e9;
      for (int64_t k = 0; k < 32 * 32; k++)
        {
          double f[3];
          for (int ch = 0; ch < 3; ch++)
            {
              int64_t i = ch * 32 * 32 + k;
              f[ch] = (out->data[i] * (m + c[s - 1]) / m - x->data[i]) / c[s - 1];
              cr_assert (f[ch] >= -1e-5 && f[ch] <= 1 + 1e-5, "severity %d: F = %g", s, f[ch]);
            }
          cr_assert (fabs (f[0] - f[1]) < 1e-5 && fabs (f[0] - f[2]) < 1e-5,
                     "the field differs between channels");
          lo = fmin (lo, f[0]), hi = fmax (hi, f[0]);
        }
      cr_assert (fabs (lo) < 1e-5 && fabs (hi - 1) < 1e-5, "severity %d: F spans [%g, %g]", s,
                 lo, hi);
      interp_tensor_free (x);
      interp_tensor_free (out);
    }
  weather_destroy (&interp_corruption_fog, self);
}

/* ---- elastic-transform -------------------------------------------------------- */

Test (elastic_transform, zero_displacement_and_identity_affine_is_identity)
{
  /* Every read then falls on a pixel centre with bilinear weights 1 and 0;
   * 1e-6 allows for the inverted identity's float rounding. */
  for (int channels = 1; channels <= 3; channels += 2)
    {
      int side = channels == 1 ? 28 : 32;
      InterpTensor *x = weather_clean_image (channels, side, 5);
      InterpImage src = interp_image_view (x, 0);
      InterpImage *dst = interp_image_new (channels, side, side);
      float *zero = g_new0 (float, (size_t) side * side);
      static const double identity[6] = { 1, 0, 0, 0, 1, 0 };
      cr_assert (corr_elastic_deform (&src, identity, zero, zero, dst));
      for (size_t k = 0; k < x->numel; k++)
        cr_assert_float_eq (dst->data[k], x->data[k], 1e-6, "at %zu", k);
      g_free (zero);
      interp_image_free (dst);
      interp_tensor_free (x);
    }
}

Test (elastic_transform, whole_pixel_displacement_shifts)
{
  /* dx = 1 everywhere reads the pixel to the right: out (y, x) = in (y, x + 1)
   * inside, and the mirrored column ("reflect": index 28 reads 27) at the
   * right edge. */
  InterpTensor *x = weather_clean_image (1, 28, 2);
  InterpImage src = interp_image_view (x, 0);
  InterpImage *dst = interp_image_new (1, 28, 28);
  float *one = g_new (float, 28 * 28), *zero = g_new0 (float, 28 * 28);
  for (int i = 0; i < 28 * 28; i++)
    one[i] = 1.0f;
  static const double identity[6] = { 1, 0, 0, 0, 1, 0 };
  cr_assert (corr_elastic_deform (&src, identity, one, zero, dst));
  for (int y = 0; y < 28; y++)
    for (int c = 0; c < 28; c++)
      cr_assert_float_eq (dst->data[y * 28 + c], x->data[y * 28 + MIN (c + 1, 27)], 1e-6);
  g_free (one);
  g_free (zero);
  interp_image_free (dst);
  interp_tensor_free (x);
}

/* The affine map of elastic_apply for the stream of (severity, index):
 * its first six draws jitter the three points (see elastic-transform.c). */
static void
elastic_affine (int side, double jitter, int severity, int index, double m[6])
{
  InterpRng rng;
  weather_stream (&rng, severity, index);
  double mid = side / 2, q = side / 3;
  double from[6] = { mid + q, mid + q, mid + q, mid - q, mid - q, mid - q }, to[6];
  for (int i = 0; i < 6; i++)
    to[i] = from[i] + (-jitter + 2 * jitter * interp_rng_uniform (&rng));
  cr_assert (interp_affine_from_points (from, to, m));
}

Test (elastic_transform, severity_1_is_the_jittered_affine_alone)
{
  /* Severity 1 has alpha = 0: the output is exactly the affine warp drawn
   * from the stream's first six uniforms, jitter 0.08 x 32 = 2.56 pixels. */
  gpointer self = weather_create (&interp_corruption_elastic_transform, exact);
  float *zero = g_new0 (float, 32 * 32);
  for (int i = 0; i < 4; i++)
    {
      InterpTensor *x = weather_clean_image (3, 32, i);
      InterpTensor *out = weather_apply (&interp_corruption_elastic_transform, self, x, 1, i);
      double m[6];
      elastic_affine (32, 32 * 0.08, 1, i, m);
      InterpImage src = interp_image_view (x, 0);
      InterpImage *want = interp_image_new (3, 32, 32);
      cr_assert (corr_elastic_deform (&src, m, zero, zero, want));
      for (size_t k = 0; k < x->numel; k++)
        cr_assert_float_eq (out->data[k], want->data[k], 1e-6, "image %d at %zu", i, k);
      interp_image_free (want);
      interp_tensor_free (x);
      interp_tensor_free (out);
    }
  g_free (zero);
  weather_destroy (&interp_corruption_elastic_transform, self);
}

Test (elastic_transform, displacement_part_grows_with_severity)
{
  /* The published rows are not ordered by mean change: the affine jitter
   * shrinks (2.56 2.24 1.92 1.6 0.96 pixels at 32x32) while the smooth
   * displacement grows -- alpha times blurred U(-1, 1) noise has standard
   * deviation about alpha 0.577 / (2 sqrt (pi) sigma) = 0 0.04 0.22 0.41 0.54
   * pixels -- so the mean change falls (measured at 3x32x32 on this test's
   * images: 0.062 0.053 0.044 0.044 0.034).  What is ordered is the part the
   * displacement adds: the mean |out - affine warp alone|, the affine rebuilt
   * from the same stream. */
  static const double jitter[5] = { .08, .07, .06, .05, .03 };
  gpointer self = weather_create (&interp_corruption_elastic_transform, exact);
  float *zero = g_new0 (float, 32 * 32);
  double part[5];
  for (int s = 1; s <= 5; s++)
    {
      double sum = 0;
      for (int i = 0; i < WEATHER_N_IMAGES; i++)
        {
          InterpTensor *x = weather_clean_image (3, 32, i);
          InterpTensor *out = weather_apply (&interp_corruption_elastic_transform, self, x, s, i);
          double m[6];
          elastic_affine (32, 32 * jitter[s - 1], s, i, m);
          InterpImage src = interp_image_view (x, 0);
          InterpImage *affine = interp_image_new (3, 32, 32);
          cr_assert (corr_elastic_deform (&src, m, zero, zero, affine));
          for (size_t k = 0; k < x->numel; k++)
            sum += fabs (out->data[k] - affine->data[k]);
          interp_image_free (affine);
          interp_tensor_free (x);
          interp_tensor_free (out);
        }
      part[s - 1] = sum / (WEATHER_N_IMAGES * 3 * 32 * 32);
    }
  cr_log_info ("elastic-transform displacement part 3x32: %.4f %.4f %.4f %.4f %.4f", part[0],
               part[1], part[2], part[3], part[4]);
  /* Severity 1 is the affine alone: zero up to float32 rounding. */
  cr_assert_lt (part[0], 1e-6);
  for (int s = 1; s < 5; s++)
    cr_assert_geq (part[s], part[s - 1], "%.4f %.4f %.4f %.4f %.4f", part[0], part[1], part[2],
                   part[3], part[4]);
  g_free (zero);
  weather_destroy (&interp_corruption_elastic_transform, self);
}

/* ---- spatter ---------------------------------------------------------------- */

Test (spatter, ordered_within_water_and_within_mud)
{
  /* Severities 1-3 are water (mode 0: a turquoise tint added), 4-5 mud
   * (mode 1: covered pixels replaced by dark brown, (63, 42, 20) / 255).
   * Mud changes a dark image little and water a bright one little, so the
   * mean change across the two modes depends on the image, not the severity
   * (measured on this test's mostly dark images at 1x28x28: 0.0084 0.0137
   * 0.0279 | 0.0075 0.0139).  Within each mode the rows grow: asserted. */
  gpointer self = weather_create (&interp_corruption_spatter, NULL);
  for (int sz = 0; sz < 2; sz++)
    {
      double mad[5];
      weather_mean_abs_diff (&interp_corruption_spatter, self, sz ? 3 : 1, sz ? 32 : 28, mad);
      cr_log_info ("spatter %s: mean |change| %.4f %.4f %.4f | %.4f %.4f", sz ? "3x32" : "1x28",
                   mad[0], mad[1], mad[2], mad[3], mad[4]);
      for (int s = 0; s < 5; s++)
        cr_assert_gt (mad[s], 0.0, "severity %d changes nothing", s + 1);
      cr_assert (mad[0] <= mad[1] && mad[1] <= mad[2], "water: %g %g %g", mad[0], mad[1],
                 mad[2]);
      cr_assert (mad[3] <= mad[4], "mud: %g %g", mad[3], mad[4]);
    }
  weather_destroy (&interp_corruption_spatter, self);
}

Test (spatter, mud_only_darkens_towards_its_colour)
{
  /* Mud is (1 - m) x + m colour with m in [0.8, 1] or 0: every pixel either
   * stays or moves at least 80 % of the way to the mud colour, the same m on
   * every channel. */
  static const double mud[3] = { 63 / 255.0, 42 / 255.0, 20 / 255.0 };
  gpointer self = weather_create (&interp_corruption_spatter, exact);
  int covered = 0;
  for (int i = 0; i < 8; i++)
    {
      InterpTensor *x = weather_clean_image (3, 32, i);
      InterpTensor *out = weather_apply (&interp_corruption_spatter, self, x, 5, i);
      for (int k = 0; k < 32 * 32; k++)
        {
          double m[3];
          gboolean moved = FALSE;
          for (int ch = 0; ch < 3; ch++)
            {
              double xv = x->data[ch * 1024 + k], ov = out->data[ch * 1024 + k];
              moved |= ov != xv;
              /* m = (x - out) / (x - colour) where x differs from the colour. */
              m[ch] = fabs (xv - mud[ch]) > 0.05 ? (xv - ov) / (xv - mud[ch]) : NAN;
            }
          if (!moved)
            continue;
          covered++;
          for (int ch = 0; ch < 3; ch++)
            if (!isnan (m[ch]))
              /* 1e-5: float32 rounding of the blend divided by |x - colour| > 0.05. */
              cr_assert (m[ch] >= 0.8 - 1e-5 && m[ch] <= 1 + 1e-5, "m = %g", m[ch]);
        }
      interp_tensor_free (x);
      interp_tensor_free (out);
    }
  cr_assert_gt (covered, 0, "no mud at all");
  weather_destroy (&interp_corruption_spatter, self);
}

/* ---- greyscale ---------------------------------------------------------------- */

/* snow and fog run on a grey image's one channel; their files state that this
 * equals the generator on three equal channels followed by a grey
 * conversion.  Checked: with the same stream, the grey result equals every
 * channel of the result on the replicated image (which stay equal).
 * Tolerance 1e-6: snow's luma weights sum to 1 within float rounding. */
static void
check_grey_matches_rgb (const InterpComponent *comp)
{
  gpointer self = weather_create (comp, exact);
  for (int s = 1; s <= 5; s++)
    for (int i = 0; i < 4; i++)
      {
        InterpTensor *grey = weather_clean_image (1, 28, i);
        InterpTensor *rgb = interp_tensor_new_4d (1, 3, 28, 28);
        for (int c = 0; c < 3; c++)
          memcpy (rgb->data + c * 784, grey->data, 784 * sizeof (float));
        InterpTensor *a = weather_apply (comp, self, grey, s, i);
        InterpTensor *b = weather_apply (comp, self, rgb, s, i);
        for (int k = 0; k < 784; k++)
          for (int c = 0; c < 3; c++)
            cr_assert_float_eq (a->data[k], b->data[c * 784 + k], 1e-6,
                                "%s@%d image %d pixel %d channel %d", comp->name, s, i, k, c);
        interp_tensor_free (grey);
        interp_tensor_free (rgb);
        interp_tensor_free (a);
        interp_tensor_free (b);
      }
  weather_destroy (comp, self);
}

Test (snow, grey_equals_the_generator_on_equal_channels)
{
  check_grey_matches_rgb (&interp_corruption_snow);
}

Test (fog, grey_equals_the_generator_on_equal_channels)
{
  check_grey_matches_rgb (&interp_corruption_fog);
}
