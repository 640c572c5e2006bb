/* The minimal-epsilon search (core/runner/minimal-epsilon.c) on probe
 * attacks whose success threshold is known per image, and the amplified
 * perturbation of attack examples (core/runner/examples.c).
 *
 * The network is the identity on two inputs: logits = (x0, x1), so an image
 * of label 0 is classified right while x0 >= x1 (ties go to the first
 * class, as torch.argmax).  The probe "shift" adds eps[i] to x1: it fools
 * image i iff x1 + eps > x0, i.e. iff eps > t_i = x0 - x1, a threshold
 * known exactly. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "runner/examples.h"
#include "runner/minimal-epsilon.h"

#define N 6
#define EPS_MAX 0.4

/* t_i = x0 - x1: four images inside (0, E], one beyond E (robust), one
 * already wrong (x0 < x1). */
static const float X0[N] = { 0.513f, 0.6f, 0.75f, 0.8989f, 0.95f, 0.2f };
static const float X1[N] = { 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.3f };

typedef struct {
  gboolean minimal_norm;
  int calls;
  double max_eps_seen;
} Probe;

static gboolean
probe_perturb (gpointer self, InterpNet *net, const InterpTensor *x, const int32_t *labels,
               const double *eps, InterpRng *rng, InterpTensor *x_adv, GError **error)
{
  Probe *p = self;
  p->calls++;
  interp_tensor_copy_into (x_adv, x);
  for (int64_t i = 0; i < x->shape[0]; i++)
    {
      float *a = x_adv->data + 2 * i;
      const float *c = x->data + 2 * i;
      p->max_eps_seen = MAX (p->max_eps_seen, eps[i]);
      if (!p->minimal_norm)
        a[1] = (float) (c[1] + eps[i]);
      else
        {
          /* The smallest shift that flips the argmax, plus a margin of 1e-3
           * so float rounding cannot leave a tie; returned only within the
           * budget, as MINIMAL_NORM attacks do. */
          double need = (double) c[0] - (double) c[1] + 1e-3;
          if (need > 0 && need <= eps[i])
            a[1] = (float) (c[1] + need);
        }
    }
  return TRUE;
}

static void
probe_describe (gpointer self, InterpAttackInfo *info)
{
  info->norm = INTERP_NORM_LINF;
  info->flags = ((Probe *) self)->minimal_norm ? INTERP_ATTACK_MINIMAL_NORM : 0;
}

static const InterpAttackVTable probe_vtable = {
  INTERP_VTABLE_SIZE (InterpAttackVTable),
  .level_key = "epsilon",
  .perturb = probe_perturb,
  .describe = probe_describe,
};

static InterpNet *
identity_net (void)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (2, 1, 1);
  cr_assert (interp_net_linear (net, "fc", 0, 2, FALSE, &error) > 0);
  InterpParam *w = interp_net_find_param (net, "fc.weight");
  cr_assert_not_null (w);
  const float eye[4] = { 1, 0, 0, 1 };
  memcpy (w->value->data, eye, sizeof eye);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  return net;
}

static void
search (Probe *probe, int steps, double *out)
{
  InterpNet *net = identity_net ();
  InterpTensor *x = interp_tensor_new_4d (N, 2, 1, 1);
  int32_t labels[N] = { 0 };
  for (int i = 0; i < N; i++)
    {
      x->data[2 * i] = X0[i];
      x->data[2 * i + 1] = X1[i];
    }
  InterpContext *ctx = interp_context_new (1, 1, NULL);
  InterpMinimalSearch s = { .vtable = &probe_vtable, .instance = probe, .group = "attack:probe",
                            .eps_max = EPS_MAX, .steps = steps };
  GError *error = NULL;
  cr_assert (interp_minimal_epsilon_batch (&s, net, x, labels, 0, ctx, out, &error), "%s",
             error ? error->message : "");
  interp_context_free (ctx);
  interp_tensor_free (x);
  interp_net_free (net);
}

Test (minimal_epsilon, bisection_lands_within_resolution_of_each_threshold)
{
  for (int steps = 1; steps <= 16; steps += 5)
    {
      Probe probe = { 0 };
      double out[N];
      search (&probe, steps, out);
      /* One call at E, then one per step, each for the whole batch. */
      cr_assert_eq (probe.calls, steps + 1);
      cr_assert_float_eq (probe.max_eps_seen, EPS_MAX, 0.0);
      /* The final interval is E / 2^steps wide and holds t_i; out is its
       * upper end.  2e-7 covers the float rounding of x1 + eps and of
       * x0 - x1 (values below 1: at most 2^-24 each). */
      double width = EPS_MAX / ldexp (1.0, steps);
      for (int i = 0; i < 4; i++)
        {
          double t = (double) X0[i] - (double) X1[i];
          cr_assert (out[i] >= t - 2e-7 && out[i] <= t + width + 2e-7,
                     "steps %d image %d: %.9g not within [%.9g, %.9g]", steps, i, out[i], t,
                     t + width);
        }
      cr_assert (isinf (out[4]) && out[4] > 0, "image beyond E: %g", out[4]);
      cr_assert_eq (out[5], 0.0, "image wrong on the clean input: %g", out[5]);
    }
}

