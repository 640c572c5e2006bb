/* libinterp internals: what the training loop leaves in the trial folder.
 *
 *   train-log.csv       epoch,train_loss,train_accuracy,val_accuracy,learning_rate,seconds
 *   checkpoint-epoch-NNN.safetensors, optimizer-epoch-NNN.safetensors
 *                       weights and optimiser state after epoch NNN (only the last epoch's
 *                       are kept)
 *   train-state.json    {"epochs": N, "steps": S}, written after both: the resume point
 */
#ifndef INTERP_TRAIN_STATE_H
#define INTERP_TRAIN_STATE_H

#include <glib.h>
#include <interp/nn.h>
#include <interp/optim.h>

G_BEGIN_DECLS

#define INTERP_TRAIN_LOG_HEADER "epoch,train_loss,train_accuracy,val_accuracy,learning_rate,seconds\n"

/* The epochs an earlier, interrupted attempt finished in `dir` (0 if none),
 * with the weights and optimiser state of the last one loaded into net and
 * opt, and the log rows of those epochs appended to `log`. */
gboolean interp_train_state_resume (const char *dir, InterpNet *net, InterpOptim *opt,
                                    int64_t *epochs_done, GString *log, GError **error);
/* Writes train-log.csv (header + rows) atomically. */
gboolean interp_train_state_write_log (const char *dir, const GString *rows, GError **error);
/* Checkpoints epoch `epochs_done` (weights, optimiser, log, then train-state.json) and
 * removes the previous epoch's checkpoint. */
gboolean interp_train_state_save (const char *dir, InterpNet *net, InterpOptim *opt,
                                  int64_t epochs_done, const GString *log, GError **error);

G_END_DECLS

#endif
