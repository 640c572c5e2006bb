/* APGD (Croce & Hein 2020, "Reliable evaluation of adversarial robustness
 * with an ensemble of diverse parameter-free attacks", ICML; reference code
 * fra31/auto-attack, autoattack/autopgd_base.py): PGD whose step size needs
 * no tuning.  Per image, with N = steps:
 *
 *   - start at x + eps * t / ||t|| (t uniform in [-1, 1]^d, the Linf norm,
 *     or Gaussian, the L2 norm: a point on the sphere of the ball), clipped;
 *   - step size eta = 2 eps; each iteration
 *       z = P(x_k + eta * s(grad)),  s = sign (Linf) or g / (||g||_2 + 1e-10) (L2;
 *       the reference adds 1e-12, which differs only for gradients below 1e-10)
 *       x_{k+1} = P(x_k + a (z - x_k) + (1 - a) (x_k - x_{k-1})),
 *     with momentum a = 1 on the first iteration and 0.75 afterwards, P the
 *     projection onto the eps-ball and [0, 1];
 *   - checkpoints after w_1 = floor(0.22 N) iterations, then at intervals
 *     shrinking by floor(0.03 N) down to floor(0.06 N) (at least 1 each):
 *     for N = 100, after 22, 41, 57, 70, 80, 87, 93 and 99 iterations;
 *   - at a checkpoint eta halves when (1) the loss rose (f(x_{k+1}) > f(x_k))
 *     in at most rho times the iterations since the last checkpoint, or (2)
 *     eta was not halved at the last checkpoint and the best loss has not
 *     improved since; after halving the iterate restarts from the best point
 *     x_best (and its gradient).
 *
 * Details as the reference code: "at most" is t <= rho * k; condition (2)
 * cannot fire at the first checkpoint; the momentum term after a restart is
 * x_best - (the iterate before the last one).  One deliberate difference:
 * the first window's count compares the first iterate's loss with the
 * starting point's, as the paper's sum over i = w_0 .. w_1 - 1 says, where
 * the reference compares it with an unfilled row of zeros (Python's
 * loss_steps[-1]).
 *
 * Losses: ce (cross-entropy) or dlr (-(z_y - max_{i != y} z_i) / (pi_1 -
 * pi_3)); targeted = true runs APGD-T as AutoAttack does: for each of the
 * n-target-classes classes ranked 2nd, 3rd, ... by the clean logits, the
 * targeted loss (DLR-targeted, or -CE of the target) towards it.  Success is
 * always argmax != label.
 *
 * As AutoAttack's perturb(), images misclassified already at x are returned
 * unchanged, and each restart (and each target) attacks only the images no
 * earlier run has fooled.  Per image the result is the last adversarial
 * iterate of the first run that fooled it (the reference's x_best_adv);
 * for images never fooled, the
 * highest-loss point of the run with the highest best loss (the reference
 * returns x for them; the highest-loss point is what representation metrics
 * of the perturbation want). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "attack-common.h"
#include "attack-members.h"
#include "plugin-components.h"

typedef struct {
  InterpNorm norm;
  AttackLoss objective;
  gboolean targeted;
  gint64 steps, restarts, n_targets;
  double rho;
  double *trace;          /* tests: image 0's step size per iteration of the first run */

  /* Per batch (n images). */
  size_t cap_n;
  gboolean *done;         /* fooled (or eps = 0): x_adv final */
  double *best;           /* best loss of the kept point */
  gboolean *kept;         /* x_adv holds a run's point */
  int32_t *ranked;        /* n x n_targets target classes */
  gboolean *taken;        /* cap_k: classes already ranked */
  size_t cap_k;
  InterpTensor *logits;

  /* The compact run (m images still to attack). */
  size_t cap_m;
  int64_t *idx;
  int32_t *lab, *tgt;
  double *eps, *step, *cur_loss, *loss_best, *loss_best_last, *prev_loss;
  gboolean *fooled, *reduced_last;
  gint64 *rises;
  InterpTensor *xs, *xa, *x_old, *grad, *grad_best, *x_best, *x_best_adv, *z;
} Apgd;

