/* The data randomisation check across trials
 * (core/runner/saliency-data-randomisation.c) on fabricated trial folders,
 * and interp_run_read_rows picking up its rows.
 *
 * The sweep is pipeline.seed = 1, 2 x dataset.permute-labels = false, true
 * (last axis fastest): trials 1 and 3 permute labels, their partners are 0
 * and 2.  Trial 1's maps equal trial 0's (every similarity 1, sd 0); trial
 * 3's are trial 2's negated: by hand, signed ranks reverse (spearman -1),
 * |map| is unchanged (spearman-abs 1), and the normalised 2-D maps (sums
 * of |map|) are equal, so ssim and hog-pearson are 1. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/interp.h>

#include "host/params-private.h"
#include "plugin/kinds.h"
#include "runner/run-summary.h"
#include "runner/saliency-stage.h"

#define N_IMAGES 3

static InterpSweepAxis *
axis (const char *key, const char *a, const char *b)
{
  InterpSweepAxis *x = g_new0 (InterpSweepAxis, 1);
  x->key = g_strdup (key);
  x->values = g_new0 (char *, 3);
  x->values[0] = g_strdup (a);
  x->values[1] = g_strdup (b);
  x->n_values = 2;
  return x;
}

static void
axis_free (InterpSweepAxis *x)
{
  g_free (x->key);
  g_strfreev (x->values);
  g_free (x);
}

static InterpStage *
stage (const char *group)
{
  InterpStage *st = g_new0 (InterpStage, 1);
  st->group = g_strdup (group);
  st->kind = INTERP_KIND_SALIENCY;
  char *where = g_strdup_printf ("run.ini: [%s]", group);
  st->common = interp_params_new_from_pairs (interp_kind_info (INTERP_KIND_SALIENCY)->core_params,
                                             where, NULL, NULL);
  g_free (where);
  cr_assert_not_null (st->common);
  return st;
}

static void
stage_free (InterpStage *st)
{
  interp_params_free (st->common);
  g_free (st->group);
  g_free (st);
}

typedef struct {
  InterpPipeline p;
  char *dir;
} Run;

static void
write_trial (const char *dir, guint trial, float sign, float index_shift, gboolean with_maps)
{
  char *id = g_strdup_printf ("trial-%03u", trial);
  char *tdir = g_build_filename (dir, "trials", id, NULL);
  cr_assert_eq (g_mkdir_with_parents (tdir, 0755), 0);
  InterpTensor *images = interp_tensor_new_4d (N_IMAGES, 1, 8, 8);
  InterpTensor *maps = interp_tensor_new_4d (N_IMAGES, 1, 8, 8);
  int64_t shape1[1] = { N_IMAGES };
  InterpTensor *targets = interp_tensor_new (1, shape1);
  InterpTensor *indices = interp_tensor_new (1, shape1);
  /* Maps of the seed's "trained" network: the same for both trials of a
   * seed up to `sign`. */
  guint seed_of = trial / 2;
  for (size_t k = 0; k < maps->numel; k++)
    {
      images->data[k] = (float) (k % 7) / 7.0f;
      maps->data[k] = sign * (float) (((k * 37 + seed_of * 11) % 23) - 11) / 8.0f;
    }
  for (int i = 0; i < N_IMAGES; i++)
    {
      targets->data[i] = (float) i;
      indices->data[i] = (float) (5 * i) + index_shift;
    }
  const char *names[4] = { "images", "targets", "indices", "saliency:gradient" };
  InterpTensor *tensors[4] = { images, targets, indices, maps };
  char *path = g_build_filename (tdir, "saliency-maps.safetensors", NULL);
  GError *error = NULL;
  cr_assert (interp_safetensors_write (path, names, tensors, with_maps ? 4 : 3, NULL, &error),
             "%s", error ? error->message : "");
  g_free (path);
  path = g_build_filename (tdir, "metrics.json", NULL);
  cr_assert (g_file_set_contents (path, "{\"rows\": []}", -1, NULL));
  g_free (path);
  for (int k = 0; k < 4; k++)
    interp_tensor_free (tensors[k]);
  g_free (tdir);
  g_free (id);
}

static void
run_init (Run *r)
{
  memset (r, 0, sizeof *r);
  r->dir = g_dir_make_tmp ("interp-data-rand-XXXXXX", NULL);
  cr_assert_not_null (r->dir);
  r->p.path = g_strdup ("run.ini");
  r->p.pipeline = interp_params_new_from_pairs (interp_pipeline_params, "run.ini: [pipeline]",
                                                NULL, NULL);
  cr_assert_not_null (r->p.pipeline);
  r->p.sweep = g_ptr_array_new_with_free_func ((GDestroyNotify) axis_free);
  g_ptr_array_add (r->p.sweep, axis ("pipeline.seed", "1", "2"));
  g_ptr_array_add (r->p.sweep, axis ("dataset.permute-labels", "false", "true"));
  r->p.stages[INTERP_KIND_SALIENCY] = g_ptr_array_new_with_free_func ((GDestroyNotify) stage_free);
  g_ptr_array_add (r->p.stages[INTERP_KIND_SALIENCY], stage ("saliency:gradient"));
}

