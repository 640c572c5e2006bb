/* DeepFool (Moosavi-Dezfooli, Fawzi & Frossard 2016, "DeepFool: a simple
 * and accurate method to fool deep neural networks"; the reference code is
 * LTS4/DeepFool).  Each iteration linearises the network at the current
 * image x_t and steps to the nearest linearised boundary between the true
 * class y and a candidate k:
 *
 *   w_k = grad (z_k - z_y),  f_k = z_k - z_y,
 *   L2:   pert_k = |f_k| / ||w_k||_2,  r = (pert + 1e-4) w / ||w||_2
 *   Linf: pert_k = |f_k| / ||w_k||_1,  r = (pert + 1e-4) sign (w)
 *
 * with k the candidate of least pert; r_tot += r and
 * x_{t+1} = clip (x + (1 + overshoot) r_tot, 0, 1), until the argmax is not
 * y or `steps` iterations have run.  The 1e-4 and the overshoot on the
 * total perturbation are LTS4's.  Candidates are y and the candidates - 1
 * other classes of the largest clean logits (LTS4: the top 10 of f(x)).
 *
 * On an affine classifier the first step lands on the boundary exactly:
 * the analytic minimal distance |f_i - f_j| / ||w_i - w_j|| (L2), or with
 * the dual norm ||.||_1 (Linf).  It is a minimal-norm attack (attack.h):
 * the image found is returned when its norm is within eps[i], else x[i];
 * an image already misclassified is returned as it is (norm 0), one never
 * fooled within `steps` as x[i]. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "attack-common.h"
#include "attack-members.h"
#include "plugin-components.h"

typedef struct {
  DeepFoolSettings s;
} DeepFool;

void
deepfool_settings_default (DeepFoolSettings *s)
{
  s->norm = INTERP_NORM_L2;
  s->steps = 50;
  s->overshoot = 0.02;
  s->candidates = 10;
}

gpointer
deepfool_new (const DeepFoolSettings *s)
{
  DeepFool *self = g_new0 (DeepFool, 1);
  self->s = *s;
  return self;
}

static gpointer
deepfool_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  DeepFoolSettings s;
  deepfool_settings_default (&s);
  s.norm = g_str_equal (interp_params_get_string (params, "norm"), "linf") ? INTERP_NORM_LINF
                                                                           : INTERP_NORM_L2;
  /* The default 0.5 is an L2 budget: in Linf it would bound nothing. */
  if (s.norm == INTERP_NORM_LINF && !interp_params_is_set (params, "epsilon"))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_MISSING,
                   "%s: key 'epsilon': norm = linf needs its own epsilon (the default 0.5 is "
                   "an L2 budget; Linf papers use 8/255)", interp_params_where (params));
      return NULL;
    }
  s.steps = (int) interp_params_get_int (params, "steps");
  s.overshoot = interp_params_get_double (params, "overshoot");
  s.candidates = (int) interp_params_get_int (params, "candidates");
  return deepfool_new (&s);
}

static void
deepfool_destroy (gpointer data)
{
  g_free (data);
}

/* Per image: the classes tried, y first, then the others by decreasing
 * clean logit (ties by index). */
static void
rank_candidates (const float *z, int64_t k, int32_t label, int c, int32_t *cand)
{
  cand[0] = label;
  for (int j = 1; j < c; j++)
    {
      int32_t best = -1;
      for (int64_t m = 0; m < k; m++)
        {
          gboolean used = FALSE;
          for (int q = 0; q < j; q++)
            used = used || cand[q] == (int32_t) m;
          if (!used && (best < 0 || z[m] > z[best]))
            best = (int32_t) m;
        }
      cand[j] = best;
    }
}

typedef struct {
  InterpTensor *cur, *logits, *seed, *grad;
  float *r_tot, *w_best;
  double *pert_best;
  int32_t *cand;
  guint8 *active, *fooled;
} Work;

static void
work_free (Work *w)
{
  interp_tensor_free (w->cur);
  interp_tensor_free (w->logits);
  interp_tensor_free (w->seed);
  interp_tensor_free (w->grad);
  g_free (w->r_tot);
  g_free (w->w_best);
  g_free (w->pert_best);
  g_free (w->cand);
  g_free (w->active);
  g_free (w->fooled);
}

