/* libinterp internals: per-source gradient norms during training
 * ([train] gradient-norms = N).
 *
 * Every N-th optimiser step (step % N == 0, the global step of
 * interp_optim_steps, so a resumed run keeps the cadence) the supervised
 * trainer records, for every trainable parameter tensor (not buffers, not
 * frozen), the L2 norm of the gradient of each loss source alone
 * ("cross-entropy", then each regulariser by its group name), and the loop
 * the norm of the gradient the optimiser then uses ("total").  The rows go
 * to the trial folder's
 *
 *   gradient-norms.csv  epoch,step,parameter,source,norm
 *
 * (epoch 1-based as in train-log.csv, step 0-based), rewritten atomically
 * after every epoch before train-state.json, so a resumed run keeps the rows
 * of the epochs its checkpoint holds and drops the rest.
 */
#ifndef INTERP_TRAIN_GRADIENT_NORMS_H
#define INTERP_TRAIN_GRADIENT_NORMS_H

#include <glib.h>
#include <stdint.h>
#include <interp/nn.h>

G_BEGIN_DECLS

#define INTERP_GRAD_NORMS_FILE "gradient-norms.csv"
#define INTERP_GRAD_NORMS_HEADER "epoch,step,parameter,source,norm\n"
#define INTERP_GRAD_NORMS_TOTAL "total"
#define INTERP_GRAD_NORMS_CROSS_ENTROPY "cross-entropy"

typedef struct InterpGradNorms InterpGradNorms;

/* A recorder for every `every`-th step (every >= 1). */
InterpGradNorms *interp_grad_norms_new (int64_t every);
void interp_grad_norms_free (InterpGradNorms *gn);

/* Whether step `step` is recorded; FALSE for a NULL recorder. */
gboolean interp_grad_norms_due (const InterpGradNorms *gn, int64_t step);

/* Whether a parameter's gradient is recorded: trainable, not frozen. */
gboolean interp_grad_norms_wanted (const InterpParam *p);

/* sqrt of the sum of squares of p->grad, summed in double. */
double interp_grad_norm (const InterpParam *p);

/* One row per recorded parameter of `net`: the norm of its gradient as it
 * is now, under `source`.  epoch 0-based (written 1-based). */
void interp_grad_norms_record (InterpGradNorms *gn, InterpNet *net, int64_t epoch,
                               int64_t step, const char *source);

/* The rows so far (CSV lines without the header); borrowed until the next call. */
const char *interp_grad_norms_rows (const InterpGradNorms *gn);

/* Drops every row and keeps those of the first `epochs_done` epochs of the
 * gradient-norms.csv an earlier attempt left in `dir` (none when there is
 * no file).  Errors: INTERP_ERROR_FORMAT naming the file and line of a row
 * without an epoch, or a wrong header. */
gboolean interp_grad_norms_resume (InterpGradNorms *gn, const char *dir, int64_t epochs_done,
                                   GError **error);

/* Writes gradient-norms.csv (header + every row) atomically. */
gboolean interp_grad_norms_write (const InterpGradNorms *gn, const char *dir, GError **error);

G_END_DECLS

#endif
