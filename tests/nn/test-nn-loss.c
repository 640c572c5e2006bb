/* Softmax cross-entropy: hand-computed values, finite differences,
 * accumulation, label smoothing and numerical stability. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/interp.h>

static InterpTensor *
logits_of (int64_t n, int64_t k, const float *v)
{
  InterpTensor *t = interp_tensor_new_2d (n, k);
  memcpy (t->data, v, (size_t) (n * k) * sizeof (float));
  return t;
}

Test (loss, hand_computed)
{
  const float v[3] = { 1, 2, 3 };
  InterpTensor *z = logits_of (1, 3, v);
  int32_t y = 0;
  int64_t correct = -1;
  /* log(e + e^2 + e^3) - 1 */
  cr_assert_float_eq (interp_softmax_cross_entropy (z, &y, 0.0f, NULL, 1.0f, &correct),
                      2.40760596444438, 1e-9);
  cr_assert_eq (correct, 0);
  /* q = (0.9 + 0.1/3, 0.1/3, 0.1/3):  -sum q log p */
  cr_assert_float_eq (interp_softmax_cross_entropy (z, &y, 0.1f, NULL, 1.0f, NULL),
                      2.3076059644443805, 1e-7);
  y = 2;
  interp_softmax_cross_entropy (z, &y, 0.0f, NULL, 1.0f, &correct);
  cr_assert_eq (correct, 1);
  interp_tensor_free (z);
}

/* A NaN logit on the label is a miss even at index 0, where no other logit
 * compares greater than it (row 0); a NaN elsewhere is not larger than the
 * label's logit, as in metric:accuracy (row 1, a hit).  The loss is NaN. */
Test (loss, nan_logit_on_the_label_is_a_miss)
{
  const float v[6] = { NAN, 1, 2, 5, NAN, 1 };
  InterpTensor *z = logits_of (2, 3, v);
  const int32_t y[2] = { 0, 0 };
  int64_t correct = -1;
  cr_assert (isnan (interp_softmax_cross_entropy (z, y, 0.0f, NULL, 1.0f, &correct)));
  cr_assert_eq (correct, 1);
  interp_tensor_free (z);
}

Test (loss, mean_over_batch)
{
  const float v[4] = { 0, 0, 5, -5 };
  InterpTensor *z = logits_of (2, 2, v);
  int32_t y[2] = { 1, 0 };
  double l0 = log (2.0), l1 = log (1.0 + exp (-10.0));
  cr_assert_float_eq (interp_softmax_cross_entropy (z, y, 0.0f, NULL, 1.0f, NULL),
                      (l0 + l1) / 2, 1e-9);
  interp_tensor_free (z);
}

static void
check_fd (float smoothing, float scale)
{
  const int64_t n = 3, k = 4;
  float v[12];
  InterpRng rng;
  interp_rng_seed (&rng, 5);
  for (int i = 0; i < 12; i++)
    v[i] = (float) (4.0 * interp_rng_uniform (&rng) - 2.0);
  InterpTensor *z = logits_of (n, k, v);
  int32_t y[3] = { 2, 0, 3 };
  InterpTensor *g = interp_tensor_new_2d (n, k);
  interp_tensor_fill (g, 1.0f);   /* the gradient is added, not stored */
  interp_softmax_cross_entropy (z, y, smoothing, g, scale, NULL);
  for (int i = 0; i < 12; i++)
    {
      const double h = 1e-3;
      float keep = z->data[i];
      z->data[i] = keep + (float) h;
      double lp = interp_softmax_cross_entropy (z, y, smoothing, NULL, 1.0f, NULL);
      z->data[i] = keep - (float) h;
      double lm = interp_softmax_cross_entropy (z, y, smoothing, NULL, 1.0f, NULL);
      z->data[i] = keep;
      double fd = scale * (lp - lm) / (2 * h);
      cr_assert (fabs ((g->data[i] - 1.0) - fd) < 1e-4,
                 "dlogits[%d] = %g, finite difference %g", i, g->data[i] - 1.0, fd);
    }
  interp_tensor_free (g);
  interp_tensor_free (z);
}

Test (loss, gradient_plain) { check_fd (0.0f, 1.0f); }
Test (loss, gradient_smoothed_scaled) { check_fd (0.2f, 0.5f); }

Test (loss, stable_for_huge_logits)
{
  const float v[3] = { 1000, -1000, 999 };
  InterpTensor *z = logits_of (1, 3, v);
  InterpTensor *g = interp_tensor_new_2d (1, 3);
  int32_t y = 2;
  double l = interp_softmax_cross_entropy (z, &y, 0.0f, g, 1.0f, NULL);
  cr_assert (isfinite (l));
  cr_assert_float_eq (l, 1.0 + log (1.0 + exp (-1.0)), 1e-6);
  for (int i = 0; i < 3; i++)
    cr_assert (isfinite (g->data[i]));
  InterpTensor *p = interp_tensor_new_2d (1, 1);
  interp_softmax (z, p);
  cr_assert_eq (p->numel, 3);
  cr_assert_float_eq (p->data[0] + p->data[1] + p->data[2], 1.0, 1e-6);
  cr_assert_float_eq (p->data[1], 0.0, 1e-30);
  cr_assert_float_eq (p->data[0], 1.0 / (1.0 + exp (-1.0)), 1e-6);
  interp_tensor_free (p);
  interp_tensor_free (g);
  interp_tensor_free (z);
}

Test (loss, smoothing_uniform_logits)
{
  const float v[5] = { 0, 0, 0, 0, 0 };
  InterpTensor *z = logits_of (1, 5, v);
  int32_t y = 3;
  cr_assert_float_eq (interp_softmax_cross_entropy (z, &y, 0.3f, NULL, 1.0f, NULL), log (5.0),
                      1e-7);
  interp_tensor_free (z);
}