/* For every active image, the candidate of least pert at w->cur (whose
 * logits are in w->logits): its pert and gradient into pert_best, w_best. */
static gboolean
nearest_boundary (const DeepFoolSettings *s, InterpNet *net, Work *w, const int32_t *labels,
                  int64_t n, int64_t k, int c, size_t d, GError **error)
{
  for (int64_t i = 0; i < n; i++)
    w->pert_best[i] = INFINITY;
  for (int j = 1; j < c; j++)
    {
      interp_tensor_zero (w->seed);
      for (int64_t i = 0; i < n; i++)
        if (w->active[i])
          {
            w->seed->data[i * k + w->cand[i * c + j]] += 1.0f;
            w->seed->data[i * k + labels[i]] -= 1.0f;
          }
      if (!attack_logit_grad (net, w->cur, w->seed, w->grad, error))
        return FALSE;
      for (int64_t i = 0; i < n; i++)
        {
          if (!w->active[i])
            continue;
          const float *z = w->logits->data + i * k, *g = w->grad->data + i * d;
          double f = (double) z[w->cand[i * c + j]] - z[labels[i]];
          double nrm = 0;
          for (size_t q = 0; q < d; q++)
            nrm += s->norm == INTERP_NORM_L2 ? (double) g[q] * g[q] : fabs ((double) g[q]);
          if (s->norm == INTERP_NORM_L2)
            nrm = sqrt (nrm);
          if (nrm == 0)
            continue;   /* this boundary cannot be reached along the gradient */
          double pert = fabs (f) / nrm;
          if (pert < w->pert_best[i])
            {
              w->pert_best[i] = pert;
              memcpy (w->w_best + i * d, g, d * sizeof (float));
            }
        }
    }
  return TRUE;
}

static gboolean
deepfool_run (const DeepFoolSettings *s, InterpNet *net, const InterpTensor *x,
              const int32_t *labels, const double *eps, InterpTensor *x_adv, GError **error)
{
  const int64_t n = x->shape[0];
  const size_t d = interp_tensor_sample_size (x);
  Work w = { 0 };
  w.cur = interp_tensor_copy (x);
  w.logits = interp_tensor_new_2d (1, 1);
  w.grad = interp_tensor_new_4d (1, 1, 1, 1);
  gboolean ok = attack_logits (net, x, w.logits, error);
  const int64_t k = ok ? attack_n_classes (w.logits) : 0;
  const int c = (int) MIN ((int64_t) s->candidates, k);
  for (int64_t i = 0; ok && i < n; i++)
    if (labels[i] < 0 || labels[i] >= k)
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                     "deepfool: image %" G_GINT64_FORMAT "'s label %d is not one of the "
                     "network's %" G_GINT64_FORMAT " classes", i, labels[i], k);
        ok = FALSE;
      }
  if (!ok)
    {
      work_free (&w);
      return FALSE;
    }
  w.seed = interp_tensor_new_2d (n, k);
  w.r_tot = g_new0 (float, n * d);
  w.w_best = g_new0 (float, n * d);
  w.pert_best = g_new (double, n);
  w.cand = g_new (int32_t, n * c);
  w.active = g_new0 (guint8, n);
  w.fooled = g_new0 (guint8, n);
  for (int64_t i = 0; i < n; i++)
    {
      const float *z = w.logits->data + i * k;
      rank_candidates (z, k, labels[i], c, w.cand + i * c);
      /* Already misclassified: nothing to find.  eps 0: x[i] by contract. */
      w.active[i] = attack_argmax (z, k) == labels[i] && eps[i] > 0 && c > 1;
    }
  for (int t = 0; ok; t++)
    {
      gboolean any = FALSE;
      for (int64_t i = 0; i < n; i++)
        {
          if (w.active[i] && attack_argmax (w.logits->data + i * k, k) != labels[i])
            {
              w.active[i] = FALSE;
              w.fooled[i] = TRUE;
            }
          any = any || w.active[i];
        }
      if (!any || t == s->steps)
        break;
      if (!nearest_boundary (s, net, &w, labels, n, k, c, d, error))
        {
          ok = FALSE;
          break;
        }
      for (int64_t i = 0; i < n; i++)
        {
          if (!w.active[i])
            continue;
          if (!isfinite (w.pert_best[i]))
            {
              w.active[i] = FALSE;   /* every candidate's gradient is zero: stuck */
              continue;
            }
          const float *g = w.w_best + i * d, *xi = x->data + i * d;
          float *r = w.r_tot + i * d, *ci = w.cur->data + i * d;
          double step = w.pert_best[i] + 1e-4, gn = 0;
          if (s->norm == INTERP_NORM_L2)
            {
              for (size_t q = 0; q < d; q++)
                gn += (double) g[q] * g[q];
              gn = sqrt (gn);
            }
          for (size_t q = 0; q < d; q++)
            {
              double rq = s->norm == INTERP_NORM_L2 ? step * g[q] / gn
                          : g[q] > 0 ? step : g[q] < 0 ? -step : 0.0;
              r[q] = (float) (r[q] + rq);
              ci[q] = (float) (xi[q] + (1.0 + s->overshoot) * r[q]);
            }
          attack_clip01 (ci, d);
        }
      ok = attack_logits (net, w.cur, w.logits, error);
    }
  for (int64_t i = 0; ok && i < n; i++)
    {
      const float *xi = x->data + i * d, *ci = w.cur->data + i * d;
      gboolean keep = w.fooled[i] && interp_perturbation_norm (s->norm, ci, xi, d) <= eps[i];
      memcpy (x_adv->data + i * d, keep ? ci : xi, d * sizeof (float));
    }
  work_free (&w);
  return ok;
}

