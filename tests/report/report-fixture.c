/* Writes run folders in the agreed format: manifest.json, summary.csv,
 * summary.json, hypotheses.json and trials/<id>/{train-log.csv,metrics.json}.
 * Values follow simple closed-form trends (no randomness) so that plots
 * show something recognisable: accuracy falls with severity and epsilon,
 * selectivity rises with alpha. */
#include "config.h"

#include "report-fixture.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include <interp/interp.h>

#include "runner/examples.h"

static const char *const layers[] = { "conv1/relu", "conv2/relu", "fc1/relu" };
#define N_LAYERS G_N_ELEMENTS (layers)
#define N_BINS 20
#define N_EPOCHS 5
#define N_ABLATION 6

/* A 1x1 PNG, for a fragment's image. */
static const char pixel_png_b64[]
  = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

typedef struct {
  const char *layer_metric;
  GString *csv;
  JsonBuilder *json_rows;    /* inside the "rows" array */
  const char *alpha;         /* NULL when nothing is swept */
  int seed;
  const char *trial;
  JsonBuilder *metrics;      /* the trial's metrics.json "rows" */
} Sink;

static void
add_row (Sink *s, const char *metric, const char *target, const char *pert, const char *level,
         double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%.6f", value);
  g_string_append_printf (s->csv, "%s,%d,%s,%s,%s,%s,%s", s->trial, s->seed, metric, target,
                          pert, level, buf);
  if (s->alpha)
    g_string_append_printf (s->csv, ",%s,%d", s->alpha, s->seed);
  g_string_append_c (s->csv, '\n');

  JsonBuilder *b = s->json_rows;
  json_builder_begin_array (b);
  json_builder_add_string_value (b, s->trial);
  json_builder_add_int_value (b, s->seed);
  json_builder_add_string_value (b, metric);
  json_builder_add_string_value (b, target);
  json_builder_add_string_value (b, pert);
  json_builder_add_string_value (b, level);
  json_builder_add_double_value (b, value);
  if (s->alpha)
    {
      json_builder_add_string_value (b, s->alpha);
      char seed[16];
      g_snprintf (seed, sizeof seed, "%d", s->seed);
      json_builder_add_string_value (b, seed);
    }
  json_builder_end_array (b);

  JsonBuilder *m = s->metrics;
  json_builder_begin_object (m);
  json_builder_set_member_name (m, "metric");
  json_builder_add_string_value (m, metric);
  json_builder_set_member_name (m, "target");
  json_builder_add_string_value (m, target);
  json_builder_set_member_name (m, "perturbation");
  json_builder_add_string_value (m, pert);
  json_builder_set_member_name (m, "level");
  json_builder_add_string_value (m, level);
  json_builder_set_member_name (m, "value");
  json_builder_add_double_value (m, value);
  json_builder_end_object (m);
}

static gboolean
write_json (const char *path, JsonBuilder *b, GError **error)
{
  JsonNode *root = json_builder_get_root (b);
  JsonGenerator *g = json_generator_new ();
  json_generator_set_root (g, root);
  json_generator_set_pretty (g, TRUE);
  gboolean ok = json_generator_to_file (g, path, error);
  g_object_unref (g);
  json_node_unref (root);
  return ok;
}

static gboolean
write_text (const char *dir, const char *name, const char *text, GError **error)
{
  char *path = g_build_filename (dir, name, NULL);
  gboolean ok = g_file_set_contents (path, text, -1, error);
  g_free (path);
  return ok;
}

static void
member_string (JsonBuilder *b, const char *key, const char *value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, value);
}

static void
member_double (JsonBuilder *b, const char *key, double value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_double_value (b, value);
}

static void
add_hypothesis (JsonBuilder *b, const char *name, const char *claim, const char *verdict,
                double estimate, double lo, double hi, double p, double p_adjusted,
                const char *message)
{
  json_builder_begin_object (b);
  member_string (b, "name", name);
  member_string (b, "claim", claim);
  member_string (b, "verdict", verdict);
  member_string (b, "metric", "accuracy");
  member_string (b, "effect", "difference");
  member_double (b, "estimate", estimate);
  member_double (b, "ci_low", lo);
  member_double (b, "ci_high", hi);
  member_double (b, "p", p);
  /* NAN: a file from before the multiple-testing adjustment, without it. */
  if (!isnan (p_adjusted))
    {
      member_double (b, "p_adjusted", p_adjusted);
      member_string (b, "adjustment", "holm");
    }
  member_string (b, "test", "welch");
  json_builder_set_member_name (b, "n_condition");
  json_builder_add_int_value (b, 3);
  json_builder_set_member_name (b, "n_control");
  json_builder_add_int_value (b, 3);
  member_double (b, "margin", 0.01);
  member_string (b, "message", message);
  json_builder_end_object (b);
}

