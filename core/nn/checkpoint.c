/* Network checkpoints: every parameter and buffer as one safetensors file. */
#include "config.h"

#include "nn/safetensors-private.h"
#include "host/params-private.h"
#include "util/number.h"
#include "util/suggest.h"

#include <math.h>
#include <string.h>

#include <interp/checkpoint.h>
#include <interp/error.h>
#include <interp/version.h>

gboolean
interp_net_save (InterpNet *net, const char *path, GError **error)
{
  g_return_val_if_fail (net != NULL && path != NULL, FALSE);
  int n = interp_net_n_params (net);
  const char **names = g_new0 (const char *, MAX (n, 1));
  InterpTensor **tensors = g_new0 (InterpTensor *, MAX (n, 1));
  for (int i = 0; i < n; i++)
    {
      InterpParam *p = interp_net_param (net, i);
      names[i] = p->name;
      tensors[i] = p->value;
    }
  /* "format": "pt" is what huggingface tooling expects of a PyTorch
   * state_dict saved as safetensors. */
  GHashTable *meta = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (meta, "format", "pt");
  g_hash_table_insert (meta, "interp.version", (gpointer) interp_version ());
  gboolean ok = interp_safetensors_write (path, names, tensors, n, meta, error);
  g_hash_table_unref (meta);
  g_free (names);
  g_free (tensors);
  return ok;
}

/* PyTorch's BatchNorm saves an int64 counter interp has no use for. */
static gboolean
skip_foreign (const char *name, gpointer data)
{
  InterpNet *net = data;
  return g_str_has_suffix (name, ".num_batches_tracked")
         && interp_net_find_param (net, name) == NULL;
}

/* The mean or std buffer of a normalize node. */
static gboolean
is_normalize_stat (const InterpNet *net, const InterpParam *p)
{
  return p->is_buffer && interp_net_node_op (net, p->node) == INTERP_OP_NORMALIZE;
}

/* A normalisation from a file must be usable: finite, and a positive std. */
static gboolean
check_normalize_stat (const char *path, const InterpParam *p, const InterpTensor *t,
                      GError **error)
{
  gboolean is_std = g_str_has_suffix (p->name, ".std");
  for (size_t i = 0; i < t->numel; i++)
    if (!isfinite (t->data[i]) || (is_std && !(t->data[i] > 0.0f)))
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                     "%s: tensor '%s': element %zu is %g; the input normalisation needs %s",
                     path, p->name, i, (double) t->data[i],
                     is_std ? "a positive, finite std" : "a finite mean");
        return FALSE;
      }
  return TRUE;
}

/* Every value of a tensor from the file must be a number. */
static gboolean
check_finite (const char *path, const InterpParam *p, const InterpTensor *t, GError **error)
{
  gssize at = interp_first_non_finite (t->data, t->numel);
  if (at < 0)
    return TRUE;
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_NON_FINITE,
               "%s: tensor '%s' has a non-finite value (%s) at index %" G_GSSIZE_FORMAT, path,
               p->name, interp_non_finite_name (t->data[at]), at);
  return FALSE;
}

static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

gboolean
interp_net_load (InterpNet *net, const char *path, GError **error)
{
  return interp_net_load_flags (net, path, INTERP_LOAD_DEFAULT, error);
}

gboolean
interp_net_load_flags (InterpNet *net, const char *path, InterpLoadFlags flags, GError **error)
{
  g_return_val_if_fail (net != NULL && path != NULL, FALSE);
  GHashTable *table = interp_safetensors_read_filtered (path, NULL, skip_foreign, net, error);
  if (table == NULL)
    return FALSE;

  int n = interp_net_n_params (net);
  guint n_file = 0;
  const char **file_names = (const char **) g_hash_table_get_keys_as_array (table, &n_file);
  /* Sorted, so messages do not depend on hash order. */
  qsort (file_names, n_file, sizeof (char *), str_ptr_cmp);
  /* Hints only point from an unmatched name to another unmatched one. */
  const char **unused_file = g_new0 (const char *, n_file + 1);
  int n_unused_file = 0;
  for (guint i = 0; i < n_file; i++)
    if (interp_net_find_param (net, file_names[i]) == NULL)
      unused_file[n_unused_file++] = file_names[i];
  const char **net_names = g_new0 (const char *, MAX (n, 1));
  int n_unused_net = 0;
  for (int i = 0; i < n; i++)
    {
      InterpParam *p = interp_net_param (net, i);
      if (!g_hash_table_contains (table, p->name))
        net_names[n_unused_net++] = p->name;
    }
  gboolean ok = TRUE;

  for (int i = 0; i < n && ok; i++)
    {
      InterpParam *p = interp_net_param (net, i);
      InterpTensor *t = g_hash_table_lookup (table, p->name);
      if (t == NULL && is_normalize_stat (net, p))
        continue;   /* a state_dict without them: keep the statistics the net was built with */
      if (t == NULL)
        {
          const char *hint = interp_suggest_closest (p->name, unused_file, (gsize) n_unused_file);
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_MISSING,
                       "%s: tensor '%s' of the network is missing%s%s%s", path, p->name,
                       hint ? " (the file has '" : "", hint ? hint : "", hint ? "')" : "");
          ok = FALSE;
        }
      else if (!interp_tensor_same_shape (t, p->value))
        {
          char *got = interp_tensor_shape_string (t);
          char *want = interp_tensor_shape_string (p->value);
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                       "%s: tensor '%s' has shape %s, the network expects %s",
                       path, p->name, got, want);
          g_free (got);
          g_free (want);
          ok = FALSE;
        }
      else if (is_normalize_stat (net, p))
        ok = check_normalize_stat (path, p, t, error);
      else if (!(flags & INTERP_LOAD_ALLOW_NON_FINITE))
        ok = check_finite (path, p, t, error);
    }
  if (ok && n_unused_file > 0)
    {
      const char *hint = interp_suggest_closest (unused_file[0], net_names, (gsize) n_unused_net);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: tensor '%s' is not a parameter of the network%s%s%s",
                   path, unused_file[0], hint ? " (did you mean '" : "",
                   hint ? hint : "", hint ? "'?)" : "");
      ok = FALSE;
    }

  if (ok)
    {
      /* Nothing is written before everything has been checked. */
      for (int i = 0; i < n; i++)
        {
          InterpParam *p = interp_net_param (net, i);
          const InterpTensor *t = g_hash_table_lookup (table, p->name);
          if (t)
            memcpy (p->value->data, t->data, t->numel * sizeof (float));
        }
      interp_net_apply_masks (net);
    }
  g_free (net_names);
  g_free (unused_file);
  g_free (file_names);
  g_hash_table_unref (table);
  return ok;
}
