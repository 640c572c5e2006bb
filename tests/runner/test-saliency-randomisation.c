/* The model-parameter randomisation checks (core/runner/saliency-randomisation.c)
 * and the list keys' validation (saliency-check.c) on a tiny network:
 * conv1 -> relu -> flatten -> fc1 -> relu -> fc2, 1 x 8 x 8 inputs (the
 * smallest HOG accepts).
 *
 * A probe method records the network's parameters at every attribute()
 * call, so the tests see exactly which layers each step re-initialised;
 * the built gradient method (plugins/saliency) gives real maps. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "host/params-private.h"
#include "plugin/kinds.h"
#include "plugin/registry.h"
#include "runner/saliency-stage.h"

#define N_IMAGES 4
static const char *const LAYERS_TOP_DOWN[3] = { "fc2", "fc1", "conv1" };

static InterpNet *
tiny_net (void)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (1, 8, 8);
  int c = interp_net_conv2d (net, "conv1", 0, 2, 3, 1, 1, 1, TRUE, &error);
  int r = interp_net_relu (net, "relu1", c, &error);
  int f = interp_net_flatten (net, "flat", r, &error);
  int l = interp_net_linear (net, "fc1", f, 16, TRUE, &error);
  int r2 = interp_net_relu (net, "relu2", l, &error);
  cr_assert (interp_net_linear (net, "fc2", r2, 3, TRUE, &error) > 0, "%s",
             error ? error->message : "");
  interp_net_set_init (net, INTERP_INIT_PYTORCH);   /* biases too: every parameter moves */
  InterpRng rng;
  interp_rng_derive (&rng, 7, "init");
  interp_net_init (net, &rng);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  return net;
}

/* Every parameter value, concatenated in the network's order. */
static GArray *
snapshot (InterpNet *net)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (float));
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      g_array_append_vals (a, p->value->data, (guint) p->value->numel);
    }
  return a;
}

/* Whether the parameters of `node` are bit-identical in two snapshots. */
static gboolean
node_equal (InterpNet *net, const GArray *a, const GArray *b, const char *node)
{
  size_t off = 0;
  gboolean equal = TRUE;
  int id = interp_net_find (net, node);
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      if (p->node == id)
        equal &= memcmp ((const float *) (void *) a->data + off,
                         (const float *) (void *) b->data + off,
                         p->value->numel * sizeof (float)) == 0;
      off += p->value->numel;
    }
  return equal;
}

/* ---- a probe method: map = the image (independent of the network) ------- */

typedef struct {
  GPtrArray *seen;   /* GArray* snapshots, one per attribute() call */
  int zero_images;   /* the maps of the first this many images are all 0 */
  int64_t done;      /* images mapped so far */
} Probe;

static gboolean
probe_attribute (gpointer self, InterpNet *net, const InterpTensor *x, const int32_t *targets,
                 InterpRng *rng, InterpTensor *attr, double *delta, GError **error)
{
  (void) targets;
  (void) rng;
  (void) delta;
  (void) error;
  Probe *p = self;
  g_ptr_array_add (p->seen, snapshot (net));
  interp_tensor_copy_into (attr, x);
  int64_t per = interp_tensor_sample_size (x);
  for (int64_t i = 0; i < x->shape[0]; i++, p->done++)
    if (p->done % N_IMAGES < p->zero_images)
      memset (attr->data + i * per, 0, (size_t) per * sizeof (float));
  return TRUE;
}

static void
probe_describe (gpointer self, InterpSaliencyInfo *info)
{
  (void) self;
  info->flags = 0;
}

static const InterpSaliencyVTable probe_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .attribute = probe_attribute,
  .describe = probe_describe,
};

/* ---- fixture -------------------------------------------------------------- */