static gboolean
deepfool_perturb (gpointer data, InterpNet *net, const InterpTensor *x, const int32_t *labels,
                  const double *eps, InterpRng *rng, InterpTensor *x_adv, GError **error)
{
  DeepFool *self = data;
  (void) rng;
  if (!attack_check_batch (x, x_adv, error)
      || !attack_check_budgets_or_inf ("deepfool", eps, x->shape[0], error))
    return FALSE;
  AttackGuard guard;
  attack_guard_begin (&guard, net);
  gboolean ok = deepfool_run (&self->s, net, x, labels, eps, x_adv, error);
  attack_guard_end (&guard, net);
  return ok;
}

static void
deepfool_describe (gpointer data, InterpAttackInfo *info)
{
  DeepFool *self = data;
  info->norm = self->s.norm;
  info->flags = INTERP_ATTACK_MINIMAL_NORM;
}

static const InterpParamSpec deepfool_params[] = {
  { .key = "epsilon", .type = INTERP_PARAM_DOUBLE_LIST, .default_value = "0.5",
    .min = 0, .max = 1e6,
    .help = "budgets in the chosen norm, pixel units: the found image is kept when within" },
  { .key = "norm", .type = INTERP_PARAM_CHOICE, .default_value = "l2", .choices = "l2|linf",
    .help = "the norm minimised (linf: steps along sign(w), distances with ||w||_1)" },
  { .key = "steps", .type = INTERP_PARAM_INT, .default_value = "50", .min = 1, .max = 100000,
    .help = "iterations at most (LTS4/DeepFool: 50)" },
  { .key = "overshoot", .type = INTERP_PARAM_DOUBLE, .default_value = "0.02", .min = 0, .max = 10,
    .help = "x + (1 + overshoot) r_tot: pushes past the boundary (LTS4: 0.02)" },
  { .key = "candidates", .type = INTERP_PARAM_INT, .default_value = "10", .min = 2,
    .max = 100000, .help = "classes tried, the true one and the largest other logits (10)" },
  { 0 }
};

static const InterpAttackVTable deepfool_vtable = {
  INTERP_VTABLE_SIZE (InterpAttackVTable),
  .level_key = "epsilon",
  .create = deepfool_create,
  .destroy = deepfool_destroy,
  .perturb = deepfool_perturb,
  .describe = deepfool_describe,
};

const InterpComponent interp_attack_deepfool = INTERP_COMPONENT (
  .kind = INTERP_KIND_ATTACK,
  .name = "deepfool",
  .description = "DeepFool: minimal L2 or Linf steps to the nearest linearised class boundary",
  .params = deepfool_params,
  .vtable = &deepfool_vtable);
