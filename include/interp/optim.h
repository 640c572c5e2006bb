/* interp: optimisers and learning-rate schedules.
 *
 * An optimiser updates every trainable, unfrozen parameter of a network from
 * its gradient and re-applies masks afterwards.  Its state (momentum, Adam
 * moments, step count) is exposed as named tensors so a checkpoint can save
 * it and a resumed run continues bit-identically.
 */
#ifndef INTERP_OPTIM_H
#define INTERP_OPTIM_H

#include <glib.h>
#include <interp/nn.h>

G_BEGIN_DECLS

typedef enum {
  INTERP_OPTIM_SGD = 0,
  INTERP_OPTIM_ADAM,
  INTERP_OPTIM_ADAMW,
} InterpOptimKind;

typedef struct {
  InterpOptimKind kind;
  double momentum;        /* SGD; 0 = plain SGD */
  gboolean nesterov;      /* SGD; needs momentum > 0 */
  double weight_decay;    /* SGD, Adam: L2 added to the gradient; AdamW: decoupled */
  double beta1, beta2;    /* Adam(W); PyTorch defaults 0.9, 0.999 */
  double eps;             /* Adam(W); PyTorch default 1e-8 */
} InterpOptimConfig;

typedef struct InterpOptim InterpOptim;

/* Fills `config` with PyTorch's defaults for `kind`: SGD momentum 0,
 * weight decay 0; Adam betas (0.9, 0.999), eps 1e-8, weight decay 0; AdamW
 * the same with weight decay 1e-2. */
void interp_optim_config_init (InterpOptimConfig *config, InterpOptimKind kind);
/* INTERP_ERROR_OUT_OF_RANGE naming the field when a value is outside its
 * valid range (momentum, weight decay, eps >= 0; betas in [0, 1); nesterov
 * without momentum). */
gboolean interp_optim_config_check (const InterpOptimConfig *config, GError **error);

/* The update rules are PyTorch's (torch.optim.SGD / Adam / AdamW, 1.13,
 * single-tensor path), in float32 with the same order of operations and
 * roundings (the multiply-adds PyTorch's CPU kernels fuse are fmaf), so
 * results match torch.optim bit for bit on x86-64 and are the same on every
 * machine; with
 * g the gradient, p the parameter and t the parameter's own step count:
 *
 *   SGD:   d = g + wd p;  b = d on the parameter's first step, else
 *          b = momentum b + d;  d = nesterov ? d + momentum b : b
 *          (momentum 0: d unchanged, no buffer);  p = p - lr d
 *   Adam:  g = g + wd p  (AdamW instead: p = p (1 - lr wd))
 *          m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g g
 *          p = p - (lr / (1 - beta1^t)) m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *
 * Parameters that are buffers, frozen (at the time of the step) or without
 * a gradient are skipped and their state is not created or advanced, as
 * for a PyTorch parameter whose grad is None.  After the step every mask is
 * re-applied (interp_net_apply_masks).
 *
 * The parameters are the net's when the optimiser is created.  The net is
 * borrowed and must outlive the optimiser; config must pass
 * interp_optim_config_check (checked with g_return_val_if_fail). */
InterpOptim *interp_optim_new (InterpNet *net, const InterpOptimConfig *config);
void interp_optim_free (InterpOptim *opt);
/* lr >= 0. */
void interp_optim_step (InterpOptim *opt, double lr);
/* Number of interp_optim_step calls so far (restored by a load): the step
 * index to pass to interp_schedule_lr. */
int64_t interp_optim_steps (const InterpOptim *opt);
const InterpOptimConfig *interp_optim_config (const InterpOptim *opt);

/* State tensors, named "<param>.momentum_buffer" (SGD with momentum),
 * "<param>.exp_avg", "<param>.exp_avg_sq", "<param>.step" (Adam(W)), plus
 * "step" (a 1-element tensor: interp_optim_steps).  Per-parameter state
 * appears once the parameter took its first step, as in PyTorch, so the
 * count grows; indices are in network parameter order after "step".  Step
 * counts are stored as float32 (as PyTorch 1.13 does), exact up to 2^24.
 * Borrowed; valid until the next step, load or free. */
int interp_optim_n_state (const InterpOptim *opt);
const char *interp_optim_state_name (const InterpOptim *opt, int i);
InterpTensor *interp_optim_state (InterpOptim *opt, int i);
/* Called after state tensors were overwritten in place (e.g. loaded): the
 * step counters are re-read from the "step" tensors. */
void interp_optim_state_loaded (InterpOptim *opt);

/* Writes the state tensors to a safetensors file (atomically), with the
 * optimiser kind and hyper-parameters in __metadata__ ("interp.optimizer",
 * ...).  Save the network with interp_net_save alongside. */
gboolean interp_optim_save (InterpOptim *opt, const char *path, GError **error);
/* Replaces the state with the file's.  Strict and all-or-nothing: a file of
 * another optimiser kind, a tensor that names no trainable parameter of the
 * network (INTERP_ERROR_FORMAT), a wrong shape (INTERP_ERROR_SHAPE) or an
 * incomplete Adam state (INTERP_ERROR_MISSING) leaves the optimiser
 * unchanged; the message names the file and the tensor.  Hyper-parameters
 * come from the config, not the file. */
gboolean interp_optim_load (InterpOptim *opt, const char *path, GError **error);

typedef enum {
  INTERP_SCHEDULE_CONSTANT = 0,
  INTERP_SCHEDULE_STEP,
  INTERP_SCHEDULE_COSINE,
} InterpScheduleKind;

typedef struct {
  InterpScheduleKind kind;
  double base_lr;
  int64_t warmup_steps;    /* linear warm-up to base_lr; 0 = none */
  int64_t step_size;       /* STEP: multiply by gamma every step_size steps */
  double gamma;
  int64_t total_steps;     /* COSINE: the step at which min_lr is reached */
  double min_lr;
} InterpSchedule;

/* Learning rate for optimiser step `step` (0-based), with W = warmup_steps:
 *
 *   step < W:   base_lr (step + 1) / W            (warm-up; reaches base_lr)
 *   otherwise, with u = step - W:
 *   CONSTANT:   base_lr
 *   STEP:       base_lr gamma^floor(u / step_size)        (torch StepLR)
 *   COSINE:     T = total_steps - W;  u >= T: min_lr, else
 *               min_lr + (base_lr - min_lr) (1 + cos(pi u / T)) / 2
 *                                            (torch CosineAnnealingLR)
 *
 * so with warm-up the decay starts after it, and the cosine reaches min_lr at
 * step total_steps (warm-up included) and stays there. */
double interp_schedule_lr (const InterpSchedule *s, int64_t step);
/* INTERP_ERROR_OUT_OF_RANGE naming the field: base_lr > 0, warmup_steps >=
 * 0; STEP: step_size >= 1, gamma > 0; COSINE: total_steps > warmup_steps,
 * 0 <= min_lr <= base_lr. */
gboolean interp_schedule_check (const InterpSchedule *s, GError **error);

G_END_DECLS

#endif
