/* Shared code of the attacks (attack-common.h). */
#include "config.h"

#include "attack-common.h"

#include <math.h>
#include <string.h>

void
attack_guard_begin (AttackGuard *guard, InterpNet *net)
{
  guard->state = interp_net_state_save (net);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  interp_net_set_input_grad (net, TRUE);
  interp_net_set_param_grad (net, FALSE);
}

void
attack_guard_end (AttackGuard *guard, InterpNet *net)
{
  interp_net_state_restore (net, guard->state);
  guard->state = NULL;
}

int32_t
attack_argmax (const float *z, int64_t k)
{
  int32_t best = 0;
  for (int64_t i = 1; i < k; i++)
    if (z[i] > z[best])
      best = (int32_t) i;
  return best;
}

int64_t
attack_n_classes (const InterpTensor *logits)
{
  return logits->shape[logits->ndim - 1];
}

/* The largest logit other than `skip` (skip < 0: none skipped). */
static int32_t
argmax_except (const float *z, int64_t k, int32_t skip)
{
  int32_t best = -1;
  for (int64_t i = 0; i < k; i++)
    if ((int32_t) i != skip && (best < 0 || z[i] > z[best]))
      best = (int32_t) i;
  return best;
}

/* Indices of the four largest logits, in decreasing order (k >= 4, or the
 * rest left at -1). */
static void
top4 (const float *z, int64_t k, int32_t top[4])
{
  top[0] = top[1] = top[2] = top[3] = -1;
  for (int64_t i = 0; i < k; i++)
    {
      int32_t c = (int32_t) i;
      for (int j = 0; j < 4; j++)
        if (top[j] < 0 || z[c] > z[top[j]])
          {
            int32_t t = top[j];
            top[j] = c;
            c = t;
            if (c < 0)
              break;
          }
    }
}

double
attack_loss_row (AttackLoss loss, const float *z, int64_t k, int32_t label, int32_t target,
                 float *dz)
{
  if (dz)
    memset (dz, 0, (size_t) k * sizeof *dz);
  switch (loss)
    {
    case ATTACK_LOSS_CE:
    case ATTACK_LOSS_CE_TARGETED:
      {
        int32_t c = loss == ATTACK_LOSS_CE ? label : target;
        double m = z[attack_argmax (z, k)], sum = 0;
        for (int64_t i = 0; i < k; i++)
          sum += exp ((double) z[i] - m);
        double lse = m + log (sum);
        double ce = lse - z[c];
        double sign = loss == ATTACK_LOSS_CE ? 1.0 : -1.0;
        if (dz)
          {
            for (int64_t i = 0; i < k; i++)
              dz[i] = (float) (sign * exp ((double) z[i] - lse));
            dz[c] -= (float) sign;
          }
        return sign * ce;
      }
    case ATTACK_LOSS_DLR:
      {
        int32_t t[4];
        top4 (z, k, t);
        int32_t other = argmax_except (z, k, label);
        double den = (double) z[t[0]] - z[t[2]] + 1e-12;
        double num = (double) z[label] - z[other];
        if (dz)
          {
            /* loss = -num / den: d/dz = -(dnum den - num dden) / den^2. */
            dz[label] += (float) (-1.0 / den);
            dz[other] += (float) (1.0 / den);
            dz[t[0]] += (float) (num / (den * den));
            dz[t[2]] -= (float) (num / (den * den));
          }
        return -num / den;
      }
    case ATTACK_LOSS_DLR_TARGETED:
      {
        int32_t t[4];
        top4 (z, k, t);
        double den = (double) z[t[0]] - 0.5 * ((double) z[t[2]] + z[t[3]]) + 1e-12;
        double num = (double) z[label] - z[target];
        if (dz)
          {
            double q = num / (den * den);
            dz[label] += (float) (-1.0 / den);
            dz[target] += (float) (1.0 / den);
            dz[t[0]] += (float) q;
            dz[t[2]] -= (float) (0.5 * q);
            dz[t[3]] -= (float) (0.5 * q);
          }
        return -num / den;
      }
    case ATTACK_LOSS_MARGIN:
      {
        int32_t other = argmax_except (z, k, label);
        if (dz)
          {
            dz[other] += 1.0f;
            dz[label] -= 1.0f;
          }
        return (double) z[other] - z[label];
      }
    }
  return NAN;
}

static gboolean
check_logits (InterpNet *net, const InterpTensor *out, int64_t n, GError **error)
{
  if (out->ndim != 2 || out->shape[0] != n)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "the network's output \"%s\" is not one row of logits per image",
                   interp_net_node_name (net, interp_net_output_node (net)));
      return FALSE;
    }
  return TRUE;
}

gboolean
attack_logits (InterpNet *net, const InterpTensor *x, InterpTensor *logits, GError **error)
{
  if (!interp_net_forward (net, x, error))
    return FALSE;
  const InterpTensor *out = interp_net_value (net, interp_net_output_node (net));
  if (!check_logits (net, out, x->shape[0], error))
    return FALSE;
  interp_tensor_copy_into (logits, out);
  return TRUE;
}

/* Backward from the seed already written into the output's gradient; the
 * input gradient copied into grad. */
static void
backward_into (InterpNet *net, const InterpTensor *x, InterpTensor *grad)
{
  interp_net_backward (net);
  const InterpTensor *g = interp_net_input_grad (net);
  interp_tensor_reshape (grad, x->ndim, x->shape);
  memcpy (grad->data, g->data, x->numel * sizeof (float));
}

