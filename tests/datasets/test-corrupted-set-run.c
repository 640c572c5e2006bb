/* A stored suite evaluated through a pipeline: [corruption:X] plugin =
 * stored gives the summary rows of a generated corruption (perturbation
 * "corruption:X", levels 1..5), with values that can be known in advance:
 *  - a stored copy of the clean test images scores exactly the clean
 *    accuracy (same bytes, same /255 conversion, same network);
 *  - a constant image gives every test image the same prediction, so with
 *    4 test images of each of 10 classes the accuracy is exactly 4/40.
 * And a stored set that is not this test set (a label differs) or a
 * truncated file stops the run with a clear error. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include <interp/interp.h>
#include <interp/runner.h>

#include <dlfcn.h>

#include "host/params-private.h"
#include "plugin/registry.h"
#include "datasets-util.h"
#include "test-corrupted-set-files.h"

#define N_TEST 40     /* 4 of each of 10 classes */
#define N_TRAIN 200
#define SIDE 8

static char *dir;
static InterpRunner *runner;

static void
setup (void)
{
  dir = tds_tmpdir ();
  runner = interp_runner_new (NULL);
}

static void
teardown (void)
{
  interp_runner_free (runner);
  tds_rmtree (dir);
  g_clear_pointer (&dir, g_free);
}

TestSuite (stored_run, .init = setup, .fini = teardown, .timeout = 300);

/* Image i of class k: a class-dependent level plus a little texture, so the
 * network has something to learn. */
static void
fill_images (uint8_t *px, int64_t n)
{
  for (int64_t i = 0; i < n; i++)
    for (int64_t p = 0; p < SIDE * SIDE; p++)
      px[i * SIDE * SIDE + p] = (uint8_t) ((i % 10) * 25 + (p * (i % 3 + 1)) % 5);
}

/* DIR/digits/ (mnist-c layout: the clean set, train and test) and
 * DIR/blocks.npy + DIR/labels.npy (cifar-c layout: severity 1 a copy of
 * the clean test images, severities 2..5 constant images). */
static void
write_suite (void)
{
  int32_t labels[5 * N_TEST];
  for (int i = 0; i < 5 * N_TEST; i++)
    labels[i] = (i % N_TEST) % 10;
  uint8_t *train = g_malloc (N_TRAIN * SIDE * SIDE);
  fill_images (train, N_TRAIN);
  const int64_t train_shape[4] = { N_TRAIN, SIDE, SIDE, 1 };
  const int64_t test_shape[4] = { N_TEST, SIDE, SIDE, 1 };
  char *sub = g_build_filename (dir, "digits", NULL);
  g_free (tcs_write_npy (sub, "train_images.npy", "|u1", 1, 4, train_shape, train));
  g_free (tcs_write_labels (sub, "train_labels.npy", N_TRAIN, labels));
  /* The first N_TEST training images, reused as the test set. */
  g_free (tcs_write_npy (sub, "test_images.npy", "|u1", 1, 4, test_shape, train));
  g_free (tcs_write_labels (sub, "test_labels.npy", N_TEST, labels));
  g_free (sub);

  uint8_t *blocks = g_malloc (5 * N_TEST * SIDE * SIDE);
  memcpy (blocks, train, N_TEST * SIDE * SIDE);
  for (int s = 1; s < 5; s++)
    memset (blocks + s * N_TEST * SIDE * SIDE, s * 60, N_TEST * SIDE * SIDE);
  const int64_t blocks_shape[4] = { 5 * N_TEST, SIDE, SIDE, 1 };
  g_free (tcs_write_npy (dir, "blocks.npy", "|u1", 1, 4, blocks_shape, blocks));
  g_free (tcs_write_labels (dir, "labels.npy", 5 * N_TEST, labels));
  g_free (blocks);
  g_free (train);
}

