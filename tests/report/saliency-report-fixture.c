/* The saliency stage's files added to a sweep fixture run (contract in
 * saliency-report-fixture.h). */
#include "config.h"

#include "saliency-report-fixture.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "host/results-private.h"
#include "runner/saliency-render.h"
#include "runner/saliency-stage.h"

const char *const saliency_fixture_methods[SALIENCY_FIXTURE_N_METHODS] = {
  "saliency:gradient", "saliency:grad-cam", "saliency:integrated-gradients",
};
static const char *const layers[] = { "fc2", "fc1", "conv2", "conv1" };   /* cascade order */
static const char *const sims[] = { "spearman-abs", "ssim" };
static const double fractions[] = { 0.1, 0.3, 0.5, 0.7, 0.9 };
#define N_CURVE 11
#define N_IMAGES 4
#define SIDE 28

typedef struct {
  JsonArray *summary_rows;   /* summary.json "rows" */
  JsonArray *swept;          /* the trial's swept values (a row's tail), borrowed */
  const char *trial;
  gint64 seed;
  JsonArray *rows, *arrays;  /* the trial's metrics.json */
} Sink;

static void
add (Sink *s, const char *metric, const char *target, const char *pert, const char *level,
     double value)
{
  JsonArray *a = json_array_new ();
  json_array_add_string_element (a, s->trial);
  json_array_add_int_element (a, s->seed);
  json_array_add_string_element (a, metric);
  json_array_add_string_element (a, target);
  json_array_add_string_element (a, pert);
  json_array_add_string_element (a, level);
  json_array_add_double_element (a, value);
  for (guint i = 0; i < json_array_get_length (s->swept); i++)
    json_array_add_string_element (a, json_array_get_string_element (s->swept, i));
  json_array_add_array_element (s->summary_rows, a);
  interp_saliency_add_row (s->rows, metric, target, pert, level, value);
}

static void
trial_values (Sink *s, gboolean permuted)
{
  const double shift = 0.01 * (double) (s->seed - 2);
  for (guint k = 0; k < SALIENCY_FIXTURE_N_METHODS; k++)
    {
      const char *m = saliency_fixture_methods[k];
      if (k == 2)
        {
          add (s, "saliency-completeness-delta", "", m, "", 0.02 + shift / 10);
          double deltas[N_IMAGES] = { 0.01, -0.02, 0.03, -0.02 };
          interp_saliency_add_array (s->arrays, "saliency-completeness-deltas", "", m, "",
                                     deltas, N_IMAGES);
        }
      for (guint q = 0; q < G_N_ELEMENTS (sims); q++)
        for (guint j = 0; j < G_N_ELEMENTS (layers); j++)
          {
            char *metric = g_strdup_printf ("sanity-cascading-%s", sims[q]);
            add (s, metric, layers[j], m, "", 0.9 - 0.25 * (j + 1) / (k + 1) - 0.05 * q + shift);
            char *sd = g_strdup_printf ("%s-sd", metric);
            add (s, sd, layers[j], m, "", 0.05);
            g_free (sd);
            g_free (metric);
            metric = g_strdup_printf ("sanity-independent-%s", sims[q]);
            add (s, metric, layers[j], m, "", 0.3 + 0.15 * j / (k + 1) + shift);
            g_free (metric);
          }
      if (permuted)
        {
          add (s, "sanity-data-spearman-abs", "", m, "", 0.2 + 0.1 * k + shift);
          add (s, "sanity-data-spearman-abs-sd", "", m, "", 0.04);
        }
      add (s, "deletion-auc", "", m, "", 0.2 + 0.05 * k + shift);
      add (s, "insertion-auc", "", m, "", 0.7 - 0.05 * k + shift);
      double del[N_CURVE], ins[N_CURVE];
      for (int i = 0; i < N_CURVE; i++)
        {
          double x = (double) i / (N_CURVE - 1);
          del[i] = 0.9 * exp (-x * (6 - 2 * k)) + shift;
          ins[i] = 0.1 + 0.8 * (1 - exp (-x * (6 - 2 * k))) + shift;
        }
      interp_saliency_add_array (s->arrays, "deletion-curve", "", m, "", del, N_CURVE);
      interp_saliency_add_array (s->arrays, "insertion-curve", "", m, "", ins, N_CURVE);
      add (s, "infidelity", "", m, "", 0.1 + 0.02 * k + shift);
      add (s, "max-sensitivity", "", m, "", 0.05 + 0.01 * k + shift);
    }
  for (guint f = 0; f < G_N_ELEMENTS (fractions); f++)
    {
      char level[32];
      g_snprintf (level, sizeof level, "%.6g", fractions[f]);
      double t = fractions[f];
      for (guint k = 0; k < 2; k++)
        {
          add (s, "roar-accuracy", "", saliency_fixture_methods[k], level,
               0.9 - 0.6 * t / (k + 1) + shift);
          add (s, "kar-accuracy", "", saliency_fixture_methods[k], level,
               0.3 + 0.5 * t / (k + 1) + shift);
        }
      add (s, "roar-accuracy", "", INTERP_SALIENCY_RANDOM_RANKING, level, 0.9 - 0.2 * t + shift);
      add (s, "kar-accuracy", "", INTERP_SALIENCY_RANDOM_RANKING, level, 0.1 + 0.3 * t + shift);
    }
}

