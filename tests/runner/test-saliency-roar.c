/* ROAR / KAR (core/runner/saliency-roar.c): the count, ranking and masking
 * of the benchmark by hand, the random ranking's seeding, and a tiny
 * retraining end to end (the gradient method, the synthetic dataset and the
 * mlp from the build tree). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "plugin/registry.h"
#include "runner/saliency-roar.h"
#include "runner/saliency-stage.h"
#include "runner/trial.h"

#include "../test-tree.h"

static InterpRegistry *registry;

static void
registry_setup (void)
{
  registry = interp_registry_new ();
  interp_registry_load_search_path (registry, NULL);
}

static void
registry_teardown (void)
{
  interp_registry_free (registry);
}

static JsonObject *
find (JsonArray *a, const char *metric, const char *perturbation, const char *level)
{
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      if (strcmp (json_object_get_string_member (o, "metric"), metric) == 0
          && strcmp (json_object_get_string_member (o, "perturbation"), perturbation) == 0
          && strcmp (json_object_get_string_member (o, "level"), level) == 0)
        return o;
    }
  return NULL;
}

Test (roar, count_is_the_floor_of_t_numel)
{
  /* data_input.py: np.int((threshold / 100.) * total_pixels). */
  const double t[] = { 0.1, 0.3, 0.5, 0.7, 0.9 };
  const int64_t at784[] = { 78, 235, 392, 548, 705 };   /* 78.4 235.2 392 548.8 705.6 */
  for (int k = 0; k < 5; k++)
    {
      cr_assert_eq (interp_roar_count (t[k], 784), at784[k], "t = %g", t[k]);
      /* 0.1 * 10 ... 0.9 * 10 are integers whose binary products may fall
       * just below them (0.3 * 10 = 3.0000000000000004, but 0.29 * 100 =
       * 28.999999999999996). */
      cr_assert_eq (interp_roar_count (t[k], 10), (int64_t) (k * 2 + 1), "t = %g", t[k]);
    }
  cr_assert_eq (interp_roar_count (0.29, 100), 29);
  cr_assert_eq (interp_roar_count (0.0, 100), 0);
  cr_assert_eq (interp_roar_count (1.0, 100), 100);
}

Test (roar, masks_exactly_the_top_elements)
{
  /* Two channels of 5 pixels; |attr| ranks the signed -9 first. */
  const float attr[10] = { 0.1f, -9, 0.3f, 2, 0, 0.5f, 0.5f, 7, -0.2f, 1 };
  const int64_t expect_order[10] = { 1, 7, 3, 9, 5, 6, 2, 8, 0, 4 };
  int64_t order[10];
  interp_roar_rank (attr, 10, order);
  for (int e = 0; e < 10; e++)
    cr_assert_eq (order[e], expect_order[e], "position %d", e);
  const float mean[2] = { -1, -2 };
  for (int k = 1; k <= 9; k++)
    {
      double t = k / 10.0;
      int64_t count = interp_roar_count (t, 10);
      for (int keep = 0; keep < 2; keep++)
        {
          float img[10];
          for (int e = 0; e < 10; e++)
            img[e] = (float) (e + 1);
          interp_roar_mask (img, 2, 5, order, count, keep, mean);
          int64_t replaced = 0;
          for (int q = 0; q < 10; q++)
            {
              int64_t e = order[q];
              gboolean top = q < count;
              gboolean should = keep ? !top : top;
              cr_assert_eq (img[e], should ? mean[e / 5] : (float) (e + 1),
                            "t %g keep %d element %" G_GINT64_FORMAT, t, keep, e);
              replaced += should;
            }
          cr_assert_eq (replaced, keep ? 10 - count : count);
        }
    }
}

Test (roar, random_ranking_is_a_seeded_permutation)
{
  InterpRng a, b, c;
  interp_rng_derive (&a, 5, "roar/random/0.5");
  interp_rng_derive (&b, 5, "roar/random/0.5");
  interp_rng_derive (&c, 6, "roar/random/0.5");
  int64_t oa[50], ob[50], oc[50];
  interp_roar_random_rank (&a, 50, oa);
  interp_roar_random_rank (&b, 50, ob);
  interp_roar_random_rank (&c, 50, oc);
  cr_assert_arr_eq (oa, ob, sizeof oa);
  cr_assert (memcmp (oa, oc, sizeof oa) != 0, "another seed gave the same ranking");
  gboolean seen[50] = { FALSE };
  for (int e = 0; e < 50; e++)
    {
      cr_assert (oa[e] >= 0 && oa[e] < 50 && !seen[oa[e]]);
      seen[oa[e]] = TRUE;
    }
}