/* ---- the schedule ----------------------------------------------------------- */

gint64
interp_attack_apgd_checkpoints (gint64 n_iter, gint64 *w, gint64 max)
{
  /* int() of the reference's products, each at least 1. */
  gint64 k = MAX ((gint64) (0.22 * (double) n_iter), 1);
  const gint64 k_min = MAX ((gint64) (0.06 * (double) n_iter), 1);
  const gint64 decr = MAX ((gint64) (0.03 * (double) n_iter), 1);
  gint64 n = 0, at = k;
  while (at <= n_iter)
    {
      if (n < max)
        w[n] = at;
      n++;
      k = MAX (k - decr, k_min);
      at += k;
    }
  return n;
}

gboolean
interp_attack_apgd_halve (gint64 rises, gint64 window, double rho, gboolean reduced_last,
                          double best_last, double best_now)
{
  gboolean oscillating = (double) rises <= rho * (double) window;
  gboolean stalled = !reduced_last && best_last >= best_now;
  return oscillating || stalled;
}

void
interp_attack_apgd_trace (gpointer apgd, double *steps)
{
  ((Apgd *) apgd)->trace = steps;
}

/* ---- create / destroy ------------------------------------------------------- */

gpointer
apgd_new (const ApgdSettings *s)
{
  Apgd *self = g_new0 (Apgd, 1);
  self->norm = s->norm;
  self->targeted = s->targeted;
  self->objective = s->targeted ? (s->dlr ? ATTACK_LOSS_DLR_TARGETED : ATTACK_LOSS_CE_TARGETED)
                                : (s->dlr ? ATTACK_LOSS_DLR : ATTACK_LOSS_CE);
  self->steps = s->steps;
  self->restarts = s->restarts;
  self->n_targets = s->targeted ? s->n_targets : 1;
  self->rho = s->rho;
  self->logits = interp_tensor_new_2d (1, 1);
  InterpTensor **t[] = { &self->xs, &self->xa, &self->x_old, &self->grad, &self->grad_best,
                         &self->x_best, &self->x_best_adv, &self->z };
  for (size_t i = 0; i < G_N_ELEMENTS (t); i++)
    *t[i] = interp_tensor_new_4d (1, 1, 1, 1);
  return self;
}

static gpointer
apgd_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  const char *where = interp_params_where (params);
  double rho = interp_params_get_double (params, "rho");
  if (!(rho >= 0 && rho <= 1))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE, "%s: rho must be in [0, 1]",
                   where);
      return NULL;
    }
  /* The default 8/255 is a Linf budget; an L2 one of that size would
   * silently test almost nothing (torchattacks uses 1.0, AutoAttack 0.5). */
  if (strcmp (interp_params_get_string (params, "norm"), "l2") == 0
      && !interp_params_is_set (params, "epsilon"))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_MISSING,
                   "%s: norm = l2 needs its own epsilon (the default 8/255 is a Linf "
                   "budget; L2 papers use 0.5 or 1.0)", where);
      return NULL;
    }
  ApgdSettings s = {
    .norm = strcmp (interp_params_get_string (params, "norm"), "l2") == 0 ? INTERP_NORM_L2
                                                                         : INTERP_NORM_LINF,
    .dlr = strcmp (interp_params_get_string (params, "loss"), "dlr") == 0,
    .targeted = interp_params_get_bool (params, "targeted"),
    .steps = interp_params_get_int (params, "steps"),
    .restarts = interp_params_get_int (params, "restarts"),
    .n_targets = interp_params_get_int (params, "n-target-classes"),
    .rho = rho,
  };
  return apgd_new (&s);
}

static void
free_compact (Apgd *self)
{
  g_free (self->idx);
  g_free (self->lab);
  g_free (self->tgt);
  g_free (self->eps);
  g_free (self->step);
  g_free (self->cur_loss);
  g_free (self->loss_best);
  g_free (self->loss_best_last);
  g_free (self->prev_loss);
  g_free (self->fooled);
  g_free (self->reduced_last);
  g_free (self->rises);
}

