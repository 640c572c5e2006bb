/* metric:accuracy on hand-built logits: the network is input -> flatten, so
 * the logits are exactly the batch fed in. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include <interp/interp.h>

#include "host/params-private.h"
#include "host/results-private.h"

extern const InterpComponent interp_metric_accuracy;

#define WHERE "test.ini: [metric:accuracy]"

static const InterpMetricVTable *
vtable (void)
{
  return interp_metric_accuracy.vtable;
}

static InterpNet *
logits_net (int64_t k)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (k, 1, 1);
  cr_assert_geq (interp_net_flatten (net, "logits", 0, &error), 0,
                 "%s", error ? error->message : "");
  return net;
}

static gpointer
create (InterpNet *net, int n_classes, const char *const *pairs, GError **error)
{
  InterpDataInfo data = { n_classes, 1, 1, n_classes, NULL };
  GError *perr = NULL;
  InterpParams *p = interp_params_new_from_pairs (interp_metric_accuracy.params, WHERE,
                                                  pairs, &perr);
  cr_assert_not_null (p, "%s", perr ? perr->message : "");
  gpointer self = vtable ()->create (p, net, &data, NULL, error);
  interp_params_free (p);
  return self;
}

static void
feed (InterpNet *net, gpointer self, const float *z, const int32_t *labels, int64_t n,
      int64_t k)
{
  GError *error = NULL;
  InterpTensor *t = interp_tensor_new_4d (n, k, 1, 1);
  memcpy (t->data, z, t->numel * sizeof (float));
  cr_assert (interp_net_forward (net, t, &error), "%s", error ? error->message : "");
  cr_assert (vtable ()->update (self, net, t, labels, &error),
             "%s", error ? error->message : "");
  interp_tensor_free (t);
}

static double
lookup (const InterpResults *r, const char *metric)
{
  double v;
  cr_assert (interp_results_lookup (r, metric, "", &v), "no %s", metric);
  return v;
}

/* Label ranks: 0, 1, 3 (a four-way tie ranks the last index last), 3. */
static const float ranked_z[] = {
  3, 1, 0, 0,
  0, 5, 2, 1,
  1, 1, 1, 1,
  0, 1, 2, 3,
};
static const int32_t ranked_labels[] = { 0, 2, 3, 0 };