static gboolean
write_hypotheses (const char *run_dir, GError **error)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "hypotheses");
  json_builder_begin_array (b);
  add_hypothesis (b, "low-selectivity-is-robust-to-noise",
                  "alpha = -1 raises accuracy under gaussian-noise severity 3 over alpha = 0",
                  "SUPPORTED", 0.042, 0.021, 0.063, 0.003, 0.009, "effect above the margin");
  add_hypothesis (b, "low-selectivity-is-free",
                  "clean accuracy at alpha = -1 is within 1% of alpha = 0",
                  "REFUTED", -0.031, -0.05, -0.012, 0.004, 0.009,
                  "accuracy fell by more than the margin");
  /* Markup in names and claims must come out as text. */
  add_hypothesis (b, "<script>alert(1)</script>",
                  "selectivity & robustness <b>trade off</b> under PGD",
                  "INCONCLUSIVE", 0.004, -0.01, 0.018, 0.41, NAN, "CI spans the margin");
  json_builder_end_array (b);
  json_builder_end_object (b);
  char *path = g_build_filename (run_dir, "hypotheses.json", NULL);
  gboolean ok = write_json (path, b, error);
  g_free (path);
  g_object_unref (b);
  return ok;
}

static gboolean
write_fragments (const char *run_dir, const char *first_trial, GError **error)
{
  char *dir = g_build_filename (run_dir, "report-sections", NULL);
  char *tdir = g_build_filename (run_dir, "trials", first_trial, "report-sections", NULL);
  gsize n;
  guchar *png = g_base64_decode (pixel_png_b64, &n);
  char *png_path = g_build_filename (tdir, "pixel.png", NULL);
  gboolean ok = g_mkdir_with_parents (dir, 0755) == 0 && g_mkdir_with_parents (tdir, 0755) == 0
    && write_text (dir, "10-ablation-curves.html",
                   "<p class=\"fixture-fragment\">Units ablated in order of selectivity.</p>\n",
                   error)
    && write_text (tdir, "saliency.html",
                   "<p>Integrated gradients of the first test images.</p>\n"
                   "<img class=\"fixture-image\" src=\"pixel.png\" alt=\"saliency grid\" "
                   "width=\"64\" height=\"64\">\n", error)
    && g_file_set_contents (png_path, (const char *) png, (gssize) n, error);
  g_free (png_path);
  g_free (png);
  g_free (tdir);
  g_free (dir);
  return ok;
}

/* The example images the runner saves (runner/examples.h), 2 of them, for
 * the first trial of each condition: 28 x 28 grey gradients, darkened by
 * gaussian-noise and thinned by contrast (any recognisable change will do). */
/* Fixture example k (0: gaussian-noise, 1: contrast) at severity sev (0:
 * clean): a diagonal grey ramp, darkened or flattened with severity. */
static void
fill_example (InterpTensor *x, int k, int sev)
{
  double f = 1.0 - sev / 6.0;
  for (int64_t i = 0; i < 2; i++)
    for (int64_t y = 0; y < 28; y++)
      for (int64_t c = 0; c < 28; c++)
        {
          double v = (double) ((y + c + 14 * i) % 28) / 27.0;
          x->data[(i * 28 + y) * 28 + c] = (float) (k == 0 ? v * f : 0.5 + (v - 0.5) * f);
        }
}