static void
apgd_destroy (gpointer data)
{
  Apgd *self = data;
  g_free (self->done);
  g_free (self->best);
  g_free (self->kept);
  g_free (self->ranked);
  g_free (self->taken);
  free_compact (self);
  interp_tensor_free (self->logits);
  InterpTensor *t[] = { self->xs, self->xa, self->x_old, self->grad, self->grad_best,
                        self->x_best, self->x_best_adv, self->z };
  for (size_t i = 0; i < G_N_ELEMENTS (t); i++)
    interp_tensor_free (t[i]);
  g_free (self);
}

/* Buffers for n images (grown, never shrunk: no malloc at a constant batch
 * size after the first call). */
static void
reserve (Apgd *self, const InterpTensor *x)
{
  const size_t n = (size_t) x->shape[0];
  if (n > self->cap_n)
    {
      g_free (self->done);
      g_free (self->best);
      g_free (self->kept);
      g_free (self->ranked);
      self->done = g_new (gboolean, n);
      self->best = g_new (double, n);
      self->kept = g_new (gboolean, n);
      self->ranked = g_new (int32_t, n * (size_t) self->n_targets);
      self->cap_n = n;
    }
  if (n > self->cap_m)
    {
      free_compact (self);
      self->idx = g_new (int64_t, n);
      self->lab = g_new (int32_t, n);
      self->tgt = g_new (int32_t, n);
      self->eps = g_new (double, n);
      self->step = g_new (double, n);
      self->cur_loss = g_new (double, n);
      self->loss_best = g_new (double, n);
      self->loss_best_last = g_new (double, n);
      self->prev_loss = g_new (double, n);
      self->fooled = g_new (gboolean, n);
      self->reduced_last = g_new (gboolean, n);
      self->rises = g_new (gint64, n);
      self->cap_m = n;
    }
}

/* ---- one run on the compact batch ------------------------------------------- */

/* After a forward/backward at xa: success and the best point of each image. */
static void
record (Apgd *self, int64_t m, size_t d, int64_t k)
{
  for (int64_t j = 0; j < m; j++)
    {
      const float *zr = self->logits->data + j * k;
      if (attack_argmax (zr, k) != self->lab[j])
        {
          self->fooled[j] = TRUE;
          memcpy (self->x_best_adv->data + j * d, self->xa->data + j * d, d * sizeof (float));
        }
      if (self->cur_loss[j] > self->loss_best[j])
        {
          self->loss_best[j] = self->cur_loss[j];
          memcpy (self->x_best->data + j * d, self->xa->data + j * d, d * sizeof (float));
          memcpy (self->grad_best->data + j * d, self->grad->data + j * d, d * sizeof (float));
        }
    }
}

/* The momentum step of image j (see the top of the file). */
static void
momentum_step (Apgd *self, int64_t j, size_t d, double a)
{
  const float *x = self->xs->data + j * d, *g = self->grad->data + j * d;
  float *xa = self->xa->data + j * d, *old = self->x_old->data + j * d;
  float *z = self->z->data;
  memcpy (z, xa, d * sizeof (float));
  attack_ascent_step (self->norm, z, g, d, self->step[j]);
  attack_project (self->norm, x, z, d, self->eps[j]);
  const float fa = (float) a, fb = (float) (1.0 - a);
  for (size_t p = 0; p < d; p++)
    {
      float cur = xa[p];
      float v = cur + (z[p] - cur) * fa + (cur - old[p]) * fb;
      old[p] = cur;
      xa[p] = v;
    }
  attack_project (self->norm, x, xa, d, self->eps[j]);
}