static char *
write_pipeline (void)
{
  char *text = g_strdup_printf (
    "[pipeline]\nname = stored\nseed = 3\n"
    "[dataset]\nplugin = corrupted-set\npath = %s\ncorruption = digits\n"
    "[model]\nplugin = mlp\nhidden = 16\n"
    "[train]\nepochs = 2\nbatch-size = 20\nlearning-rate = 0.05\n"
    "[metric:accuracy]\nplugin = accuracy\n"
    "[corruption:blocks]\nplugin = stored\npath = %s\n"
    "[corruption:digits-copy]\nplugin = stored\npath = %s\ncorruption = digits\n"
    "severity = 1\n", dir, dir, dir);
  char *path = g_build_filename (dir, "stored.ini", NULL);
  cr_assert (g_file_set_contents (path, text, -1, NULL));
  g_free (text);
  return path;
}

static gboolean
run (const char *pipeline, const char *output, GError **error)
{
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  opts.output = output;
  opts.threads = 1;
  InterpRun *r = interp_run_open (runner, pipeline, &opts, error);
  gboolean ok = r && interp_run_execute (r, NULL, error);
  interp_run_free (r);
  return ok;
}

/* The rows of summary.json (columns trial, seed, metric, target,
 * perturbation, level, value): "metric perturbation@level" -> value. */
static GHashTable *
summary_rows (const char *output)
{
  char *path = g_build_filename (output, "summary.json", NULL);
  JsonParser *parser = json_parser_new ();
  GError *error = NULL;
  cr_assert (json_parser_load_from_file (parser, path, &error), "%s: %s", path,
             error ? error->message : "");
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *columns = json_object_get_array_member (root, "columns");
  JsonArray *rows = json_object_get_array_member (root, "rows");
  cr_assert (columns && rows, "%s has no columns or rows", path);
  int metric = -1, perturbation = -1, level = -1, value = -1;
  for (guint c = 0; c < json_array_get_length (columns); c++)
    {
      const char *name = json_array_get_string_element (columns, c);
      int *slot = g_str_equal (name, "metric") ? &metric
                  : g_str_equal (name, "perturbation") ? &perturbation
                  : g_str_equal (name, "level") ? &level
                  : g_str_equal (name, "value") ? &value : NULL;
      if (slot)
        *slot = (int) c;
    }
  cr_assert (metric >= 0 && perturbation >= 0 && level >= 0 && value >= 0, "%s columns", path);
  GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonArray *r = json_array_get_array_element (rows, i);
      char *key = g_strdup_printf ("%s %s@%s", json_array_get_string_element (r, (guint) metric),
                                   json_array_get_string_element (r, (guint) perturbation),
                                   json_array_get_string_element (r, (guint) level));
      double *v = g_new (double, 1);
      *v = json_array_get_double_element (r, (guint) value);
      g_hash_table_insert (t, key, v);
    }
  g_object_unref (parser);
  g_free (path);
  return t;
}

static double
row (GHashTable *t, const char *key)
{
  const double *v = g_hash_table_lookup (t, key);
  cr_assert_not_null (v, "no accuracy row %s", key);
  return *v;
}

Test (stored_run, stored_suites_give_the_rows_of_a_generated_corruption)
{
  write_suite ();
  char *pipeline = write_pipeline ();
  char *output = g_build_filename (dir, "out", NULL);
  GError *error = NULL;
  cr_assert (run (pipeline, output, &error), "%s", error ? error->message : "");
  GHashTable *t = summary_rows (output);
  /* The copies are the clean images byte for byte: every metric equal. */
  const char *metrics[] = { "accuracy", "loss" };
  for (int m = 0; m < 2; m++)
    {
      char *clean = g_strdup_printf ("%s clean@", metrics[m]);
      char *b1 = g_strdup_printf ("%s corruption:blocks@1", metrics[m]);
      char *d1 = g_strdup_printf ("%s corruption:digits-copy@1", metrics[m]);
      cr_assert_eq (row (t, b1), row (t, clean), "%s", b1);
      cr_assert_eq (row (t, d1), row (t, clean), "%s", d1);
      g_free (clean);
      g_free (b1);
      g_free (d1);
    }
  cr_assert (row (t, "accuracy clean@") > 0.1, "the network learnt nothing: the copies' "
             "equality would say little");
  for (int s = 2; s <= 5; s++)
    {
      char key[64];
      g_snprintf (key, sizeof key, "accuracy corruption:blocks@%d", s);
      /* One prediction for 40 images, 4 of them of that class. */
      cr_assert_eq (row (t, key), 4.0 / 40.0, "%s = %g", key, row (t, key));
    }
  for (int s = 2; s <= 5; s++)
    {
      char key[64];
      g_snprintf (key, sizeof key, "accuracy corruption:digits-copy@%d", s);
      cr_assert_null (g_hash_table_lookup (t, key), "%s: severity = 1 only", key);
    }
  g_hash_table_unref (t);
  g_free (output);
  g_free (pipeline);
}

