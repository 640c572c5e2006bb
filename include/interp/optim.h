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
  gboolean nesterov;      /* SGD */
  double weight_decay;    /* SGD, Adam: L2 added to the gradient; AdamW: decoupled */
  double beta1, beta2;    /* Adam(W); PyTorch defaults 0.9, 0.999 */
  double eps;             /* Adam(W); PyTorch default 1e-8 */
} InterpOptimConfig;

typedef struct InterpOptim InterpOptim;

/* The update rules are PyTorch's (torch.optim.SGD / Adam / AdamW, 1.13). */
InterpOptim *interp_optim_new (InterpNet *net, const InterpOptimConfig *config);
void interp_optim_free (InterpOptim *opt);
void interp_optim_step (InterpOptim *opt, double lr);
int64_t interp_optim_steps (const InterpOptim *opt);

/* State tensors, named "<param>.momentum_buffer", "<param>.exp_avg",
 * "<param>.exp_avg_sq", plus "step" (a 1-element tensor). Borrowed. */
int interp_optim_n_state (const InterpOptim *opt);
const char *interp_optim_state_name (const InterpOptim *opt, int i);
InterpTensor *interp_optim_state (InterpOptim *opt, int i);
/* Called after state tensors were overwritten (e.g. loaded). */
void interp_optim_state_loaded (InterpOptim *opt);

typedef enum {
  INTERP_SCHEDULE_CONSTANT = 0,
  INTERP_SCHEDULE_STEP,
  INTERP_SCHEDULE_COSINE,
} InterpScheduleKind;

typedef struct {
  InterpScheduleKind kind;
  double base_lr;
  int64_t warmup_steps;    /* linear warm-up from base_lr/warmup... to base_lr; 0 = none */
  int64_t step_size;       /* STEP: multiply by gamma every step_size steps */
  double gamma;
  int64_t total_steps;     /* COSINE: steps to reach min_lr */
  double min_lr;
} InterpSchedule;

/* Learning rate for optimiser step `step` (0-based). */
double interp_schedule_lr (const InterpSchedule *s, int64_t step);

G_END_DECLS

#endif