static gboolean
apgd_run (Apgd *self, InterpNet *net, int64_t m, size_t d, InterpRng *rng, gboolean first,
          GError **error)
{
  const int32_t *tgt = self->targeted ? self->tgt : NULL;
  for (int64_t j = 0; j < m; j++)
    {
      const float *x = self->xs->data + j * d;
      float *xa = self->xa->data + j * d;
      /* t / ||t||: the reference's normalize() (Linf: max |t|; L2: ||t||_2). */
      double nrm = 0;
      for (size_t p = 0; p < d; p++)
        {
          xa[p] = (float) (self->norm == INTERP_NORM_LINF ? 2.0 * interp_rng_uniform (rng) - 1.0
                                                          : interp_rng_normal (rng));
          nrm = self->norm == INTERP_NORM_LINF ? fmax (nrm, fabs (xa[p]))
                                               : nrm + (double) xa[p] * xa[p];
        }
      if (self->norm == INTERP_NORM_L2)
        nrm = sqrt (nrm);
      const float f = (float) (self->eps[j] / (nrm + 1e-12));
      for (size_t p = 0; p < d; p++)
        xa[p] = x[p] + f * xa[p];
      attack_clip01 (xa, d);
    }
  memcpy (self->x_old->data, self->xa->data, (size_t) m * d * sizeof (float));
  memcpy (self->x_best->data, self->xa->data, (size_t) m * d * sizeof (float));
  memcpy (self->x_best_adv->data, self->xa->data, (size_t) m * d * sizeof (float));
  if (!attack_loss_grad (net, self->xa, self->lab, tgt, self->objective, self->cur_loss, self->grad,
                         self->logits, error))
    return FALSE;
  const int64_t k = attack_n_classes (self->logits);
  memcpy (self->grad_best->data, self->grad->data, (size_t) m * d * sizeof (float));
  for (int64_t j = 0; j < m; j++)
    {
      self->fooled[j] = attack_argmax (self->logits->data + j * k, k) != self->lab[j];
      self->loss_best[j] = self->loss_best_last[j] = self->prev_loss[j] = self->cur_loss[j];
      self->step[j] = 2.0 * self->eps[j];
      self->reduced_last[j] = TRUE;   /* condition (2) never fires at the first checkpoint */
      self->rises[j] = 0;
    }

  gint64 window = MAX ((gint64) (0.22 * (double) self->steps), 1);
  const gint64 k_min = MAX ((gint64) (0.06 * (double) self->steps), 1);
  const gint64 decr = MAX ((gint64) (0.03 * (double) self->steps), 1);
  gint64 since = 0;
  for (gint64 it = 0; it < self->steps; it++)
    {
      if (first && self->trace != NULL && m > 0)
        self->trace[it] = self->step[0];
      const double a = it > 0 ? 0.75 : 1.0;
      for (int64_t j = 0; j < m; j++)
        momentum_step (self, j, d, a);
      if (!attack_loss_grad (net, self->xa, self->lab, tgt, self->objective, self->cur_loss,
                             self->grad, self->logits, error))
        return FALSE;
      for (int64_t j = 0; j < m; j++)
        {
          self->rises[j] += self->cur_loss[j] > self->prev_loss[j];
          self->prev_loss[j] = self->cur_loss[j];
        }
      record (self, m, d, k);
      if (++since < window)
        continue;
      for (int64_t j = 0; j < m; j++)
        {
          gboolean halve = interp_attack_apgd_halve (self->rises[j], window, self->rho,
                                                     self->reduced_last[j],
                                                     self->loss_best_last[j],
                                                     self->loss_best[j]);
          self->reduced_last[j] = halve;
          self->loss_best_last[j] = self->loss_best[j];
          self->rises[j] = 0;
          if (halve)
            {
              self->step[j] /= 2.0;
              memcpy (self->xa->data + j * d, self->x_best->data + j * d, d * sizeof (float));
              memcpy (self->grad->data + j * d, self->grad_best->data + j * d,
                      d * sizeof (float));
            }
        }
      window = MAX (window - decr, k_min);
      since = 0;
    }
  return TRUE;
}

/* ---- perturb ------------------------------------------------------------------ */

/* Targets of image i: the classes ranked 2nd, 3rd, ... by its clean logits
 * (ties: the lower index first), as AutoAttack's APGD-T takes
 * sort(logits)[-2], [-3], ... */
