/* Refusing a trial whose network cannot fit in memory (memory-check.h). */
#include "config.h"

#include "runner/memory-check.h"

#include <interp/error.h>

#include "base/memory.h"
#include "nn/net-memory.h"

/* The limit in bytes (0: no check) and how to name it in a message. */
static gboolean
limit_of (const InterpPipeline *p, guint64 *bytes, char **what, GError **error)
{
  const char *text = interp_params_get_string (p->pipeline, "max-memory");
  *bytes = 0;
  *what = NULL;
  if (text == NULL || g_str_equal (text, "none"))
    return TRUE;
  if (*text == '\0')
    {
      *bytes = interp_memory_available ();
      char *have = interp_memory_format ((double) *bytes);
      *what = g_strdup_printf ("the %s of memory available", have);
      g_free (have);
      return TRUE;
    }
  if (!interp_memory_parse (text, bytes))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "%s: [pipeline] max-memory '%s': expected a size such as 8G, 512M or a "
                   "number of bytes, empty for the memory available, or none", p->path, text);
      return FALSE;
    }
  *what = g_strdup_printf ("the limit [pipeline] max-memory = %s", text);
  return TRUE;
}

gboolean
interp_memory_limit_check (const InterpPipeline *p, GError **error)
{
  guint64 bytes;
  char *what = NULL;
  gboolean ok = limit_of (p, &bytes, &what, error);
  g_free (what);
  return ok;
}

/* Optimiser state tensors per parameter: a momentum buffer for SGD (counted
 * even at momentum 0, an upper estimate), two moments for Adam(W). */
static int
optimizer_slots (const InterpTrainConfig *train)
{
  return train->optim.kind == INTERP_OPTIM_SGD ? 1 : 2;
}

static gboolean
fits (const InterpNet *net, int64_t batch, int slots,
      const char *batch_key, guint64 limit, const char *what, GError **error)
{
  InterpNetMemory m;
  interp_net_memory_estimate (net, batch, slots, &m);
  if (m.total <= (double) limit)
    return TRUE;
  char *need = interp_memory_format (m.total), *largest = interp_memory_format (m.largest_bytes);
  char *params = interp_memory_format (m.parameters);
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_NO_MEMORY,
               "the network's buffers need about %s (%.0f bytes) for [train] %s = %"
               G_GINT64_FORMAT ", more than %s: the largest is node '%s' with %s of outputs "
               "and gradients (parameters and optimiser state: %s); lower [train] %s or the "
               "model's width, or set --max-memory", need, m.total, batch_key, batch, what,
               m.largest >= 0 ? interp_net_node_name (net, m.largest) : "?", largest, params,
               batch_key);
  g_free (need);
  g_free (largest);
  g_free (params);
  return FALSE;
}

gboolean
interp_memory_check_net (const InterpPipeline *p, const InterpNet *net,
                         const InterpTrainConfig *train, GError **error)
{
  guint64 limit;
  char *what = NULL;
  if (!limit_of (p, &limit, &what, error))
    return FALSE;
  gboolean ok = limit == 0
                || ((train->epochs == 0
                     || fits (net, train->batch_size, optimizer_slots (train), "batch-size",
                              limit, what, error))
                    && fits (net, train->eval_batch_size, 0, "eval-batch-size", limit, what,
                             error));
  g_free (what);
  return ok;
}
