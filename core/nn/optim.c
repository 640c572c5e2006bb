/* Optimisers: SGD (momentum, Nesterov, weight decay), Adam and AdamW.
 *
 * The update rules follow torch.optim 1.13's single-tensor implementations
 * term by term (see <interp/optim.h>): hyper-parameters are combined in
 * double as Python does, cast to float, and applied elementwise in float32
 * in the same order.  Where PyTorch's vectorised kernels use a fused
 * multiply-add (add with alpha, addcmul) we call fmaf, which is exactly
 * specified, so results are the same on every machine and, on x86-64 with
 * PyTorch's AVX2 kernels, bit-identical to torch.optim.
 *
 * This file: configuration, life cycle and the update rules; the state
 * tensors and their saving and loading are optim-state.c.
 */
#include "config.h"

/* The order of roundings is part of the contract (PyTorch parity and
 * bit-identical resume): multiply-adds PyTorch's CPU kernels fuse are
 * written with fmaf, and the compiler must fuse nothing else, whatever
 * -march the package is built with. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize ("fp-contract=off")
#endif

#include <math.h>
#include <string.h>

#include "nn/optim-private.h"

#include <interp/error.h>

void
interp_optim_config_init (InterpOptimConfig *config, InterpOptimKind kind)
{
  g_return_if_fail (config != NULL);
  memset (config, 0, sizeof *config);
  config->kind = kind;
  config->beta1 = 0.9;
  config->beta2 = 0.999;
  config->eps = 1e-8;
  config->weight_decay = kind == INTERP_OPTIM_ADAMW ? 1e-2 : 0.0;
}

gboolean
interp_optim_config_check (const InterpOptimConfig *c, GError **error)
{
  g_return_val_if_fail (c != NULL, FALSE);
  const char *bad = NULL;
  if ((int) c->kind < 0 || c->kind > INTERP_OPTIM_ADAMW)
    bad = "unknown optimizer kind";
  else if (!(c->weight_decay >= 0 && isfinite (c->weight_decay)))
    bad = "weight decay must be >= 0";
  else if (c->kind == INTERP_OPTIM_SGD && !(c->momentum >= 0 && isfinite (c->momentum)))
    bad = "momentum must be >= 0";
  else if (c->kind == INTERP_OPTIM_SGD && c->nesterov && !(c->momentum > 0))
    bad = "nesterov momentum needs momentum > 0";
  else if (c->kind != INTERP_OPTIM_SGD && !(c->beta1 >= 0 && c->beta1 < 1))
    bad = "beta1 must lie in [0, 1)";
  else if (c->kind != INTERP_OPTIM_SGD && !(c->beta2 >= 0 && c->beta2 < 1))
    bad = "beta2 must lie in [0, 1)";
  else if (c->kind != INTERP_OPTIM_SGD && !(c->eps >= 0 && isfinite (c->eps)))
    bad = "eps must be >= 0";
  if (bad)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE, "optimizer %s: %s",
                   optim_kind_name (c->kind), bad);
      return FALSE;
    }
  return TRUE;
}

static InterpTensor *
scalar_tensor (float value)
{
  int64_t one = 1;
  InterpTensor *t = interp_tensor_new (1, &one);
  t->data[0] = value;
  return t;
}

InterpOptim *
interp_optim_new (InterpNet *net, const InterpOptimConfig *config)
{
  g_return_val_if_fail (net != NULL && config != NULL, NULL);
  g_return_val_if_fail (interp_optim_config_check (config, NULL), NULL);

  InterpOptim *opt = g_new0 (InterpOptim, 1);
  opt->net = net;
  opt->config = *config;
  int n = interp_net_n_params (net);
  opt->slots = g_new0 (OptimSlot, MAX (n, 1));
  for (int i = 0; i < n; i++)
    {
      InterpParam *p = interp_net_param (net, i);
      if (p->is_buffer || p->grad == NULL)
        continue;
      OptimSlot *s = &opt->slots[opt->n_slots++];
      s->param = p;
      s->name_momentum_buffer = g_strconcat (p->name, ".momentum_buffer", NULL);
      s->name_exp_avg = g_strconcat (p->name, ".exp_avg", NULL);
      s->name_exp_avg_sq = g_strconcat (p->name, ".exp_avg_sq", NULL);
      s->name_step = g_strconcat (p->name, ".step", NULL);
    }
  opt->step = scalar_tensor (0.0f);
  opt->state_names = g_ptr_array_new ();
  opt->state_tensors = g_ptr_array_new ();
  optim_rebuild_index (opt);
  return opt;
}

void
interp_optim_free (InterpOptim *opt)
{
  if (opt == NULL)
    return;
  for (int i = 0; i < opt->n_slots; i++)
    {
      OptimSlot *s = &opt->slots[i];
      optim_slot_clear_state (s);
      g_free (s->name_momentum_buffer);
      g_free (s->name_exp_avg);
      g_free (s->name_exp_avg_sq);
      g_free (s->name_step);
    }
  g_free (opt->slots);
  interp_tensor_free (opt->step);
  g_ptr_array_unref (opt->state_names);
  g_ptr_array_unref (opt->state_tensors);
  g_free (opt);
}

/* Returns TRUE when it created the momentum buffer. */
static gboolean
sgd_update (const InterpOptimConfig *c, OptimSlot *s, double lr)
{
  InterpTensor *pt = s->param->value;
  float *p = pt->data;
  const float *g = s->param->grad->data;
  size_t n = pt->numel;
  const float wd = (float) c->weight_decay;
  const float mom = (float) c->momentum;
  const float neg_lr = (float) -lr;
  gboolean created = FALSE;

  if (c->momentum == 0)
    {
      for (size_t i = 0; i < n; i++)
        {
          float d = g[i];
          if (c->weight_decay != 0)
            d = fmaf (wd, p[i], d);         /* d_p.add(p, alpha=wd) */
          p[i] = fmaf (neg_lr, d, p[i]);    /* p.add_(d_p, alpha=-lr) */
        }
      return FALSE;
    }

  /* PyTorch starts the buffer as a copy of the first (decayed) gradient,
   * not as momentum * 0 + d. */
  gboolean first = s->momentum_buffer == NULL;
  if (first)
    {
      s->momentum_buffer = interp_tensor_new (pt->ndim, pt->shape);
      created = TRUE;
    }
  float *b = s->momentum_buffer->data;
  for (size_t i = 0; i < n; i++)
    {
      float d = g[i];
      if (c->weight_decay != 0)
        d = fmaf (wd, p[i], d);
      /* buf.mul_(momentum).add_(d, alpha=1 - dampening): two roundings,
       * the second adds d exactly scaled (dampening 0). */
      b[i] = first ? d : b[i] * mom + d;
      d = c->nesterov ? fmaf (mom, b[i], d) : b[i];
      p[i] = fmaf (neg_lr, d, p[i]);
    }
  return created;
}