Test (minimal_epsilon, minimal_norm_attack_is_read_directly)
{
  Probe probe = { .minimal_norm = TRUE };
  double out[N];
  search (&probe, 8, out);
  cr_assert_eq (probe.calls, 1, "a minimal-norm attack needs no bisection");
  for (int i = 0; i < 4; i++)
    {
      /* The L-inf norm of what the probe returned: its float shift. */
      double want = (double) (float) (X1[i] + ((double) X0[i] - (double) X1[i] + 1e-3))
                    - (double) X1[i];
      cr_assert_float_eq (out[i], want, 1e-12, "image %d: %.9g, want %.9g", i, out[i], want);
    }
  cr_assert (isinf (out[4]));
  cr_assert_eq (out[5], 0.0);
}

Test (minimal_epsilon, record_median_counts_robust_images_at_the_largest_epsilon)
{
  /* Sorted with inf -> E = 0.4: 0, 0.1, 0.3, 0.4; median (0.1 + 0.3) / 2. */
  const double values[4] = { 0.0, 0.1, INFINITY, 0.3 };
  JsonArray *rows = json_array_new (), *arrays = json_array_new ();
  interp_minimal_epsilon_record ("attack:pgd", values, 4, 0.4, rows, arrays);
  cr_assert_eq (json_array_get_length (rows), 2);
  JsonObject *median = json_array_get_object_element (rows, 0);
  JsonObject *robust = json_array_get_object_element (rows, 1);
  cr_assert_str_eq (json_object_get_string_member (median, "metric"), "minimal-epsilon-median");
  cr_assert_str_eq (json_object_get_string_member (median, "perturbation"), "attack:pgd");
  cr_assert_str_eq (json_object_get_string_member (median, "level"), "");
  cr_assert_float_eq (json_object_get_double_member (median, "value"), 0.2, 1e-15);
  cr_assert_str_eq (json_object_get_string_member (robust, "metric"), "minimal-epsilon-robust");
  cr_assert_float_eq (json_object_get_double_member (robust, "value"), 0.25, 0.0);
  JsonArray *v = json_object_get_array_member (json_array_get_object_element (arrays, 0),
                                               "values");
  cr_assert_eq (json_array_get_length (v), 4);
  cr_assert (JSON_NODE_HOLDS_NULL (json_array_get_element (v, 2)), "robust is null");
  cr_assert_float_eq (json_array_get_double_element (v, 3), 0.3, 0.0);
  for (const InterpMetricOutput *o = interp_minimal_epsilon_outputs; o->name; o++)
    cr_assert (strncmp (o->name, "minimal-epsilon", 15) == 0);
  json_array_unref (rows);
  json_array_unref (arrays);
}

Test (attack_examples, perturbation_is_amplified_around_grey)
{
  /* m = max |delta| = 0.2: +0.1 -> 0.5 + 0.5 * 0.5 = 0.75, 0 -> 0.5,
   * -0.2 -> 0.  Float inputs near 0.5 differ by multiples of 2^-24, hence 1e-6. */
  const float x[3] = { 0.5f, 0.5f, 0.5f }, adv[3] = { 0.6f, 0.5f, 0.3f };
  float out[3];
  double m = interp_attack_example_amplify (x, adv, 3, out);
  cr_assert_float_eq (m, 0.2, 1e-6);
  cr_assert_float_eq (out[0], 0.75, 1e-6);
  cr_assert_float_eq (out[1], 0.5, 0.0);
  cr_assert_float_eq (out[2], 0.0, 1e-6);
  /* No perturbation: all grey, not 0/0. */
  cr_assert_eq (interp_attack_example_amplify (x, x, 3, out), 0.0);
  cr_assert_float_eq (out[0], 0.5, 0.0);
}

Test (attack_examples, names)
{
  char *a = interp_attack_example_file_name ("attack:pgd", "0.03", 2, FALSE);
  char *d = interp_attack_example_file_name ("attack:pgd", "0.03", 2, TRUE);
  char *j = interp_attack_example_scales_name ("attack:p/x", "1e-05");
  cr_assert_str_eq (a, "attack-pgd-e0.03-2.png");
  cr_assert_str_eq (d, "attack-pgd-e0.03-2-delta.png");
  cr_assert_str_eq (j, "attack-p_x-e1e-05.json");
  g_free (a);
  g_free (d);
  g_free (j);
}