/* Seed 1's maps: a grey ring, the gradient signed (positive inside the ring,
 * negative outside), grad-cam a blob, integrated gradients image x gradient. */
static gboolean
write_pngs (const char *trial_dir, double alpha, GError **error)
{
  InterpTensor *x = interp_tensor_new_4d (N_IMAGES, 1, SIDE, SIDE);
  InterpTensor *maps[SALIENCY_FIXTURE_N_METHODS];
  for (guint k = 0; k < SALIENCY_FIXTURE_N_METHODS; k++)
    maps[k] = interp_tensor_new_4d (N_IMAGES, 1, SIDE, SIDE);
  for (int i = 0; i < N_IMAGES; i++)
    for (int y = 0; y < SIDE; y++)
      for (int c = 0; c < SIDE; c++)
        {
          size_t j = (size_t) ((i * SIDE + y) * SIDE + c);
          double cy = 8 + 3 * i, cx = 14 + alpha * 3;
          double d = sqrt ((y - cy) * (y - cy) + (c - cx) * (c - cx));
          x->data[j] = (float) exp (-pow ((d - 6) / 2.0, 2));
          maps[0]->data[j] = (float) (cos (d / 2.5) * exp (-d / 10));
          maps[1]->data[j] = (float) exp (-d * d / 40);
          maps[2]->data[j] = x->data[j] * maps[0]->data[j];
        }
  InterpSaliencyRenderMethod methods[SALIENCY_FIXTURE_N_METHODS];
  for (guint k = 0; k < SALIENCY_FIXTURE_N_METHODS; k++)
    methods[k] = (InterpSaliencyRenderMethod) { .name = saliency_fixture_methods[k],
                                                .maps = maps[k], .is_signed = k != 1 };
  gboolean ok = interp_saliency_render (trial_dir, x, methods, SALIENCY_FIXTURE_N_METHODS,
                                        N_IMAGES, error);
  for (guint k = 0; k < SALIENCY_FIXTURE_N_METHODS; k++)
    interp_tensor_free (maps[k]);
  interp_tensor_free (x);
  return ok;
}

static gboolean
write_json (const char *path, JsonNode *root, GError **error)
{
  JsonGenerator *g = json_generator_new ();
  json_generator_set_root (g, root);
  json_generator_set_pretty (g, TRUE);
  gboolean ok = json_generator_to_file (g, path, error);
  g_object_unref (g);
  return ok;
}

