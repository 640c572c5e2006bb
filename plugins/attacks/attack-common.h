/* What the attacks of plugins/attacks share: borrowing the network
 * (attack.h's contract), losses with their gradients w.r.t. the input, and
 * projections onto the budget.
 *
 * Shapes: x, grads and adversarial images are N x C x H x W tensors of
 * pixels in [0, 1] (N x F for feature vectors); logits are N x K.  All
 * per-image arrays have N entries.  Losses are per image and their SUM is
 * differentiated, so an image's gradient does not depend on the batch it
 * is in. */
#ifndef INTERP_PLUGINS_ATTACK_COMMON_H
#define INTERP_PLUGINS_ATTACK_COMMON_H

#include <interp/interp.h>

G_BEGIN_DECLS

/* Borrowing the network: begin saves its state (interp_net_state_save),
 * puts it in eval mode, turns input gradients on and parameter gradients
 * off; end restores exactly what was saved.  Every perturb() brackets its
 * work with them.  Eval mode although the runner already passes it: an
 * attack on a network in training mode (batch statistics, dropout) is the
 * most common mistake users of attack libraries make, and costs nothing to
 * rule out here. */
typedef struct {
  InterpNetState *state;
} AttackGuard;

void attack_guard_begin (AttackGuard *guard, InterpNet *net);
void attack_guard_end (AttackGuard *guard, InterpNet *net);

/* The losses an attack ascends.  z are an image's logits, y its label, t a
 * target class; pi_k the k-th largest logit.
 *   CE          cross-entropy of y (untargeted)
 *   CE_TARGETED -cross-entropy of t (ascending it moves towards t)
 *   DLR         -(z_y - max_{i != y} z_i) / (pi_1 - pi_3 + 1e-12)
 *               (Croce & Hein 2020, fra31/auto-attack)
 *   DLR_TARGETED -(z_y - z_t) / (pi_1 - (pi_3 + pi_4) / 2 + 1e-12)
 *   MARGIN      max_{i != y} z_i - z_y (CW's f6 without the confidence clamp;
 *               positive once misclassified) */
typedef enum {
  ATTACK_LOSS_CE = 0,
  ATTACK_LOSS_CE_TARGETED,
  ATTACK_LOSS_DLR,
  ATTACK_LOSS_DLR_TARGETED,
  ATTACK_LOSS_MARGIN,
} AttackLoss;

/* Per-image loss of one row of logits (k classes); if dz != NULL it
 * receives d(loss)/dz (k floats, overwritten).  target is ignored by the
 * untargeted losses.  DLR needs k >= 3, DLR_TARGETED k >= 4. */
double attack_loss_row (AttackLoss loss, const float *z, int64_t k, int32_t label,
                        int32_t target, float *dz);

/* Forward on x, per-image losses into loss (NULL: not wanted), then
 * backward of their sum: d(sum)/dx into grad (reshaped to x's shape).
 * logits (NULL: not wanted) receives the network's output.  targets may be
 * NULL for untargeted losses.  The caller holds an AttackGuard. */
gboolean attack_loss_grad (InterpNet *net, const InterpTensor *x, const int32_t *labels,
                           const int32_t *targets, AttackLoss loss, double *losses,
                           InterpTensor *grad, InterpTensor *logits, GError **error);

/* Forward on x; the output (N x K) copied into logits.  Errors when the
 * network's output is not one row of logits per image. */
gboolean attack_logits (InterpNet *net, const InterpTensor *x, InterpTensor *logits,
                        GError **error);

/* d(seed . logits)/dx for a caller-chosen seed (N x K): the gradient of any
 * linear combination of logits, e.g. z_k - z_y for DeepFool.  Runs its own
 * forward on x. */
gboolean attack_logit_grad (InterpNet *net, const InterpTensor *x, const InterpTensor *seed,
                            InterpTensor *grad, GError **error);

/* Row i's argmax (the first of equal maxima, as torch.argmax). */
int32_t attack_argmax (const float *z, int64_t k);
/* Number of classes of a logits tensor (its last dimension). */
int64_t attack_n_classes (const InterpTensor *logits);

/* Projects x_adv (numel floats of one image) onto the eps-ball around x in
 * `norm`, then clips to [0, 1].  eps = +inf only clips. */
void attack_project (InterpNorm norm, const float *x, float *x_adv, size_t numel, double eps);
void attack_clip01 (float *v, size_t numel);

/* perturb()'s first check: x is a batch and x_adv has x's shape
 * (INTERP_ERROR_SHAPE otherwise). */
gboolean attack_check_batch (const InterpTensor *x, const InterpTensor *x_adv, GError **error);

/* perturb()'s second check: every eps[i] is a finite number >= 0 (the
 * iterative attacks step in units of eps; +inf is for minimal-norm ones).
 * `attack` names the component in the message. */
gboolean attack_check_budgets (const char *attack, const double *eps, int64_t n,
                               GError **error);

/* One ascent step on one image (numel floats), in float as PyTorch does:
 *   LINF  a += alpha * sign(g), sign(0) = 0 (torch.sign);
 *   L2    a += alpha * g / (||g||_2 + 1e-10) (torchattacks PGDL2's
 *         eps_for_division), so a zero gradient moves nothing.
 * No projection: call attack_project afterwards. */
void attack_ascent_step (InterpNorm norm, float *a, const float *g, size_t numel, double alpha);

/* A random start around x in the eps-ball, clipped to [0, 1]:
 *   LINF  a = x + U(-eps, eps) per pixel (Madry et al. 2018; torchattacks PGD);
 *   L2    a = x + eps * r * u / ||u||_2, u ~ N(0, I), r ~ U(0, 1)
 *         (torchattacks PGDL2: a radius uniform in [0, eps]).
 * Draws from rng in pixel order (L2: numel normals, then r) whatever eps
 * is, so later images draw the same numbers whatever earlier budgets are. */
void attack_random_start (InterpNorm norm, const float *x, float *a, size_t numel, double eps,
                          InterpRng *rng);

G_END_DECLS

#endif
