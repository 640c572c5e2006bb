/* interp: seeded random streams.
 *
 * There is no global random state in interp.  Every stream (weight init,
 * shuffling, augmentation, noise, attack starts, dropout) is an InterpRng
 * derived from the pipeline seed and the name of the stage that uses it, so
 * adding a stage never changes the numbers another stage draws.
 * The generator is xoshiro256** (Blackman & Vigna), seeded through
 * splitmix64; the stream name is hashed with 64-bit FNV-1a.
 */
#ifndef INTERP_RNG_H
#define INTERP_RNG_H

#include <glib.h>
#include <stdint.h>
#include <stddef.h>

G_BEGIN_DECLS

typedef struct {
  uint64_t s[4];
} InterpRng;

void interp_rng_seed (InterpRng *rng, uint64_t seed);
/* The stream named `stream` of pipeline seed `seed`. */
void interp_rng_derive (InterpRng *rng, uint64_t seed, const char *stream);

uint64_t interp_rng_next (InterpRng *rng);
/* Uniform in [0, 1). */
double interp_rng_uniform (InterpRng *rng);
/* Standard normal (Box-Muller, no cached second value so streams stay simple). */
double interp_rng_normal (InterpRng *rng);
/* Uniform integer in [0, n); n > 0.  Unbiased (rejection). */
uint64_t interp_rng_below (InterpRng *rng, uint64_t n);
/* Fisher-Yates shuffle of idx[0..n). */
void interp_rng_shuffle (InterpRng *rng, int64_t *idx, size_t n);
/* A Poisson variate of mean lambda, 0 <= lambda <= 1e12 (0 gives 0).
 * Exact in distribution (up to double rounding): inversion by sequential
 * search for lambda < 10, Hormann's transformed rejection with squeeze
 * (PTRS, W. Hormann 1993, "The transformed rejection method for generating
 * Poisson random variables", Insurance: Mathematics and Economics 12(1))
 * for lambda >= 10.  The number of uniforms drawn depends on the values. */
uint64_t interp_rng_poisson (InterpRng *rng, double lambda);

G_END_DECLS

#endif
