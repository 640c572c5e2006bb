/* regularizer:l2: loss by hand, gradient against finite differences, the
 * lambda / weight-decay alias, frozen parameters, bad input. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include <interp/interp.h>

#include "host/params-private.h"

extern const InterpComponent interp_regularizer_l2;

#define WHERE "test.ini: [regularizer:wd]"

static const InterpRegularizerVTable *
vtable (void)
{
  return interp_regularizer_l2.vtable;
}

/* input (3) -> flatten -> linear "fc1" (4) -> relu -> linear "fc2" (2),
 * weights from a seeded stream. */
static InterpNet *
mlp (void)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (3, 1, 1);
  int x = interp_net_flatten (net, "flat", 0, &error);
  x = interp_net_linear (net, "fc1", x, 4, TRUE, &error);
  x = interp_net_relu (net, "relu", x, &error);
  cr_assert_geq (interp_net_linear (net, "fc2", x, 2, TRUE, &error), 0,
                 "%s", error ? error->message : "");
  InterpRng rng;
  interp_rng_seed (&rng, 5);
  interp_net_init (net, &rng);
  for (int i = 0; i < interp_net_n_params (net); i++)   /* non-zero biases too */
    {
      InterpParam *p = interp_net_param (net, i);
      for (size_t j = 0; j < p->value->numel; j++)
        p->value->data[j] += (float) (0.1 * interp_rng_normal (&rng));
    }
  return net;
}

static gpointer
create (InterpNet *net, const char *const *pairs, GError **error)
{
  GError *perr = NULL;
  InterpParams *p = interp_params_new_from_pairs (interp_regularizer_l2.params, WHERE,
                                                  pairs, &perr);
  cr_assert_not_null (p, "%s", perr ? perr->message : "");
  gpointer self = vtable ()->create (p, net, NULL, NULL, error);
  interp_params_free (p);
  return self;
}

static double
apply (InterpNet *net, gpointer self)
{
  GError *error = NULL;
  double loss = NAN;
  interp_net_zero_param_grad (net);
  cr_assert (vtable ()->apply (self, net, NULL, 0, &loss, &error),
             "%s", error ? error->message : "");
  return loss;
}

static double
sum_sq (InterpNet *net, const char *name)
{
  InterpParam *p = interp_net_find_param (net, name);
  double s = 0.0;
  for (size_t j = 0; j < p->value->numel; j++)
    s += (double) p->value->data[j] * p->value->data[j];
  return s;
}