Test (stored_run, a_stored_set_with_other_labels_stops_the_run)
{
  write_suite ();
  int32_t labels[5 * N_TEST];
  for (int i = 0; i < 5 * N_TEST; i++)
    labels[i] = (i % N_TEST) % 10;
  labels[2 * N_TEST + 5] = 9;    /* severity 3, image 5 (label 5) */
  g_free (tcs_write_labels (dir, "labels.npy", 5 * N_TEST, labels));
  char *pipeline = write_pipeline ();
  char *output = g_build_filename (dir, "out", NULL);
  GError *error = NULL;
  cr_assert_not (run (pipeline, output, &error), "a different test set was accepted");
  cr_assert_not_null (error);
  cr_assert (strstr (error->message, "[corruption:blocks]"), "%s", error->message);
  cr_assert (strstr (error->message, "labels.npy: row 85 has label 9 but test image 5 has "
                                     "label 5"), "%s", error->message);
  g_error_free (error);
  g_free (output);
  g_free (pipeline);
}

Test (stored_run, a_truncated_stored_file_stops_the_run)
{
  write_suite ();
  char *file = g_build_filename (dir, "blocks.npy", NULL);
  size_t len;
  uint8_t *bytes = tds_slurp (file, &len);
  cr_assert (g_file_set_contents (file, (const char *) bytes, (gssize) len - 1, NULL));
  g_free (bytes);
  char *pipeline = write_pipeline ();
  char *output = g_build_filename (dir, "out", NULL);
  GError *error = NULL;
  cr_assert_not (run (pipeline, output, &error), "a truncated file was accepted");
  cr_assert (strstr (error->message, "[corruption:blocks]"), "%s", error->message);
  cr_assert (strstr (error->message, "blocks.npy: truncated"), "%s", error->message);
  g_error_free (error);
  g_free (output);
  g_free (pipeline);
  g_free (file);
}

Test (stored_run, mnist_c_layout_refuses_severities_it_does_not_store)
{
  write_suite ();
  char *text = g_strdup_printf (
    "[pipeline]\nname = stored\nseed = 3\n"
    "[dataset]\nplugin = corrupted-set\npath = %s\ncorruption = digits\n"
    "[model]\nplugin = mlp\nhidden = 16\n"
    "[train]\nepochs = 1\nbatch-size = 20\n"
    "[metric:accuracy]\nplugin = accuracy\n"
    "[corruption:digits]\nplugin = stored\npath = %s\n", dir, dir);
  char *pipeline = g_build_filename (dir, "mnist.ini", NULL);
  cr_assert (g_file_set_contents (pipeline, text, -1, NULL));
  char *output = g_build_filename (dir, "out", NULL);
  GError *error = NULL;
  cr_assert_not (run (pipeline, output, &error));
  cr_assert (strstr (error->message, "[corruption:digits]"), "%s", error->message);
  cr_assert (strstr (error->message, "severity must be 1, not 2"), "%s", error->message);
  g_error_free (error);
  g_free (output);
  g_free (pipeline);
  g_free (text);
}