static void
rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      GDir *d = g_dir_open (path, 0, NULL);
      const char *name;
      while ((name = g_dir_read_name (d)) != NULL)
        {
          char *child = g_build_filename (path, name, NULL);
          rm_rf (child);
          g_free (child);
        }
      g_dir_close (d);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
run_clear (Run *r)
{
  rm_rf (r->dir);
  g_free (r->dir);
  g_ptr_array_unref (r->p.stages[INTERP_KIND_SALIENCY]);
  g_ptr_array_unref (r->p.sweep);
  interp_params_free (r->p.pipeline);
  g_free (r->p.path);
}

/* Value of row `metric` of trial `trial` in the read rows (NaN: absent). */
static double
value_of (GPtrArray *rows, const char *trial, const char *metric, int *count)
{
  double v = NAN;
  *count = 0;
  for (guint k = 0; k < rows->len; k++)
    {
      InterpSummaryRow *row = g_ptr_array_index (rows, k);
      if (g_str_equal (row->trial, trial) && g_str_equal (row->metric, metric))
        {
          cr_assert_str_eq (row->perturbation, "saliency:gradient");
          cr_assert_str_eq (row->target, "");
          cr_assert_str_eq (row->level, "");
          v = row->value;
          (*count)++;
        }
    }
  return v;
}

Test (saliency_data_randomisation, partners_compared_and_rows_read)
{
  Run r;
  run_init (&r);
  write_trial (r.dir, 0, 1, 0, TRUE);
  write_trial (r.dir, 1, 1, 0, TRUE);
  write_trial (r.dir, 2, 1, 0, TRUE);
  write_trial (r.dir, 3, -1, 0, TRUE);
  GError *error = NULL;
  cr_assert (interp_saliency_data_randomisation (&r.p, r.dir, &error), "%s",
             error ? error->message : "");
  for (guint t = 0; t < 4; t++)
    {
      char *path = g_strdup_printf ("%s/trials/trial-%03u/saliency-data.json", r.dir, t);
      cr_assert_eq (g_file_test (path, G_FILE_TEST_EXISTS), t % 2 == 1, "%s", path);
      g_free (path);
    }
  GPtrArray *rows = interp_run_read_rows (&r.p, r.dir, &error);
  cr_assert_not_null (rows, "%s", error ? error->message : "");
  /* Two permuted trials x 4 similarities x (mean, sd). */
  cr_assert_eq (rows->len, 16);
  const char *sims[4] = { "spearman-abs", "spearman", "ssim", "hog-pearson" };
  const double trial3[4] = { 1, -1, 1, 1 };
  for (int s = 0; s < 4; s++)
    {
      char *metric = g_strdup_printf ("sanity-data-%s", sims[s]);
      char *metric_sd = g_strdup_printf ("sanity-data-%s-sd", sims[s]);
      int count;
      cr_assert_eq (value_of (rows, "trial-001", metric, &count), 1.0, "%s", metric);
      cr_assert_eq (count, 1);
      cr_assert_eq (value_of (rows, "trial-001", metric_sd, &count), 0.0);
      /* Rounding only (the sums of |map| are equal bit for bit, correlations
       * of equal vectors are exact up to the division): 1e-12. */
      cr_assert (fabs (value_of (rows, "trial-003", metric, &count) - trial3[s]) < 1e-12,
                 "%s", metric);
      value_of (rows, "trial-000", metric, &count);
      cr_assert_eq (count, 0);
      g_free (metric);
      g_free (metric_sd);
    }
  /* The rows carry the trial's swept values. */
  InterpSummaryRow *row = g_ptr_array_index (rows, 0);
  cr_assert_str_eq (g_hash_table_lookup (row->swept, "dataset.permute-labels"), "true");
  g_ptr_array_unref (rows);
  run_clear (&r);
}

Test (saliency_data_randomisation, mismatched_trials_are_errors)
{
  Run r;
  run_init (&r);
  write_trial (r.dir, 0, 1, 0, TRUE);
  write_trial (r.dir, 1, 1, 0.5f, TRUE);   /* other test images */
  write_trial (r.dir, 2, 1, 0, TRUE);
  write_trial (r.dir, 3, 1, 0, TRUE);
  GError *error = NULL;
  cr_assert_not (interp_saliency_data_randomisation (&r.p, r.dir, &error));
  cr_assert (strstr (error->message, "different test images") != NULL, "%s", error->message);
  g_clear_error (&error);
  write_trial (r.dir, 1, 1, 0, FALSE);     /* no maps of the method */
  cr_assert_not (interp_saliency_data_randomisation (&r.p, r.dir, &error));
  cr_assert (strstr (error->message, "'saliency:gradient'") != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "trial-001") != NULL, "%s", error->message);
  g_clear_error (&error);
  run_clear (&r);
}

Test (saliency_data_randomisation, nothing_to_do_without_permuted_trials)
{
  Run r;
  run_init (&r);
  InterpSweepAxis *a = g_ptr_array_index (r.p.sweep, 1);
  g_free (a->key);
  a->key = g_strdup ("train.epochs");
  GError *error = NULL;
  /* No folders at all: nothing is read. */
  cr_assert (interp_saliency_data_randomisation (&r.p, r.dir, &error));
  run_clear (&r);
}
