/* regularizer:l1-activation: loss by hand (normalised by the batch size),
 * gradient against finite differences, lambda = 0, bad input. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include <interp/interp.h>

#include "host/params-private.h"

extern const InterpComponent interp_regularizer_l1_activation;

#define WHERE "test.ini: [regularizer:sparse]"

static const InterpRegularizerVTable *
vtable (void)
{
  return interp_regularizer_l1_activation.vtable;
}

static gpointer
create (InterpNet *net, const char *const *pairs, GError **error)
{
  GError *perr = NULL;
  InterpParams *p = interp_params_new_from_pairs (interp_regularizer_l1_activation.params,
                                                  WHERE, pairs, &perr);
  cr_assert_not_null (p, "%s", perr ? perr->message : "");
  gpointer self = vtable ()->create (p, net, NULL, NULL, error);
  interp_params_free (p);
  return self;
}

/* input (2, 2, 2) -> relu "relu". */
static InterpNet *
relu_net (void)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (2, 2, 2);
  cr_assert_geq (interp_net_relu (net, "relu", 0, &error), 0);
  return net;
}

static double
run (InterpNet *net, gpointer self, const InterpTensor *x)
{
  GError *error = NULL;
  double loss = NAN;
  cr_assert (interp_net_forward (net, x, &error), "%s", error ? error->message : "");
  interp_net_zero_grad (net);
  cr_assert (vtable ()->apply (self, net, NULL, x->shape[0], &loss, &error),
             "%s", error ? error->message : "");
  return loss;
}

static InterpTensor *
signed_batch (int64_t n)
{
  InterpTensor *x = interp_tensor_new_4d (n, 2, 2, 2);
  InterpRng rng;
  interp_rng_seed (&rng, 21);
  for (size_t i = 0; i < x->numel; i++)
    {
      double v = 0.1 + interp_rng_uniform (&rng);   /* |v| >= 0.1: no kink within h */
      x->data[i] = (float) (i % 3 == 0 ? -v : v);
    }
  return x;
}

/* On the input node (values of both signs) the term is
 * lambda / N * sum |x|, its gradient lambda / N * sign(x); on the relu node
 * the negative entries count zero and get no gradient. */
Test (regularizer_l1_activation, loss_and_gradient_fd)
{
  const char *globs[] = { "layers=input", "layers=relu" };
  for (int gi = 0; gi < 2; gi++)
    {
      InterpNet *net = relu_net ();
      GError *error = NULL;
      gpointer self = create (net, (const char *[]) { "lambda=0.3", globs[gi], NULL }, &error);
      cr_assert_not_null (self, "%s", error ? error->message : "");
      InterpTensor *x = signed_batch (3);
      double by_hand = 0.0;
      for (size_t i = 0; i < x->numel; i++)
        by_hand += gi == 0 ? fabs (x->data[i]) : fmax (x->data[i], 0.0);
      double loss = run (net, self, x);
      cr_assert_float_eq (loss, 0.3 * by_hand / 3.0, 1e-6);

      int node = gi == 0 ? 0 : interp_net_find (net, "relu");
      InterpTensor *g = interp_tensor_copy (interp_net_grad (net, node));
      for (size_t i = 0; i < x->numel; i++)
        {
          float keep = x->data[i], xp = keep + 1e-2f, xm = keep - 1e-2f;
          x->data[i] = xp;
          double lp = run (net, self, x);
          x->data[i] = xm;
          double lm = run (net, self, x);
          x->data[i] = keep;
          double fd = (lp - lm) / ((double) xp - (double) xm);
          cr_assert (fabs (g->data[i] - fd) <= 1e-6 + 1e-3 * fabs (fd),
                     "%s [%zu]: got %g, finite differences %g", globs[gi], i, g->data[i], fd);
        }
      interp_tensor_free (g);
      interp_tensor_free (x);
      vtable ()->destroy (self);
      interp_net_free (net);
    }
}

/* Normalised by the batch: the same samples twice give the same term. */
Test (regularizer_l1_activation, mean_over_the_batch)
{
  InterpNet *net = relu_net ();
  GError *error = NULL;
  gpointer self = create (net, (const char *[]) { "lambda=1", "layers=input", NULL }, &error);
  cr_assert_not_null (self);
  InterpTensor *x = signed_batch (2);
  double once = run (net, self, x);
  InterpTensor *x2 = interp_tensor_new_4d (4, 2, 2, 2);
  memcpy (x2->data, x->data, x->numel * sizeof (float));
  memcpy (x2->data + x->numel, x->data, x->numel * sizeof (float));
  cr_assert_float_eq (run (net, self, x2), once, 1e-6);
  interp_tensor_free (x2);
  interp_tensor_free (x);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (regularizer_l1_activation, lambda_zero_adds_exactly_nothing)
{
  InterpNet *net = relu_net ();
  GError *error = NULL;
  gpointer self = create (net, (const char *[]) { "lambda=0", NULL }, &error);
  cr_assert_not_null (self);
  InterpTensor *x = signed_batch (2);
  cr_assert (interp_net_forward (net, x, &error));
  interp_net_zero_grad (net);
  InterpTensor *g = interp_net_grad (net, interp_net_find (net, "relu"));
  interp_tensor_fill (g, 0.25f);
  double loss = 1.0;
  cr_assert (vtable ()->apply (self, net, NULL, 2, &loss, &error));
  cr_assert_eq (loss, 0.0);
  for (size_t i = 0; i < g->numel; i++)
    cr_assert_eq (g->data[i], 0.25f);
  interp_tensor_free (x);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (regularizer_l1_activation, lambda_is_required)
{
  GError *error = NULL;
  cr_assert_null (interp_params_new_from_pairs (interp_regularizer_l1_activation.params,
                                                WHERE, NULL, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_MISSING));
  cr_assert (strstr (error->message, "lambda") != NULL, "%s", error->message);
  g_error_free (error);
}

Test (regularizer_l1_activation, glob_matching_nothing_names_key_and_glob)
{
  InterpNet *net = relu_net ();
  GError *error = NULL;
  cr_assert_null (create (net, (const char *[]) { "lambda=1", "layers=*conv*", NULL }, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND));
  cr_assert (strstr (error->message, WHERE) != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "*conv*") != NULL, "%s", error->message);
  g_error_free (error);
  interp_net_free (net);
}

Test (regularizer_l1_activation, batch_size_mismatch_is_a_shape_error)
{
  InterpNet *net = relu_net ();
  GError *error = NULL;
  gpointer self = create (net, (const char *[]) { "lambda=1", NULL }, &error);
  cr_assert_not_null (self);
  InterpTensor *x = signed_batch (2);
  cr_assert (interp_net_forward (net, x, &error));
  double loss;
  cr_assert_not (vtable ()->apply (self, net, NULL, 3, &loss, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_SHAPE));
  cr_assert (strstr (error->message, "'relu'") != NULL, "%s", error->message);
  g_error_free (error);
  interp_tensor_free (x);
  vtable ()->destroy (self);
  interp_net_free (net);
}
