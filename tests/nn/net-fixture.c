/* Fixtures of the network tests: see net-fixture.h. */
#include <criterion/criterion.h>

#include "net-fixture.h"

InterpTensor *
random_images (int64_t n, int64_t c, int64_t h, int64_t w, uint64_t seed)
{
  InterpTensor *t = interp_tensor_new_4d (n, c, h, w);
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  for (size_t i = 0; i < t->numel; i++)
    t->data[i] = (float) interp_rng_uniform (&rng);
  return t;
}

InterpNet *
build_cnn (void)
{
  InterpNet *net = interp_net_new (2, 8, 8);
  GError *err = NULL;
  const float mean[2] = { 0.5f, 0.5f }, std[2] = { 0.25f, 0.25f };
  int x = interp_net_normalize (net, "normalize", 0, mean, std, &err);
  x = interp_net_conv2d (net, "conv1", x, 4, 3, 1, 1, 1, FALSE, &err);
  x = interp_net_batchnorm (net, "bn1", x, 1e-5f, 0.1f, &err);
  int a = interp_net_relu (net, "relu1", x, &err);
  x = interp_net_conv2d (net, "layer1.0.conv1", a, 4, 3, 1, 1, 1, TRUE, &err);
  x = interp_net_batchnorm (net, "layer1.0.bn1", x, 1e-5f, 0.1f, &err);
  x = interp_net_add (net, "layer1.0.add", x, a, &err);
  x = interp_net_relu (net, "layer1.0.relu", x, &err);
  x = interp_net_maxpool (net, "pool", x, 2, 2, 0, &err);
  x = interp_net_flatten (net, "flatten", x, &err);
  x = interp_net_dropout (net, "drop", x, 0.3f, &err);
  x = interp_net_linear (net, "fc", x, 3, TRUE, &err);
  cr_assert_geq (x, 0, "%s", err ? err->message : "");
  return net;
}

void
init_seed (InterpNet *net, uint64_t seed)
{
  InterpRng rng;
  interp_rng_derive (&rng, seed, "init");
  interp_net_init (net, &rng);
}

double
loss_step (InterpNet *net, const InterpTensor *x, const int32_t *labels)
{
  cr_assert (interp_net_forward (net, x, NULL));
  interp_net_zero_grad (net);
  int out = interp_net_output_node (net);
  double l = interp_softmax_cross_entropy (interp_net_value (net, out), labels, 0.0f,
                                           interp_net_grad (net, out), 1.0f, NULL);
  interp_net_backward (net);
  return l;
}

const int32_t labels8[8] = { 0, 1, 2, 0, 1, 2, 2, 1 };
