/* interp: losses.
 *
 * Losses are functions of a node's value, not nodes: they return the loss
 * and accumulate its gradient into a gradient buffer, which is how every
 * scalar enters backward (see nn.h).
 */
#ifndef INTERP_LOSS_H
#define INTERP_LOSS_H

#include <glib.h>
#include <interp/tensor.h>

G_BEGIN_DECLS

/* Mean softmax cross-entropy over the batch of logits (N x K) with integer
 * labels in [0, K), with label smoothing s in [0, 1) as in PyTorch (target
 * (1 - s) on the label plus s / K everywhere).  If dlogits is non-NULL
 * (shape of logits) scale * d(loss)/d(logits) is ADDED to it.
 * If correct is non-NULL it receives the number of argmax hits (the first
 * of equal maxima; a NaN logit on the label is a miss). */
double interp_softmax_cross_entropy (const InterpTensor *logits, const int32_t *labels,
                                     float label_smoothing, InterpTensor *dlogits,
                                     float scale, int64_t *correct);

/* Row-wise softmax of logits (N x K) into probs (reshaped as needed). */
void interp_softmax (const InterpTensor *logits, InterpTensor *probs);

G_END_DECLS

#endif
