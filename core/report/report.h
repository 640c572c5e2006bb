/* libinterp internals: the run report, RUN/report.html.
 *
 * The report is built from a finished run folder only (core/run.h lists its
 * files), so it can be regenerated at any time, e.g. after a plugin update
 * or for a run copied from another machine.  It is one self-contained page:
 * plots are SVG documents embedded as data: URIs (their copies are also
 * written to RUN/plots/), styles are inline, there is no script, and a
 * Content-Security-Policy forbids every network load.
 *
 * Sections appear only when the run has their data: hypotheses
 * (hypotheses.json), clean results, the corruption summary (mean corruption
 * value and mCE, also RUN/corruption-robustness.json), robustness vs
 * severity per corruption (and per condition), the example images of
 * TRIAL/examples/, robustness vs epsilon per attack, metrics vs swept keys, then one section per
 * declared per-layer, histogram and curve output (summary.json "outputs",
 * arrays from trials/<id>/metrics.json), training curves
 * (trials/<id>/train-log.csv), plugin sections, the resolved pipeline and
 * the environment with timings.  What is drawn, and how, comes from the
 * outputs the metrics declared (<interp/metric.h>), never from a metric's
 * name (report-private.h says which file does what).
 *
 * Plugins add sections by writing HTML fragments during the run
 * (<interp/report.h>, interp_report_write_section):
 *   RUN/report-sections/NAME.html            a run-wide section
 *   RUN/trials/<id>/report-sections/NAME.html  a section of one trial
 *     (interp_context_output_dir() is the trial folder)
 * docs/report.md states the rules for fragments.
 */
#ifndef INTERP_REPORT_H
#define INTERP_REPORT_H

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The folder, in the run folder and in each trial folder, whose *.html
 * fragments the report includes. */
#define INTERP_REPORT_SECTIONS_DIR "report-sections"

/* Writes RUN/report.html (temp file + rename) and RUN/plots/NAME.svg.
 * Errors: INTERP_ERROR_NOT_FOUND when run_dir or its manifest.json is
 * missing; INTERP_ERROR_FORMAT naming the file when manifest.json,
 * summary.json (its "outputs" too, or a row no output declares),
 * hypotheses.json, a metrics.json (or an undeclared array in it) or a
 * train-log.csv is malformed; INTERP_ERROR_IO when the report cannot be written.  Optional
 * files that are absent only leave their sections out. */
gboolean interp_report_write (const char *run_dir, GError **error);

/* Checks the report's options against a run's manifest (as
 * interp_run_manifest builds it) before anything runs or is written, so a
 * typo does not wait for the end of the run: [pipeline] mce-baseline must
 * name a condition of the sweep (INTERP_ERROR_BAD_VALUE with the closest
 * one).  INTERP_ERROR_FORMAT for a malformed manifest. */
gboolean interp_report_check_options (JsonObject *manifest, GError **error);

G_END_DECLS

#endif