/* summary.json "outputs" entries for the runner's saliency table, as
 * run-summary.c writes a table. */
static void
declare (JsonArray *outputs)
{
  for (const InterpMetricOutput *o = interp_saliency_outputs; o->name; o++)
    {
      JsonObject *d = json_object_new ();
      json_object_set_string_member (d, "component", "runner");
      json_object_set_string_member (d, "name", o->name);
      json_object_set_string_member (d, "kind", interp_output_kind_name (o->kind));
      json_object_set_string_member (d, "description", o->description);
      json_object_set_string_member (d, "unit", o->unit ? o->unit : "");
      gboolean bounded = !(o->min >= o->max);
      if (bounded && isfinite (o->min))
        json_object_set_double_member (d, "min", o->min);
      else
        json_object_set_null_member (d, "min");
      if (bounded && isfinite (o->max))
        json_object_set_double_member (d, "max", o->max);
      else
        json_object_set_null_member (d, "max");
      json_object_set_string_member (d, "higher_is_better",
                                     interp_better_name (o->higher_is_better));
      if (o->kind == INTERP_OUTPUT_CURVE)
        {
          json_object_set_string_member (d, "x_label", o->x_label);
          json_object_set_double_member (d, "x_min", o->x_min);
          json_object_set_double_member (d, "x_max", o->x_max);
        }
      json_array_add_object_element (outputs, d);
    }
}

gboolean
saliency_fixture_add (const char *run_dir, GError **error)
{
  char *summary_path = g_build_filename (run_dir, "summary.json", NULL);
  JsonParser *summary = json_parser_new ();
  gboolean ok = json_parser_load_from_file (summary, summary_path, error);
  JsonObject *root = ok ? json_node_get_object (json_parser_get_root (summary)) : NULL;
  JsonArray *rows = ok ? json_object_get_array_member (root, "rows") : NULL;
  if (ok)
    declare (json_object_get_array_member (root, "outputs"));
  /* The trials, each with the swept values of its first row. */
  guint n_rows = rows ? json_array_get_length (rows) : 0;
  GPtrArray *seen = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; ok && i < n_rows; i++)
    {
      JsonArray *row = json_array_get_array_element (rows, i);
      const char *trial = json_array_get_string_element (row, 0);
      if (g_ptr_array_find_with_equal_func (seen, trial, g_str_equal, NULL))
        continue;
      g_ptr_array_add (seen, g_strdup (trial));
      JsonArray *swept = json_array_new ();
      for (guint c = 7; c < json_array_get_length (row); c++)
        json_array_add_string_element (swept, json_array_get_string_element (row, c));
      const char *alpha = json_array_get_string_element (row, 7);
      gint64 seed = json_array_get_int_element (row, 1);
      char *dir = g_build_filename (run_dir, "trials", trial, NULL);
      char *mpath = g_build_filename (dir, "metrics.json", NULL);
      JsonParser *mp = json_parser_new ();
      ok = json_parser_load_from_file (mp, mpath, error);
      if (ok)
        {
          JsonObject *mo = json_node_get_object (json_parser_get_root (mp));
          Sink s = { .summary_rows = rows, .swept = swept, .trial = g_ptr_array_index (seen,
                                                                                   seen->len - 1),
                     .seed = seed, .rows = json_object_get_array_member (mo, "rows"),
                     .arrays = json_object_get_array_member (mo, "arrays") };
          trial_values (&s, strcmp (alpha, "1") == 0);
          ok = write_json (mpath, json_parser_get_root (mp), error);
          if (ok && seed == 1)
            ok = write_pngs (dir, g_ascii_strtod (alpha, NULL), error);
        }
      g_object_unref (mp);
      g_free (mpath);
      g_free (dir);
      json_array_unref (swept);
    }
  ok = ok && write_json (summary_path, json_parser_get_root (summary), error);
  g_ptr_array_unref (seen);
  g_object_unref (summary);
  g_free (summary_path);
  return ok;
}
