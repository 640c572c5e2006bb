/* Optimisers: SGD (momentum, Nesterov, weight decay), Adam and AdamW.
 *
 * The update rules follow torch.optim 1.13's single-tensor implementations
 * term by term (see <interp/optim.h>): hyper-parameters are combined in
 * double as Python does, cast to float, and applied elementwise in float32
 * in the same order.  Where PyTorch's vectorised kernels use a fused
 * multiply-add (add with alpha, addcmul) we call fmaf, which is exactly
 * specified, so results are the same on every machine and, on x86-64 with
 * PyTorch's AVX2 kernels, bit-identical to torch.optim.
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

#include <interp/checkpoint.h>
#include <interp/error.h>
#include <interp/optim.h>

typedef struct {
  InterpParam *param;              /* borrowed from the net */
  InterpTensor *momentum_buffer;   /* SGD with momentum; NULL before the first step */
  InterpTensor *exp_avg;           /* Adam(W); NULL before the first step */
  InterpTensor *exp_avg_sq;
  InterpTensor *step;              /* Adam(W): the parameter's own step count */
  char *name_momentum_buffer, *name_exp_avg, *name_exp_avg_sq, *name_step;
} OptimSlot;

struct InterpOptim {
  InterpNet *net;
  InterpOptimConfig config;
  OptimSlot *slots;                /* one per trainable parameter, net order */
  int n_slots;
  InterpTensor *step;              /* [1]: number of interp_optim_step calls */
  int64_t steps;
  /* The current state tensors in enumeration order (names borrowed from
   * slots; tensors borrowed). */
  GPtrArray *state_names;
  GPtrArray *state_tensors;
};

static const char *
kind_name (InterpOptimKind kind)
{
  switch (kind)
    {
    case INTERP_OPTIM_SGD: return "sgd";
    case INTERP_OPTIM_ADAM: return "adam";
    case INTERP_OPTIM_ADAMW: return "adamw";
    }
  return "?";
}

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
                   kind_name (c->kind), bad);
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

static void
slot_clear_state (OptimSlot *s)
{
  g_clear_pointer (&s->momentum_buffer, interp_tensor_free);
  g_clear_pointer (&s->exp_avg, interp_tensor_free);
  g_clear_pointer (&s->exp_avg_sq, interp_tensor_free);
  g_clear_pointer (&s->step, interp_tensor_free);
}