static InterpStage *
make_stage (const char *group, const char *const *pairs)
{
  GError *error = NULL;
  InterpStage *st = g_new0 (InterpStage, 1);
  st->group = g_strdup (group);
  st->kind = INTERP_KIND_SALIENCY;
  char *where = g_strdup_printf ("test.ini: [%s]", group);
  st->common = interp_params_new_from_pairs (interp_kind_info (INTERP_KIND_SALIENCY)->core_params,
                                             where, pairs, &error);
  g_free (where);
  cr_assert_not_null (st->common, "%s", error ? error->message : "");
  return st;
}

static void
free_stage (InterpStage *st)
{
  interp_params_free (st->common);
  g_free (st->group);
  g_free (st);
}

typedef struct {
  InterpNet *net;
  InterpContext *ctx;
  InterpSaliencySet set;
  InterpTensor *original;
  int32_t targets[N_IMAGES];
} Fixture;

static void
fixture_init (Fixture *f)
{
  f->net = tiny_net ();
  f->ctx = interp_context_new (11, 1, NULL);
  f->set.images = interp_tensor_new_4d (N_IMAGES, 1, 8, 8);
  InterpRng rng;
  interp_rng_derive (&rng, 3, "images");
  for (size_t i = 0; i < f->set.images->numel; i++)
    f->set.images->data[i] = (float) interp_rng_uniform (&rng);
  for (int i = 0; i < N_IMAGES; i++)
    f->targets[i] = i % 3;
  f->set.targets = f->targets;
  f->original = interp_tensor_new_4d (1, 1, 1, 1);
}

static void
fixture_clear (Fixture *f)
{
  interp_tensor_free (f->original);
  interp_tensor_free (f->set.images);
  interp_context_free (f->ctx);
  interp_net_free (f->net);
}

static gboolean
run (Fixture *f, const InterpSaliencyMethod *m, JsonArray *rows, GError **error)
{
  cr_assert (interp_saliency_maps (m, f->net, f->set.images, f->set.targets, 3, "maps",
                                   f->ctx, f->original, NULL, error));
  return interp_saliency_randomisation (m, f->net, &f->set, f->original, 3, f->ctx, rows,
                                        error);
}

static const char *
row_string (JsonArray *rows, guint k, const char *member)
{
  return json_object_get_string_member (json_array_get_object_element (rows, k), member);
}

static JsonNode *
row_value (JsonArray *rows, guint k)
{
  return json_object_get_member (json_array_get_object_element (rows, k), "value");
}

/* ---- tests ---------------------------------------------------------------- */

