#include "config.h"

#include <interp/rng.h>

#include <math.h>

static uint64_t
splitmix64 (uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void
interp_rng_seed (InterpRng *rng, uint64_t seed)
{
  uint64_t x = seed;
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

void
interp_rng_derive (InterpRng *rng, uint64_t seed, const char *stream)
{
  /* FNV-1a 64: offset basis and prime from the FNV reference. */
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char *p = (const unsigned char *) (stream ? stream : ""); *p; p++)
    {
      h ^= *p;
      h *= 0x100000001b3ULL;
    }
  uint64_t x = seed;
  interp_rng_seed (rng, splitmix64 (&x) ^ h);
}

static inline uint64_t
rotl (uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

uint64_t
interp_rng_next (InterpRng *rng)
{
  uint64_t *s = rng->s;
  uint64_t result = rotl (s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
interp_rng_uniform (InterpRng *rng)
{
  /* 53 random bits -> [0, 1). */
  return (double) (interp_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
interp_rng_normal (InterpRng *rng)
{
  double u1 = 1.0 - interp_rng_uniform (rng); /* (0, 1]: log is finite */
  double u2 = interp_rng_uniform (rng);
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

uint64_t
interp_rng_below (InterpRng *rng, uint64_t n)
{
  g_return_val_if_fail (n > 0, 0);
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t r;
  do
    r = interp_rng_next (rng);
  while (r >= limit);
  return r % n;
}

void
interp_rng_shuffle (InterpRng *rng, int64_t *idx, size_t n)
{
  for (size_t i = n; i > 1; i--)
    {
      size_t j = (size_t) interp_rng_below (rng, i);
      int64_t t = idx[i - 1];
      idx[i - 1] = idx[j];
      idx[j] = t;
    }
}

/* Inversion: walk the cumulative distribution until it passes u.  The
 * walk stops when the next probability underflows, so a u above the
 * rounded total (1 - 1e-16 or so) cannot loop forever. */
static uint64_t
poisson_inversion (InterpRng *rng, double lambda)
{
  double u = interp_rng_uniform (rng);
  double p = exp (-lambda), cdf = p;
  uint64_t k = 0;
  while (u >= cdf && p > 0)
    {
      k++;
      p *= lambda / (double) k;
      cdf += p;
    }
  return k;
}

/* PTRS, step by step as Hormann (1993) gives it, with the paper's
 * constants for b, a, 1/alpha and v_r. */
static uint64_t
poisson_ptrs (InterpRng *rng, double lambda)
{
  double slam = sqrt (lambda), loglam = log (lambda);
  double b = 0.931 + 2.53 * slam;
  double a = -0.059 + 0.02483 * b;
  double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  double v_r = 0.9277 - 3.6224 / (b - 2.0);
  for (;;)
    {
      double u = interp_rng_uniform (rng) - 0.5;
      double v = interp_rng_uniform (rng);
      double us = 0.5 - fabs (u);
      double k = floor ((2.0 * a / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= v_r)
        return (uint64_t) k;
      if (k < 0 || (us < 0.013 && v > us))
        continue;
      /* v == 0 has probability 2^-53; log (0) = -inf accepts, as the
       * limit of the test does. */
      if (log (v) + log (inv_alpha) - log (a / (us * us) + b)
          <= -lambda + k * loglam - lgamma (k + 1.0))
        return (uint64_t) k;
    }
}

uint64_t
interp_rng_poisson (InterpRng *rng, double lambda)
{
  g_return_val_if_fail (lambda >= 0 && lambda <= 1e12, 0);
  if (lambda == 0)
    return 0;
  return lambda < 10 ? poisson_inversion (rng, lambda) : poisson_ptrs (rng, lambda);
}