static gboolean
write_examples (const char *trial_dir, GError **error)
{
  InterpTensor *x = interp_tensor_new_4d (2, 1, 28, 28);
  fill_example (x, 0, 0);
  gboolean ok = interp_examples_write (trial_dir, NULL, "", x, 0, 2, error);
  for (int k = 0; ok && k < 2; k++)
    for (int sev = 1; ok && sev <= 5; sev++)
      {
        char level[4];
        g_snprintf (level, sizeof level, "%d", sev);
        fill_example (x, k, sev);
        ok = interp_examples_write (trial_dir, k == 0 ? "corruption:gaussian-noise"
                                                      : "corruption:contrast",
                                    level, x, 0, 2, error);
      }
  /* Under attack:pgd: the image plus a checkerboard of +-eps (the last
   * level's delta is amplified to black and white), with its scales. */
  static const char *const eps[] = { "0.00392157", "0.00784314", "0.0156863", "0.0313725" };
  InterpTensor *adv = interp_tensor_new_4d (2, 1, 28, 28);
  fill_example (x, 0, 0);
  for (guint k = 0; ok && k < G_N_ELEMENTS (eps); k++)
    {
      double e = g_ascii_strtod (eps[k], NULL);
      for (size_t j = 0; j < x->numel; j++)
        adv->data[j] = (float) CLAMP (x->data[j] + (j % 2 ? e : -e), 0.0, 1.0);
      GArray *scales = g_array_new (FALSE, FALSE, sizeof (double));
      ok = interp_attack_examples_write (trial_dir, "attack:pgd", eps[k], x, adv, 0, 2, scales,
                                         error)
           && interp_attack_examples_write_scales (trial_dir, "attack:pgd", eps[k], scales,
                                                   error);
      g_array_unref (scales);
    }
  interp_tensor_free (adv);
  interp_tensor_free (x);
  return ok;
}