static void
rank_targets (Apgd *self, const float *z, int64_t k, int32_t *out)
{
  if ((size_t) k > self->cap_k)
    {
      g_free (self->taken);
      self->taken = g_new (gboolean, k);
      self->cap_k = (size_t) k;
    }
  memset (self->taken, 0, (size_t) k * sizeof (gboolean));
  for (gint64 r = 0; r <= self->n_targets; r++)
    {
      int32_t best = -1;
      for (int64_t c = 0; c < k; c++)
        if (!self->taken[c] && (best < 0 || z[c] > z[best]))
          best = (int32_t) c;
      self->taken[best] = TRUE;
      if (r > 0)
        out[r - 1] = best;
    }
}

static void
reshape_compact (Apgd *self, const InterpTensor *x, int64_t m)
{
  int64_t shape[8];
  memcpy (shape, x->shape, (size_t) x->ndim * sizeof shape[0]);
  shape[0] = m;
  InterpTensor *t[] = { self->xs, self->xa, self->x_old, self->grad, self->grad_best,
                        self->x_best, self->x_best_adv };
  for (size_t i = 0; i < G_N_ELEMENTS (t); i++)
    interp_tensor_reshape (t[i], x->ndim, shape);
}

/* The images no run has fooled yet, into the compact arrays; returns how many. */
static int64_t
gather (Apgd *self, const InterpTensor *x, const int32_t *labels, const double *eps,
        gint64 target)
{
  const int64_t n = x->shape[0];
  const size_t d = interp_tensor_sample_size (x);
  int64_t m = 0;
  for (int64_t i = 0; i < n; i++)
    if (!self->done[i])
      {
        self->idx[m] = i;
        self->lab[m] = labels[i];
        self->tgt[m] = self->targeted ? self->ranked[i * self->n_targets + target] : -1;
        self->eps[m] = eps[i];
        m++;
      }
  reshape_compact (self, x, m);
  for (int64_t j = 0; j < m; j++)
    memcpy (self->xs->data + j * d, x->data + self->idx[j] * d, d * sizeof (float));
  return m;
}

static void
scatter (Apgd *self, int64_t m, size_t d, InterpTensor *x_adv)
{
  for (int64_t j = 0; j < m; j++)
    {
      const int64_t i = self->idx[j];
      float *dst = x_adv->data + i * d;
      if (self->fooled[j])
        {
          memcpy (dst, self->x_best_adv->data + j * d, d * sizeof (float));
          self->done[i] = TRUE;
        }
      else if (!self->kept[i] || self->loss_best[j] > self->best[i])
        {
          memcpy (dst, self->x_best->data + j * d, d * sizeof (float));
          self->best[i] = self->loss_best[j];
          self->kept[i] = TRUE;
        }
    }
}

/* Clean predictions: misclassified images and eps = 0 are done as x; the
 * targets of the others. */
static gboolean
prepare (Apgd *self, InterpNet *net, const InterpTensor *x, const int32_t *labels,
         const double *eps, InterpTensor *x_adv, GError **error)
{
  if (!attack_logits (net, x, self->logits, error))
    return FALSE;
  const int64_t n = x->shape[0], k = attack_n_classes (self->logits);
  if (self->targeted && self->n_targets > k - 1)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                   "apgd: n-target-classes = %" G_GINT64_FORMAT " but the network has only %"
                   G_GINT64_FORMAT " classes other than the label", self->n_targets, k - 1);
      return FALSE;
    }
  /* Checked here too (attack_loss_grad does), so that a batch with nothing
   * left to attack fails the same way. */
  const int64_t need = self->objective == ATTACK_LOSS_DLR ? 3
                       : self->objective == ATTACK_LOSS_DLR_TARGETED ? 4 : 2;
  if (k < need)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
                   "apgd: the DLR loss needs at least %" G_GINT64_FORMAT " classes; the network "
                   "has %" G_GINT64_FORMAT, need, k);
      return FALSE;
    }
  memcpy (x_adv->data, x->data, x->numel * sizeof (float));
  for (int64_t i = 0; i < n; i++)
    {
      const float *z = self->logits->data + i * k;
      self->done[i] = eps[i] == 0 || attack_argmax (z, k) != labels[i];
      self->kept[i] = FALSE;
      self->best[i] = -INFINITY;
      if (self->targeted)
        rank_targets (self, z, k, self->ranked + i * self->n_targets);
    }
  return TRUE;
}

