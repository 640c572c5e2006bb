/* libinterp internals of the optimisers, shared by optim.c (configuration,
 * life cycle, update rules) and optim-state.c (the state tensors, saving
 * and loading them). */
#ifndef INTERP_OPTIM_PRIVATE_H
#define INTERP_OPTIM_PRIVATE_H

#include <interp/optim.h>

/* One trainable parameter and its optimiser state. */
typedef struct {
  InterpParam *param;              /* borrowed from the net */
  InterpTensor *momentum_buffer;   /* SGD with momentum; NULL before the first step */
  InterpTensor *exp_avg;           /* Adam(W); NULL before the first step */
  InterpTensor *exp_avg_sq;
  InterpTensor *step;              /* Adam(W): the parameter's own step count */
  char *name_momentum_buffer, *name_exp_avg, *name_exp_avg_sq, *name_step;
} OptimSlot;

struct InterpOptim {
  InterpNet *net;
  InterpOptimConfig config;
  OptimSlot *slots;                /* one per trainable parameter, net order */
  int n_slots;
  InterpTensor *step;              /* [1]: number of interp_optim_step calls */
  int64_t steps;
  /* The current state tensors in enumeration order (names borrowed from
   * slots; tensors borrowed). */
  GPtrArray *state_names;
  GPtrArray *state_tensors;
};

/* "sgd", "adam", "adamw": messages and the saved "interp.optimizer". */
static inline const char *
optim_kind_name (InterpOptimKind kind)
{
  switch (kind)
    {
    case INTERP_OPTIM_SGD: return "sgd";
    case INTERP_OPTIM_ADAM: return "adam";
    case INTERP_OPTIM_ADAMW: return "adamw";
    }
  return "?";
}

/* Frees a slot's state tensors (not its names). */
void optim_slot_clear_state (OptimSlot *s);
/* Rebuilds state_names / state_tensors from "step" and the slots' present
 * tensors; call after a state tensor was created or replaced. */
void optim_rebuild_index (InterpOptim *opt);

#endif