static void
rebuild_index (InterpOptim *opt)
{
  g_ptr_array_set_size (opt->state_names, 0);
  g_ptr_array_set_size (opt->state_tensors, 0);
  g_ptr_array_add (opt->state_names, (gpointer) "step");
  g_ptr_array_add (opt->state_tensors, opt->step);
  for (int i = 0; i < opt->n_slots; i++)
    {
      OptimSlot *s = &opt->slots[i];
#define ADD(field) \
      if (s->field) \
        { \
          g_ptr_array_add (opt->state_names, s->name_##field); \
          g_ptr_array_add (opt->state_tensors, s->field); \
        }
      ADD (momentum_buffer);
      ADD (exp_avg);
      ADD (exp_avg_sq);
      ADD (step);
#undef ADD
    }
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
  rebuild_index (opt);
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
      slot_clear_state (s);
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
    rebuild_index (opt);
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

int
interp_optim_n_state (const InterpOptim *opt)
{
  g_return_val_if_fail (opt != NULL, 0);
  return (int) opt->state_names->len;
}

const char *
interp_optim_state_name (const InterpOptim *opt, int i)
{
  g_return_val_if_fail (opt != NULL, NULL);
  g_return_val_if_fail (i >= 0 && (guint) i < opt->state_names->len, NULL);
  return g_ptr_array_index (opt->state_names, i);
}

InterpTensor *
interp_optim_state (InterpOptim *opt, int i)
{
  g_return_val_if_fail (opt != NULL, NULL);
  g_return_val_if_fail (i >= 0 && (guint) i < opt->state_tensors->len, NULL);
  return g_ptr_array_index (opt->state_tensors, i);
}

void
interp_optim_state_loaded (InterpOptim *opt)
{
  g_return_if_fail (opt != NULL);
  float s = opt->step->data[0];
  opt->steps = s > 0 ? (int64_t) s : 0;
}

/* ---- saving and loading ------------------------------------------------- */

gboolean
interp_optim_save (InterpOptim *opt, const char *path, GError **error)
{
  g_return_val_if_fail (opt != NULL && path != NULL, FALSE);
  GHashTable *meta = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  const InterpOptimConfig *c = &opt->config;
  g_hash_table_insert (meta, "interp.optimizer", g_strdup (kind_name (c->kind)));
  g_hash_table_insert (meta, "interp.steps", g_strdup_printf ("%" G_GINT64_FORMAT, opt->steps));
  g_hash_table_insert (meta, "interp.weight_decay", g_strdup_printf ("%.17g", c->weight_decay));
  if (c->kind == INTERP_OPTIM_SGD)
    {
      g_hash_table_insert (meta, "interp.momentum", g_strdup_printf ("%.17g", c->momentum));
      g_hash_table_insert (meta, "interp.nesterov", g_strdup (c->nesterov ? "true" : "false"));
    }
  else
    {
      g_hash_table_insert (meta, "interp.beta1", g_strdup_printf ("%.17g", c->beta1));
      g_hash_table_insert (meta, "interp.beta2", g_strdup_printf ("%.17g", c->beta2));
      g_hash_table_insert (meta, "interp.eps", g_strdup_printf ("%.17g", c->eps));
    }
  gboolean ok = interp_safetensors_write (path, (const char *const *) opt->state_names->pdata,
                                          (InterpTensor *const *) opt->state_tensors->pdata,
                                          (int) opt->state_names->len, meta, error);
  g_hash_table_unref (meta);
  return ok;
}

static gboolean
check_step_tensor (const char *path, const char *name, const InterpTensor *t, GError **error)
{
  if (t->numel != 1 || t->ndim != 1)
    {
      char *shape = interp_tensor_shape_string (t);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: optimizer state '%s' has shape %s, expected [1]", path, name, shape);
      g_free (shape);
      return FALSE;
    }
  float v = t->data[0];
  if (!(v >= 0 && v <= 16777216.0f && v == floorf (v)))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: optimizer state '%s' holds %g, not a step count", path, name, v);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_param_tensor (const char *path, const char *name, const InterpTensor *t,
                    const InterpTensor *like, GError **error)
{
  if (interp_tensor_same_shape (t, like))
    return TRUE;
  char *got = interp_tensor_shape_string (t), *want = interp_tensor_shape_string (like);
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
               "%s: optimizer state '%s' has shape %s, the parameter has %s",
               path, name, got, want);
  g_free (got);
  g_free (want);
  return FALSE;
}

/* Checks the whole file against the optimiser before anything changes. */
static gboolean
validate_state (InterpOptim *opt, const char *path, GHashTable *table, GHashTable *meta,
                GError **error)
{
  const char *kind = g_hash_table_lookup (meta, "interp.optimizer");
  if (kind == NULL || !g_str_equal (kind, kind_name (opt->config.kind)))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: holds %s%s%s optimizer state, not %s", path,
                   kind ? "'" : "", kind ? kind : "no interp", kind ? "'" : "",
                   kind_name (opt->config.kind));
      return FALSE;
    }
  InterpTensor *step = g_hash_table_lookup (table, "step");
  if (step == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_MISSING,
                   "%s: optimizer state 'step' is missing", path);
      return FALSE;
    }
  if (!check_step_tensor (path, "step", step, error))
    return FALSE;

  /* Every tensor must be claimed by "step" or by one slot. */
  guint claimed = 1;
  gboolean sgd = opt->config.kind == INTERP_OPTIM_SGD;
  for (int i = 0; i < opt->n_slots; i++)
    {
      OptimSlot *s = &opt->slots[i];
      const InterpTensor *like = s->param->value;
      if (sgd)
        {
          InterpTensor *b = g_hash_table_lookup (table, s->name_momentum_buffer);
          if (b == NULL)
            continue;
          if (opt->config.momentum == 0)
            break;   /* reported below as unclaimed */
          if (!check_param_tensor (path, s->name_momentum_buffer, b, like, error))
            return FALSE;
          claimed++;
          continue;
        }
      const char *names[3] = { s->name_exp_avg, s->name_exp_avg_sq, s->name_step };
      int present = 0;
      for (int k = 0; k < 3; k++)
        present += g_hash_table_contains (table, names[k]);
      if (present == 0)
        continue;
      for (int k = 0; k < 3; k++)
        {
          InterpTensor *t = g_hash_table_lookup (table, names[k]);
          if (t == NULL)
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_MISSING,
                           "%s: optimizer state '%s' is missing", path, names[k]);
              return FALSE;
            }
          if (!(k == 2 ? check_step_tensor (path, names[k], t, error)
                : check_param_tensor (path, names[k], t, like, error)))
            return FALSE;
        }
      claimed += 3;
    }
  if (claimed != g_hash_table_size (table))
    {
      /* Name one unclaimed tensor: the first in sorted order, so the message
       * does not depend on hash order. */
      GHashTable *known = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_add (known, (gpointer) "step");
      for (int i = 0; i < opt->n_slots; i++)
        {
          OptimSlot *s = &opt->slots[i];
          if (sgd && opt->config.momentum != 0)
            g_hash_table_add (known, s->name_momentum_buffer);
          else if (!sgd)
            {
              g_hash_table_add (known, s->name_exp_avg);
              g_hash_table_add (known, s->name_exp_avg_sq);
              g_hash_table_add (known, s->name_step);
            }
        }
      const char *first = NULL;
      GHashTableIter it;
      gpointer k;
      g_hash_table_iter_init (&it, table);
      while (g_hash_table_iter_next (&it, &k, NULL))
        if (!g_hash_table_contains (known, k) && (first == NULL || strcmp (k, first) < 0))
          first = k;
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: optimizer state '%s' belongs to no trainable parameter of "
                   "this %s optimizer", path, first ? first : "?",
                   kind_name (opt->config.kind));
      g_hash_table_unref (known);
      return FALSE;
    }
  return TRUE;
}

