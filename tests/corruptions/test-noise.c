/* The noise corruptions: gaussian-, shot-, impulse- and speckle-noise.
 *
 * Statistical checks are z-tests at 5 standard errors of an estimate from
 * N elements of fixed streams: a correct component fails one with
 * probability < 1e-6, and the streams are fixed, so the outcome is
 * reproducible. */
#include "config.h"

#include "corruption-test.h"

extern const InterpComponent interp_corruption_gaussian_noise;
extern const InterpComponent interp_corruption_shot_noise;
extern const InterpComponent interp_corruption_impulse_noise;
extern const InterpComponent interp_corruption_speckle_noise;

static const InterpComponent *const noises[] = {
  &interp_corruption_gaussian_noise, &interp_corruption_shot_noise,
  &interp_corruption_impulse_noise, &interp_corruption_speckle_noise,
};

#define Z 5.0
/* The generator's 32x32 constants (make_cifar_c.py), which the tests read
 * back from the images. */
static const double gaussian_sd_32[5] = { 0.04, 0.06, 0.08, 0.09, 0.10 };
static const double photons_32[5] = { 500, 250, 100, 75, 50 };
static const double amount_32[5] = { 0.01, 0.02, 0.03, 0.05, 0.07 };

Test (noise, stronger_with_severity)
{
  for (size_t i = 0; i < G_N_ELEMENTS (noises); i++)
    {
      ct_assert_monotone (noises[i], 3, 32);
      ct_assert_monotone (noises[i], 1, 28);
    }
}

Test (noise, shapes_range_and_refusals)
{
  for (size_t i = 0; i < G_N_ELEMENTS (noises); i++)
    {
      ct_assert_shapes (noises[i]);
      ct_assert_refuses_level (noises[i]);
    }
}

Test (noise, deterministic_per_stream)
{
  for (size_t i = 0; i < G_N_ELEMENTS (noises); i++)
    ct_assert_deterministic (noises[i], TRUE);
}

/* Mid-grey 3x32x32 images, CT_N_IMAGES of them, each with its own stream:
 * the corrupted-minus-clean differences of every element, pooled. */
typedef struct {
  double n, sum, sum2;
  double n_zero, n_one;
} Pooled;

static Pooled
pool_mid_grey (const InterpComponent *comp, int severity, gboolean quantize)
{
  static const char *const unquantized[] = { "quantize=false", NULL };
  gpointer self = ct_create (comp, quantize ? NULL : unquantized);
  InterpTensor *x = ct_constant_image (3, 32, 128), *out = interp_tensor_new_4d (1, 3, 32, 32);
  Pooled p = { 0 };
  for (uint64_t k = 0; k < CT_N_IMAGES; k++)
    {
      ct_apply (comp, self, x, severity, k, out);
      for (size_t i = 0; i < out->numel; i++)
        {
          double d = (double) out->data[i] - (double) x->data[i];
          p.n++;
          p.sum += d;
          p.sum2 += d * d;
          p.n_zero += out->data[i] == 0.0f;
          p.n_one += out->data[i] == 1.0f;
        }
    }
  interp_tensor_free (out);
  interp_tensor_free (x);
  ct_vtable (comp)->destroy (self);
  return p;
}

/* On mid-grey (128/255) the clip at 0 and 1 is >= 5 sd away for c <= 0.10,
 * so the differences are N(0, c^2): their sd estimates c with standard
 * error c / sqrt(2 (N - 1)) (N = 16 x 3072 = 49152: about 0.3% of c). */
Test (noise, gaussian_sd_matches_c)
{
  for (int s = 1; s <= 5; s++)
    {
      Pooled p = pool_mid_grey (&interp_corruption_gaussian_noise, s, FALSE);
      double mean = p.sum / p.n;
      double sd = sqrt ((p.sum2 - p.n * mean * mean) / (p.n - 1));
      double c = gaussian_sd_32[s - 1];
      cr_assert_leq (fabs (sd - c), Z * c / sqrt (2 * (p.n - 1)),
                     "severity %d: sd %.5f, expected %.2f", s, sd, c);
      cr_assert_leq (fabs (mean), Z * c / sqrt (p.n), "severity %d: mean shift %g", s, mean);
    }
}

/* Poisson(c x) / c has mean x and variance x / c; the clip at 1 needs
 * k > c, more than 7 sd above c x = c / 2 for every c here, so the mean
 * difference is 0 within 5 sqrt(x / c / N).  Unquantised: the 8-bit
 * truncation alone would shift the mean by about half a level. */
Test (noise, shot_noise_is_unbiased)
{
  const double x = 128.0 / 255.0;
  for (int s = 1; s <= 5; s++)
    {
      Pooled p = pool_mid_grey (&interp_corruption_shot_noise, s, FALSE);
      double c = photons_32[s - 1];
      double mean = p.sum / p.n;
      double var = p.sum2 / p.n - mean * mean;
      cr_assert_leq (fabs (mean), Z * sqrt (x / c / p.n), "severity %d: bias %g", s, mean);
      /* The variance x / c, with the standard error of a sample variance,
       * sqrt((mu4 - sigma^4) / N), mu4 = (l + 3 l^2) / c^4 for l = c x. */
      double l = c * x, se_var = sqrt ((l + 2 * l * l) / pow (c, 4) / p.n);
      cr_assert_leq (fabs (var - x / c), Z * se_var, "severity %d: variance %g, expected %g",
                     s, var, x / c);
    }
}

/* Mid-grey is neither 0 nor 1, so exactly the replaced elements are 0 or 1:
 * their fraction estimates c with standard error sqrt(c (1 - c) / N), and
 * the salt among them estimates 1/2. */
Test (noise, impulse_replaces_amount_of_the_elements)
{
  for (int s = 1; s <= 5; s++)
    {
      Pooled p = pool_mid_grey (&interp_corruption_impulse_noise, s, TRUE);
      double c = amount_32[s - 1];
      double hit = (p.n_zero + p.n_one) / p.n;
      cr_assert_leq (fabs (hit - c), Z * sqrt (c * (1 - c) / p.n),
                     "severity %d: replaced %.5f of the elements, expected %.2f", s, hit, c);
      double m = p.n_zero + p.n_one, salt = p.n_one / m;
      cr_assert_leq (fabs (salt - 0.5), Z * sqrt (0.25 / m), "severity %d: salt share %g", s,
                     salt);
    }
}

/* Speckle keeps black black and scales the noise with the intensity: on a
 * constant image at level 128 the differences have sd c x. */
Test (noise, speckle_scales_with_intensity)
{
  const double x = 128.0 / 255.0, c = 0.20;
  Pooled p = pool_mid_grey (&interp_corruption_speckle_noise, 5, FALSE);
  double mean = p.sum / p.n, sd = sqrt ((p.sum2 - p.n * mean * mean) / (p.n - 1));
  cr_assert_leq (fabs (sd - c * x), Z * c * x / sqrt (2 * (p.n - 1)), "sd %g, expected %g", sd,
                 c * x);

  gpointer self = ct_create (&interp_corruption_speckle_noise, NULL);
  InterpTensor *black = ct_constant_image (3, 32, 0), *out = interp_tensor_new_4d (1, 3, 32, 32);
  ct_apply (&interp_corruption_speckle_noise, self, black, 5, 0, out);
  for (size_t i = 0; i < out->numel; i++)
    cr_assert_eq (out->data[i], 0.0f);
  interp_tensor_free (out);
  interp_tensor_free (black);
  ct_vtable (&interp_corruption_speckle_noise)->destroy (self);
}