Test (saliency_randomisation, steps_reinitialise_the_right_layers_and_restore)
{
  Fixture f;
  fixture_init (&f);
  const char *pairs[] = { "randomisation=cascading, independent", "similarity=spearman", NULL };
  InterpStage *st = make_stage ("saliency:probe", pairs);
  Probe probe = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref), 0, 0 };
  InterpSaliencyMethod m = { .stage = st, .vtable = &probe_vtable, .instance = &probe };
  GArray *trained = snapshot (f.net);
  JsonArray *rows = json_array_new ();
  GError *error = NULL;
  cr_assert (run (&f, &m, rows, &error), "%s", error ? error->message : "");

  /* Batches of 3 of 4 images: two calls per map set.  Set 0 is the
   * original maps, then 3 cascading and 3 independent steps. */
  cr_assert_eq (probe.seen->len, 2 * (1 + 3 + 3));
  for (guint k = 0; k < probe.seen->len; k += 2)
    cr_assert (memcmp (((GArray *) probe.seen->pdata[k])->data,
                       ((GArray *) probe.seen->pdata[k + 1])->data,
                       trained->len * sizeof (float)) == 0,
               "the network changed between two batches of one step");
  GArray *orig = probe.seen->pdata[0];
  for (int l = 0; l < 3; l++)
    cr_assert (node_equal (f.net, orig, trained, LAYERS_TOP_DOWN[l]));
  /* Cascading step s (1-based) re-initialised the top s layers. */
  for (int s = 1; s <= 3; s++)
    {
      GArray *seen = probe.seen->pdata[2 * s];
      for (int l = 0; l < 3; l++)
        cr_assert_eq (node_equal (f.net, seen, trained, LAYERS_TOP_DOWN[l]), l >= s,
                      "cascading step %d, layer %s", s, LAYERS_TOP_DOWN[l]);
    }
  /* Independent step s only layer s, with the same values as cascading gave it
   * (one stream per layer). */
  for (int s = 1; s <= 3; s++)
    {
      GArray *seen = probe.seen->pdata[2 * (3 + s)];
      for (int l = 0; l < 3; l++)
        cr_assert_eq (node_equal (f.net, seen, trained, LAYERS_TOP_DOWN[l]), l != s - 1,
                      "independent step %d, layer %s", s, LAYERS_TOP_DOWN[l]);
      cr_assert (node_equal (f.net, seen, probe.seen->pdata[2 * s], LAYERS_TOP_DOWN[s - 1]));
    }
  /* Restored bit for bit. */
  GArray *after = snapshot (f.net);
  cr_assert_eq (after->len, trained->len);
  cr_assert (memcmp (after->data, trained->data, trained->len * sizeof (float)) == 0);

  /* Rows: per mode, per layer top first, mean then sd; the probe's maps
   * ignore the network, so they are the original maps: similarity 1, sd 0. */
  cr_assert_eq (json_array_get_length (rows), 12);
  const char *modes[2] = { "cascading", "independent" };
  for (guint k = 0; k < 12; k++)
    {
      const char *mode = modes[k / 6];
      char *want = g_strdup_printf ("sanity-%s-spearman%s", mode, k % 2 ? "-sd" : "");
      cr_assert_str_eq (row_string (rows, k, "metric"), want);
      g_free (want);
      cr_assert_str_eq (row_string (rows, k, "target"), LAYERS_TOP_DOWN[(k % 6) / 2]);
      cr_assert_str_eq (row_string (rows, k, "perturbation"), "saliency:probe");
      cr_assert_str_eq (row_string (rows, k, "level"), "");
      cr_assert_eq (json_node_get_double (row_value (rows, k)), k % 2 ? 0.0 : 1.0);
    }
  json_array_unref (rows);
  g_array_unref (after);
  g_array_unref (trained);
  g_ptr_array_unref (probe.seen);
  free_stage (st);
  fixture_clear (&f);
}

/* Zero maps have no similarity: left out of the mean (the other images'
 * similarity 1 remains), and null rows when no image has one. */
Test (saliency_randomisation, undefined_similarities)
{
  for (int zeros = 1; zeros <= N_IMAGES; zeros += N_IMAGES - 1)
    {
      Fixture f;
      fixture_init (&f);
      const char *pairs[] = { "randomisation=independent", "randomisation-layers=fc2",
                              "similarity=spearman-abs", NULL };
      InterpStage *st = make_stage ("saliency:probe", pairs);
      Probe probe = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref), zeros,
                      0 };
      InterpSaliencyMethod m = { .stage = st, .vtable = &probe_vtable, .instance = &probe };
      JsonArray *rows = json_array_new ();
      GError *error = NULL;
      cr_assert (run (&f, &m, rows, &error), "%s", error ? error->message : "");
      cr_assert_eq (json_array_get_length (rows), 2);
      if (zeros < N_IMAGES)
        {
          cr_assert_eq (json_node_get_double (row_value (rows, 0)), 1.0);
          cr_assert_eq (json_node_get_double (row_value (rows, 1)), 0.0);
        }
      else
        {
          cr_assert (JSON_NODE_HOLDS_NULL (row_value (rows, 0)));
          cr_assert (JSON_NODE_HOLDS_NULL (row_value (rows, 1)));
        }
      json_array_unref (rows);
      g_ptr_array_unref (probe.seen);
      free_stage (st);
      fixture_clear (&f);
    }
}

