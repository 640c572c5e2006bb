/* interp_rng_poisson: moments and probabilities against the Poisson law.
 *
 * Every check is a z-test at 5 standard errors of an estimate from N draws
 * of a fixed stream: a correct sampler fails one with probability < 1e-6
 * (and the streams are fixed, so the outcome is reproducible), while a
 * sampler off by a few percent in mean, variance or any tested probability
 * fails it. */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>

#include <interp/rng.h>

#define N_DRAWS 200000
#define Z 5.0

/* Both methods: inversion below 10, PTRS from 10 on (10 itself is PTRS). */
static const double lambdas[] = { 0.05, 0.7, 3.0, 9.99, 10.0, 17.5, 75.0, 500.0 };

Test (rng_poisson, zero_mean_gives_zero)
{
  InterpRng rng;
  interp_rng_seed (&rng, 1);
  for (int i = 0; i < 100; i++)
    cr_assert_eq (interp_rng_poisson (&rng, 0.0), 0);
}

Test (rng_poisson, mean_and_variance_equal_lambda)
{
  for (size_t l = 0; l < G_N_ELEMENTS (lambdas); l++)
    {
      double lambda = lambdas[l];
      InterpRng rng;
      interp_rng_derive (&rng, 42, "poisson-moments");
      double sum = 0, sum2 = 0;
      for (int i = 0; i < N_DRAWS; i++)
        {
          double k = (double) interp_rng_poisson (&rng, lambda);
          sum += k;
          sum2 += k * k;
        }
      double mean = sum / N_DRAWS;
      double var = (sum2 - N_DRAWS * mean * mean) / (N_DRAWS - 1);
      /* sd of the sample mean: sqrt(lambda / N); of the sample variance:
       * sqrt((mu4 - sigma^4) / N) with the Poisson central moment
       * mu4 = lambda (1 + 3 lambda), i.e. sqrt((lambda + 2 lambda^2) / N). */
      double se_mean = sqrt (lambda / N_DRAWS);
      double se_var = sqrt ((lambda + 2 * lambda * lambda) / N_DRAWS);
      cr_assert_leq (fabs (mean - lambda), Z * se_mean, "lambda %g: mean %g", lambda, mean);
      cr_assert_leq (fabs (var - lambda), Z * se_var, "lambda %g: variance %g", lambda, var);
    }
}

/* P(X = k) for k within 3 sd of the mean, one lambda per method. */
static void
check_pmf (double lambda)
{
  InterpRng rng;
  interp_rng_derive (&rng, 7, "poisson-pmf");
  int kmax = (int) (lambda + 3 * sqrt (lambda)) + 1;
  int kmin = (int) fmax (0.0, lambda - 3 * sqrt (lambda));
  int *count = g_new0 (int, kmax + 1);
  for (int i = 0; i < N_DRAWS; i++)
    {
      uint64_t k = interp_rng_poisson (&rng, lambda);
      if (k <= (uint64_t) kmax)
        count[k]++;
    }
  for (int k = kmin; k <= kmax; k++)
    {
      double p = exp (-lambda + k * log (lambda) - lgamma (k + 1.0));
      double f = (double) count[k] / N_DRAWS;
      double se = sqrt (p * (1 - p) / N_DRAWS);
      cr_assert_leq (fabs (f - p), Z * se, "lambda %g: P(%d) %g, expected %g", lambda, k, f, p);
    }
  g_free (count);
}

Test (rng_poisson, probabilities_by_inversion)
{
  check_pmf (3.0);
}

Test (rng_poisson, probabilities_by_ptrs)
{
  check_pmf (30.0);
}

Test (rng_poisson, same_stream_same_draws)
{
  InterpRng a, b;
  interp_rng_derive (&a, 3, "s");
  interp_rng_derive (&b, 3, "s");
  for (int i = 0; i < 1000; i++)
    {
      double lambda = (i % 50) * 1.3;
      cr_assert_eq (interp_rng_poisson (&a, lambda), interp_rng_poisson (&b, lambda));
    }
}
