/* metric:dimensionality on data whose covariance is known exactly, and the
 * eigenvalue routine under it (plugins/metrics/covariance.c).
 *
 * Most data are integers built from the orthogonal rows of
 * Q = [[1, 2, 2], [2, 1, -2], [2, -2, 1]] (Q Q^T = 9 I): samples mu +- c_k q_k
 * have mean mu and covariance (1/n) sum_k 2 c_k^2 q_k q_k^T, so the
 * eigenvalues are 18 c_k^2 / n with eigenvectors q_k / 3.  Every input is an
 * integer a float holds exactly, so the only error is double rounding in
 * sums of a few terms and in the eigenvalue routine (backward stable:
 * within a small multiple of D * DBL_EPSILON * ||C||), hence 1e-12
 * relative tolerances. */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include <interp/interp.h>

#include "host/params-private.h"
#include "host/context-private.h"
#include "host/results-private.h"

#include "../../plugins/metrics/covariance.h"

extern const InterpComponent interp_metric_dimensionality;

#define WHERE "test.ini: [metric:dimensionality]"
#define REL 1e-12

static const InterpMetricVTable *
vtable (void)
{
  return interp_metric_dimensionality.vtable;
}

static InterpParams *
make_params (const char *const *pairs)
{
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (interp_metric_dimensionality.params, WHERE,
                                                  pairs, &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  return p;
}

static gpointer
create (InterpNet *net, InterpContext *ctx, const char *const *pairs)
{
  InterpParams *p = make_params (pairs);
  GError *error = NULL;
  gpointer self = vtable ()->create (p, net, NULL, ctx, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  interp_params_free (p);
  vtable ()->reset (self);
  return self;
}

/* input (d, 1, 1) -> flatten "flat" (the input unchanged, any sign) ->
 * linear "fc" (3 outputs: a later node, to check values are given back). */
static InterpNet *
flat_net (int64_t d)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (d, 1, 1);
  int f = interp_net_flatten (net, "flat", 0, &error);
  cr_assert_geq (f, 0, "%s", error ? error->message : "");
  cr_assert_geq (interp_net_linear (net, "fc", f, 3, TRUE, &error), 0);
  InterpRng rng;
  interp_rng_seed (&rng, 7);
  interp_net_init (net, &rng);
  return net;
}

static InterpTensor *
batch_of (const float *x, int64_t n, int64_t c, int64_t h, int64_t w)
{
  InterpTensor *t = interp_tensor_new_4d (n, c, h, w);
  memcpy (t->data, x, t->numel * sizeof (float));
  return t;
}

/* Forward samples [from, to) and update. */
static void
feed (InterpNet *net, gpointer self, const float *x, int64_t from, int64_t to, int64_t c,
      int64_t h, int64_t w)
{
  GError *error = NULL;
  InterpTensor *t = batch_of (x + from * c * h * w, to - from, c, h, w);
  cr_assert (interp_net_forward (net, t, &error), "%s", error ? error->message : "");
  int32_t labels[256] = { 0 };
  cr_assert (vtable ()->update (self, net, t, labels, &error), "%s",
             error ? error->message : "");
  interp_tensor_free (t);
}

static InterpResults *
finish (gpointer self)
{
  InterpResults *r = interp_results_new ();
  interp_results_expect (r, "metric:dimensionality", vtable ()->outputs);
  GError *error = NULL;
  cr_assert (vtable ()->finish (self, r, &error), "%s", error ? error->message : "");
  cr_assert (interp_results_check (r, &error), "%s", error ? error->message : "");
  /* Every row written is declared. */
  for (guint i = 0; i < interp_results_n_rows (r); i++)
    cr_assert_not_null (interp_metric_output_find (vtable ()->outputs,
                                                   interp_results_row (r, i)->metric));
  return r;
}

static double
lookup (const InterpResults *r, const char *metric, const char *target)
{
  double v;
  cr_assert (interp_results_lookup (r, metric, target, &v), "no %s[%s]", metric, target);
  return v;
}

static void
assert_rel (double got, double want, const char *what)
{
  cr_assert (fabs (got - want) <= REL * fabs (want), "%s: %.17g, expected %.17g", what, got,
             want);
}

static const float Q[3][3] = { { 1, 2, 2 }, { 2, 1, -2 }, { 2, -2, 1 } };

/* Samples mu +- c_k q_k, k = 0..2, into x (6 x 3). */
static void
plus_minus (const double c[3], const float mu[3], float *x)
{
  for (int k = 0; k < 3; k++)
    for (int j = 0; j < 3; j++)
      {
        x[(2 * k) * 3 + j] = mu[j] + (float) c[k] * Q[k][j];
        x[(2 * k + 1) * 3 + j] = mu[j] - (float) c[k] * Q[k][j];
      }
}

Test (dimensionality, eigenvalues_of_a_known_matrix)
{
  /* C = Q diag(l) Q^T / 9 with l = (5, 3, -1): the routine must return l
   * in descending order; the negative one checks nothing assumes PSD. */
  double l[3] = { 5, 3, -1 }, a[9];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      {
        a[i * 3 + j] = 0;
        for (int k = 0; k < 3; k++)
          a[i * 3 + j] += Q[k][i] * l[k] * Q[k][j] / 9.0;
      }
  double eig[3];
  cr_assert (interp_symmetric_eigenvalues (a, 3, eig));
  /* ||C||_2 = 5: backward stability gives errors of order 3 * eps * 5. */
  for (int k = 0; k < 3; k++)
    cr_assert_float_eq (eig[k], l[k], 1e-13, "eigenvalue %d: %.17g", k, eig[k]);
}

Test (dimensionality, eigenvalues_of_a_larger_random_matrix)
{
  /* A = H diag(1..40) H with H = I - 2 v v^T / (v^T v) a random reflection:
   * eigenvalues 40, 39, ..., 1.  ||A||_2 = 40, D = 40: errors of order
   * 40 * 40 * eps = 4e-13; 1e-11 leaves a factor 25 for the constant. */
  enum { N = 40 };
  double v[N], vv = 0.0, *a = g_new (double, N * N), eig[N];
  InterpRng rng;
  interp_rng_seed (&rng, 11);
  for (int i = 0; i < N; i++)
    {
      v[i] = interp_rng_normal (&rng);
      vv += v[i] * v[i];
    }
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      {
        double s = 0.0;
        for (int k = 0; k < N; k++)
          {
            double hik = (i == k) - 2.0 * v[i] * v[k] / vv;
            double hkj = (k == j) - 2.0 * v[k] * v[j] / vv;
            s += hik * (k + 1) * hkj;
          }
        a[i * N + j] = s;
      }
  cr_assert (interp_symmetric_eigenvalues (a, N, eig));
  for (int k = 0; k < N; k++)
    cr_assert_float_eq (eig[k], (double) (N - k), 1e-11, "eigenvalue %d: %.17g", k, eig[k]);
  g_free (a);
}

/* A ReLU layer's covariance: many units dead (zero rows and columns), the
 * live ones sparse, of one scale or of scales 1 down to 1e-29.  Two bugs
 * were found on such matrices ("did not converge" on relu3 of a BatchNorm
 * CNN): QL deflation judged only against the two neighbouring diagonal
 * entries never converges next to dead units (both ~0), and a Householder
 * step on a rounding-residue column turned beta into inf (NaN); each failed
 * on 10-13% of these matrices.  No exact spectrum is
 * known, so the checks are the invariants: convergence, the eigenvalues sum
 * to the trace and none is below -64 D eps ||A||_F (a PSD matrix's
 * backward error bound, with room for the constant). */
Test (dimensionality, eigenvalues_next_to_dead_units_converge)
{
  enum { D = 128, S = 200 };
  double *x = g_new0 (double, S * D), *a = g_new0 (double, D * D), eig[D];
  for (guint64 seed = 1; seed <= 40; seed++)
    {
      InterpRng rng;
      interp_rng_seed (&rng, seed);
      for (int j = 0; j < D; j++)
        {
          /* Odd seeds: a third dead, scales 1e-29..1; even seeds: 69% dead
           * (as relu3 was), one scale. */
          gboolean dead = interp_rng_uniform (&rng) < (seed % 2 ? 1.0 / 3.0 : 0.69);
          double scale = seed % 2 ? pow (10.0, -floor (30.0 * interp_rng_uniform (&rng))) : 1.0;
          for (int i = 0; i < S; i++)
            {
              double g = interp_rng_uniform (&rng) - 0.5;
              x[i * D + j] = dead || g <= 0.3 ? 0.0 : g * scale;
            }
        }
      double trace = 0.0, frob = 0.0;
      for (int p = 0; p < D; p++)
        for (int q = 0; q < D; q++)
          {
            double mp = 0.0, mq = 0.0, c = 0.0;
            for (int i = 0; i < S; i++)
              {
                mp += x[i * D + p];
                mq += x[i * D + q];
              }
            mp /= S;
            mq /= S;
            for (int i = 0; i < S; i++)
              c += (x[i * D + p] - mp) * (x[i * D + q] - mq);
            a[p * D + q] = c / S;
            frob += (c / S) * (c / S);
            if (p == q)
              trace += c / S;
          }
      frob = sqrt (frob);
      cr_assert (interp_symmetric_eigenvalues (a, D, eig), "seed %" G_GUINT64_FORMAT
                 ": QL did not converge", seed);
      double sum = 0.0, bound = 64.0 * D * DBL_EPSILON * frob;
      for (int k = 0; k < D; k++)
        {
          sum += eig[k];
          cr_assert (eig[k] >= -bound, "seed %" G_GUINT64_FORMAT ": eigenvalue %.3g",
                     seed, eig[k]);
        }
      cr_assert (fabs (sum - trace) <= bound, "seed %" G_GUINT64_FORMAT ": sum %.17g, trace "
                 "%.17g", seed, sum, trace);
    }
  g_free (x);
  g_free (a);
}

Test (dimensionality, known_eigenvalues_give_pr_and_pc)
{
  /* c = (3, 2, 1): eigenvalues proportional to 9, 4, 1.  PR = 14^2 / 98 = 2;
   * cumulative 9/14 = 0.64, 13/14 = 0.93, 1: PC90 = 2, PC95 = 3. */
  double c[3] = { 3, 2, 1 };
  float mu[3] = { 10, -5, 7 }, x[18];
  plus_minus (c, mu, x);
  InterpNet *net = flat_net (3);
  gpointer self = create (net, NULL, (const char *const[]) { "layers=flat", NULL });
  feed (net, self, x, 0, 6, 3, 1, 1);
  InterpResults *r = finish (self);
  assert_rel (lookup (r, "dimensionality-pr", "flat"), 2.0, "PR");
  cr_assert_eq (lookup (r, "dimensionality-pc90", "flat"), 2.0);
  cr_assert_eq (lookup (r, "dimensionality-pc95", "flat"), 3.0);
  /* No context: no change rows. */
  double v;
  cr_assert_not (interp_results_lookup (r, "change-pr", "flat", &v));
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (dimensionality, exact_tie_at_ninety_percent)
{
  /* c = (3, 1, 0): eigenvalues 9, 1, 0, so the first explains exactly 90%:
   * PC90 = 1 whatever the rounding, PC95 = 2, PR = 100 / 82. */
  double c[3] = { 3, 1, 0 };
  float mu[3] = { 0.5f, 2, -1 }, x[18];
  plus_minus (c, mu, x);
  InterpNet *net = flat_net (3);
  gpointer self = create (net, NULL, (const char *const[]) { "layers=flat", NULL });
  feed (net, self, x, 0, 6, 3, 1, 1);
  InterpResults *r = finish (self);
  assert_rel (lookup (r, "dimensionality-pr", "flat"), 100.0 / 82.0, "PR");
  cr_assert_eq (lookup (r, "dimensionality-pc90", "flat"), 1.0);
  cr_assert_eq (lookup (r, "dimensionality-pc95", "flat"), 2.0);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (dimensionality, tie_survives_eigenvalue_rounding)
{
  /* C = diag(9, 1) with eigenvalues as a routine may return them, a few
   * ulps off (4e-15 is 2 ulps of 9): the first still explains 90%.  A real
   * shortfall (8.9 of 10) is not absorbed: the slack is D^2 eps of the
   * trace, 9e-15 here. */
  double cov[4] = { 9, 0, 0, 1 }, eig[2] = { 9 - 4e-15, 1 + 4e-15 };
  InterpDimensionality d;
  interp_dimensionality_of (cov, eig, 2, &d);
  cr_assert_eq (d.pc90, 1);
  cr_assert_eq (d.pc95, 2);
  cr_assert_float_eq (d.pr, 100.0 / 82.0, 1e-15);
  double cov2[4] = { 8.9, 0, 0, 1.1 }, eig2[2] = { 8.9, 1.1 };
  interp_dimensionality_of (cov2, eig2, 2, &d);
  cr_assert_eq (d.pc90, 2);
}

Test (dimensionality, rank_of_the_data_bounds_pc)
{
  /* 12 random samples in a 2-d subspace of R^6 (x = a u + b w): rank 2, so
   * PC95 <= 2 and PR <= 2; with u, w orthogonal and a, b of equal spread
   * the two eigenvalues are within sampling noise of each other, PR > 1.
   * A constant layer (all samples the same) has no variance: PR = PC = 0. */
  enum { N = 12, D = 6 };
  float x[N * D];
  InterpRng rng;
  interp_rng_seed (&rng, 3);
  static const float u[D] = { 1, 1, 0, 0, 1, -1 }, w[D] = { 1, -1, 2, 0, 0, 0 };
  for (int s = 0; s < N; s++)
    {
      float a = (float) interp_rng_normal (&rng), b = (float) interp_rng_normal (&rng);
      for (int j = 0; j < D; j++)
        x[s * D + j] = a * u[j] + b * w[j];
    }
  InterpNet *net = flat_net (D);
  gpointer self = create (net, NULL, (const char *const[]) { "layers=flat", NULL });
  feed (net, self, x, 0, N, D, 1, 1);
  InterpResults *r = finish (self);
  double pr = lookup (r, "dimensionality-pr", "flat");
  cr_assert (pr > 1.0 && pr <= 2.0 + 1e-12, "PR %.17g", pr);
  cr_assert_leq (lookup (r, "dimensionality-pc95", "flat"), 2.0);
  cr_assert_geq (lookup (r, "dimensionality-pc90", "flat"), 1.0);
  interp_results_free (r);

  float same[4 * D];
  for (int i = 0; i < 4 * D; i++)
    same[i] = (float) (i % D) * 0.1f;
  vtable ()->reset (self);
  feed (net, self, same, 0, 4, D, 1, 1);
  r = finish (self);
  cr_assert_eq (lookup (r, "dimensionality-pr", "flat"), 0.0);
  cr_assert_eq (lookup (r, "dimensionality-pc90", "flat"), 0.0);
  cr_assert_eq (lookup (r, "dimensionality-pc95", "flat"), 0.0);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}

Test (dimensionality, batch_size_changes_only_rounding)
{
  /* 203 samples of 8 correlated features (mean far from 0, to exercise the
   * shift), once in one batch and once in batches of 1, 7, 13, 50 and the
   * rest.  The sums differ only in the order of their n = 203 terms:
   * relative differences of order n * eps = 5e-14 in each covariance entry,
   * which PR (a smooth ratio of sums of them) keeps within a small factor:
   * 1e-12. */
  enum { N = 203, D = 8 };
  float *x = g_new (float, N * D);
  InterpRng rng;
  interp_rng_seed (&rng, 5);
  for (int s = 0; s < N; s++)
    {
      double z = interp_rng_normal (&rng);
      for (int j = 0; j < D; j++)
        x[s * D + j] = (float) (100.0 + (j + 1) * z + interp_rng_normal (&rng));
    }
  InterpNet *net = flat_net (D);
  const char *const pairs[] = { "layers=flat", NULL };
  gpointer one = create (net, NULL, pairs), many = create (net, NULL, pairs);
  feed (net, one, x, 0, N, D, 1, 1);
  const int cuts[] = { 0, 1, 8, 21, 71, N };
  for (size_t i = 0; i + 1 < G_N_ELEMENTS (cuts); i++)
    feed (net, many, x, cuts[i], cuts[i + 1], D, 1, 1);
  InterpResults *a = finish (one), *b = finish (many);
  assert_rel (lookup (b, "dimensionality-pr", "flat"), lookup (a, "dimensionality-pr", "flat"),
              "PR over batches");
  cr_assert_eq (lookup (a, "dimensionality-pc90", "flat"),
                lookup (b, "dimensionality-pc90", "flat"));
  cr_assert_eq (lookup (a, "dimensionality-pc95", "flat"),
                lookup (b, "dimensionality-pc95", "flat"));
  /* max-images = 71 on the batched run equals the first 71 in one batch. */
  interp_results_free (a);
  interp_results_free (b);
  vtable ()->destroy (one);
  vtable ()->destroy (many);
  gpointer capped = create (net, NULL, (const char *const[]) { "layers=flat",
                                                               "max-images=71", NULL });
  gpointer first = create (net, NULL, pairs);
  for (size_t i = 0; i + 1 < G_N_ELEMENTS (cuts); i++)
    feed (net, capped, x, cuts[i], cuts[i + 1], D, 1, 1);
  feed (net, first, x, 0, 71, D, 1, 1);
  a = finish (capped);
  b = finish (first);
  assert_rel (lookup (a, "dimensionality-pr", "flat"), lookup (b, "dimensionality-pr", "flat"),
              "PR of the first 71");
  interp_results_free (a);
  interp_results_free (b);
  vtable ()->destroy (capped);
  vtable ()->destroy (first);
  g_free (x);
  interp_net_free (net);
}

Test (dimensionality, pooled_and_flattened_by_hand)
{
  /* input (2, 2, 2) -> relu; four one-hot samples: channel 0 at pixel 0,
   * channel 0 at pixel 1, channel 1 at pixel 2, channel 1 at pixel 3.
   * Pooled: (1/4, 0) twice and (0, 1/4) twice, one direction of variance:
   * PR = PC90 = PC95 = 1.  Flattened: four one-hots e_i in R^8, covariance
   * I/4 - J/16 on their 4 coordinates: eigenvalues 1/4 (x3) and 0, so
   * PR = (3/4)^2 / (3/16) = 3, PC90 = PC95 = 3. */
  float x[4 * 8] = { 0 };
  x[0 * 8 + 0] = 1;
  x[1 * 8 + 1] = 1;
  x[2 * 8 + 4 + 2] = 1;
  x[3 * 8 + 4 + 3] = 1;
  GError *error = NULL;
  InterpNet *net = interp_net_new (2, 2, 2);
  cr_assert_geq (interp_net_relu (net, "relu", 0, &error), 0);
  gpointer pooled = create (net, NULL, (const char *const[]) { "layers=relu", NULL });
  gpointer flat = create (net, NULL, (const char *const[]) { "layers=relu",
                                                             "representation=flattened",
                                                             NULL });
  /* The input node can be measured too (the same values here). */
  gpointer pixels = create (net, NULL, (const char *const[]) { "layers=input",
                                                               "representation=flattened",
                                                               NULL });
  feed (net, pooled, x, 0, 4, 2, 2, 2);
  feed (net, flat, x, 0, 4, 2, 2, 2);
  feed (net, pixels, x, 0, 4, 2, 2, 2);
  InterpResults *r = finish (pooled);
  assert_rel (lookup (r, "dimensionality-pr", "relu"), 1.0, "pooled PR");
  cr_assert_eq (lookup (r, "dimensionality-pc90", "relu"), 1.0);
  cr_assert_eq (lookup (r, "dimensionality-pc95", "relu"), 1.0);
  interp_results_free (r);
  r = finish (flat);
  assert_rel (lookup (r, "dimensionality-pr", "relu"), 3.0, "flattened PR");
  cr_assert_eq (lookup (r, "dimensionality-pc90", "relu"), 3.0);
  cr_assert_eq (lookup (r, "dimensionality-pc95", "relu"), 3.0);
  interp_results_free (r);
  r = finish (pixels);
  assert_rel (lookup (r, "dimensionality-pr", "input"), 3.0, "input PR");
  interp_results_free (r);
  vtable ()->destroy (pooled);
  vtable ()->destroy (flat);
  vtable ()->destroy (pixels);
  interp_net_free (net);
}

/* Output values of every node after the last forward, concatenated. */
static GArray *
node_values (const InterpNet *net)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (float));
  for (int i = 0; i < interp_net_n_nodes (net); i++)
    {
      const InterpTensor *v = interp_net_value (net, i);
      g_array_append_vals (all, v->data, (guint) v->numel);
    }
  return all;
}

Test (dimensionality, change_of_a_known_pair)
{
  /* Clean: 6 arbitrary points; perturbed = clean + (+-c_k q_k) with
   * c = (3, 2, 1): the change has eigenvalues proportional to 9, 4, 1
   * (PR 2, PC90 2, PC95 3).  The perturbed representation itself is the
   * sum of both and is checked against the metric run without a context
   * on the perturbed images alone. */
  double c[3] = { 3, 2, 1 };
  float zero[3] = { 0, 0, 0 }, delta[18], clean[18], pert[18];
  plus_minus (c, zero, delta);
  for (int i = 0; i < 18; i++)
    {
      clean[i] = (float) ((i * 7) % 5) - 2.0f;
      pert[i] = clean[i] + delta[i];
    }
  InterpNet *net = flat_net (3);
  InterpContext *ctx = interp_context_new (1, 1, NULL);
  interp_context_set_condition (ctx, "attack:test@1");
  const char *const pairs[] = { "layers=flat", NULL };
  gpointer self = create (net, ctx, pairs), alone = create (net, NULL, pairs);
  InterpTensor *xc = batch_of (clean, 6, 3, 1, 1), *xp = batch_of (pert, 6, 3, 1, 1);
  GError *error = NULL;
  cr_assert (interp_net_forward (net, xp, &error));
  GArray *before = node_values (net);
  /* A gradient someone left at a node stays as it is. */
  int fc = interp_net_find (net, "fc");
  interp_tensor_fill (interp_net_grad (net, fc), 0.5f);
  interp_context_set_clean_batch (ctx, xc);
  int32_t labels[6] = { 0 };
  cr_assert (vtable ()->update (self, net, xp, labels, &error), "%s",
             error ? error->message : "");
  interp_context_set_clean_batch (ctx, NULL);
  /* The network holds the perturbed batch's values again, bit for bit. */
  GArray *after = node_values (net);
  cr_assert_eq (before->len, after->len);
  cr_assert_eq (memcmp (before->data, after->data, before->len * sizeof (float)), 0);
  const InterpTensor *g = interp_net_grad (net, fc);
  cr_assert_eq (g->shape[0], 6);
  for (size_t j = 0; j < g->numel; j++)
    cr_assert_eq (g->data[j], 0.5f, "fc gradient %zu", j);
  cr_assert_eq (interp_net_mode (net), INTERP_MODE_EVAL);
  cr_assert (vtable ()->update (alone, net, xp, labels, &error));
  InterpResults *r = finish (self), *ra = finish (alone);
  assert_rel (lookup (r, "change-pr", "flat"), 2.0, "change PR");
  cr_assert_eq (lookup (r, "change-pc90", "flat"), 2.0);
  cr_assert_eq (lookup (r, "change-pc95", "flat"), 3.0);
  cr_assert_eq (lookup (r, "dimensionality-pr", "flat"), lookup (ra, "dimensionality-pr", "flat"));
  interp_results_free (r);
  interp_results_free (ra);

  /* Under the clean condition only the representation is reported. */
  interp_context_set_condition (ctx, "clean");
  vtable ()->reset (self);
  interp_context_set_clean_batch (ctx, xc);
  cr_assert (interp_net_forward (net, xc, &error));
  cr_assert (vtable ()->update (self, net, xc, labels, &error));
  interp_context_set_clean_batch (ctx, NULL);
  r = finish (self);
  double v;
  cr_assert (interp_results_lookup (r, "dimensionality-pr", "flat", &v));
  cr_assert_not (interp_results_lookup (r, "change-pr", "flat", &v));
  cr_assert_not (interp_results_lookup (r, "change-pc90", "flat", &v));
  interp_results_free (r);

  g_array_unref (before);
  g_array_unref (after);
  interp_tensor_free (xc);
  interp_tensor_free (xp);
  vtable ()->destroy (self);
  vtable ()->destroy (alone);
  interp_context_free (ctx);
  interp_net_free (net);
}

Test (dimensionality, flattened_layer_over_max_features_is_refused)
{
  /* relu of 4 x 40 x 40 = 6400 features flattened, above the default 4096;
   * pooled it has 4 and is accepted. */
  GError *error = NULL;
  InterpNet *net = interp_net_new (4, 40, 40);
  cr_assert_geq (interp_net_relu (net, "relu1", 0, &error), 0);
  InterpParams *p = make_params ((const char *const[]) { "layers=relu*",
                                                         "representation=flattened", NULL });
  cr_assert_null (vtable ()->create (p, net, NULL, NULL, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT));
  cr_assert_not_null (strstr (error->message, WHERE), "%s", error->message);
  cr_assert_not_null (strstr (error->message, "'max-features'"), "%s", error->message);
  cr_assert_not_null (strstr (error->message, "'relu1'"), "%s", error->message);
  cr_assert_not_null (strstr (error->message, "6400"), "%s", error->message);
  cr_assert_not_null (strstr (error->message, "4 x 40 x 40"), "%s", error->message);
  g_clear_error (&error);
  interp_params_free (p);
  p = make_params ((const char *const[]) { "layers=relu*", NULL });
  gpointer self = vtable ()->create (p, net, NULL, NULL, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  vtable ()->destroy (self);
  interp_params_free (p);
  interp_net_free (net);
}

Test (dimensionality, bad_input_is_one_clear_error)
{
  GError *error = NULL;
  InterpNet *net = flat_net (3);
  InterpParams *p = make_params ((const char *const[]) { "layers=conv*", NULL });
  cr_assert_null (vtable ()->create (p, net, NULL, NULL, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND));
  cr_assert_not_null (strstr (error->message, "'layers'"), "%s", error->message);
  g_clear_error (&error);
  interp_params_free (p);

  /* One image has no covariance. */
  gpointer self = create (net, NULL, (const char *const[]) { "layers=flat", NULL });
  float x[3] = { 1, 2, 3 };
  feed (net, self, x, 0, 1, 3, 1, 1);
  InterpResults *r = interp_results_new ();
  cr_assert_not (vtable ()->finish (self, r, &error));
  cr_assert_not_null (strstr (error->message, "at least 2 images"), "%s", error->message);
  g_clear_error (&error);
  /* NaN activations are refused, not reported. */
  vtable ()->reset (self);
  float bad[6] = { 1, NAN, 3, 4, 5, 6 };
  feed (net, self, bad, 0, 2, 3, 1, 1);
  cr_assert_not (vtable ()->finish (self, r, &error));
  cr_assert_not_null (strstr (error->message, "not finite"), "%s", error->message);
  cr_assert_not_null (strstr (error->message, "'flat'"), "%s", error->message);
  g_clear_error (&error);
  interp_results_free (r);
  vtable ()->destroy (self);
  interp_net_free (net);
}
