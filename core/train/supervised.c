/* The supervised trainer: cross-entropy plus the regularisers' terms. */
#include "config.h"

#include "train/supervised.h"

#include <interp/loss.h>
#include <interp/nn.h>
#include <interp/plugin.h>

#include "util/error-prefix.h"

static gboolean
supervised_on_batch (gpointer self, InterpTrainBatch *b, GError **error)
{
  const InterpSupervisedTrainer *t = self;
  if (!interp_net_forward (b->net, b->x, error))
    return FALSE;
  int out = interp_net_output_node (b->net);
  int64_t hits = 0;
  double loss = interp_softmax_cross_entropy (interp_net_value (b->net, out), b->labels,
                                              t->label_smoothing, interp_net_grad (b->net, out),
                                              1.0f, &hits);
  for (guint r = 0; t->regularizers && r < t->regularizers->len; r++)
    {
      InterpRegularizerInstance *reg = g_ptr_array_index (t->regularizers, r);
      double term = 0;
      if (!reg->vtable->apply (reg->instance, b->net, b->labels, b->n, &term, error))
        {
          interp_error_prefix_group (error, reg->group);
          return FALSE;
        }
      loss += term;
    }
  b->loss = loss;
  b->correct = hits;
  return TRUE;
}

const InterpTrainHooks interp_supervised_trainer = {
  INTERP_VTABLE_SIZE (InterpTrainHooks),
  .on_batch = supervised_on_batch,
};
