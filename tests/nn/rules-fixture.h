/* Fixtures of the backward-rule tests (test-nn-rules*.c). */
#ifndef TESTS_NN_RULES_FIXTURE_H
#define TESTS_NN_RULES_FIXTURE_H

#include <interp/interp.h>

/* Unit roundoff of float (2^-24): the tolerances are multiples of it. */
#define UNIT_ROUNDOFF 5.9604645e-8

/* Fills t with uniform values in [lo, hi) from `seed`. */
void fill_uniform (InterpTensor *t, uint64_t seed, float lo, float hi);
/* Every parameter and buffer uniform in [lo, hi) from `seed`, variances
 * ("*.running_var") in [0.5, 2). */
void randomise_params (InterpNet *net, uint64_t seed, float lo, float hi);
/* Forward x, seed the output node with `seed` (the logit's own value when
 * seed is NAN) at logit `target` of every image, backward; returns a copy of
 * the input gradient.  Input gradients on, parameter gradients off. */
InterpTensor *backward_at (InterpNet *net, const InterpTensor *x, int target, float seed);
/* Logit `target` of image i of the last forward. */
float logit (const InterpNet *net, int i, int target);

#endif
