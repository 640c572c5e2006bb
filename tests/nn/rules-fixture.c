/* Fixtures of the backward-rule tests: see rules-fixture.h. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "rules-fixture.h"

void
fill_uniform (InterpTensor *t, uint64_t seed, float lo, float hi)
{
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  for (size_t i = 0; i < t->numel; i++)
    t->data[i] = lo + (hi - lo) * (float) interp_rng_uniform (&rng);
}

void
randomise_params (InterpNet *net, uint64_t seed, float lo, float hi)
{
  for (int k = 0; k < interp_net_n_params (net); k++)
    {
      InterpParam *p = interp_net_param (net, k);
      if (g_str_has_suffix (p->name, ".running_var") || g_str_has_suffix (p->name, ".std"))
        fill_uniform (p->value, seed + (uint64_t) k, 0.5f, 2.0f);
      else
        fill_uniform (p->value, seed + (uint64_t) k, lo, hi);
    }
}

float
logit (const InterpNet *net, int i, int target)
{
  const InterpTensor *y = interp_net_value (net, interp_net_output_node (net));
  return y->data[(int64_t) i * y->shape[1] + target];
}

InterpTensor *
backward_at (InterpNet *net, const InterpTensor *x, int target, float seed)
{
  interp_net_set_input_grad (net, TRUE);
  interp_net_set_param_grad (net, FALSE);
  GError *error = NULL;
  cr_assert (interp_net_forward (net, x, &error), "%s", error ? error->message : "");
  interp_net_zero_grad (net);
  int out = interp_net_output_node (net);
  InterpTensor *g = interp_net_grad (net, out);
  int64_t n = g->shape[0], k = g->shape[1];
  interp_tensor_zero (g);
  for (int64_t i = 0; i < n; i++)
    g->data[i * k + target] = isnan (seed) ? logit (net, (int) i, target) : seed;
  interp_net_backward (net);
  return interp_tensor_copy (interp_net_input_grad (net));
}
