/* interp: adversarial attack components.
 *
 * The runner evaluates an attack at every value of its level key (the
 * perturbation budget, conventionally `epsilon`, e.g. 1/255, 2/255, ...) on
 * the test split, batch by batch, and runs the metrics on the adversarial
 * images.  Contract of perturb():
 *
 *   - Pixels.  x holds n clean images in [0, 1]; the network includes its
 *     own normalisation (its "normalize" node), so budgets are in pixel
 *     units.  x_adv (caller-allocated, x's shape) receives images in [0, 1]
 *     with ||x_adv[i] - x[i]|| <= eps[i] in the attack's norm (up to float
 *     rounding of the projection).
 *   - Budgets per image.  eps[i] is image i's budget.  The runner passes the
 *     level to every image when it sweeps the level key, and different
 *     budgets when it searches each image's minimal adversarial epsilon by
 *     bisection ([attack:*] minimal-epsilon = true).  eps[i] = 0 must return
 *     x[i] unchanged; eps[i] = +inf means "no budget" (minimal-norm attacks).
 *   - Labels.  labels[i] is the true class: untargeted attacks try to make
 *     the argmax differ from it.
 *   - The network is borrowed.  It arrives in eval mode with whatever flags
 *     the caller set; perturb may run any number of forward/backward passes
 *     but must leave the network as it found it: mode, the input- and
 *     parameter-gradient flags, every node gradient and every parameter
 *     gradient (interp_net_state_save / _restore do exactly this; node
 *     values, the last forward, are not kept).  Attacks that only need
 *     d/d(input) should turn parameter gradients off
 *     (interp_net_set_param_grad): it skips the weight-gradient work.
 *   - Determinism.  rng is this batch's stream (derived from the trial seed,
 *     the group, the level and the batch index); draw every random start
 *     from it, in a fixed order, so results do not depend on the thread
 *     count.
 *   - Errors (a bad shape, a network without a 2-d output) set error and
 *     return FALSE; x_adv's content is then undefined.
 *
 * describe() says what the budget measures and how the attack works, for
 * the runner's minimal-epsilon search, the report and the auto ensemble.
 */
#ifndef INTERP_ATTACK_H
#define INTERP_ATTACK_H

#include <glib.h>
#include <stdint.h>
#include <interp/context.h>
#include <interp/nn.h>
#include <interp/params.h>
#include <interp/rng.h>

G_BEGIN_DECLS

/* The norm the budget bounds.  Only grows at the end. */
typedef enum {
  INTERP_NORM_LINF = 0,
  INTERP_NORM_L2,
} InterpNorm;

/* Flags of InterpAttackInfo. */
typedef enum {
  /* perturb() looks for the smallest perturbation that changes the
   * prediction (DeepFool, CW-L2): the image it finds is returned when its
   * norm is within eps[i], x[i] otherwise (the attack failed within the
   * budget), so one call at eps = +inf gives every image's minimal epsilon
   * directly instead of by bisection. */
  INTERP_ATTACK_MINIMAL_NORM = 1 << 0,
  /* perturb() never computes a gradient (score-based: Square): the check
   * that robustness is not gradient masking. */
  INTERP_ATTACK_GRADIENT_FREE = 1 << 1,
  /* perturb() draws random numbers (random starts, restarts, proposals). */
  INTERP_ATTACK_RANDOMIZED = 1 << 2,
} InterpAttackFlags;

typedef struct {
  InterpNorm norm;
  guint32 flags;              /* InterpAttackFlags */
} InterpAttackInfo;

typedef struct {
  uint32_t struct_size;
  const char *level_key;   /* the DOUBLE_LIST key swept by the runner, e.g. "epsilon" */
  gpointer (*create) (const InterpParams *params, InterpContext *ctx, GError **error);
  void (*destroy) (gpointer self);
  /* n = x->shape[0] images; eps: n budgets (see above). */
  gboolean (*perturb) (gpointer self, InterpNet *net, const InterpTensor *x,
                       const int32_t *labels, const double *eps, InterpRng *rng,
                       InterpTensor *x_adv, GError **error);
  /* Fills info for this instance (the norm may be a parameter). */
  void (*describe) (gpointer self, InterpAttackInfo *info);
} InterpAttackVTable;

/* The norm of one image's perturbation a - b (numel floats), in `norm`
 * (float accumulation in double).  For attack authors and tests. */
double interp_perturbation_norm (InterpNorm norm, const float *a, const float *b,
                                 size_t numel);

G_END_DECLS

#endif