gboolean
attack_loss_grad (InterpNet *net, const InterpTensor *x, const int32_t *labels,
                  const int32_t *targets, AttackLoss loss, double *losses, InterpTensor *grad,
                  InterpTensor *logits, GError **error)
{
  if (!interp_net_forward (net, x, error))
    return FALSE;
  int out_node = interp_net_output_node (net);
  const InterpTensor *out = interp_net_value (net, out_node);
  const int64_t n = x->shape[0];
  if (!check_logits (net, out, n, error))
    return FALSE;
  const int64_t k = out->shape[1];
  if ((loss == ATTACK_LOSS_DLR && k < 3) || (loss == ATTACK_LOSS_DLR_TARGETED && k < 4))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
                   "the DLR loss needs at least %d classes; the network has %" G_GINT64_FORMAT,
                   loss == ATTACK_LOSS_DLR ? 3 : 4, k);
      return FALSE;
    }
  if (logits)
    interp_tensor_copy_into (logits, out);
  interp_net_zero_grad (net);
  InterpTensor *dz = interp_net_grad (net, out_node);
  for (int64_t i = 0; i < n; i++)
    {
      double l = attack_loss_row (loss, out->data + i * k, k, labels[i],
                                  targets ? targets[i] : -1, dz->data + i * k);
      if (losses)
        losses[i] = l;
    }
  backward_into (net, x, grad);
  return TRUE;
}

gboolean
attack_logit_grad (InterpNet *net, const InterpTensor *x, const InterpTensor *seed,
                   InterpTensor *grad, GError **error)
{
  if (!interp_net_forward (net, x, error))
    return FALSE;
  int out_node = interp_net_output_node (net);
  const InterpTensor *out = interp_net_value (net, out_node);
  if (!check_logits (net, out, x->shape[0], error))
    return FALSE;
  if (seed->numel != out->numel)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "a logit seed of %zu values for %zu logits", seed->numel, out->numel);
      return FALSE;
    }
  interp_net_zero_grad (net);
  InterpTensor *dz = interp_net_grad (net, out_node);
  memcpy (dz->data, seed->data, out->numel * sizeof (float));
  backward_into (net, x, grad);
  return TRUE;
}

void
attack_clip01 (float *v, size_t numel)
{
  for (size_t i = 0; i < numel; i++)
    v[i] = v[i] < 0.0f ? 0.0f : v[i] > 1.0f ? 1.0f : v[i];
}

void
attack_project (InterpNorm norm, const float *x, float *x_adv, size_t numel, double eps)
{
  if (isfinite (eps))
    {
      if (norm == INTERP_NORM_LINF)
        {
          float e = (float) eps;
          for (size_t i = 0; i < numel; i++)
            {
              float d = x_adv[i] - x[i];
              d = d < -e ? -e : d > e ? e : d;
              x_adv[i] = x[i] + d;
            }
        }
      else
        {
          double nrm = interp_perturbation_norm (INTERP_NORM_L2, x_adv, x, numel);
          if (nrm > eps)
            {
              double f = eps / nrm;
              for (size_t i = 0; i < numel; i++)
                x_adv[i] = x[i] + (float) ((x_adv[i] - x[i]) * f);
            }
        }
    }
  attack_clip01 (x_adv, numel);
}

gboolean
attack_check_batch (const InterpTensor *x, const InterpTensor *x_adv, GError **error)
{
  if (x->ndim < 2 || x_adv->numel != x->numel || x_adv->ndim != x->ndim
      || memcmp (x->shape, x_adv->shape, (size_t) x->ndim * sizeof x->shape[0]) != 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "an attack needs a batch of images and an output of the same shape");
      return FALSE;
    }
  return TRUE;
}

gboolean
attack_check_budgets (const char *attack, const double *eps, int64_t n, GError **error)
{
  for (int64_t i = 0; i < n; i++)
    if (!isfinite (eps[i]) || eps[i] < 0)
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                     "%s: image %" G_GINT64_FORMAT "'s budget %g is not a finite number >= 0",
                     attack, i, eps[i]);
        return FALSE;
      }
  return TRUE;
}

void
attack_ascent_step (InterpNorm norm, float *a, const float *g, size_t numel, double alpha)
{
  if (norm == INTERP_NORM_LINF)
    {
      const float s = (float) alpha;
      for (size_t j = 0; j < numel; j++)
        a[j] += g[j] > 0.0f ? s : g[j] < 0.0f ? -s : 0.0f;
    }
  else
    {
      double sq = 0;
      for (size_t j = 0; j < numel; j++)
        sq += (double) g[j] * g[j];
      const float f = (float) (alpha / (sqrt (sq) + 1e-10));
      for (size_t j = 0; j < numel; j++)
        a[j] += f * g[j];
    }
}

void
attack_random_start (InterpNorm norm, const float *x, float *a, size_t numel, double eps,
                     InterpRng *rng)
{
  if (norm == INTERP_NORM_LINF)
    {
      const float e = (float) eps;
      for (size_t j = 0; j < numel; j++)
        a[j] = x[j] + e * (float) (2.0 * interp_rng_uniform (rng) - 1.0);
    }
  else
    {
      double sq = 0;
      for (size_t j = 0; j < numel; j++)
        {
          a[j] = (float) interp_rng_normal (rng);
          sq += (double) a[j] * a[j];
        }
      double r = interp_rng_uniform (rng);
      /* A zero draw (probability 0) stays at x rather than dividing by 0. */
      const float f = sq > 0 ? (float) (eps * r / sqrt (sq)) : 0.0f;
      for (size_t j = 0; j < numel; j++)
        a[j] = x[j] + f * a[j];
    }
  attack_clip01 (a, numel);
}
