/* Carlini & Wagner 2017, "Towards evaluating the robustness of neural
 * networks", the L2 attack as in carlini/nn_robust_attacks (l2_attack.py).
 * The image is x' = (tanh (w) + 1) / 2 (the "tanh box": always in [0, 1]),
 * w starts at atanh ((2x - 1) 0.999999), and Adam (lr 0.01, betas 0.9 and
 * 0.999, eps 1e-8 as TensorFlow's) minimises per image
 *
 *   ||x' - x||_2^2 + c max (z_y - max_{i != y} z_i + kappa, 0)
 *
 * for each c of a binary search: c starts at 1e-3; after a search step
 * that fooled the image the upper bound is min (upper, c), otherwise the
 * lower bound max (lower, c); c becomes (lower + upper) / 2 once an upper
 * bound exists, else c x 10.  w and Adam's moments restart from x at each
 * c.  "Abort early": every steps / 10 steps, a search step stops when its
 * loss is above 0.9999 of its value at the previous check.  The image kept
 * is the smallest-L2 iterate whose logits, with kappa added to z_y, have
 * an argmax other than y (l2_attack.py's compare()).
 *
 * Departures from l2_attack.py, each so that an image's result does not
 * depend on the batch it is in: abort early is decided per image (there:
 * on the batch's total loss), and the distance is to x itself (there: to
 * tanh (atanh (x 0.999999)), a 1e-6 difference).  The default steps (100)
 * are far below the paper's 10000, for speed; raise `steps` for tighter
 * norms.  A minimal-norm attack (attack.h): the image found is returned
 * when its L2 norm is within eps[i], else x[i]. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "attack-common.h"
#include "attack-members.h"
#include "plugin-components.h"

typedef struct {
  CwSettings s;
} Cw;

void
cw_settings_default (CwSettings *s)
{
  s->binary_steps = 9;
  s->steps = 100;
  s->initial_const = 1e-3;
  s->learning_rate = 0.01;
  s->confidence = 0;
  s->abort_early = TRUE;
}

gpointer
cw_new (const CwSettings *s)
{
  Cw *self = g_new0 (Cw, 1);
  self->s = *s;
  return self;
}

static gpointer
cw_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  CwSettings s;
  s.binary_steps = (int) interp_params_get_int (params, "binary-steps");
  s.steps = (int) interp_params_get_int (params, "steps");
  s.initial_const = interp_params_get_double (params, "initial-const");
  s.learning_rate = interp_params_get_double (params, "learning-rate");
  s.confidence = interp_params_get_double (params, "confidence");
  s.abort_early = interp_params_get_bool (params, "abort-early");
  return cw_new (&s);
}

static void
cw_destroy (gpointer data)
{
  g_free (data);
}

/* The per-image state of the search. */
typedef struct {
  InterpTensor *cur, *grad, *logits, *seed;
  double *w, *m, *v;           /* tanh-space variable and Adam moments, n x d */
  double *c, *lower, *upper;   /* binary search, per image */
  double *best_l2, *prev_loss; /* best over all c; loss at the last abort check */
  double *step_best;           /* best L2 within the current c (-1 fooled nothing) */
  guint8 *running, *searching;
  float *best;                 /* best image, n x d */
  float *dz;                   /* k: one image's margin gradient */
} Work;

static void
work_free (Work *w)
{
  interp_tensor_free (w->cur);
  interp_tensor_free (w->grad);
  interp_tensor_free (w->logits);
  interp_tensor_free (w->seed);
  g_free (w->w);
  g_free (w->m);
  g_free (w->v);
  g_free (w->c);
  g_free (w->lower);
  g_free (w->upper);
  g_free (w->best_l2);
  g_free (w->prev_loss);
  g_free (w->step_best);
  g_free (w->running);
  g_free (w->searching);
  g_free (w->best);
  g_free (w->dz);
}

/* Whether logits z (kappa added to the true class) are fooled. */
static gboolean
fooled (const float *z, int64_t k, int32_t label, double kappa)
{
  /* The argmax is the first of equal maxima (np.argmax, torch.argmax). */
  double zy = (double) z[label] + kappa;
  for (int64_t i = 0; i < k; i++)
    if ((int32_t) i != label && ((double) z[i] > zy || ((double) z[i] == zy && i < label)))
      return TRUE;
  return FALSE;
}

static const double UPPER_NONE = 1e10;   /* l2_attack.py's "no upper bound yet" */