static gboolean
apgd_perturb (gpointer data, InterpNet *net, const InterpTensor *x, const int32_t *labels,
              const double *eps, InterpRng *rng, InterpTensor *x_adv, GError **error)
{
  Apgd *self = data;
  if (!attack_check_batch (x, x_adv, error))
    return FALSE;
  if (!attack_check_budgets ("apgd", eps, x->shape[0], error))
    return FALSE;
  if (x->ndim > 8)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE, "apgd: a batch of %d dimensions",
                   x->ndim);
      return FALSE;
    }
  const size_t d = interp_tensor_sample_size (x);
  reserve (self, x);
  interp_tensor_reshape (self->z, 1, (const int64_t[]) { (int64_t) d });
  AttackGuard guard;
  attack_guard_begin (&guard, net);
  gboolean ok = prepare (self, net, x, labels, eps, x_adv, error);
  gboolean first = TRUE;
  for (gint64 t = 0; ok && t < self->n_targets; t++)
    for (gint64 r = 0; ok && r < self->restarts; r++)
      {
        int64_t m = gather (self, x, labels, eps, t);
        if (m == 0)
          break;
        ok = apgd_run (self, net, m, d, rng, first, error);
        first = FALSE;
        if (ok)
          scatter (self, m, d, x_adv);
      }
  attack_guard_end (&guard, net);
  return ok;
}

static void
apgd_describe (gpointer data, InterpAttackInfo *info)
{
  Apgd *self = data;
  info->norm = self->norm;
  info->flags = INTERP_ATTACK_RANDOMIZED;
}

static const InterpParamSpec apgd_params[] = {
  { .key = "epsilon", .type = INTERP_PARAM_DOUBLE_LIST, .default_value = "8/255",
    .min = 0, .max = 1e6, .help = "budgets in pixel units ([0, 1] images), in the norm's units" },
  { .key = "norm", .type = INTERP_PARAM_CHOICE, .default_value = "linf", .choices = "linf|l2",
    .help = "the norm the budget bounds" },
  { .key = "loss", .type = INTERP_PARAM_CHOICE, .default_value = "ce", .choices = "ce|dlr",
    .help = "cross-entropy or the difference of logits ratio (AutoAttack: APGD-CE, APGD-DLR)" },
  { .key = "targeted", .type = INTERP_PARAM_BOOL, .default_value = "false",
    .help = "APGD-T: the targeted loss towards each of the n-target-classes runner-up classes" },
  { .key = "n-target-classes", .type = INTERP_PARAM_INT, .default_value = "9",
    .min = 1, .max = 1e6, .help = "targets of APGD-T (AutoAttack: 9)" },
  { .key = "steps", .type = INTERP_PARAM_INT, .default_value = "100", .min = 1, .max = 1e6,
    .help = "iterations per run (AutoAttack: 100)" },
  { .key = "restarts", .type = INTERP_PARAM_INT, .default_value = "1", .min = 1, .max = 1e6,
    .help = "runs from new random starts, on the images not yet fooled (per target)" },
  { .key = "rho", .type = INTERP_PARAM_DOUBLE, .default_value = "0.75", .min = 0, .max = 1,
    .help = "halve the step when the loss rose in at most rho of a window (AutoAttack: 0.75)" },
  { 0 }
};

static const InterpAttackVTable apgd_vtable = {
  INTERP_VTABLE_SIZE (InterpAttackVTable),
  .level_key = "epsilon",
  .create = apgd_create,
  .destroy = apgd_destroy,
  .perturb = apgd_perturb,
  .describe = apgd_describe,
};

const InterpComponent interp_attack_apgd = INTERP_COMPONENT (
  .kind = INTERP_KIND_ATTACK,
  .name = "apgd",
  .description = "Auto-PGD (Croce & Hein 2020): step-size schedule and momentum, CE or DLR loss, "
                 "targeted option",
  .params = apgd_params,
  .vtable = &apgd_vtable);
