/* interp: progress of long work on stderr (training, attacks over a test set).
 *
 * On a terminal: one line redrawn in place with a bar, rate and ETA.  When
 * stderr is not a terminal (CI, logs, parallel trials): a plain line at most
 * every few seconds and at the end.  Quiet mode prints nothing.  A plugin
 * doing long work makes one InterpProgress per pass and finishes it.
 */
#ifndef INTERP_PROGRESS_H
#define INTERP_PROGRESS_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct InterpProgress InterpProgress;

typedef enum {
  INTERP_PROGRESS_AUTO = 0,   /* bar on a terminal, lines otherwise */
  INTERP_PROGRESS_LINES,
  INTERP_PROGRESS_QUIET,
} InterpProgressStyle;

/* Process-wide default style, set by the program (-q, parallel trials). */
void interp_progress_set_default_style (InterpProgressStyle style);
/* A line prefix for every progress line of this process (e.g. "trial-003"); NULL for none. */
void interp_progress_set_prefix (const char *prefix);

/* `what` labels the work ("epoch 2/5"), `total` counts units (images) of `unit` ("img"). */
InterpProgress *interp_progress_new (const char *what, guint64 total, const char *unit);
/* Advance to `done` units; `status` (may be NULL) is shown after the rate ("loss 0.41"). */
void interp_progress_update (InterpProgress *p, guint64 done, const char *status);
/* Final line (with `status`, may be NULL), then free. */
void interp_progress_finish (InterpProgress *p, const char *status);

G_END_DECLS

#endif
