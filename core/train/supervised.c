/* The supervised trainer: cross-entropy plus the regularisers' terms. */
#include "config.h"

#include "train/supervised.h"

#include <interp/loss.h>
#include <interp/nn.h>
#include <interp/plugin.h>

#include "util/error-prefix.h"

/* Writes the cross-entropy gradient at the logits; returns the loss. */
static double
cross_entropy (const InterpSupervisedTrainer *t, InterpTrainBatch *b, int64_t *hits)
{
  int out = interp_net_output_node (b->net);
  return interp_softmax_cross_entropy (interp_net_value (b->net, out), b->labels,
                                       t->label_smoothing, interp_net_grad (b->net, out), 1.0f,
                                       hits);
}

static gboolean
apply_regularizer (const InterpRegularizerInstance *reg, InterpTrainBatch *b, double *term,
                   GError **error)
{
  *term = 0;
  if (reg->vtable->apply (reg->instance, b->net, b->labels, b->n, term, error))
    return TRUE;
  interp_error_prefix_group (error, reg->group);
  return FALSE;
}

static void
zero_gradients (InterpNet *net)
{
  interp_net_zero_param_grad (net);
  interp_net_zero_grad (net);
}

/* The diagnostic passes: each source's gradient alone, from zero, through
 * its own backward pass; every gradient is zero again afterwards. */
static gboolean
record_sources (const InterpSupervisedTrainer *t, InterpTrainBatch *b, GError **error)
{
  int64_t hits;
  zero_gradients (b->net);
  cross_entropy (t, b, &hits);
  interp_net_backward (b->net);
  interp_grad_norms_record (t->grad_norms, b->net, b->epoch, b->step,
                            INTERP_GRAD_NORMS_CROSS_ENTROPY);
  for (guint r = 0; t->regularizers && r < t->regularizers->len; r++)
    {
      const InterpRegularizerInstance *reg = g_ptr_array_index (t->regularizers, r);
      double term;
      zero_gradients (b->net);
      if (!apply_regularizer (reg, b, &term, error))
        return FALSE;
      /* A weight regulariser has written its parameter gradients already;
       * backward adds an activation regulariser's node gradients to them. */
      interp_net_backward (b->net);
      interp_grad_norms_record (t->grad_norms, b->net, b->epoch, b->step, reg->group);
    }
  zero_gradients (b->net);
  return TRUE;
}

static gboolean
supervised_on_batch (gpointer self, InterpTrainBatch *b, GError **error)
{
  const InterpSupervisedTrainer *t = self;
  if (!interp_net_forward (b->net, b->x, error))
    return FALSE;
  if (interp_grad_norms_due (t->grad_norms, b->step) && !record_sources (t, b, error))
    return FALSE;
  int64_t hits = 0;
  double loss = cross_entropy (t, b, &hits);
  for (guint r = 0; t->regularizers && r < t->regularizers->len; r++)
    {
      double term;
      if (!apply_regularizer (g_ptr_array_index (t->regularizers, r), b, &term, error))
        return FALSE;
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
