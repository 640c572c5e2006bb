/* libinterp internals: the [train] group, resolved once.
 *
 * interp_train_params is the key table of [train] (the pipeline parser
 * validates the group against it; --describe train prints it).  A trial
 * resolves the validated group into an InterpTrainConfig once and hands that
 * to the training loop; nothing below reads the raw table.
 */
#ifndef INTERP_TRAIN_CONFIG_H
#define INTERP_TRAIN_CONFIG_H

#include <glib.h>
#include <stdint.h>
#include <interp/optim.h>
#include <interp/params.h>

G_BEGIN_DECLS

extern const InterpParamSpec interp_train_params[];

typedef enum {
  INTERP_ON_DIVERGENCE_STOP = 0,   /* stop training, evaluate, record training-diverged = 1 */
  INTERP_ON_DIVERGENCE_FAIL,       /* fail the trial */
} InterpOnDivergence;

typedef struct {
  int64_t epochs;                  /* 0 = no training */
  int64_t batch_size;
  int64_t eval_batch_size;
  InterpOptimConfig optim;
  InterpScheduleKind schedule;
  double learning_rate;
  double warmup_epochs;            /* fractions allowed */
  int64_t step_epochs;
  double gamma;
  double min_learning_rate;
  float label_smoothing;
  InterpOnDivergence on_divergence;
  int64_t gradient_norms;          /* record per-source gradient norms every N steps; 0 = off */
  char *checkpoint;                /* safetensors file to start from; "" = fresh init; owned */
  gboolean allow_non_finite_checkpoint;   /* load `checkpoint` even with NaN/inf values */
} InterpTrainConfig;

/* Fills `config` from a [train] group validated against interp_train_params.
 * With epochs > 0 the optimiser's hyper-parameters are checked too
 * (INTERP_ERROR_OUT_OF_RANGE, "[train]: " and the field). */
gboolean interp_train_config_resolve (const InterpParams *train, InterpTrainConfig *config,
                                      GError **error);
void interp_train_config_clear (InterpTrainConfig *config);

/* The learning-rate schedule over the whole run for `steps_per_epoch` steps an epoch. */
void interp_train_config_schedule (const InterpTrainConfig *config, int64_t steps_per_epoch,
                                   InterpSchedule *schedule);

G_END_DECLS

#endif
