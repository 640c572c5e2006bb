/* libinterp internals: the pieces of the run report (core/report/).
 *
 * report-model.c reads the run folder into a Report; the sections-*.c files
 * each append sections to Report.body; report-figures.c holds what sections
 * share (section frames, plots, mean +- sd series); html.c wraps the body in
 * the page.  Nothing here knows a metric by its name: plots, units, ranges
 * and titles come from the outputs the metrics declared (Output, read from
 * summary.json).
 */
#ifndef INTERP_REPORT_PRIVATE_H
#define INTERP_REPORT_PRIVATE_H

#include <glib.h>

#include "stats/stats.h"
#include <json-glib/json-glib.h>

#include <interp/metric.h>

#include "report/report.h"
#include "report/plot.h"

G_BEGIN_DECLS

/* The first line of a fragment written by interp_report_write_section:
 * REPORT_TITLE_OPEN escaped-title REPORT_TITLE_CLOSE. */
#define REPORT_TITLE_OPEN "<!-- interp-title: "
#define REPORT_TITLE_CLOSE " -->"

/* One row of summary.json. */
typedef struct {
  char *trial;
  char *metric;
  char *target;         /* "" when none */
  char *perturbation;   /* "clean", "corruption:NAME", "attack:NAME", ... */
  char *level;          /* "" for clean */
  double level_value;   /* NaN when empty or not a number */
  double value;
  char *condition;      /* label of the non-seed swept values */
  char **swept;         /* aligned with Report.swept_keys */
} Row;

typedef struct {
  char *id;
  gint64 seed;
  char *condition;
} Trial;

typedef struct {
  char *label;          /* "" when nothing but seeds is swept */
  char **values;        /* the non-seed swept values, for ordering */
} Condition;

typedef struct {
  char *id;
  char *title;
} SectionRef;

/* One declared metric output (InterpMetricOutput as summary.json records
 * it).  Bounds are NaN when absent. */
typedef struct {
  char *component;      /* "metric:NAME" */
  char *name;           /* may hold '*' */
  char *description;
  char *unit;           /* "" when none */
  InterpOutputKind kind;
  InterpBetter better;
  double min, max;
  char *x_label;        /* CURVE; "" when none */
  double x_min, x_max;
} Output;

typedef struct {
  char *dir;
  JsonParser *manifest_parser;
  JsonObject *manifest;
  char **swept_keys;       /* all swept keys, as in the manifest */
  char **short_keys;       /* display names */
  gboolean *is_seed_key;
  guint n_swept;
  GPtrArray *trials;       /* Trial* */
  GPtrArray *rows;         /* Row* */
  GPtrArray *conditions;   /* Condition*, sorted */
  JsonParser *hypotheses_parser;  /* NULL when absent */
  GString *body;
  GArray *sections;        /* SectionRef */
  GHashTable *plot_names;  /* slugs already used */
  char *plots_dir;
  GPtrArray *outputs;      /* Output*, as summary.json lists them */
  gboolean have_outputs;   /* summary.json has "outputs" (runs before it had none) */
} Report;

/* Groups values by (series, x) and turns them into mean +- sd series. */
typedef struct {
  GPtrArray *series;    /* char*, first-seen order */
  GArray *xs;           /* double, distinct */
  GHashTable *cells;    /* "series\x1fx" -> GArray of double */
  guint min_n, max_n;
} Accum;

typedef struct {
  guint epochs;
  double seconds;
  double final_loss, final_val;
  gboolean present;
} TrialTiming;

/* report-util.c */
void report_html_text (GString *out, const char *text);
G_GNUC_PRINTF (2, 3) void report_html_printf (GString *out, const char *fmt, ...);
/* A JSON scalar as text: numbers in their shortest round-trip form, null as
 * "", arrays joined with ", ". */
char *report_node_to_string (JsonNode *node);
/* A number from text: decimal, or a fraction "a/b" as pipelines write
 * epsilons (8/255).  NaN when it is neither. */
double report_parse_number (const char *s);
double report_node_to_double (JsonNode *node);
char *report_obj_text (JsonObject *o, const char *key);
/* Numbers by value, before any text; texts by strcmp. */
int report_compare_values (const char *a, const char *b);
int report_compare_strings_as_values (gconstpointer a, gconstpointer b);
/* Reads a JSON object file.  Missing: NULL and no error unless `required`. */
JsonParser *report_read_json (const char *path, gboolean required, GError **error);
/* Missing: TRUE with *out NULL. */
gboolean report_optional_json (const char *path, JsonParser **out, GError **error);

