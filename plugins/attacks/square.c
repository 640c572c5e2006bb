/* Square attack, Linf (Andriushchenko, Croce, Flammarion & Hein 2020,
 * "Square Attack: a query-efficient black-box adversarial attack via
 * random search"; max-andriushchenko/square-attack, square_attack_linf).
 * Score-based: it only reads logits, never a gradient, so robustness that
 * survives white-box attacks but not Square points at gradient masking.
 *
 * Per image, with margin m = z_y - max_{i != y} z_i (> 0: still correct):
 *   x_best = clip (x + delta), delta = +-eps per (channel, column): the
 *     vertical stripes the paper found best for untargeted attacks;
 *   then, while m > 0 and queries remain: a window of side
 *     s = round (sqrt (p d / c)) clamped to [1, min (h, w) - 1] at a
 *     uniform position inside the image, whose deltas become +-eps per
 *     channel (redrawn while the window would not change x_best);
 *     x_new = clip (x + delta); kept when its margin is lower.
 *   p follows the reference's p_selection schedule, in steps of 10000
 *   rescaled to `queries`: p_init, halved after 10, 50, 200, 500, 1000,
 *   2000, 4000, 6000 and 8000 (of 10000) iterations.
 * queries counts forward passes per image, the initial one included (the
 * reference's n_iters; AutoAttack: 5000, p_init 0.8).  An image already
 * misclassified, or with eps[i] = 0, is returned as x[i]; otherwise x_best
 * (within the Linf ball, fooled or not).
 *
 * One departure from the reference code: its corner is randint (0, h - s),
 * which excludes h - s, so the last row and column never change after the
 * initial stripes (on a 2 x 2 image only pixel (0, 0) would ever move).
 * The paper samples the square's position uniformly; here the corner is
 * uniform in [0, h - s] x [0, w - s], every position a square can take.
 *
 * Determinism: image i draws only from its own stream, seeded from the
 * batch stream in image order, so its result does not depend on which
 * other images share its batch. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "attack-common.h"
#include "attack-members.h"
#include "plugin-components.h"

typedef struct {
  SquareSettings s;
} Square;

void
square_settings_default (SquareSettings *s)
{
  s->queries = 5000;
  s->p_init = 0.8;
}

gpointer
square_new (const SquareSettings *s)
{
  Square *self = g_new0 (Square, 1);
  self->s = *s;
  return self;
}

static gpointer
square_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  SquareSettings s;
  s.queries = (int) interp_params_get_int (params, "queries");
  s.p_init = interp_params_get_double (params, "p-init");
  return square_new (&s);
}

static void
square_destroy (gpointer data)
{
  g_free (data);
}

/* The reference's p_selection: iteration `it` of n rescaled to 10000. */
static double
p_selection (double p_init, int it, int n)
{
  static const int bounds[] = { 10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000, 10000 };
  int r = (int) ((double) it / n * 10000);
  double p = p_init;
  for (size_t b = 0; b + 1 < G_N_ELEMENTS (bounds); b++)
    if (r > bounds[b] && r <= bounds[b + 1])
      p = p_init / (double) (2 << b);
  return p;
}

static double
margin_of (const float *z, int64_t k, int32_t label)
{
  return -attack_loss_row (ATTACK_LOSS_MARGIN, z, k, label, -1, NULL);
}

static float
clip01 (float v)
{
  return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
}

typedef struct {
  InterpRng *rng;
  float *delta, *best;       /* n x d */
  double *margin;
  guint8 *active;
  int64_t *idx;              /* the images of the current query */
  InterpTensor *xq, *logits;
} Work;

static void
work_free (Work *w)
{
  g_free (w->rng);
  g_free (w->delta);
  g_free (w->best);
  g_free (w->margin);
  g_free (w->active);
  g_free (w->idx);
  interp_tensor_free (w->xq);
  interp_tensor_free (w->logits);
}

/* Forward on images idx[0..m) of x_new = clip (x + delta); margins into
 * margins[0..m). */
