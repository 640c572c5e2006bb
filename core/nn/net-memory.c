/* The memory estimate of a network's buffers (net-memory.h). */
#include "config.h"

#include "nn/net-memory.h"
#include "nn/net-impl.h"

#include "base/memory.h"

void
interp_net_memory_estimate (const InterpNet *net, int64_t batch, int optimizer_slots,
                            InterpNetMemory *m)
{
  *m = (InterpNetMemory) { .largest = -1 };
  for (guint i = 0; i < net->nodes->len; i++)
    {
      const NetNode *node = net_node (net, (int) i);
      double per_sample = (double) net_sample_size (node);
      /* value and gradient, float each */
      double bytes = 2.0 * 4.0 * per_sample;
      if (node->op == INTERP_OP_MAXPOOL || node->op == INTERP_OP_DROPOUT)
        bytes += 4.0 * per_sample;   /* int32 argmax / float mask per output */
      bytes *= (double) batch;
      m->total += bytes;
      if (bytes > m->largest_bytes)
        {
          m->largest_bytes = bytes;
          m->largest = (int) i;
        }
    }
  for (guint i = 0; i < net->params->len; i++)
    {
      const InterpParam *p = g_ptr_array_index (net->params, i);
      double copies = p->is_buffer ? 1.0 : 2.0 + (double) optimizer_slots;
      m->parameters += copies * 4.0 * (double) p->value->numel;
    }
  m->total += m->parameters;
}

int
net_node_params_fit (NetNode *node, double elements, GError **error)
{
  /* value and gradient, float each */
  double bytes = 8.0 * elements;
  guint64 available = interp_memory_available ();
  if (available == 0 || bytes <= (double) available)
    return 0;
  char *need = interp_memory_format (bytes), *have = interp_memory_format ((double) available);
  int r = net_node_fail (node, error, INTERP_ERROR_NO_MEMORY,
                         "its parameters and their gradients need %s (%.0f bytes), more than "
                         "the %s of memory available", need, bytes, have);
  g_free (need);
  g_free (have);
  return r;
}