static const char roar_pipeline[] =
  "[pipeline]\nname = roar-test\nseed = 4\nroar-fractions = 0.1, 0.5\n"
  "roar-train-images = 24\nsaliency-batch-size = 8\n"
  "[dataset]\nplugin = synthetic\nchannels = 1\nheight = 4\nwidth = 4\nclasses = 2\n"
  "train-size = 32\ntest-size = 12\n"
  "[model]\nplugin = mlp\nhidden = 4\n"
  "[train]\nepochs = 1\nbatch-size = 8\n"
  "[saliency:gradient]\nplugin = gradient\nroar = roar, kar\n";

Test (roar, end_to_end_rows_for_every_fraction_method_and_baseline, .init = registry_setup,
      .fini = registry_teardown)
{
  GError *error = NULL;
  GKeyFile *kf = g_key_file_new ();
  cr_assert (g_key_file_load_from_data (kf, roar_pipeline, (gsize) -1, G_KEY_FILE_NONE, NULL));
  InterpPipeline *p = interp_pipeline_new (kf, "roar.ini", NULL, registry, &error);
  g_key_file_free (kf);
  cr_assert_not_null (p, "%s", error ? error->message : "?");
  char *dir = g_dir_make_tmp ("interp-roar-test-XXXXXX", NULL);
  InterpContext *ctx = interp_context_new (4, 1, dir);
  const InterpStage *ds = interp_pipeline_singleton (p, INTERP_KIND_DATASET);
  InterpDataConfig dc;
  cr_assert (interp_data_config_resolve (ds->common, &dc, &error));
  InterpData *data = interp_data_open (ds->entry->component->vtable, ds->params, &dc, ctx, &error);
  interp_data_config_clear (&dc);
  cr_assert_not_null (data, "%s", error ? error->message : "?");
  InterpNet *net = interp_trial_build_net (p, data, "model/init", 4, &error);
  cr_assert_not_null (net);
  interp_net_set_mode (net, INTERP_MODE_EVAL);

  const InterpStage *s = g_ptr_array_index (interp_pipeline_instances (p, INTERP_KIND_SALIENCY), 0);
  InterpSaliencyMethod m = { .stage = s, .vtable = s->entry->component->vtable };
  m.instance = m.vtable->create (s->params, ctx, &error);
  cr_assert_not_null (m.instance);
  GPtrArray *methods = g_ptr_array_new ();
  g_ptr_array_add (methods, &m);
  JsonArray *rows = json_array_new ();
  cr_assert (interp_saliency_roar (p, methods, net, data, ctx, rows, &error), "%s",
             error ? error->message : "?");
  /* 2 fractions x 2 benchmarks x (the method + the random ranking). */
  cr_assert_eq (json_array_get_length (rows), 8);
  const char *sources[] = { "saliency:gradient", INTERP_SALIENCY_RANDOM_RANKING };
  const char *metrics[] = { "roar-accuracy", "kar-accuracy" };
  const char *levels[] = { "0.1", "0.5" };
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++)
      for (int c = 0; c < 2; c++)
        {
          JsonObject *o = find (rows, metrics[b], sources[a], levels[c]);
          cr_assert_not_null (o, "%s %s %s", metrics[b], sources[a], levels[c]);
          double acc = json_object_get_double_member (o, "value");
          /* 12 test images: the accuracy is a multiple of 1/12. */
          cr_assert (acc >= 0 && acc <= 1, "%g", acc);
          cr_assert_float_eq (acc * 12, round (acc * 12), 1e-9);
        }
  /* Nothing of the retrainings lands in the trial folder. */
  GDir *d = g_dir_open (dir, 0, NULL);
  cr_assert_null (g_dir_read_name (d), "the trial folder is not empty");
  g_dir_close (d);

  /* The same call again gives the same rows (seeded streams only). */
  JsonArray *again = json_array_new ();
  cr_assert (interp_saliency_roar (p, methods, net, data, ctx, again, &error));
  for (guint i = 0; i < 8; i++)
    cr_assert_eq (json_object_get_double_member (json_array_get_object_element (rows, i), "value"),
                  json_object_get_double_member (json_array_get_object_element (again, i),
                                                 "value"));
  json_array_unref (again);
  json_array_unref (rows);
  g_ptr_array_unref (methods);
  m.vtable->destroy (m.instance);
  interp_net_free (net);
  interp_data_free (data);
  interp_context_free (ctx);
  interp_pipeline_free (p);
  test_remove_tree (dir);
  g_free (dir);
}