static gboolean
query (InterpNet *net, Work *w, const InterpTensor *x, const int32_t *labels, int64_t m,
       double *margins, GError **error)
{
  const size_t d = interp_tensor_sample_size (x);
  int64_t shape[4] = { m, x->shape[1], x->shape[2], x->shape[3] };
  interp_tensor_reshape (w->xq, 4, shape);
  for (int64_t j = 0; j < m; j++)
    {
      const float *xi = x->data + w->idx[j] * d, *di = w->delta + w->idx[j] * d;
      float *q = w->xq->data + j * d;
      for (size_t e = 0; e < d; e++)
        q[e] = clip01 (xi[e] + di[e]);
    }
  if (!attack_logits (net, w->xq, w->logits, error))
    return FALSE;
  const int64_t k = attack_n_classes (w->logits);
  for (int64_t j = 0; j < m; j++)
    margins[j] = margin_of (w->logits->data + j * k, k, labels[w->idx[j]]);
  return TRUE;
}

/* New deltas in one random window of image i (delta holds x_best - x). */
static void
propose (Work *w, const InterpTensor *x, int64_t i, int side, float e)
{
  const int64_t c = x->shape[1], h = x->shape[2], wd = x->shape[3];
  const size_t d = interp_tensor_sample_size (x);
  InterpRng *rng = &w->rng[i];
  int64_t r0 = (int64_t) interp_rng_below (rng, (uint64_t) (h - side + 1));
  int64_t c0 = (int64_t) interp_rng_below (rng, (uint64_t) (wd - side + 1));
  const float *xi = x->data + i * d, *bi = w->best + i * d;
  float *di = w->delta + i * d;
  /* Redraw while the window equals x_best's (1e-7 as the reference); with
   * eps > 0 each channel has a sign that changes it, so this ends. */
  for (gboolean same = TRUE; same;)
    {
      for (int64_t ch = 0; ch < c; ch++)
        {
          float v = interp_rng_below (rng, 2) ? e : -e;
          for (int64_t r = r0; r < r0 + side; r++)
            for (int64_t q = c0; q < c0 + side; q++)
              di[(ch * h + r) * wd + q] = v;
        }
      for (int64_t ch = 0; same && ch < c; ch++)
        for (int64_t r = r0; same && r < r0 + side; r++)
          for (int64_t q = c0; same && q < c0 + side; q++)
            {
              int64_t o = (ch * h + r) * wd + q;
              same = fabsf (clip01 (xi[o] + di[o]) - bi[o]) < 1e-7f;
            }
    }
}

static gboolean
square_run (const SquareSettings *s, InterpNet *net, const InterpTensor *x,
            const int32_t *labels, const double *eps, const guint64 *seeds,
            InterpTensor *x_adv, GError **error)
{
  const int64_t n = x->shape[0];
  const size_t d = interp_tensor_sample_size (x);
  if (x->ndim != 4 || x->shape[2] < 2 || x->shape[3] < 2)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "square: needs N x C x H x W images of at least 2 x 2 pixels");
      return FALSE;
    }
  const int64_t c = x->shape[1], h = x->shape[2], wd = x->shape[3];
  Work w = { 0 };
  w.rng = g_new (InterpRng, n);
  w.delta = g_new0 (float, n * d);
  w.best = g_new (float, n * d);
  w.margin = g_new (double, n);
  w.active = g_new0 (guint8, n);
  w.idx = g_new (int64_t, n);
  w.xq = interp_tensor_new_4d (1, 1, 1, 1);
  w.logits = interp_tensor_new_2d (1, 1);
  double *qm = g_new (double, n);
  /* The clean images: those already misclassified are left alone. */
  for (int64_t i = 0; i < n; i++)
    w.idx[i] = i;
  gboolean ok = query (net, &w, x, labels, n, qm, error);
  int64_t m = 0;
  for (int64_t i = 0; ok && i < n; i++)
    {
      interp_rng_seed (&w.rng[i], seeds[i]);
      memcpy (w.best + i * d, x->data + i * d, d * sizeof (float));
      if (!(qm[i] > 0) || !(eps[i] > 0))
        continue;
      float e = (float) eps[i];
      float *di = w.delta + i * d;
      for (int64_t ch = 0; ch < c; ch++)
        for (int64_t q = 0; q < wd; q++)
          {
            float v = interp_rng_below (&w.rng[i], 2) ? e : -e;
            for (int64_t r = 0; r < h; r++)
              di[(ch * h + r) * wd + q] = v;
          }
      w.active[i] = TRUE;
      w.idx[m++] = i;
    }
  ok = ok && (m == 0 || query (net, &w, x, labels, m, qm, error));
  for (int64_t j = 0; ok && j < m; j++)
    {
      int64_t i = w.idx[j];
      w.margin[i] = qm[j];
      const float *xi = x->data + i * d, *di = w.delta + i * d;
      for (size_t e = 0; e < d; e++)
        {
          w.best[i * d + e] = clip01 (xi[e] + di[e]);
          w.delta[i * d + e] = w.best[i * d + e] - xi[e];
        }
    }
  for (int it = 0; ok && it < s->queries - 1; it++)
    {
      double p = p_selection (s->p_init, it, s->queries);
      int side = (int) lround (sqrt (p * (double) d / (double) c));
      side = CLAMP (side, 1, (int) MIN (h, wd) - 1);
      m = 0;
      for (int64_t i = 0; i < n; i++)
        if (w.active[i] && w.margin[i] > 0)
          {
            propose (&w, x, i, side, (float) eps[i]);
            w.idx[m++] = i;
          }
      if (m == 0)
        break;
      ok = query (net, &w, x, labels, m, qm, error);
      for (int64_t j = 0; ok && j < m; j++)
        {
          int64_t i = w.idx[j];
          float *bi = w.best + i * d, *di = w.delta + i * d;
          const float *xi = x->data + i * d;
          if (qm[j] < w.margin[i])
            {
              w.margin[i] = qm[j];
              for (size_t e = 0; e < d; e++)
                {
                  bi[e] = clip01 (xi[e] + di[e]);
                  di[e] = bi[e] - xi[e];
                }
            }
          else
            for (size_t e = 0; e < d; e++)
              di[e] = bi[e] - xi[e];
        }
    }
  if (ok)
    memcpy (x_adv->data, w.best, n * d * sizeof (float));
  g_free (qm);
  work_free (&w);
  return ok;
}