/* One search step (one c) for every image still searching. */
static gboolean
optimise (const CwSettings *s, InterpNet *net, Work *w, const InterpTensor *x,
          const int32_t *labels, int64_t n, int64_t k, size_t d, GError **error)
{
  const double b1 = 0.9, b2 = 0.999, adam_eps = 1e-8;
  const int check_every = MAX (s->steps / 10, 1);
  for (int64_t i = 0; i < n; i++)
    {
      w->running[i] = w->searching[i];
      w->prev_loss[i] = INFINITY;
      w->step_best[i] = -1;
      if (!w->searching[i])
        continue;
      for (size_t q = 0; q < d; q++)
        {
          w->w[i * d + q] = atanh ((2.0 * x->data[i * d + q] - 1.0) * 0.999999);
          w->m[i * d + q] = w->v[i * d + q] = 0;
        }
    }
  for (int t = 1; t <= s->steps; t++)
    {
      gboolean any = FALSE;
      for (int64_t i = 0; i < n; i++)
        {
          float *ci = w->cur->data + i * d;
          for (size_t q = 0; q < d; q++)
            ci[q] = (float) ((tanh (w->w[i * d + q]) + 1.0) / 2.0);
          any = any || w->running[i];
        }
      if (!any)
        break;
      if (!attack_logits (net, w->cur, w->logits, error))
        return FALSE;
      /* Seed: c d(max (z_y - z_o + kappa, 0))/dz for images in the hinge. */
      interp_tensor_zero (w->seed);
      for (int64_t i = 0; i < n; i++)
        {
          if (!w->running[i])
            continue;
          const float *z = w->logits->data + i * k;
          float *dz = w->dz;
          double margin = -attack_loss_row (ATTACK_LOSS_MARGIN, z, k, labels[i], -1, dz);
          double l2sq = 0;
          for (size_t q = 0; q < d; q++)
            {
              double e = (double) w->cur->data[i * d + q] - x->data[i * d + q];
              l2sq += e * e;
            }
          double hinge = margin + s->confidence;
          double loss = l2sq + w->c[i] * (hinge > 0 ? hinge : 0);
          double l2 = sqrt (l2sq);
          if (fooled (z, k, labels[i], s->confidence))
            {
              if (w->step_best[i] < 0 || l2 < w->step_best[i])
                w->step_best[i] = l2;
              if (l2 < w->best_l2[i])
                {
                  w->best_l2[i] = l2;
                  memcpy (w->best + i * d, w->cur->data + i * d, d * sizeof (float));
                }
            }
          if (s->abort_early && t % check_every == 0)
            {
              if (loss > w->prev_loss[i] * 0.9999)
                {
                  w->running[i] = FALSE;
                  continue;
                }
              w->prev_loss[i] = loss;
            }
          if (hinge > 0)
            for (int64_t j = 0; j < k; j++)
              w->seed->data[i * k + j] = (float) (-w->c[i] * dz[j]);
        }
      if (!attack_logit_grad (net, w->cur, w->seed, w->grad, error))
        return FALSE;
      const double lr_t = s->learning_rate * sqrt (1 - pow (b2, t)) / (1 - pow (b1, t));
      for (int64_t i = 0; i < n; i++)
        {
          if (!w->running[i])
            continue;
          for (size_t q = 0; q < d; q++)
            {
              size_t o = (size_t) i * d + q;
              double th = tanh (w->w[o]);
              double dx = 2.0 * ((double) w->cur->data[o] - x->data[o]) + w->grad->data[o];
              double g = dx * (1.0 - th * th) / 2.0;   /* dx'/dw = (1 - tanh^2 w) / 2 */
              w->m[o] = b1 * w->m[o] + (1 - b1) * g;
              w->v[o] = b2 * w->v[o] + (1 - b2) * g * g;
              w->w[o] -= lr_t * w->m[o] / (sqrt (w->v[o]) + adam_eps);
            }
        }
    }
  return TRUE;
}