static gboolean
write_trial (const char *run_dir, Sink *s, double alpha, GError **error)
{
  char *dir = g_build_filename (run_dir, "trials", s->trial, NULL);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: cannot create", dir);
      g_free (dir);
      return FALSE;
    }
  double shift = 0.002 * (s->seed - 2);
  GString *log = g_string_new ("epoch,train_loss,train_accuracy,val_accuracy,learning_rate,seconds\n");
  for (int e = 1; e <= N_EPOCHS; e++)
    g_string_append_printf (log, "%d,%.5f,%.5f,%.5f,%.4f,%.2f\n", e,
                            0.35 + 0.9 * exp (-0.8 * e) + 0.03 * alpha + shift,
                            0.93 - 0.45 * exp (-0.9 * e) - 0.01 * alpha,
                            0.91 - 0.42 * exp (-0.9 * e) - 0.015 * alpha + shift,
                            0.05 * pow (0.5, e - 1), 11.5 + 0.1 * e);
  /* g_string_append_printf uses the C locale here (tests never set another). */
  gboolean ok = write_text (dir, "train-log.csv", log->str, error);
  g_string_free (log, TRUE);
  if (ok && s->alpha && s->seed == 1)
    ok = write_examples (dir, error);

  s->metrics = json_builder_new ();
  json_builder_begin_object (s->metrics);
  json_builder_set_member_name (s->metrics, "rows");
  json_builder_begin_array (s->metrics);
  double clean = 0.91 - 0.015 * alpha + shift;
  add_row (s, "accuracy", "", "clean", "", clean);
  add_row (s, "loss", "", "clean", "", 0.26 + 0.04 * alpha - shift);
  if (s->alpha)
    {
      double total = 0;
      for (guint l = 0; l < N_LAYERS; l++)
        {
          double si = 0.18 + 0.05 * l + 0.07 * alpha + shift;
          total += si;
          add_row (s, s->layer_metric, layers[l], "clean", "", si);
          add_row (s, "silent-units", layers[l], "clean", "", 0.0);
        }
      add_row (s, s->layer_metric, "", "clean", "", total / N_LAYERS);
      for (int sev = 1; sev <= 5; sev++)
        {
          char level[8];
          g_snprintf (level, sizeof level, "%d", sev);
          add_row (s, "accuracy", "", "corruption:gaussian-noise", level,
                   clean - sev * (0.045 + 0.012 * alpha));
          add_row (s, "accuracy", "", "corruption:contrast", level,
                   clean - sev * sev * (0.012 + 0.002 * alpha));
        }
      static const char *const eps[] = { "0.00392157", "0.00784314", "0.0156863", "0.0313725" };
      for (guint k = 0; k < G_N_ELEMENTS (eps); k++)
        add_row (s, "accuracy", "", "attack:pgd", eps[k],
                 clean * exp (-g_ascii_strtod (eps[k], NULL) * (40 - 12 * alpha)));
      /* The per-layer metric under perturbations: lower under corruptions,
       * falling with epsilon. */
      for (guint l = 0; l < N_LAYERS; l++)
        {
          double si = 0.18 + 0.05 * l + 0.07 * alpha + shift;
          for (int sev = 1; sev <= 5; sev++)
            {
              char level[8];
              g_snprintf (level, sizeof level, "%d", sev);
              add_row (s, s->layer_metric, layers[l], "corruption:gaussian-noise", level,
                       si - 0.01 * sev);
            }
          for (guint k = 0; k < G_N_ELEMENTS (eps); k++)
            add_row (s, s->layer_metric, layers[l], "attack:pgd", eps[k], si - 0.02 * (k + 1));
        }
      /* The runner's minimal-epsilon rows (runner/minimal-epsilon.h). */
      add_row (s, "minimal-epsilon-median", "", "attack:pgd", "", 0.01 + 0.004 * alpha + shift);
      add_row (s, "minimal-epsilon-robust", "", "attack:pgd", "", 0.25);
    }
  json_builder_end_array (s->metrics);
  json_builder_set_member_name (s->metrics, "arrays");
  json_builder_begin_array (s->metrics);
  if (s->alpha)
    for (guint l = 0; l < N_LAYERS; l++)
      {
        json_builder_begin_object (s->metrics);
        member_string (s->metrics, "metric", "selectivity-histogram");
        member_string (s->metrics, "target", layers[l]);
        member_string (s->metrics, "perturbation", "clean");
        member_string (s->metrics, "level", "");
        json_builder_set_member_name (s->metrics, "values");
        json_builder_begin_array (s->metrics);
        double centre = 0.2 + 0.06 * l + 0.08 * alpha;
        for (int bin = 0; bin < N_BINS; bin++)
          {
            double x = (bin + 0.5) / N_BINS;
            json_builder_add_double_value (s->metrics,
                                           round (64 * exp (-pow ((x - centre) / 0.1, 2))));
          }
        json_builder_end_array (s->metrics);
        json_builder_end_object (s->metrics);
      }
  if (s->alpha)
    {
      /* Per-image minimal epsilons of 8 test images: one wrong clean, two
       * robust at the largest epsilon (null). */
      json_builder_begin_object (s->metrics);
      member_string (s->metrics, "metric", "minimal-epsilon");
      member_string (s->metrics, "target", "");
      member_string (s->metrics, "perturbation", "attack:pgd");
      member_string (s->metrics, "level", "");
      json_builder_set_member_name (s->metrics, "values");
      json_builder_begin_array (s->metrics);
      json_builder_add_double_value (s->metrics, 0.0);
      for (int i = 1; i < 6; i++)
        json_builder_add_double_value (s->metrics, 0.005 * i * (1 + 0.3 * alpha) + shift);
      json_builder_add_null_value (s->metrics);
      json_builder_add_null_value (s->metrics);
      json_builder_end_array (s->metrics);
      json_builder_end_object (s->metrics);
    }
  if (s->alpha)
    {
      /* Accuracy as units are removed: falls faster for selective networks. */
      json_builder_begin_object (s->metrics);
      member_string (s->metrics, "metric", "ablation-accuracy");
      member_string (s->metrics, "target", "");
      member_string (s->metrics, "perturbation", "clean");
      member_string (s->metrics, "level", "");
      json_builder_set_member_name (s->metrics, "values");
      json_builder_begin_array (s->metrics);
      for (int i = 0; i < N_ABLATION; i++)
        {
          double f = (double) i / (N_ABLATION - 1);
          json_builder_add_double_value (s->metrics, clean * exp (-f * (1.5 + 0.5 * alpha)));
        }
      json_builder_end_array (s->metrics);
      json_builder_end_object (s->metrics);
    }
  json_builder_end_array (s->metrics);
  json_builder_end_object (s->metrics);
  char *path = g_build_filename (dir, "metrics.json", NULL);
  ok = ok && write_json (path, s->metrics, error);
  g_free (path);
  g_object_unref (s->metrics);
  s->metrics = NULL;
  g_free (dir);
  return ok;
}

static void
declare (JsonBuilder *b, const char *component, const char *name, const char *kind,
         const char *description, const char *unit, double min, double max, const char *better)
{
  json_builder_begin_object (b);
  member_string (b, "component", component);
  member_string (b, "name", name);
  member_string (b, "kind", kind);
  member_string (b, "description", description);
  member_string (b, "unit", unit);
  json_builder_set_member_name (b, "min");
  json_builder_add_double_value (b, min);
  json_builder_set_member_name (b, "max");
  if (isfinite (max))
    json_builder_add_double_value (b, max);
  else
    json_builder_add_null_value (b);
  member_string (b, "higher_is_better", better);
  if (strcmp (kind, "curve") == 0)
    {
      member_string (b, "x_label", "fraction of units removed");
      member_double (b, "x_min", 0.0);
      member_double (b, "x_max", 1.0);
    }
  json_builder_end_object (b);
}

/* summary.json "outputs", as the runner writes them from the metrics'
 * tables. */
