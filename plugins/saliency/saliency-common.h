/* What the saliency methods of plugins/saliency share: borrowing the
 * network (saliency.h's contract), the gradient of one logit per image
 * w.r.t. the input, logits, and checks of the arguments.
 *
 * Shapes: x, grads and maps are N x C x H x W tensors of pixels in [0, 1]
 * (N x F for feature vectors); logits N x K; per-image arrays have N
 * entries.  The gradient of the SUM over images of each image's target
 * logit is taken, so an image's gradient does not depend on its batch
 * (in eval mode images do not interact). */
#ifndef INTERP_PLUGINS_SALIENCY_COMMON_H
#define INTERP_PLUGINS_SALIENCY_COMMON_H

#include <interp/interp.h>

G_BEGIN_DECLS

/* Borrowing the network: begin saves its state (interp_net_state_save:
 * flags, gradients, backward rules, reference), puts it in eval mode, turns
 * input gradients on and parameter gradients off; end restores exactly
 * what was saved.  Every attribute() brackets its work with them. */
typedef struct {
  InterpNetState *state;
} SaliencyGuard;

void saliency_guard_begin (SaliencyGuard *guard, InterpNet *net);
void saliency_guard_end (SaliencyGuard *guard, InterpNet *net);

/* Forward on x, then backward of sum_i seed_i * z_i[targets[i]] (seed NULL:
 * every seed 1): d/dx into grad (reshaped to x's shape).  logits (NULL: not
 * wanted) receives the output, N x K.  The backward rules set on the
 * network apply, so this is the modified gradient of guided backprop,
 * DeepLIFT and LRP too (LRP seeds the logit's own value: seed = z).
 * Checks targets against the number of logits.  The caller holds a
 * SaliencyGuard. */
gboolean saliency_target_grad (InterpNet *net, const InterpTensor *x, const int32_t *targets,
                               const float *seed, InterpTensor *grad, InterpTensor *logits,
                               GError **error);

/* Forward on x; the target logit of each image into out[N] (logits NULL:
 * not wanted, else N x K copied).  No gradients. */
gboolean saliency_target_logits (InterpNet *net, const InterpTensor *x,
                                 const int32_t *targets, double *out, InterpTensor *logits,
                                 GError **error);

/* attribute()'s first check: x is a batch (ndim 2 or 4, N >= 1) and every
 * target is >= 0 (the upper bound is checked against the logits). */
gboolean saliency_check_batch (const char *method, const InterpTensor *x,
                               const int32_t *targets, GError **error);

/* A view of images [first, first + n) of a batch tensor (borrowed data). */
InterpTensor saliency_batch_view (const InterpTensor *x, int64_t first, int64_t n);

G_END_DECLS

#endif
