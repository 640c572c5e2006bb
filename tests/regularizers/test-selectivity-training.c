/* regularizer:class-selectivity end to end: training a small MLP with
 * alpha < 0 must end with lower class selectivity (as measured by
 * metric:class-selectivity) than alpha = 0, and alpha > 0 with higher.  And
 * on one batch the metric and the regulariser agree on the mean SI. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include <interp/interp.h>

#include "host/params-private.h"
#include "host/results-private.h"

extern const InterpComponent interp_regularizer_class_selectivity;
extern const InterpComponent interp_metric_class_selectivity;

#define N_CLASSES 4
#define N_SAMPLES 256
#define DIM 8

/* Four Gaussian blobs in 8-d, 64 samples each, from a seeded stream. */
static InterpTensor *
blobs (int32_t *labels)
{
  InterpRng rng;
  interp_rng_seed (&rng, 2021);
  double centres[N_CLASSES][DIM];
  for (int k = 0; k < N_CLASSES; k++)
    for (int d = 0; d < DIM; d++)
      centres[k][d] = 2.0 * interp_rng_normal (&rng);
  InterpTensor *x = interp_tensor_new_4d (N_SAMPLES, DIM, 1, 1);
  for (int i = 0; i < N_SAMPLES; i++)
    {
      labels[i] = i % N_CLASSES;
      for (int d = 0; d < DIM; d++)
        x->data[i * DIM + d] = (float) (centres[labels[i]][d] + interp_rng_normal (&rng));
    }
  return x;
}

/* flatten -> fc1 (16) -> relu1 -> fc (4), the same initial weights for every
 * call. */
static InterpNet *
mlp (void)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (DIM, 1, 1);
  int h = interp_net_flatten (net, "flat", 0, &error);
  h = interp_net_linear (net, "fc1", h, 16, TRUE, &error);
  h = interp_net_relu (net, "relu1", h, &error);
  cr_assert_geq (interp_net_linear (net, "fc", h, N_CLASSES, TRUE, &error), 0,
                 "%s", error ? error->message : "");
  InterpRng rng;
  interp_rng_seed (&rng, 7);
  interp_net_init (net, &rng);
  return net;
}

static gpointer
regularizer (InterpNet *net, double alpha)
{
  char kv[64];
  g_snprintf (kv, sizeof kv, "alpha=%g", alpha);
  InterpDataInfo data = { DIM, 1, 1, N_CLASSES, NULL };
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (interp_regularizer_class_selectivity.params,
                                                  "test", (const char *[]) { kv, NULL },
                                                  &error);
  cr_assert_not_null (p);
  const InterpRegularizerVTable *vt = interp_regularizer_class_selectivity.vtable;
  gpointer self = vt->create (p, net, &data, NULL, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  interp_params_free (p);
  return self;
}

/* Mean SI of relu1 over the data, by the metric. */
static double
measured_selectivity (InterpNet *net, const InterpTensor *x, const int32_t *labels)
{
  InterpDataInfo data = { DIM, 1, 1, N_CLASSES, NULL };
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (interp_metric_class_selectivity.params,
                                                  "test", NULL, &error);
  const InterpMetricVTable *vt = interp_metric_class_selectivity.vtable;
  gpointer self = vt->create (p, net, &data, NULL, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  vt->reset (self);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  cr_assert (interp_net_forward (net, x, &error));
  cr_assert (vt->update (self, net, x, labels, &error));
  InterpResults *r = interp_results_new ();
  cr_assert (vt->finish (self, r, &error));
  double si;
  cr_assert (interp_results_lookup (r, "selectivity-mean", "relu1", &si));
  interp_results_free (r);
  vt->destroy (self);
  interp_params_free (p);
  return si;
}

/* 150 full-batch steps of plain gradient descent on CE - alpha * mean_SI. */
static double
train_and_measure (double alpha, double *accuracy)
{
  int32_t labels[N_SAMPLES];
  InterpTensor *x = blobs (labels);
  InterpNet *net = mlp ();
  gpointer reg = regularizer (net, alpha);
  const InterpRegularizerVTable *vt = interp_regularizer_class_selectivity.vtable;
  int out = interp_net_output_node (net);
  GError *error = NULL;
  int64_t correct = 0;
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  for (int step = 0; step < 150; step++)
    {
      interp_net_zero_param_grad (net);
      interp_net_zero_grad (net);
      cr_assert (interp_net_forward (net, x, &error));
      interp_softmax_cross_entropy (interp_net_value (net, out), labels, 0.0f,
                                    interp_net_grad (net, out), 1.0f, &correct);
      double term;
      cr_assert (vt->apply (reg, net, labels, N_SAMPLES, &term, &error));
      interp_net_backward (net);
      for (int i = 0; i < interp_net_n_params (net); i++)
        {
          InterpParam *p = interp_net_param (net, i);
          if (p->grad == NULL)
            continue;
          for (size_t j = 0; j < p->value->numel; j++)
            p->value->data[j] -= 0.1f * p->grad->data[j];
        }
    }
  *accuracy = (double) correct / N_SAMPLES;
  double si = measured_selectivity (net, x, labels);
  vt->destroy (reg);
  interp_net_free (net);
  interp_tensor_free (x);
  return si;
}

Test (regularizer_selectivity_training, alpha_sign_moves_measured_selectivity)
{
  double acc_low, acc_none, acc_high;
  double low = train_and_measure (-2.0, &acc_low);
  double none = train_and_measure (0.0, &acc_none);
  double high = train_and_measure (2.0, &acc_high);
  cr_log_info ("mean SI: alpha -2: %.3f (acc %.2f), 0: %.3f (acc %.2f), +2: %.3f (acc %.2f)",
               low, acc_low, none, acc_none, high, acc_high);
  cr_assert (acc_none > 0.9, "the unregularised net did not learn the blobs: %g", acc_none);
  cr_assert_lt (low, none - 0.05);
  cr_assert_gt (high, none + 0.05);
}

/* On one full batch (all classes present), the metric's layer mean and the
 * regulariser's mean_SI (= -term / alpha) are the same number. */
Test (regularizer_selectivity_training, metric_and_regularizer_agree)
{
  int32_t labels[N_SAMPLES];
  InterpTensor *x = blobs (labels);
  InterpNet *net = mlp ();
  gpointer reg = regularizer (net, 1.0);
  const InterpRegularizerVTable *vt = interp_regularizer_class_selectivity.vtable;
  double si = measured_selectivity (net, x, labels);
  GError *error = NULL;
  double term;
  interp_net_zero_grad (net);
  cr_assert (vt->apply (reg, net, labels, N_SAMPLES, &term, &error));
  cr_assert (si > 0.0);
  cr_assert_float_eq (-term, si, 1e-9);
  vt->destroy (reg);
  interp_net_free (net);
  interp_tensor_free (x);
}