Test (regularizer_l2, loss_by_hand_and_gradient_fd)
{
  InterpNet *net = mlp ();
  GError *error = NULL;
  gpointer self = create (net, (const char *[]) { "lambda=0.3", NULL }, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  double loss = apply (net, self);
  cr_assert_float_eq (loss, 0.15 * (sum_sq (net, "fc1.weight") + sum_sq (net, "fc2.weight")),
                      1e-9);
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      InterpTensor *grad = interp_tensor_copy (p->grad);
      gboolean decayed = g_str_has_suffix (p->name, ".weight");
      for (size_t j = 0; j < p->value->numel; j++)
        {
          float keep = p->value->data[j], vp = keep + 1e-2f, vm = keep - 1e-2f;
          p->value->data[j] = vp;
          double lp = apply (net, self);
          p->value->data[j] = vm;
          double lm = apply (net, self);
          p->value->data[j] = keep;
          double fd = (lp - lm) / ((double) vp - (double) vm);
          cr_assert (fabs (grad->data[j] - fd) <= 1e-6 + 1e-3 * fabs (fd),
                     "%s[%zu]: got %g, finite differences %g", p->name, j, grad->data[j], fd);
          if (!decayed)
            cr_assert_eq (grad->data[j], 0.0f, "%s is not matched by *.weight", p->name);
        }
      interp_tensor_free (grad);
    }
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* The gradient is ADDED to what the parameter gradients already hold. */
Test (regularizer_l2, gradient_accumulates)
{
  InterpNet *net = mlp ();
  GError *error = NULL;
  gpointer self = create (net, (const char *[]) { "weight-decay=0.5", "params=fc2.*", NULL },
                          &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  InterpParam *w = interp_net_find_param (net, "fc2.weight");
  InterpParam *b = interp_net_find_param (net, "fc2.bias");
  interp_net_zero_param_grad (net);
  interp_tensor_fill (w->grad, 1.0f);
  double loss;
  cr_assert (vtable ()->apply (self, net, NULL, 0, &loss, &error));
  cr_assert_float_eq (loss, 0.25 * (sum_sq (net, "fc2.weight") + sum_sq (net, "fc2.bias")),
                      1e-9);
  for (size_t j = 0; j < w->value->numel; j++)
    cr_assert_float_eq (w->grad->data[j], 1.0f + 0.5f * w->value->data[j], 1e-6);
  for (size_t j = 0; j < b->value->numel; j++)
    cr_assert_float_eq (b->grad->data[j], 0.5f * b->value->data[j], 1e-6);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (regularizer_l2, frozen_parameters_are_left_out)
{
  InterpNet *net = mlp ();
  interp_net_set_frozen (net, interp_net_find (net, "fc1"), TRUE);
  GError *error = NULL;
  gpointer self = create (net, (const char *[]) { "lambda=1", NULL }, &error);
  cr_assert_not_null (self);
  double loss = apply (net, self);
  cr_assert_float_eq (loss, 0.5 * sum_sq (net, "fc2.weight"), 1e-9);
  InterpParam *w1 = interp_net_find_param (net, "fc1.weight");
  for (size_t j = 0; j < w1->grad->numel; j++)
    cr_assert_eq (w1->grad->data[j], 0.0f);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (regularizer_l2, lambda_zero_adds_exactly_nothing)
{
  InterpNet *net = mlp ();
  GError *error = NULL;
  gpointer self = create (net, (const char *[]) { "lambda=0", NULL }, &error);
  cr_assert_not_null (self);
  InterpParam *w = interp_net_find_param (net, "fc1.weight");
  interp_tensor_fill (w->grad, -0.0f);
  double loss = 1.0;
  cr_assert (vtable ()->apply (self, net, NULL, 0, &loss, &error));
  cr_assert_eq (loss, 0.0);
  for (size_t j = 0; j < w->grad->numel; j++)
    cr_assert (signbit (w->grad->data[j]), "-0 became +0: the buffer was written");
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (regularizer_l2, both_or_neither_coefficient_is_an_error)
{
  InterpNet *net = mlp ();
  GError *error = NULL;
  cr_assert_null (create (net, (const char *[]) { "lambda=1", "weight-decay=1", NULL }, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE));
  cr_assert (strstr (error->message, WHERE) != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "'weight-decay'") != NULL, "%s", error->message);
  g_clear_error (&error);
  cr_assert_null (create (net, NULL, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_MISSING));
  cr_assert (strstr (error->message, "'lambda'") != NULL, "%s", error->message);
  g_clear_error (&error);
  interp_net_free (net);
}

Test (regularizer_l2, glob_matching_nothing_names_key_and_glob)
{
  InterpNet *net = mlp ();
  GError *error = NULL;
  cr_assert_null (create (net, (const char *[]) { "lambda=1", "params=conv*", NULL }, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND));
  cr_assert (strstr (error->message, WHERE) != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "'params'") != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "conv*") != NULL, "%s", error->message);
  g_error_free (error);
  interp_net_free (net);
}

Test (regularizer_l2, negative_lambda_is_out_of_range)
{
  GError *error = NULL;
  cr_assert_null (interp_params_new_from_pairs (interp_regularizer_l2.params, WHERE,
                                                (const char *[]) { "lambda=-1", NULL },
                                                &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE));
  cr_assert (strstr (error->message, "lambda") != NULL, "%s", error->message);
  g_error_free (error);
}