gboolean
square_perturb_seeded (gpointer data, InterpNet *net, const InterpTensor *x,
                       const int32_t *labels, const double *eps, const guint64 *seeds,
                       InterpTensor *x_adv, GError **error)
{
  Square *self = data;
  if (!attack_check_batch (x, x_adv, error)
      || !attack_check_budgets ("square", eps, x->shape[0], error))
    return FALSE;
  /* Not attack_guard_begin, which turns the input gradient on: Square runs
   * forwards only, in eval mode (as the guard), with both gradient flags
   * off. */
  InterpNetState *state = interp_net_state_save (net);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  interp_net_set_input_grad (net, FALSE);
  interp_net_set_param_grad (net, FALSE);
  gboolean ok = square_run (&self->s, net, x, labels, eps, seeds, x_adv, error);
  interp_net_state_restore (net, state);
  return ok;
}

static gboolean
square_perturb (gpointer data, InterpNet *net, const InterpTensor *x, const int32_t *labels,
                const double *eps, InterpRng *rng, InterpTensor *x_adv, GError **error)
{
  const int64_t n = x->shape[0];
  guint64 *seeds = g_new (guint64, n);
  for (int64_t i = 0; i < n; i++)
    seeds[i] = interp_rng_next (rng);
  gboolean ok = square_perturb_seeded (data, net, x, labels, eps, seeds, x_adv, error);
  g_free (seeds);
  return ok;
}

static void
square_describe (gpointer data, InterpAttackInfo *info)
{
  (void) data;
  info->norm = INTERP_NORM_LINF;
  info->flags = INTERP_ATTACK_GRADIENT_FREE | INTERP_ATTACK_RANDOMIZED;
}

static const InterpParamSpec square_params[] = {
  { .key = "epsilon", .type = INTERP_PARAM_DOUBLE_LIST, .default_value = "8/255",
    .min = 0, .max = 1, .help = "Linf budgets in pixel units ([0, 1] images)" },
  { .key = "queries", .type = INTERP_PARAM_INT, .default_value = "5000", .min = 1,
    .max = 10000000, .help = "forward passes per image, the first included (AutoAttack: 5000)" },
  { .key = "p-init", .type = INTERP_PARAM_DOUBLE, .default_value = "0.8", .min = 1e-6, .max = 1,
    .help = "initial fraction of the image a square covers (AutoAttack: 0.8)" },
  { 0 }
};

static const InterpAttackVTable square_vtable = {
  INTERP_VTABLE_SIZE (InterpAttackVTable),
  .level_key = "epsilon",
  .create = square_create,
  .destroy = square_destroy,
  .perturb = square_perturb,
  .describe = square_describe,
};

const InterpComponent interp_attack_square = INTERP_COMPONENT (
  .kind = INTERP_KIND_ATTACK,
  .name = "square",
  .description = "Square attack (Linf): score-based random search over squares, no gradients",
  .params = square_params,
  .vtable = &square_vtable);
