/* libinterp internals: progress of long work on stderr.
 *
 * On a terminal: one line redrawn in place with a bar, rate and ETA.  When
 * stderr is not a terminal (CI, logs, parallel trials): a plain line at most
 * every `interval` seconds and at the end.  Quiet mode prints nothing. */
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

/* Process-wide default style set by the CLI (-q, parallel trials). */
void interp_progress_set_default_style (InterpProgressStyle style);
/* A line prefix for every progress line of this process (e.g. "trial-003"). */
void interp_progress_set_prefix (const char *prefix);

/* `what` labels the work ("epoch 2/5"), `total` counts units (images). */
InterpProgress *interp_progress_new (const char *what, guint64 total, const char *unit);
/* Advance to `done` units; `status` (may be NULL) is shown after the rate ("loss 0.41"). */
void interp_progress_update (InterpProgress *p, guint64 done, const char *status);
/* Final line (with `status`), then free. */
void interp_progress_finish (InterpProgress *p, const char *status);

G_END_DECLS

#endif
