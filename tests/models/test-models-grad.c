/* Tests of the model plugins' whole networks against central differences:
 * the gradient of the loss with respect to sampled parameters and inputs,
 * in train and eval mode.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "models-fixture.h"

/* ---- whole-model gradients ----------------------------------------------- */

/* Mean cross-entropy of the net on (x, labels) in the current mode. */
static double
model_loss (InterpNet *net, const InterpTensor *x, const int32_t *labels)
{
  GError *error = NULL;
  cr_assert (interp_net_forward (net, x, &error), "%s", error ? error->message : "");
  return interp_softmax_cross_entropy (interp_net_value (net, interp_net_output_node (net)),
                                       labels, 0.0f, NULL, 1.0f, NULL);
}

/* Backward against central differences over k sampled entries of one
 * tensor, compared as vectors: a wiring error (a lost shortcut or fan-out
 * gradient) is off by O(1), while a ReLU kink crossed by one step only
 * spoils one entry. */
static void
assert_close_fd (const double *analytic, const double *numeric, int k, const char *what)
{
  double diff = 0, na = 0, nn = 0;
  for (int i = 0; i < k; i++)
    {
      diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
      na += analytic[i] * analytic[i];
      nn += numeric[i] * numeric[i];
    }
  diff = sqrt (diff);
  double tol = 0.1 * sqrt (MAX (na, nn)) + 1e-4 * sqrt ((double) k);
  cr_assert (diff <= tol, "%s: |backward - central difference| = %.3g over %d entries, "
             "|backward| = %.3g, |difference| = %.3g", what, diff, k, sqrt (na), sqrt (nn));
}

/* Central differences of the loss against backward, for a few entries of
 * the input and of each named parameter: checks that the model's layers are
 * wired so that gradients flow through every path (shortcuts, fan-out).
 * Deep nets with BN on batch statistics are too curved for differences to
 * be exact (PyTorch's own float64 differences miss its autograd by 10-50%
 * on a small ResNet18), so those run in eval mode, where the net is
 * piecewise linear; bench/ compares the train-mode gradients of the
 * benchmark nets with PyTorch's autograd instead. */
static void
assert_model_gradients (InterpNet *net, InterpMode mode, int64_t n, int64_t c, int64_t h,
                        int64_t w, int n_classes, const char *const *params)
{
  InterpRng rng;
  interp_rng_seed (&rng, 11);
  interp_net_init (net, &rng);
  interp_net_set_mode (net, mode);
  interp_net_set_input_grad (net, TRUE);
  InterpTensor *x = interp_tensor_new_4d (n, c, h, w);
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] = (float) interp_rng_uniform (&rng);
  int32_t *labels = g_new (int32_t, n);
  for (int64_t i = 0; i < n; i++)
    labels[i] = (int32_t) (i % n_classes);

  int out = interp_net_output_node (net);
  interp_net_zero_param_grad (net);
  model_loss (net, x, labels);
  interp_net_zero_grad (net);
  interp_softmax_cross_entropy (interp_net_value (net, out), labels, 0.0f,
                                interp_net_grad (net, out), 1.0f, NULL);
  interp_net_backward (net);
  InterpTensor *dx = interp_tensor_copy (interp_net_input_grad (net));

  /* Small steps: BN on batch statistics and ReLU kinks make the loss
   * curved, and a float loss still resolves 1e-3 steps to ~1e-4. */
  const float eps = 1e-3f;
  enum { K = 12 };
  double ana[K], num[K];
  for (size_t k = 0; k < K; k++)
    {
      size_t i = (k * 7919) % x->numel;
      float old = x->data[i];
      x->data[i] = old + eps;
      double up = model_loss (net, x, labels);
      x->data[i] = old - eps;
      double down = model_loss (net, x, labels);
      x->data[i] = old;
      ana[k] = dx->data[i];
      num[k] = (up - down) / (2.0 * eps);
    }
  assert_close_fd (ana, num, K, "input");
  for (; *params; params++)
    {
      InterpParam *p = interp_net_find_param (net, *params);
      cr_assert_not_null (p, "no parameter %s", *params);
      InterpTensor *g = interp_tensor_copy (p->grad);
      int k_max = (int) MIN ((size_t) K, p->value->numel);
      for (int k = 0; k < k_max; k++)
        {
          size_t i = ((size_t) k * 104729) % p->value->numel;
          float old = p->value->data[i];
          p->value->data[i] = old + eps;
          double up = model_loss (net, x, labels);
          p->value->data[i] = old - eps;
          double down = model_loss (net, x, labels);
          p->value->data[i] = old;
          ana[k] = g->data[i];
          num[k] = (up - down) / (2.0 * eps);
        }
      assert_close_fd (ana, num, k_max, *params);
      interp_tensor_free (g);
    }
  interp_tensor_free (dx);
  interp_tensor_free (x);
  g_free (labels);
}

Test (models, resnet_gradients_match_central_differences)
{
  GError *error = NULL;
  /* ResNet-8: one block per stage, both option-A shortcuts. */
  InterpNet *net = build_model ("resnet", PAIRS ("depth = 8"), 2, 8, 8, 3, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  assert_model_gradients (net, INTERP_MODE_EVAL, 3, 2, 8, 8, 3,
                          PAIRS ("conv1.weight", "bn1.weight", "layer1.0.conv1.weight",
                                 "layer2.0.conv2.weight", "layer3.0.bn2.bias", "fc.weight"));
  interp_net_free (net);
}

Test (models, cnn_and_mlp_gradients_match_central_differences)
{
  GError *error = NULL;
  InterpNet *net = build_model ("cnn", PAIRS ("channels = 4, 6", "hidden = 8", "batchnorm = true"),
                                1, 12, 12, 3, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  assert_model_gradients (net, INTERP_MODE_TRAIN, 3, 1, 12, 12, 3,
                          PAIRS ("conv1.weight", "bn2.weight", "fc1.weight", "fc.bias"));
  interp_net_free (net);

  net = build_model ("mlp", PAIRS ("hidden = 7, 5"), 1, 3, 3, 4, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  assert_model_gradients (net, INTERP_MODE_TRAIN, 4, 1, 3, 3, 4, PAIRS ("fc1.weight", "fc2.bias", "fc.weight"));
  interp_net_free (net);
}