/* The built gradient method, through the registry. */
static const InterpRegistryEntry *
gradient_entry (InterpRegistry **reg)
{
  const char *builddir = g_getenv ("INTERP_TEST_BUILDDIR");
  cr_assert_not_null (builddir, "INTERP_TEST_BUILDDIR is not set");
  char *path = g_build_filename (builddir, "plugins", "saliency", ".libs", "interp-saliency.so",
                                 NULL);
  *reg = interp_registry_new ();
  GError *error = NULL;
  cr_assert (interp_registry_load_file (*reg, path, &error), "%s: %s", path,
             error ? error->message : "");
  g_free (path);
  const InterpRegistryEntry *e = interp_registry_find (*reg, INTERP_KIND_SALIENCY, "gradient");
  cr_assert_not_null (e);
  return e;
}

static JsonArray *
gradient_rows (const char *const *pairs, GError **error, GArray **restored_ok)
{
  InterpRegistry *reg;
  const InterpRegistryEntry *e = gradient_entry (&reg);
  Fixture f;
  fixture_init (&f);
  InterpStage *st = make_stage ("saliency:gradient", pairs);
  InterpParams *params = interp_params_new_from_pairs (e->component->params,
                                                       "test.ini: [saliency:gradient]", NULL,
                                                       error);
  cr_assert_not_null (params);
  const InterpSaliencyVTable *vt = e->component->vtable;
  InterpSaliencyMethod m = { .stage = st, .vtable = vt,
                             .instance = vt->create (params, f.ctx, error) };
  cr_assert_not_null (m.instance);
  GArray *before = snapshot (f.net);
  JsonArray *rows = json_array_new ();
  if (!run (&f, &m, rows, error))
    g_clear_pointer (&rows, json_array_unref);
  GArray *after = snapshot (f.net);
  *restored_ok = g_array_new (FALSE, FALSE, sizeof (gboolean));
  gboolean same = memcmp (before->data, after->data, before->len * sizeof (float)) == 0;
  g_array_append_val (*restored_ok, same);
  g_array_unref (before);
  g_array_unref (after);
  vt->destroy (m.instance);
  interp_params_free (params);
  free_stage (st);
  fixture_clear (&f);
  interp_registry_free (reg);
  return rows;
}

Test (saliency_randomisation, gradient_maps_change_deterministically)
{
  const char *pairs[] = { "randomisation=cascading", NULL };   /* all four similarities */
  GError *error = NULL;
  GArray *restored;
  JsonArray *rows = gradient_rows (pairs, &error, &restored);
  cr_assert_not_null (rows, "%s", error ? error->message : "");
  cr_assert (g_array_index (restored, gboolean, 0), "parameters not restored");
  g_array_unref (restored);
  /* 3 layers x 4 similarities x (mean, sd), in the similarity key's order. */
  cr_assert_eq (json_array_get_length (rows), 24);
  const char *sims[4] = { "spearman-abs", "spearman", "ssim", "hog-pearson" };
  for (guint k = 0; k < 24; k++)
    {
      char *want = g_strdup_printf ("sanity-cascading-%s%s", sims[(k / 2) % 4],
                                    k % 2 ? "-sd" : "");
      cr_assert_str_eq (row_string (rows, k, "metric"), want);
      g_free (want);
      cr_assert_str_eq (row_string (rows, k, "target"), LAYERS_TOP_DOWN[k / 8]);
      JsonNode *v = row_value (rows, k);
      cr_assert (JSON_NODE_HOLDS_VALUE (v), "row %u is null", k);
      double x = json_node_get_double (v);
      if (k % 2 == 0)
        cr_assert (x >= -1 && x <= 1, "row %u: %g", k, x);
      else
        cr_assert (x >= 0, "row %u: %g", k, x);
    }
  /* With every layer random (the last step) the gradient is another
   * function of the input: its signed rank correlation with the trained
   * network's map is far from 1 (the paper's "gradient passes"). */
  double last = json_node_get_double (row_value (rows, 2 * 4 * 2 + 2));
  cr_assert_str_eq (row_string (rows, 2 * 4 * 2 + 2, "metric"), "sanity-cascading-spearman");
  cr_assert (last < 0.9, "spearman after randomising everything: %g", last);
  /* The same streams give the same rows. */
  JsonArray *again = gradient_rows (pairs, &error, &restored);
  g_array_unref (restored);
  for (guint k = 0; k < 24; k++)
    cr_assert_eq (json_node_get_double (row_value (rows, k)),
                  json_node_get_double (row_value (again, k)));
  json_array_unref (again);
  json_array_unref (rows);
}