/* report-model.c */
void report_trial_free (gpointer p);
void report_row_free (gpointer p);
void report_condition_free (gpointer p);
void report_output_free (gpointer p);
int report_compare_conditions (gconstpointer a, gconstpointer b);
guint report_n_varying_keys (const Report *r);
gboolean report_load_manifest (Report *r, GError **error);
gboolean report_read_manifest (Report *r, JsonObject *manifest, const char *path, GError **error);
/* Rows and, when present, the declared outputs; a row whose metric is not
 * declared is an error naming summary.json. */
gboolean report_load_summary (Report *r, GError **error);
/* The declaration of `metric` (exact name first, then a '*' pattern), or NULL. */
const Output *report_output (const Report *r, const char *metric);

/* report-figures.c */
void report_section_begin (Report *r, const char *id, const char *title);
void report_section_end (Report *r);
char *report_slugify (const char *s);
/* Renders `plot` into `out` as a figure and to RUN/plots/SLUG.svg; takes
 * ownership of the plot. */
void report_emit_plot (Report *r, GString *out, InterpPlot *plot, const char *name,
                       const char *caption);
void report_accum_init (Accum *a);
void report_accum_clear (Accum *a);
void report_accum_add (Accum *a, const char *series, double x, double v);
/* Adds the accumulated series to `plot`, in `order` (labels; NULL = first
 * seen).  A series label "" is shown as `blank_name`. */
void report_accum_to_plot (Accum *a, InterpPlot *plot, GPtrArray *order, const char *blank_name);
/* The condition labels in order (borrowed strings). */
GPtrArray *report_condition_labels (const Report *r);
char *report_n_text (guint min_n, guint max_n, const char *what);
/* "NAME (UNIT, LO..HI)" for an axis showing a declared output (o may be
 * NULL: the name alone). */
char *report_axis_label (const char *name, const Output *o);
/* Keeps a y axis inside the declared range; `include` also makes it span a
 * bounded range whole. */
void report_limit_y (InterpPlot *plot, const Output *o, gboolean include);
gboolean report_bounded (const Output *o);

/* sections-results.c */
gboolean report_section_hypotheses (Report *r, GError **error);
void report_section_results (Report *r);
void report_section_perturbations (Report *r, const char *prefix, const char *id,
                                   const char *title, const char *x_label, const char *what);
void report_section_sweep (Report *r);

/* sections-outputs.c: per-layer bars, histograms and curves of the declared outputs. */
gboolean report_sections_outputs (Report *r, GError **error);

/* sections-training.c */
gboolean report_section_training (Report *r, TrialTiming *timings, GError **error);

/* sections-tracking.c: "Over training", value vs epoch of each tracked
 * (metric, target) from trials/ID/epochs.json, one line per condition;
 * a malformed file is an error naming it, a missing one leaves the trial out. */
gboolean report_section_tracking (Report *r, GError **error);

/* sections-gradient-norms.c: "Gradient norms", per weight tensor the ratio
 * norm(regularizer:*) / norm(cross-entropy) over the optimiser steps from
 * trials/ID/gradient-norms.csv ([train] gradient-norms), one line per
 * condition, and a table of the median ratios; a malformed file is an
 * error naming it and the line, a missing one leaves the trial out. */
gboolean report_section_gradient_norms (Report *r, GError **error);

/* sections-plugins.c, fragment.c */
void report_section_plugins (Report *r);
/* The heading of a fragment file (escaped HTML): its title comment, else
 * made from the file name. */
char *report_fragment_title (const char *file, const char *contents);

/* sections-run.c */
void report_section_pipeline (Report *r);
void report_section_environment (Report *r, const TrialTiming *timings);
/* An ISO 8601 time as "2026-11-29 09:12:34 UTC"; other text unchanged. */
char *report_format_time (const char *iso);
char *report_format_duration (double s);

/* robustness.c: mean corruption value and mCE (Hendrycks & Dietterich 2019)
 * per condition, for every scalar metric that declares a direction and a
 * finite range.  A cell is (condition, corruption, severity): the mean over
 * the condition's trials.  The error of a value is its distance from the
 * best end of the range (1 - accuracy).  mean_corrupted = mean over all the
 * condition's cells; CE_c = sum_s E_{s,c} / sum_s E^base_{s,c} over the
 * baseline's severities of c; mCE = mean of CE_c over the corruptions.  A CE
 * is undefined (NaN with a note, never a silent NaN) when the baseline makes
 * no error under c or a cell is missing; the mCE then is too. */