/* apply_indexed is optional: a corruption table built before it (shorter
 * by that member) is registered, and the runner's test of it is FALSE
 * whatever lies past the table's end. */
static gpointer
fake_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return GINT_TO_POINTER (1);
}

static void
fake_destroy (gpointer self)
{
}

static gboolean
fake_apply (gpointer self, const InterpTensor *x, double level, InterpRng *rng,
            InterpTensor *out, GError **error)
{
  return TRUE;
}

static gboolean
fake_apply_indexed (gpointer self, const InterpTensor *x, int64_t index, int32_t label,
                    double level, InterpRng *rng, InterpTensor *out, GError **error)
{
  return TRUE;
}

static const InterpParamSpec fake_params[] = {
  { .key = "severity", .type = INTERP_PARAM_INT_LIST, .default_value = "1", .help = "levels" },
  { 0 }
};

static GError *
register_corruption (const InterpCorruptionVTable *vt)
{
  const InterpComponent c = INTERP_COMPONENT (
    .kind = INTERP_KIND_CORRUPTION, .name = "fake", .description = "a test table",
    .params = fake_params, .vtable = vt);
  const InterpComponent *comps[] = { &c };
  const InterpPluginDescriptor d = {
    .abi_version = INTERP_ABI_VERSION, .struct_size = sizeof (InterpPluginDescriptor),
    .name = "fake", .version = "0", .license = "MIT", .description = "in the test",
    .components = comps, .n_components = 1,
  };
  InterpRegistry *reg = interp_registry_new ();
  GError *err = NULL;
  gboolean ok = interp_registry_add (reg, &d, "<test>", &err);
  cr_assert_eq (ok, err == NULL);
  interp_registry_free (reg);
  return err;
}

Test (stored_run, corruption_tables_without_apply_indexed_still_register)
{
  InterpCorruptionVTable vt = {
    INTERP_VTABLE_SIZE (InterpCorruptionVTable), .level_key = "severity",
    .create = fake_create, .destroy = fake_destroy, .apply = fake_apply,
    .apply_indexed = fake_apply_indexed,
  };
  GError *err = register_corruption (&vt);
  cr_assert_null (err, "%s", err ? err->message : "");
  cr_assert (INTERP_CORRUPTION_HAS_APPLY_INDEXED (&vt));

  vt.struct_size = offsetof (InterpCorruptionVTable, apply_indexed);
  err = register_corruption (&vt);
  cr_assert_null (err, "%s", err ? err->message : "");
  cr_assert_not (INTERP_CORRUPTION_HAS_APPLY_INDEXED (&vt), "read past a short table");

  vt.struct_size = sizeof (InterpCorruptionVTable);
  vt.apply_indexed = NULL;
  cr_assert_null (register_corruption (&vt));
  cr_assert_not (INTERP_CORRUPTION_HAS_APPLY_INDEXED (&vt));

  /* Shorter still (no apply) is refused as before. */
  vt.struct_size = offsetof (InterpCorruptionVTable, apply);
  err = register_corruption (&vt);
  cr_assert_not_null (err, "a table without apply was registered");
  cr_assert (g_error_matches (err, INTERP_ERROR, INTERP_ERROR_PLUGIN_INVALID), "%s",
             err->message);
  g_error_free (err);
}

/* The stored component called directly, as the runner calls it. */
static const InterpComponent *
stored_component (void)
{
  const char *builddir = g_getenv ("INTERP_TEST_BUILDDIR");
  cr_assert_not_null (builddir, "INTERP_TEST_BUILDDIR is not set");
  char *path = g_build_filename (builddir, "plugins", "corruptions", ".libs",
                                 "interp-corruptions.so", NULL);
  void *h = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  cr_assert_not_null (h, "%s: %s", path, dlerror ());
  g_free (path);
  InterpPluginDescribeFunc describe = (InterpPluginDescribeFunc) dlsym (h, INTERP_PLUGIN_SYMBOL);
  cr_assert_not_null (describe);
  const InterpPluginDescriptor *desc = describe ();
  for (guint i = 0; i < desc->n_components; i++)
    if (g_str_equal (desc->components[i]->name, "stored"))
      return desc->components[i];
  cr_assert_fail ("no corruption component 'stored'");
  return NULL;
}