static void
add_outputs (JsonBuilder *b, const char *layer_metric)
{
  json_builder_set_member_name (b, "outputs");
  json_builder_begin_array (b);
  declare (b, "metric:accuracy", "accuracy", "scalar", "Top-1 accuracy", "fraction correct",
           0, 1, "higher");
  declare (b, "metric:accuracy", "loss", "scalar", "Mean cross-entropy of the logits", "nats",
           0, INFINITY, "lower");
  declare (b, "metric:class-selectivity", layer_metric, "per-layer",
           "Mean class selectivity index per layer", "index", 0, 1, "neither");
  declare (b, "metric:class-selectivity", "silent-units", "per-layer",
           "Silent units per layer (never activated)", "count", 0, INFINITY, "neither");
  declare (b, "metric:class-selectivity", "selectivity-histogram", "histogram",
           "Distribution of unit selectivity", "index", 0, 1, "neither");
  declare (b, "metric:ablation", "ablation-accuracy", "curve",
           "Accuracy as the most selective units are removed", "fraction correct", 0, 1,
           "higher");
  declare (b, "runner", "minimal-epsilon-median", "scalar",
           "Median minimal adversarial epsilon over the test images", "epsilon", 0, INFINITY,
           "higher");
  declare (b, "runner", "minimal-epsilon-robust", "scalar",
           "Fraction of test images the attack cannot fool at its largest epsilon", "fraction",
           0, 1, "higher");
  declare (b, "runner", "minimal-epsilon", "values",
           "Minimal adversarial epsilon of each test image", "epsilon", 0, INFINITY, "higher");
  json_builder_end_array (b);
}

static void
add_pipeline_group (JsonBuilder *b, const char *group, const char *const *kv)
{
  json_builder_set_member_name (b, group);
  json_builder_begin_object (b);
  for (guint i = 0; kv[i]; i += 2)
    member_string (b, kv[i], kv[i + 1]);
  json_builder_end_object (b);
}

