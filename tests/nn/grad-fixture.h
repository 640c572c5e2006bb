/* Fixtures of the gradient tests (test-nn-grad*.c): a node's input and
 * parameter gradients checked against central finite differences of a
 * random linear probe L = sum_i w_i y_i of its output. */
#ifndef TESTS_NN_GRAD_FIXTURE_H
#define TESTS_NN_GRAD_FIXTURE_H

#include <interp/interp.h>

/* Uniform values in [lo, hi) from `seed`. */
InterpTensor *random_tensor (int ndim, const int64_t *shape, uint64_t seed, float lo, float hi);
/* Checks d/d(input) and d/d(every trainable parameter) of the probe at
 * node `out` against central differences with step h: |analytic - fd| <=
 * tol * max(1e-3, max |fd|).  Every pass replays the same dropout masks. */
void check_net (InterpNet *net, InterpTensor *x, int out, double h, double tol);
/* interp_net_init from `seed`, then non-trivial biases and BN affine
 * parameters, so their gradients are exercised. */
void init_net (InterpNet *net, uint64_t seed);

#endif
