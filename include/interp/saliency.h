/* interp: saliency (attribution) components.
 *
 * attribute() writes one map per image of the batch x (N x C x H x W pixels
 * in [0, 1], or N x F feature vectors), of x's shape, explaining the logit
 * of class targets[i] of image i (the output node's value, before any
 * softmax).  A method whose natural map is coarser (Grad-CAM at a conv
 * node's resolution) upsamples it to H x W and writes the same value into
 * every channel; describe() says so.
 *
 * The runner (core/runner/saliency-stage.h) chooses the images and targets,
 * cuts them into batches of [pipeline] saliency-batch-size images, and
 * stores, renders and tests the maps (sanity checks, faithfulness, ROAR).
 * A method must not depend on the batch an image is in: image i's map is a
 * function of image i, its target, the network and the stream alone (an
 * internal batch of samples, e.g. integrated gradients' steps, is the
 * method's own business and bounded by a key of its own).
 *
 * Borrowing the network.  The runner passes it in eval mode.  attribute()
 * may run any forward and backward passes, switch input and parameter
 * gradients and set backward rules (nn.h: guided backprop, DeepLIFT, LRP),
 * but leaves the network exactly as it found it: mode, both gradient
 * flags, every gradient accumulator, parameter gradients, backward rules and
 * the reference (interp_net_state_save / _restore does all of it).  Node
 * values (the last forward) are not kept.  Parameters are read, never
 * written.
 *
 * Randomness comes only from `rng` (a stream per batch:
 * "<group>/<what>/batch-B"), so maps are bit-identical for a seed and thread
 * count.  A method without randomness ignores it.
 *
 * delta: NULL, or N doubles.  A method with INTERP_SALIENCY_COMPLETENESS
 * writes image i's completeness (convergence) delta there:
 *   delta[i] = sum(attr_i) - (f_t(x_i) - f_t(baseline_i)),
 * f_t the target logit (Sundararajan et al. 2017, "completeness"; Captum's
 * convergence delta).  For methods with several baselines (GradientSHAP) the
 * right side is the mean over the baselines drawn.  Methods without the
 * flag leave delta untouched.
 */
#ifndef INTERP_SALIENCY_H
#define INTERP_SALIENCY_H

#include <glib.h>
#include <stdint.h>
#include <interp/context.h>
#include <interp/nn.h>
#include <interp/params.h>
#include <interp/rng.h>

G_BEGIN_DECLS

/* Only grows at the end. */
typedef enum {
  /* Maps carry a sign (gradient, IG, LRP); without it they are >= 0
   * (Grad-CAM with ReLU, SmoothGrad^2, VarGrad, occlusion's drops may be either:
   * the method says). */
  INTERP_SALIENCY_SIGNED = 1 << 0,
  /* attribute() draws from rng (SmoothGrad, GradientSHAP, RISE, noise baselines). */
  INTERP_SALIENCY_RANDOMIZED = 1 << 1,
  /* attribute() writes delta[] (see above). */
  INTERP_SALIENCY_COMPLETENESS = 1 << 2,
  /* The map is computed at a coarser resolution and upsampled; equal in
   * every channel (Grad-CAM).  Pixel-level tests skip such methods. */
  INTERP_SALIENCY_COARSE = 1 << 3,
  /* attribute() sets backward rules (guided backprop, deconvnet, DeepLIFT,
   * LRP): informational, for the report. */
  INTERP_SALIENCY_MODIFIED_BACKWARD = 1 << 4,
  /* Needs no gradient at all (occlusion, RISE): forward passes only. */
  INTERP_SALIENCY_GRADIENT_FREE = 1 << 5,
} InterpSaliencyFlags;

typedef struct {
  guint flags;                     /* InterpSaliencyFlags */
  /* Forward + backward passes per image (IG: steps; SmoothGrad: samples x
   * the inner method's; occlusion: forward-only windows), for progress
   * and the report; 0 when it depends on the image. */
  int64_t passes_per_image;
  gpointer reserved[4];
} InterpSaliencyInfo;

typedef struct {
  uint32_t struct_size;
  /* params: the method's keys (its parameter table); ctx: the trial's.  A
   * wrapper method (noise-tunnel) resolves the inner method it names
   * through interp_context_saliency (context.h). */
  gpointer (*create) (const InterpParams *params, InterpContext *ctx, GError **error);
  void (*destroy) (gpointer self);
  /* attr is reshaped to x's shape by the method.  targets: N class indices,
   * each in [0, number of logits).  Errors are GErrors naming the component's
   * key or the node at fault; never an abort. */
  gboolean (*attribute) (gpointer self, InterpNet *net, const InterpTensor *x,
                         const int32_t *targets, InterpRng *rng, InterpTensor *attr,
                         double *delta, GError **error);
  void (*describe) (gpointer self, InterpSaliencyInfo *info);
} InterpSaliencyVTable;

/* Another [saliency:*] group of the trial's pipeline, for methods built
 * around another one (noise-tunnel's `method = saliency:gradient`): its
 * vtable and instance, created by the runner (at most once per trial) and
 * owned by it; valid for the lifetime of ctx.  A group that does not exist,
 * or a cycle (a group reaching itself), is an INTERP_ERROR_NOT_FOUND /
 * INTERP_ERROR_BAD_VALUE naming the group.  Call it from create(). */
gboolean interp_saliency_lookup (InterpContext *ctx, const char *group,
                                 const InterpSaliencyVTable **vtable, gpointer *instance,
                                 GError **error);

G_END_DECLS

#endif