static InterpTensor *
steal (GHashTable *table, const char *name)
{
  gpointer key = NULL, value = NULL;
  if (!g_hash_table_steal_extended (table, name, &key, &value))
    return NULL;
  g_free (key);
  return value;
}

gboolean
interp_optim_load (InterpOptim *opt, const char *path, GError **error)
{
  g_return_val_if_fail (opt != NULL && path != NULL, FALSE);
  GHashTable *meta = NULL;
  GHashTable *table = interp_safetensors_read (path, &meta, error);
  if (table == NULL)
    return FALSE;
  gboolean ok = validate_state (opt, path, table, meta, error);
  if (ok)
    {
      interp_tensor_copy_into (opt->step, g_hash_table_lookup (table, "step"));
      for (int i = 0; i < opt->n_slots; i++)
        {
          OptimSlot *s = &opt->slots[i];
          slot_clear_state (s);
          s->momentum_buffer = steal (table, s->name_momentum_buffer);
          s->exp_avg = steal (table, s->name_exp_avg);
          s->exp_avg_sq = steal (table, s->name_exp_avg_sq);
          s->step = steal (table, s->name_step);
        }
      interp_optim_state_loaded (opt);
      rebuild_index (opt);
    }
  g_hash_table_unref (table);
  g_hash_table_unref (meta);
  return ok;
}
