/* The optimisers' state: the tensors a checkpoint holds ("step" and each
 * trainable parameter's momentum_buffer or exp_avg, exp_avg_sq and step,
 * as torch.optim names them), enumerating them, and saving and loading
 * them as safetensors, strictly: a file that does not fit the optimiser is
 * refused before anything changes. */
#include "config.h"

#include "nn/optim-private.h"

#include <math.h>
#include <string.h>

#include <interp/checkpoint.h>
#include <interp/error.h>

void
optim_slot_clear_state (OptimSlot *s)
{
  g_clear_pointer (&s->momentum_buffer, interp_tensor_free);
  g_clear_pointer (&s->exp_avg, interp_tensor_free);
  g_clear_pointer (&s->exp_avg_sq, interp_tensor_free);
  g_clear_pointer (&s->step, interp_tensor_free);
}

void
optim_rebuild_index (InterpOptim *opt)
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
  g_hash_table_insert (meta, "interp.optimizer", g_strdup (optim_kind_name (c->kind)));
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
  if (kind == NULL || !g_str_equal (kind, optim_kind_name (opt->config.kind)))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: holds %s%s%s optimizer state, not %s", path,
                   kind ? "'" : "", kind ? kind : "no interp", kind ? "'" : "",
                   optim_kind_name (opt->config.kind));
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
                   optim_kind_name (opt->config.kind));
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
          optim_slot_clear_state (s);
          s->momentum_buffer = steal (table, s->name_momentum_buffer);
          s->exp_avg = steal (table, s->name_exp_avg);
          s->exp_avg_sq = steal (table, s->name_exp_avg_sq);
          s->step = steal (table, s->name_step);
        }
      interp_optim_state_loaded (opt);
      optim_rebuild_index (opt);
    }
  g_hash_table_unref (table);
  g_hash_table_unref (meta);
  return ok;
}