typedef struct {
  const char *label;      /* condition label, borrowed */
  double clean;           /* mean clean value (NaN: none) */
  guint n_clean;
  double mean_corrupted;  /* NaN when no cell */
  guint n_cells;
  guint min_trials, max_trials;   /* trials per cell */
  double *ce;             /* per corruption (RobustMetric.corruptions); NaN: undefined */
  const char **ce_note;   /* why a CE is undefined (static text), else NULL */
  double mce;             /* NaN when undefined or without a baseline */
  const char *mce_note;   /* why, else NULL */
  /* Relative: sum_s (E_{s,c} - E_clean) / the baseline's; undefined when the
   * baseline's sum is <= 0. */
  double *rel_ce;
  double rel_mce;
  const char *rel_mce_note;
} RobustCondition;

typedef struct {
  const char *metric;           /* borrowed from the rows */
  const Output *output;
  const char *baseline;         /* condition label, or NULL: no mCE */
  GPtrArray *corruptions;       /* private: the corruptions with their levels, by name */
  RobustCondition *conditions;  /* in report_condition_labels order */
  guint n_conditions;
} RobustMetric;

/* [pipeline] mce-baseline from the manifest, or NULL when empty. */
const char *report_mce_baseline (const Report *r);
/* INTERP_ERROR_BAD_VALUE naming the pipeline file, [pipeline] and the key,
 * with the closest condition, when mce-baseline names no condition. */
gboolean report_check_mce_baseline (const Report *r, GError **error);
/* RobustMetric*, one per metric (first-seen order); free the array. */
GPtrArray *report_robustness (const Report *r);
void report_robustness_free (RobustMetric *m);
const char *report_robustness_corruption (const RobustMetric *m, guint k);
guint report_robustness_n_levels (const RobustMetric *m, guint k);
/* {"baseline": LABEL|null, "metrics": [{metric, error, conditions: [{condition,
 * clean, mean_corrupted, cells, ce: {CORRUPTION: v|null}, mce, mce_note,
 * relative_mce, relative_mce_note}]}]} */
JsonNode *report_robustness_json (const GPtrArray *metrics);

/* sections-corruptions.c: the mean corruption value / mCE table (also
 * RUN/corruption-robustness.json) and the grids of example images. */
gboolean report_section_corruption_summary (Report *r, GError **error);
void report_section_corruption_examples (Report *r);
/* Appends RUN/rel as an inline <img> (alt text `alt`); FALSE, nothing
 * appended, when the file cannot be read. */
gboolean report_append_image (Report *r, GString *b, const char *rel, const char *alt);
gboolean report_run_file_exists (Report *r, const char *rel);

/* sections-attacks.c: each attack's minimal-epsilon distribution (the
 * runner's rows and per-image arrays) and the adversarial example grids;
 * sections-perturbed-layers.c: per-layer outputs measured under
 * perturbations (clean / mean corrupted / each attack level). */
gboolean report_section_minimal_epsilon (Report *r, GError **error);
/* Accuracy under the attack at budget e from n per-image minimal epsilons
 * (NaN = robust at the largest epsilon): the fraction whose minimal epsilon
 * exceeds e (an image fooled at exactly e is fooled at e).  NaN when n = 0. */
double report_minimal_accuracy (const double *values, guint n, double e);
void report_section_attack_examples (Report *r);
void report_section_layers_under_perturbations (Report *r);

/* sections-saliency.c, sections-faithfulness.c: the saliency stage's
 * sections (core/runner/saliency-stage.h says what its rows mean; the
 * report layer may not include it, so the names it needs are repeated
 * there).  A saliency row is one the runner declared (component "runner")
 * with perturbation "saliency:NAME", or "random-ranking" for the ROAR / KAR
 * baseline; the generic per-layer and per-output sections leave them out. */
#define REPORT_SALIENCY_PREFIX "saliency:"
#define REPORT_SALIENCY_RANDOM "random-ranking"
gboolean report_saliency_row (const Report *r, const Row *row);
/* The methods ("saliency:NAME") of the saliency rows, first-seen order
 * (the runner records its groups in file order); borrowed strings. */
GPtrArray *report_saliency_methods (const Report *r);
/* A table: one row per method (and condition, when there are several),
 * one column per metric of `metrics` that has rows (level ""), each cell
 * mean +- sd over the condition's trials.  Nothing when no metric has rows. */
void report_saliency_table (Report *r, const char *const *metrics, guint n_metrics);
void report_section_saliency_maps (Report *r);
void report_section_saliency_summary (Report *r);
void report_section_sanity_randomisation (Report *r);
void report_section_sanity_data (Report *r);
gboolean report_section_deletion_insertion (Report *r, GError **error);
void report_section_roar (Report *r);

/* html.c */
void report_write_page (Report *r, GString *page);

G_END_DECLS

#endif
