/* Fixtures of the network tests (test-nn-net*.c): random inputs, a small
 * CNN with every kind of node a real model uses, seeded initialisation and
 * one training-style pass. */
#ifndef TESTS_NN_NET_FIXTURE_H
#define TESTS_NN_NET_FIXTURE_H

#include <interp/interp.h>

/* n x c x h x w uniform [0, 1) values from `seed`. */
InterpTensor *random_images (int64_t n, int64_t c, int64_t h, int64_t w, uint64_t seed);
/* A 2 x 8 x 8 -> 3 classes net: normalize -> conv1 -> bn1 -> relu1 ->
 * layer1.0.{conv1,bn1,add,relu} -> pool -> flatten -> drop -> fc. */
InterpNet *build_cnn (void);
/* interp_net_init from the "init" stream of `seed`. */
void init_seed (InterpNet *net, uint64_t seed);
/* One training-style pass: forward, mean CE at the output, backward. */
double loss_step (InterpNet *net, const InterpTensor *x, const int32_t *labels);

/* Labels of a batch of 8 for build_cnn's 3 classes. */
extern const int32_t labels8[8];

#endif