gboolean
report_fixture_write (const char *run_dir, const ReportFixtureOptions *opts, GError **error)
{
  if (g_mkdir_with_parents (run_dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: cannot create", run_dir);
      return FALSE;
    }
  static const char *const alphas[] = { "-1", "0", "1" };
  guint n_alpha = opts->sweep ? G_N_ELEMENTS (alphas) : 1;
  guint n_seed = opts->sweep ? 3 : 1;

  Sink s = { 0 };
  s.layer_metric = opts->layer_metric ? opts->layer_metric : "selectivity-mean";
  s.csv = g_string_new ("trial,seed,metric,target,perturbation,level,value");
  if (opts->sweep)
    g_string_append (s.csv, ",regularizer:selectivity.alpha,pipeline.seed");
  g_string_append_c (s.csv, '\n');
  s.json_rows = json_builder_new ();
  json_builder_begin_object (s.json_rows);
  json_builder_set_member_name (s.json_rows, "columns");
  json_builder_begin_array (s.json_rows);
  static const char *const columns[] = { "trial", "seed", "metric", "target", "perturbation",
                                         "level", "value", "regularizer:selectivity.alpha",
                                         "pipeline.seed" };
  for (guint i = 0; i < (opts->sweep ? 9u : 7u); i++)
    json_builder_add_string_value (s.json_rows, columns[i]);
  json_builder_end_array (s.json_rows);
  json_builder_set_member_name (s.json_rows, "rows");
  json_builder_begin_array (s.json_rows);

  JsonBuilder *m = json_builder_new ();
  json_builder_begin_object (m);
  member_string (m, "interp_version", "0.1.0");
  member_string (m, "pipeline_file", "pipelines/selectivity-sweep.ini");
  json_builder_set_member_name (m, "pipeline");
  json_builder_begin_object (m);
  add_pipeline_group (m, "pipeline", (const char *const[]) {
      "name", opts->sweep ? "selectivity-vs-robustness" : "quickstart", "seed", "1",
      "output", "results/fixture", "mce-baseline", opts->sweep ? "alpha=0" : "", NULL });
  add_pipeline_group (m, "dataset", (const char *const[]) {
      "plugin", "fashion-mnist", "path", "/usr/share/datasets/fashion-mnist", NULL });
  add_pipeline_group (m, "model", (const char *const[]) { "plugin", "cnn", NULL });
  add_pipeline_group (m, "train", (const char *const[]) {
      "epochs", "5", "batch-size", "128", "optimizer", "sgd", "learning-rate", "0.05", NULL });
  if (opts->sweep)
    {
      add_pipeline_group (m, "regularizer:selectivity", (const char *const[]) {
          "plugin", "class-selectivity", "alpha", "-1", "layers", "*relu*", NULL });
      add_pipeline_group (m, "sweep", (const char *const[]) {
          "regularizer:selectivity.alpha", "-1, 0, 1", "pipeline.seed", "1..3", NULL });
    }
  json_builder_end_object (m);
  json_builder_set_member_name (m, "seed");
  json_builder_add_int_value (m, 1);
  json_builder_set_member_name (m, "threads");
  json_builder_add_int_value (m, 2);
  member_string (m, "host", "fixture-host");
  member_string (m, "started", "2026-11-29T09:00:00Z");
  member_string (m, "finished", "2026-11-29T09:12:34Z");
  json_builder_set_member_name (m, "plugins");
  json_builder_begin_array (m);
  static const char *const plugins[][3] = {
    { "models", "0.1.0", "/usr/lib/interp/plugins/interp-models.so" },
    { "metrics", "0.1.0", "/usr/lib/interp/plugins/interp-metrics.so" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (plugins); i++)
    {
      json_builder_begin_object (m);
      member_string (m, "name", plugins[i][0]);
      member_string (m, "version", plugins[i][1]);
      member_string (m, "path", plugins[i][2]);
      json_builder_end_object (m);
    }
  json_builder_end_array (m);

  gboolean ok = TRUE;
  json_builder_set_member_name (m, "trials");
  json_builder_begin_array (m);
  guint t = 0;
  char first_trial[32] = "trial-000";
  for (guint a = 0; a < n_alpha && ok; a++)
    for (guint sd = 0; sd < n_seed && ok; sd++, t++)
      {
        char id[32];
        g_snprintf (id, sizeof id, "trial-%03u", t);
        s.trial = id;
        s.seed = (int) sd + 1;
        s.alpha = opts->sweep ? alphas[a] : NULL;
        json_builder_begin_object (m);
        member_string (m, "id", id);
        json_builder_set_member_name (m, "swept");
        json_builder_begin_object (m);
        if (opts->sweep)
          {
            char seed[16];
            g_snprintf (seed, sizeof seed, "%d", s.seed);
            member_string (m, "regularizer:selectivity.alpha", alphas[a]);
            member_string (m, "pipeline.seed", seed);
          }
        json_builder_end_object (m);
        json_builder_set_member_name (m, "seed");
        json_builder_add_int_value (m, s.seed);
        json_builder_end_object (m);
        ok = write_trial (run_dir, &s, opts->sweep ? g_ascii_strtod (alphas[a], NULL) : 0.0, error);
      }
  json_builder_end_array (m);
  json_builder_set_member_name (m, "swept_keys");
  json_builder_begin_array (m);
  if (opts->sweep)
    {
      json_builder_add_string_value (m, "regularizer:selectivity.alpha");
      json_builder_add_string_value (m, "pipeline.seed");
    }
  json_builder_end_array (m);
  json_builder_end_object (m);

  json_builder_end_array (s.json_rows);
  if (!opts->legacy)
    add_outputs (s.json_rows, s.layer_metric);
  json_builder_end_object (s.json_rows);

  char *path = g_build_filename (run_dir, "manifest.json", NULL);
  ok = ok && write_json (path, m, error);
  g_free (path);
  path = g_build_filename (run_dir, "summary.json", NULL);
  ok = ok && write_json (path, s.json_rows, error);
  g_free (path);
  ok = ok && write_text (run_dir, "summary.csv", s.csv->str, error);
  if (ok && opts->hypotheses)
    ok = write_hypotheses (run_dir, error);
  if (ok && opts->fragments)
    ok = write_fragments (run_dir, first_trial, error);
  g_object_unref (m);
  g_object_unref (s.json_rows);
  g_string_free (s.csv, TRUE);
  return ok;
}

#ifdef REPORT_FIXTURE_MAIN
#include "report/report.h"

/* report-fixture RUN_DIR: writes the sweep fixture and its report. */
int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: %s RUN_DIR\n", argv[0]);
      return 2;
    }
  GError *error = NULL;
  ReportFixtureOptions opts = { .sweep = TRUE, .hypotheses = TRUE, .fragments = TRUE };
  if (!report_fixture_write (argv[1], &opts, &error) || !interp_report_write (argv[1], &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      g_error_free (error);
      return 1;
    }
  printf ("%s/report.html\n", argv[1]);
  return 0;
}
#endif
