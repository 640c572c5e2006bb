/* Fixtures of the gradient tests: see grad-fixture.h. */
#include <criterion/criterion.h>

#include <math.h>

#include "grad-fixture.h"

typedef struct {
  InterpNet *net;
  InterpTensor *x;
  int out;
  float *w;                 /* probe weights, one per output element */
  size_t n_out;
  InterpRng rng0;           /* dropout stream at the start: every pass draws the same masks */
} Probe;

InterpTensor *
random_tensor (int ndim, const int64_t *shape, uint64_t seed, float lo, float hi)
{
  InterpTensor *t = interp_tensor_new (ndim, shape);
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  for (size_t i = 0; i < t->numel; i++)
    t->data[i] = lo + (hi - lo) * (float) interp_rng_uniform (&rng);
  return t;
}

static double
probe_forward (Probe *p)
{
  *interp_net_rng (p->net) = p->rng0;
  GError *err = NULL;
  cr_assert (interp_net_forward_to (p->net, p->x, p->out, &err), "%s", err ? err->message : "");
  const InterpTensor *y = interp_net_value (p->net, p->out);
  if (p->w == NULL)
    {
      InterpRng rng;
      interp_rng_seed (&rng, 4242);
      p->n_out = y->numel;
      p->w = g_new (float, y->numel);
      for (size_t i = 0; i < y->numel; i++)
        p->w[i] = (float) (2.0 * interp_rng_uniform (&rng) - 1.0);
    }
  cr_assert_eq (y->numel, p->n_out);
  double l = 0.0;
  for (size_t i = 0; i < y->numel; i++)
    l += (double) p->w[i] * (double) y->data[i];
  return l;
}

static void
probe_backward (Probe *p)
{
  probe_forward (p);
  interp_net_zero_grad (p->net);
  interp_net_zero_param_grad (p->net);
  InterpTensor *g = interp_net_grad (p->net, p->out);
  for (size_t i = 0; i < g->numel; i++)
    g->data[i] += p->w[i];
  interp_net_backward (p->net);
}

/* Compares analytic[0..n) with central differences of the probe in the
 * floats values[0..n). */
static void
check_fd (Probe *p, const char *what, float *values, const float *analytic, size_t n,
          double h, double tol)
{
  double *fd = g_new (double, n);
  double scale = 1e-3;
  for (size_t i = 0; i < n; i++)
    {
      float v = values[i];
      values[i] = v + (float) h;
      double lp = probe_forward (p);
      values[i] = v - (float) h;
      double lm = probe_forward (p);
      values[i] = v;
      fd[i] = (lp - lm) / (2.0 * h);
      scale = fmax (scale, fabs (fd[i]));
    }
  for (size_t i = 0; i < n; i++)
    cr_assert (fabs (analytic[i] - fd[i]) <= tol * scale,
               "%s[%zu]: analytic %.6g, finite difference %.6g (scale %.3g)",
               what, i, (double) analytic[i], fd[i], scale);
  g_free (fd);
}

/* Checks d/d(input) and d/d(every trainable parameter) of the probe at
 * node `out`. */
void
check_net (InterpNet *net, InterpTensor *x, int out, double h, double tol)
{
  Probe p = { .net = net, .x = x, .out = out };
  p.rng0 = *interp_net_rng (net);
  interp_net_set_input_grad (net, TRUE);
  probe_backward (&p);
  const InterpTensor *gx = interp_net_input_grad (net);
  cr_assert_eq (gx->numel, x->numel);
  float *ax = g_memdup2 (gx->data, gx->numel * sizeof (float));
  int np = interp_net_n_params (net);
  float **ap = g_new0 (float *, np);
  for (int i = 0; i < np; i++)
    {
      InterpParam *prm = interp_net_param (net, i);
      if (!prm->is_buffer)
        ap[i] = g_memdup2 (prm->grad->data, prm->grad->numel * sizeof (float));
    }
  check_fd (&p, "input", x->data, ax, x->numel, h, tol);
  for (int i = 0; i < np; i++)
    {
      InterpParam *prm = interp_net_param (net, i);
      if (!prm->is_buffer)
        check_fd (&p, prm->name, prm->value->data, ap[i], prm->value->numel, h, tol);
      g_free (ap[i]);
    }
  g_free (ap);
  g_free (ax);
  probe_forward (&p);   /* leave the unperturbed forward pass behind */
  g_free (p.w);
}

void
init_net (InterpNet *net, uint64_t seed)
{
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  interp_net_init (net, &rng);
  /* Non-trivial biases and BN affine parameters, so their gradients are exercised. */
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      if (p->is_buffer)
        continue;
      if (g_str_has_suffix (p->name, ".bias"))
        for (size_t j = 0; j < p->value->numel; j++)
          p->value->data[j] = (float) (interp_rng_uniform (&rng) - 0.5);
      if (p->value->ndim == 1 && g_str_has_suffix (p->name, ".weight"))
        for (size_t j = 0; j < p->value->numel; j++)
          p->value->data[j] = (float) (0.5 + interp_rng_uniform (&rng));
    }
}