static gboolean
adam_update (const InterpOptimConfig *c, OptimSlot *s, double lr)
{
  InterpTensor *pt = s->param->value;
  float *p = pt->data;
  const float *g = s->param->grad->data;
  size_t n = pt->numel;
  gboolean created = FALSE;

  if (s->exp_avg == NULL)
    {
      s->exp_avg = interp_tensor_new (pt->ndim, pt->shape);
      s->exp_avg_sq = interp_tensor_new (pt->ndim, pt->shape);
      s->step = scalar_tensor (0.0f);
      created = TRUE;
    }
  /* PyTorch 1.13 keeps the step as a float32 tensor and reads it back as a
   * Python float for the bias corrections. */
  s->step->data[0] += 1.0f;
  double t = (double) s->step->data[0];
  double bias_correction1 = 1.0 - pow (c->beta1, t);
  double bias_correction2 = 1.0 - pow (c->beta2, t);
  const float neg_step_size = (float) -(lr / bias_correction1);
  const float bc2_sqrt = (float) sqrt (bias_correction2);
  const float b1 = (float) c->beta1, one_minus_b1 = (float) (1.0 - c->beta1);
  const float b2 = (float) c->beta2, one_minus_b2 = (float) (1.0 - c->beta2);
  const float eps = (float) c->eps;
  const float wd = (float) c->weight_decay;
  const float decay = (float) (1.0 - lr * c->weight_decay);
  const gboolean adamw = c->kind == INTERP_OPTIM_ADAMW;
  float *m = s->exp_avg->data, *v = s->exp_avg_sq->data;

  for (size_t i = 0; i < n; i++)
    {
      float gi = g[i];
      if (adamw)
        p[i] = p[i] * decay;
      else if (c->weight_decay != 0)
        gi = fmaf (wd, p[i], gi);
      /* exp_avg.mul_(beta1).add_(g, alpha=1 - beta1) */
      m[i] = fmaf (one_minus_b1, gi, m[i] * b1);
      /* exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1 - beta2) */
      v[i] = fmaf (one_minus_b2 * gi, gi, v[i] * b2);
      /* denom = sqrt(v) / sqrt(bc2) + eps; p.addcdiv_(m, denom, -step_size) */
      float denom = sqrtf (v[i]) / bc2_sqrt + eps;
      p[i] = p[i] + neg_step_size * m[i] / denom;
    }
  return created;
}

void
interp_optim_step (InterpOptim *opt, double lr)
{
  g_return_if_fail (opt != NULL);
  g_return_if_fail (lr >= 0 && isfinite (lr));

  gboolean created = FALSE;
  for (int i = 0; i < opt->n_slots; i++)
    {
      OptimSlot *s = &opt->slots[i];
      if (s->param->frozen)
        continue;
      if (opt->config.kind == INTERP_OPTIM_SGD)
        created |= sgd_update (&opt->config, s, lr);
      else
        created |= adam_update (&opt->config, s, lr);
    }
  interp_net_apply_masks (opt->net);
  opt->steps++;
  opt->step->data[0] = (float) opt->steps;
  if (created)
    optim_rebuild_index (opt);
}

int64_t
interp_optim_steps (const InterpOptim *opt)
{
  g_return_val_if_fail (opt != NULL, 0);
  return opt->steps;
}

const InterpOptimConfig *
interp_optim_config (const InterpOptim *opt)
{
  g_return_val_if_fail (opt != NULL, NULL);
  return &opt->config;
}