Test (saliency_randomisation, no_matching_layer_is_an_error)
{
  const char *pairs[] = { "randomisation=independent", "randomisation-layers=layer9*", NULL };
  GError *error = NULL;
  GArray *restored;
  cr_assert_null (gradient_rows (pairs, &error, &restored));
  g_array_unref (restored);
  cr_assert_not_null (error);
  cr_assert (strstr (error->message, "[saliency:gradient]") != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "'randomisation-layers'") != NULL, "%s", error->message);
  cr_assert (strstr (error->message, "fc2, fc1, conv1") != NULL, "%s", error->message);
  g_error_free (error);
}

Test (saliency_randomisation, layer_globs_select)
{
  const char *pairs[] = { "randomisation=independent", "randomisation-layers=fc*",
                          "similarity=ssim", NULL };
  GError *error = NULL;
  GArray *restored;
  JsonArray *rows = gradient_rows (pairs, &error, &restored);
  g_array_unref (restored);
  cr_assert_not_null (rows, "%s", error ? error->message : "");
  cr_assert_eq (json_array_get_length (rows), 4);
  cr_assert_str_eq (row_string (rows, 0, "target"), "fc2");
  cr_assert_str_eq (row_string (rows, 2, "target"), "fc1");
  cr_assert_str_eq (row_string (rows, 0, "metric"), "sanity-independent-ssim");
  json_array_unref (rows);
}

/* ---- interp_saliency_check ------------------------------------------------ */

static gboolean
check_pairs (const char *const *pairs, GError **error)
{
  InterpPipeline p = { 0 };
  GPtrArray *stages = g_ptr_array_new_with_free_func ((GDestroyNotify) free_stage);
  g_ptr_array_add (stages, make_stage ("saliency:gradient", pairs));
  p.stages[INTERP_KIND_SALIENCY] = stages;
  gboolean ok = interp_saliency_check (&p, error);
  g_ptr_array_unref (stages);
  return ok;
}

Test (saliency_check, list_entries)
{
  GError *error = NULL;
  const char *good[] = { "randomisation=cascading, independent", "faithfulness=deletion, "
                         "insertion, infidelity, max-sensitivity", "roar=roar, kar", NULL };
  cr_assert (check_pairs (good, &error), "%s", error ? error->message : "");
  cr_assert (check_pairs (NULL, &error));   /* the defaults */

  struct { const char *pair, *key, *entry; } bad[] = {
    { "randomisation=cascade", "'randomisation'", "'cascade'" },
    { "similarity=spearman, pearson", "'similarity'", "'pearson'" },
    { "faithfulness=deletion, deletion", "'faithfulness'", "twice" },
    { "roar=rora", "'roar'", "'rora'" },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      const char *pairs[] = { bad[k].pair, NULL };
      cr_assert_not (check_pairs (pairs, &error), "%s passed", bad[k].pair);
      cr_assert (strstr (error->message, "test.ini: [saliency:gradient]") != NULL, "%s",
                 error->message);
      cr_assert (strstr (error->message, bad[k].key) != NULL, "%s", error->message);
      cr_assert (strstr (error->message, bad[k].entry) != NULL, "%s", error->message);
      g_clear_error (&error);
    }
}