static gboolean
cw_run (const CwSettings *s, InterpNet *net, const InterpTensor *x, const int32_t *labels,
        const double *eps, InterpTensor *x_adv, GError **error)
{
  const int64_t n = x->shape[0];
  const size_t d = interp_tensor_sample_size (x);
  Work w = { 0 };
  w.cur = interp_tensor_copy (x);
  w.grad = interp_tensor_new_4d (1, 1, 1, 1);
  w.logits = interp_tensor_new_2d (1, 1);
  gboolean ok = attack_logits (net, x, w.logits, error);
  const int64_t k = ok ? attack_n_classes (w.logits) : 0;
  for (int64_t i = 0; ok && i < n; i++)
    if (labels[i] < 0 || labels[i] >= k || k < 2)
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                     "cw-l2: image %" G_GINT64_FORMAT "'s label %d is not one of the "
                     "network's %" G_GINT64_FORMAT " classes (at least 2)", i, labels[i], k);
        ok = FALSE;
      }
  if (ok)
    {
      w.seed = interp_tensor_new_2d (n, k);
      w.w = g_new (double, n * d);
      w.m = g_new (double, n * d);
      w.v = g_new (double, n * d);
      w.c = g_new (double, n);
      w.lower = g_new (double, n);
      w.upper = g_new (double, n);
      w.best_l2 = g_new (double, n);
      w.prev_loss = g_new (double, n);
      w.step_best = g_new (double, n);
      w.running = g_new0 (guint8, n);
      w.searching = g_new0 (guint8, n);
      w.best = g_new (float, n * d);
      w.dz = g_new (float, k);
      for (int64_t i = 0; i < n; i++)
        {
          w.c[i] = s->initial_const;
          w.lower[i] = 0;
          w.upper[i] = UPPER_NONE;
          w.best_l2[i] = INFINITY;
          /* eps 0 returns x[i]; an image already misclassified is its own
           * minimal adversarial (norm 0). */
          w.searching[i] = eps[i] > 0 && !fooled (w.logits->data + i * k, k, labels[i], 0);
          if (!w.searching[i] && eps[i] > 0)
            w.best_l2[i] = 0;
          memcpy (w.best + i * d, x->data + i * d, d * sizeof (float));
        }
    }
  for (int b = 0; ok && b < s->binary_steps; b++)
    {
      ok = optimise (s, net, &w, x, labels, n, k, d, error);
      for (int64_t i = 0; ok && i < n; i++)
        {
          if (!w.searching[i])
            continue;
          if (w.step_best[i] >= 0)
            w.upper[i] = MIN (w.upper[i], w.c[i]);
          else
            w.lower[i] = MAX (w.lower[i], w.c[i]);
          w.c[i] = w.upper[i] < UPPER_NONE ? (w.lower[i] + w.upper[i]) / 2 : w.c[i] * 10;
        }
    }
  for (int64_t i = 0; ok && i < n; i++)
    {
      gboolean keep = w.best_l2[i] <= eps[i];
      memcpy (x_adv->data + i * d, keep ? w.best + i * d : x->data + i * d,
              d * sizeof (float));
    }
  work_free (&w);
  return ok;
}

static gboolean
cw_perturb (gpointer data, InterpNet *net, const InterpTensor *x, const int32_t *labels,
            const double *eps, InterpRng *rng, InterpTensor *x_adv, GError **error)
{
  Cw *self = data;
  (void) rng;
  if (!attack_check_batch (x, x_adv, error)
      || !attack_check_budgets_or_inf ("cw-l2", eps, x->shape[0], error))
    return FALSE;
  AttackGuard guard;
  attack_guard_begin (&guard, net);
  gboolean ok = cw_run (&self->s, net, x, labels, eps, x_adv, error);
  attack_guard_end (&guard, net);
  return ok;
}

static void
cw_describe (gpointer data, InterpAttackInfo *info)
{
  (void) data;
  info->norm = INTERP_NORM_L2;
  info->flags = INTERP_ATTACK_MINIMAL_NORM;
}

static const InterpParamSpec cw_params[] = {
  { .key = "epsilon", .type = INTERP_PARAM_DOUBLE_LIST, .default_value = "0.5",
    .min = 0, .max = 1e6,
    .help = "L2 budgets in pixel units: the found image is kept when within" },
  { .key = "binary-steps", .type = INTERP_PARAM_INT, .default_value = "9", .min = 1,
    .max = 100, .help = "binary-search steps over c (carlini/nn_robust_attacks: 9)" },
  { .key = "steps", .type = INTERP_PARAM_INT, .default_value = "100", .min = 1, .max = 1000000,
    .help = "Adam steps per c (the paper: 10000; 100 here for speed)" },
  { .key = "initial-const", .type = INTERP_PARAM_DOUBLE, .default_value = "1e-3", .min = 1e-12,
    .max = 1e12, .help = "the first c, the weight of the margin term (1e-3)" },
  { .key = "learning-rate", .type = INTERP_PARAM_DOUBLE, .default_value = "0.01", .min = 1e-9,
    .max = 100, .help = "Adam's learning rate in tanh space (0.01)" },
  { .key = "confidence", .type = INTERP_PARAM_DOUBLE, .default_value = "0", .min = 0,
    .max = 1e6, .help = "kappa: the margin by which the image must be misclassified (0)" },
  { .key = "abort-early", .type = INTERP_PARAM_BOOL, .default_value = "true",
    .help = "stop a search step when its loss stops falling (checked every steps/10)" },
  { 0 }
};

static const InterpAttackVTable cw_vtable = {
  INTERP_VTABLE_SIZE (InterpAttackVTable),
  .level_key = "epsilon",
  .create = cw_create,
  .destroy = cw_destroy,
  .perturb = cw_perturb,
  .describe = cw_describe,
};

const InterpComponent interp_attack_cw_l2 = INTERP_COMPONENT (
  .kind = INTERP_KIND_ATTACK,
  .name = "cw-l2",
  .description = "Carlini-Wagner L2: tanh box, Adam, binary search over c; minimal L2 norm",
  .params = cw_params,
  .vtable = &cw_vtable);