Test (metric_accuracy, top_k_by_hand)
{
  InterpNet *net = logits_net (4);
  GError *error = NULL;
  gpointer self = create (net, 4, (const char *[]) { "top-k=1, 2, 3, 4", NULL }, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  vtable ()->reset (self);
  feed (net, self, ranked_z, ranked_labels, 2, 4);          /* two batches */
  feed (net, self, ranked_z + 8, ranked_labels + 2, 2, 4);
  InterpResults *r = interp_results_new ();
  cr_assert (vtable ()->finish (self, r, &error), "%s", error ? error->message : "");
  cr_assert_float_eq (lookup (r, "accuracy"), 0.25, 1e-12);
  cr_assert_float_eq (lookup (r, "top2-accuracy"), 0.5, 1e-12);
  cr_assert_float_eq (lookup (r, "top3-accuracy"), 0.5, 1e-12);
  cr_assert_float_eq (lookup (r, "top4-accuracy"), 1.0, 1e-12);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* Ties go to the lower index, as an argmax taking the first maximum: label
 * 0 of [1 1] is a top-1 hit, label 1 is not. */
Test (metric_accuracy, ties_go_to_the_lower_index)
{
  InterpNet *net = logits_net (2);
  GError *error = NULL;
  gpointer self = create (net, 2, NULL, &error);
  cr_assert_not_null (self);
  vtable ()->reset (self);
  feed (net, self, (const float[]) { 1, 1,  1, 1 }, (const int32_t[]) { 0, 1 }, 2, 2);
  InterpResults *r = interp_results_new ();
  cr_assert (vtable ()->finish (self, r, &error));
  cr_assert_float_eq (lookup (r, "accuracy"), 0.5, 1e-12);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* Mean cross-entropy: uniform logits give ln 4; [ln 3, 0, 0, 0] on label 0
 * gives p = 1/2, ln 2; a logit of 1000 must not overflow (loss ~ 0). */
Test (metric_accuracy, mean_cross_entropy_by_hand)
{
  InterpNet *net = logits_net (4);
  GError *error = NULL;
  gpointer self = create (net, 4, NULL, &error);
  cr_assert_not_null (self);
  vtable ()->reset (self);
  float z[] = { 0, 0, 0, 0,   (float) log (3.0), 0, 0, 0,   1000, 0, 0, 0 };
  feed (net, self, z, (const int32_t[]) { 2, 0, 0 }, 3, 4);
  InterpResults *r = interp_results_new ();
  cr_assert (vtable ()->finish (self, r, &error));
  cr_assert_float_eq (lookup (r, "loss"), (log (4.0) + log (2.0)) / 3.0, 1e-6);
  cr_assert_float_eq (lookup (r, "accuracy"), 2.0 / 3.0, 1e-12);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* A NaN logit on the label is a miss, never a hit. */
Test (metric_accuracy, nan_logit_is_a_miss)
{
  InterpNet *net = logits_net (2);
  GError *error = NULL;
  gpointer self = create (net, 2, NULL, &error);
  cr_assert_not_null (self);
  vtable ()->reset (self);
  feed (net, self, (const float[]) { NAN, 0 }, (const int32_t[]) { 0 }, 1, 2);
  InterpResults *r = interp_results_new ();
  cr_assert (vtable ()->finish (self, r, &error));
  cr_assert_eq (lookup (r, "accuracy"), 0.0);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (metric_accuracy, k_above_the_classes_names_the_key)
{
  InterpNet *net = logits_net (4);
  GError *error = NULL;
  cr_assert_null (create (net, 4, (const char *[]) { "top-k=1,5", NULL }, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE));
  cr_assert (strstr (error->message, WHERE) != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "'top-k'") != NULL, "%s", error->message);
  g_error_free (error);
  interp_net_free (net);
}

Test (metric_accuracy, empty_test_set_is_an_error)
{
  InterpNet *net = logits_net (4);
  GError *error = NULL;
  gpointer self = create (net, 4, NULL, &error);
  cr_assert_not_null (self);
  vtable ()->reset (self);
  InterpResults *r = interp_results_new ();
  cr_assert_not (vtable ()->finish (self, r, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_FAILED));
  cr_assert (strstr (error->message, WHERE) != NULL, "%s", error->message);
  g_error_free (error);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (metric_accuracy, label_out_of_range_is_an_error)
{
  InterpNet *net = logits_net (2);
  GError *error = NULL;
  gpointer self = create (net, 2, NULL, &error);
  cr_assert_not_null (self);
  InterpTensor *t = interp_tensor_new_4d (1, 2, 1, 1);
  cr_assert (interp_net_forward (net, t, &error));
  cr_assert_not (vtable ()->update (self, net, t, (const int32_t[]) { 2 }, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT));
  g_error_free (error);
  interp_tensor_free (t);
  vtable ()->destroy (self);
  interp_net_free (net);
}

/* Every row finish() writes is declared, top-k names through their pattern;
 * the declarations carry what the report needs. */
Test (metric_accuracy, writes_only_declared_outputs)
{
  InterpNet *net = logits_net (4);
  GError *error = NULL;
  gpointer self = create (net, 4, (const char *[]) { "top-k=1, 3", NULL }, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  vtable ()->reset (self);
  feed (net, self, ranked_z, ranked_labels, 4, 4);
  InterpResults *r = interp_results_new ();
  interp_results_expect (r, "metric:accuracy", vtable ()->outputs);
  cr_assert (vtable ()->finish (self, r, &error), "%s", error ? error->message : "");
  cr_assert (interp_results_check (r, &error), "%s", error ? error->message : "");
  cr_assert_eq (interp_results_n_rows (r), 3);
  const InterpMetricOutput *acc = interp_metric_output_find (vtable ()->outputs, "accuracy");
  cr_assert_not_null (acc);
  cr_assert_eq (acc->kind, INTERP_OUTPUT_SCALAR);
  cr_assert_eq (acc->higher_is_better, INTERP_BETTER_HIGHER);
  cr_assert (acc->min == 0.0 && acc->max == 1.0);
  const InterpMetricOutput *top3 = interp_metric_output_find (vtable ()->outputs, "top3-accuracy");
  cr_assert_not_null (top3);
  cr_assert_neq (top3, acc);
  const InterpMetricOutput *loss = interp_metric_output_find (vtable ()->outputs, "loss");
  cr_assert_eq (loss->higher_is_better, INTERP_BETTER_LOWER);
  cr_assert_str_eq (loss->unit, "nats");
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}