Test (stored_run, the_component_checks_index_shape_and_level)
{
  write_suite ();
  const InterpComponent *c = stored_component ();
  const InterpCorruptionVTable *vt = c->vtable;
  cr_assert (INTERP_CORRUPTION_HAS_APPLY_INDEXED (vt));
  char *path = g_strconcat ("path=", dir, NULL);
  const char *pairs[] = { path, "severity=1,4", NULL };
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (c->params, "t.ini: [corruption:blocks]",
                                                  pairs, &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  InterpContext *ctx = interp_context_new (1, 1, NULL);
  gpointer self = vt->create (p, ctx, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");

  InterpTensor *x = interp_tensor_new_4d (1, 1, SIDE, SIDE);
  InterpTensor *out = interp_tensor_new_4d (1, 1, SIDE, SIDE);
  InterpRng rng;
  interp_context_rng (ctx, "test", &rng);
  /* Image 7 (label 7) at severity 4: the constant 180 of block 4. */
  cr_assert (vt->apply_indexed (self, x, 7, 7, 4, &rng, out, &error), "%s",
             error ? error->message : "");
  for (int j = 0; j < SIDE * SIDE; j++)
    cr_assert (out->data[j] == 180.0f * (1.0f / 255.0f), "pixel %d: %g", j, out->data[j]);
  /* Severity 1: image 13 of the clean copy, byte for byte. */
  uint8_t clean[N_TEST * SIDE * SIDE];
  fill_images (clean, N_TEST);
  cr_assert (vt->apply_indexed (self, x, 13, 3, 1, &rng, out, &error));
  for (int j = 0; j < SIDE * SIDE; j++)
    cr_assert (out->data[j] == (float) clean[13 * SIDE * SIDE + j] * (1.0f / 255.0f));

  struct { int64_t index; int32_t label; double level; int code; const char *part; } bad[] = {
    { N_TEST, 0, 1, INTERP_ERROR_SHAPE, "test image 40 has no stored counterpart" },
    { 3, 4, 1, INTERP_ERROR_FORMAT, "row 3 has label 3 but test image 3 has label 4" },
    { 3, 3, 2, INTERP_ERROR_OUT_OF_RANGE, "severity 2 is not one of" },
    { 3, 3, 1.5, INTERP_ERROR_OUT_OF_RANGE, "severity 1.5" },
  };
  for (guint k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      cr_assert_not (vt->apply_indexed (self, x, bad[k].index, bad[k].label, bad[k].level, &rng,
                                        out, &error), "case %u accepted", k);
      cr_assert_eq (error->code, bad[k].code, "case %u: %s", k, error->message);
      cr_assert (strstr (error->message, "t.ini: [corruption:blocks]"), "%s", error->message);
      cr_assert (strstr (error->message, bad[k].part), "%s", error->message);
      g_clear_error (&error);
    }
  InterpTensor *rgb = interp_tensor_new_4d (1, 3, SIDE, SIDE);
  cr_assert_not (vt->apply_indexed (self, rgb, 0, 0, 1, &rng, out, &error));
  cr_assert_eq (error->code, INTERP_ERROR_SHAPE);
  cr_assert (strstr (error->message, "1x8x8 (channels x height x width)"), "%s",
             error->message);
  g_clear_error (&error);
  /* Plain apply cannot know the image: refused, not guessed. */
  cr_assert_not (vt->apply (self, x, 1, &rng, out, &error));
  cr_assert_eq (error->code, INTERP_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  interp_tensor_free (rgb);
  interp_tensor_free (x);
  interp_tensor_free (out);
  vt->destroy (self);
  interp_context_free (ctx);
  interp_params_free (p);
  g_free (path);
}
