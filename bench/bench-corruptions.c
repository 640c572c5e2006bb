/* interp-bench-corruptions: corrupted images per second for every corruption.
 *
 * For every corruption component of the interp-corruptions module and two
 * image sizes (1x28x28 as Fashion-MNIST, 3x32x32 as CIFAR-10), corrupts the
 * same N generated images at each of the five severities and reports the
 * MEDIAN over timed repetitions of images per second (an image at each
 * severity counts once: N * 5 images per repetition).  Images are split over
 * the threads as the runner splits a batch (OpenMP, one random stream per
 * image), so the count is what an evaluation sees.
 *
 * The reference a user would otherwise run -- the generator's NumPy / SciPy /
 * scikit-image / OpenCV code -- is bench/corruptions_reference.py: it reads the
 * same clean images from a .npy file written here, runs with as many worker
 * processes as interp has threads, and reports the same figures.  Both sides
 * also report the mean absolute change from the clean image per severity, a
 * check that the two compute comparable corruptions before their speeds are
 * compared.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <interp/interp.h>
#include <interp/image.h>

#include "host/context-private.h"
#include "host/params-private.h"
#include "plugin/registry.h"
#include "util/fs.h"

static int opt_threads = 2;
static int opt_images = 256;
static int opt_reps = 5;
static gboolean opt_quick = FALSE;
static char *opt_plugins = NULL;
static char *opt_json = NULL;
static char *opt_python = NULL;
static char *opt_reference = NULL;
static char *opt_only = NULL;

static GOptionEntry options[] = {
  { "threads", 't', 0, G_OPTION_ARG_INT, &opt_threads, "threads (and reference processes) (2)",
    "N" },
  { "images", 'n', 0, G_OPTION_ARG_INT, &opt_images, "images per repetition (256)", "N" },
  { "reps", 'r', 0, G_OPTION_ARG_INT, &opt_reps, "timed repetitions, after one warm-up (5)", "N" },
  { "quick", 'q', 0, G_OPTION_ARG_NONE, &opt_quick, "functional check: 16 images, 1 repetition",
    NULL },
  { "plugins", 'p', 0, G_OPTION_ARG_FILENAME, &opt_plugins,
    "folder holding interp-corruptions.so (required)", "DIR" },
  { "only", 0, 0, G_OPTION_ARG_STRING, &opt_only, "comma-separated corruptions to time", "LIST" },
  { "json", 'o', 0, G_OPTION_ARG_FILENAME, &opt_json, "write results as JSON to PATH", "PATH" },
  { "python", 0, 0, G_OPTION_ARG_FILENAME, &opt_python, "python3 with numpy and scipy", "PATH" },
  { "reference", 0, 0, G_OPTION_ARG_FILENAME, &opt_reference,
    "corruptions_reference.py (omit to skip the comparison)", "PATH" },
  { 0 }
};

typedef struct {
  int64_t c, h, w;
  const char *label;   /* "28x28" */
} Size;

static const Size sizes[] = { { 1, 28, 28, "28x28" }, { 3, 32, 32, "32x32" } };

/* Clean images: smooth gradients, a few discs and fine texture, quantised to
 * 8 bits, so blurs, edges and noise all have something to act on. */
static InterpTensor *
make_images (const Size *s, int n)
{
  InterpTensor *t = interp_tensor_new_4d (n, s->c, s->h, s->w);
  InterpRng rng;
  interp_rng_derive (&rng, 1, s->label);
  for (int i = 0; i < n; i++)
    {
      double cx = s->w * interp_rng_uniform (&rng), cy = s->h * interp_rng_uniform (&rng);
      double r = 3 + 0.3 * s->w * interp_rng_uniform (&rng);
      for (int64_t c = 0; c < s->c; c++)
        {
          double base = interp_rng_uniform (&rng);
          float *px = t->data + ((size_t) i * s->c + c) * s->h * s->w;
          for (int64_t y = 0; y < s->h; y++)
            for (int64_t x = 0; x < s->w; x++)
              {
                double v = 0.5 * base + 0.3 * (double) (x + y) / (double) (s->h + s->w);
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r)
                  v += 0.3;
                v += 0.1 * interp_rng_uniform (&rng);
                v = CLAMP (v, 0.0, 1.0);
                px[y * s->w + x] = floorf ((float) v * 255.0f) / 255.0f;
              }
        }
    }
  return t;
}

/* The images as N x H x W x C uint8, NumPy format 1.0, for the reference. */
static gboolean
write_npy (const InterpTensor *t, const char *path, GError **error)
{
  int64_t n = t->shape[0], c = t->shape[1], h = t->shape[2], w = t->shape[3];
  GString *hdr = g_string_new (NULL);
  g_string_printf (hdr, "{'descr': '|u1', 'fortran_order': False, 'shape': (%" G_GINT64_FORMAT
                   ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "), }",
                   n, h, w, c);
  while ((10 + hdr->len + 1) % 64 != 0)
    g_string_append_c (hdr, ' ');
  g_string_append_c (hdr, '\n');
  gsize len = 10 + hdr->len + (gsize) t->numel;
  guint8 *buf = g_malloc (len);
  memcpy (buf, "\x93NUMPY\x01\x00", 8);
  buf[8] = (guint8) (hdr->len & 0xff);
  buf[9] = (guint8) (hdr->len >> 8);
  memcpy (buf + 10, hdr->str, hdr->len);
  guint8 *px = buf + 10 + hdr->len;
  for (int64_t i = 0; i < n; i++)
    for (int64_t y = 0; y < h; y++)
      for (int64_t x = 0; x < w; x++)
        for (int64_t k = 0; k < c; k++)
          {
            float v = t->data[((i * c + k) * h + y) * w + x];
            *px++ = (guint8) lrintf (CLAMP (v, 0.0f, 1.0f) * 255.0f);
          }
  gboolean ok = interp_write_file_atomic (path, (const char *) buf, len, error);
  g_free (buf);
  g_string_free (hdr, TRUE);
  return ok;
}

/* Frost blends photos: the bench makes a folder of generated frost-like
 * textures (bright speckle over grey), only so frost can be timed. */
static char *
make_frost_dir (GError **error)
{
  char *dir = g_dir_make_tmp ("interp-bench-frost-XXXXXX", error);
  if (dir == NULL)
    return NULL;
  InterpRng rng;
  interp_rng_derive (&rng, 1, "frost");
  for (int k = 0; k < 3; k++)
    {
      InterpPixels px = { .width = 320, .height = 240, .channels = 3 };
      px.pixels = g_malloc ((size_t) (px.width * px.height * 3));
      for (int64_t i = 0; i < px.width * px.height * 3; i++)
        px.pixels[i] = (guint8) (128 + 127 * interp_rng_uniform (&rng));
      char *path = g_strdup_printf ("%s/frost%d.png", dir, k + 1);
      gboolean ok = interp_pixels_write_png (&px, path, error);
      g_free (path);
      interp_pixels_clear (&px);
      if (!ok)
        {
          g_free (dir);
          return NULL;
        }
    }
  return dir;
}

typedef struct {
  const char *name;
  const Size *size;
  double img_per_s;         /* median */
  double change[5];         /* mean |corrupted - clean| per severity */
  double ref_img_per_s;     /* NAN: no reference */
  double ref_change[5];
  char *skip;               /* why it was not timed, or NULL */
  char *ref_skip;           /* why the reference did not time it, or NULL */
} Row;

/* Corrupts every image at severity `sev`; FALSE with *error on the first
 * failure (the other threads stop at their next image). */
static gboolean
corrupt_all (const InterpCorruptionVTable *vt, gpointer inst, InterpContext *ctx,
             const char *name, const InterpTensor *clean, int sev, InterpTensor *out,
             GError **error)
{
  int64_t n = clean->shape[0];
  size_t per = interp_tensor_sample_size (clean);
  interp_tensor_reshape (out, clean->ndim, clean->shape);
  gint failed = 0;
  GError *first = NULL;
  #pragma omp parallel for schedule(dynamic, 4)
  for (int64_t i = 0; i < n; i++)
    {
      if (g_atomic_int_get (&failed))
        continue;
      InterpTensor in = { .ndim = 4, .shape = { 1, clean->shape[1], clean->shape[2],
                                                clean->shape[3] },
                          .numel = per, .capacity = per, .data = clean->data + i * per };
      InterpTensor res = in;
      res.data = out->data + i * per;
      char *stream = g_strdup_printf ("corruption:%s/%d/%" G_GINT64_FORMAT, name, sev, i);
      InterpRng rng;
      interp_context_rng (ctx, stream, &rng);
      g_free (stream);
      GError *e = NULL;
      if (!vt->apply (inst, &in, sev, &rng, &res, &e))
        {
          if (g_atomic_int_compare_and_exchange (&failed, 0, 1))
            first = e;
          else
            g_clear_error (&e);
        }
    }
  if (failed)
    {
      g_propagate_error (error, first);
      return FALSE;
    }
  return TRUE;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static gboolean
time_row (const InterpRegistryEntry *e, const char *frost_dir, const InterpTensor *clean,
          InterpContext *ctx, Row *row, GError **error)
{
  const InterpCorruptionVTable *vt = e->component->vtable;
  const char *pairs[2] = { NULL, NULL };
  char *frost = NULL;
  if (strcmp (e->component->name, "frost") == 0)
    pairs[0] = frost = g_strdup_printf ("frost-dir=%s", frost_dir);
  char *where = g_strdup_printf ("bench: [corruption:%s]", e->component->name);
  InterpParams *params = interp_params_new_from_pairs (e->component->params, where, pairs, error);
  g_free (where);
  g_free (frost);
  if (params == NULL)
    return FALSE;
  gpointer inst = vt->create (params, ctx, error);
  if (inst == NULL)
    {
      interp_params_free (params);
      return FALSE;
    }
  InterpTensor *out = interp_tensor_new_4d (1, 1, 1, 1);
  double *secs = g_new (double, opt_reps);
  gboolean ok = TRUE;
  for (int rep = -1; ok && rep < opt_reps; rep++)   /* rep -1: warm-up, and the changes */
    {
      gint64 t0 = g_get_monotonic_time ();
      for (int sev = 1; ok && sev <= 5; sev++)
        {
          ok = corrupt_all (vt, inst, ctx, e->component->name, clean, sev, out, error);
          if (ok && rep < 0)
            {
              double sum = 0;
              for (size_t k = 0; k < clean->numel; k++)
                sum += fabs ((double) out->data[k] - (double) clean->data[k]);
              row->change[sev - 1] = sum / (double) clean->numel;
            }
        }
      if (rep >= 0)
        secs[rep] = (double) (g_get_monotonic_time () - t0) / 1e6;
    }
  if (ok)
    {
      qsort (secs, (size_t) opt_reps, sizeof *secs, cmp_double);
      row->img_per_s = 5.0 * (double) clean->shape[0] / secs[opt_reps / 2];
    }
  g_free (secs);
  interp_tensor_free (out);
  vt->destroy (inst);
  interp_params_free (params);
  return ok;
}

/* Runs the reference; its JSON maps "NAME@SIZE" to img_per_s and change[5],
 * or to a "skip" reason. */
static JsonObject *
run_reference (const char *npy28, const char *npy32, char **why)
{
  char *out = g_build_filename (g_get_tmp_dir (), "interp-bench-corruptions-ref.json", NULL);
  char *threads = g_strdup_printf ("%d", opt_threads), *reps = g_strdup_printf ("%d", opt_reps);
  const char *argv[] = { opt_python, opt_reference, "--images-28", npy28, "--images-32", npy32,
                         "--processes", threads, "--reps", reps, "--json", out,
                         opt_only ? "--only" : NULL, opt_only, NULL };
  GError *err = NULL;
  int status = 0;
  JsonObject *obj = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL,
                     NULL, &status, &err)
      || !g_spawn_check_wait_status (status, &err))
    *why = g_strdup_printf ("reference failed: %s", err->message);
  else
    {
      JsonParser *parser = json_parser_new ();
      if (!json_parser_load_from_file (parser, out, &err))
        *why = g_strdup_printf ("reference output unreadable: %s", err->message);
      else if (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        obj = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
      else
        *why = g_strdup ("reference output is not a JSON object");
      g_object_unref (parser);
    }
  g_clear_error (&err);
  g_remove (out);
  g_free (out);
  g_free (threads);
  g_free (reps);
  return obj;
}

static void
fill_reference (JsonObject *ref, Row *rows, int n_rows)
{
  for (int i = 0; i < n_rows; i++)
    {
      char *key = g_strdup_printf ("%s@%s", rows[i].name, rows[i].size->label);
      JsonObject *o = ref && json_object_has_member (ref, key)
                        ? json_object_get_object_member (ref, key) : NULL;
      g_free (key);
      if (o != NULL && json_object_has_member (o, "skip"))
        rows[i].ref_skip = g_strdup (json_object_get_string_member (o, "skip"));
      if (o == NULL || !json_object_has_member (o, "img_per_s"))
        continue;
      rows[i].ref_img_per_s = json_object_get_double_member (o, "img_per_s");
      JsonArray *ch = json_object_get_array_member (o, "change");
      for (guint s = 0; ch && s < 5 && s < json_array_get_length (ch); s++)
        rows[i].ref_change[s] = json_array_get_double_element (ch, s);
    }
}

static void
print_table (const Row *rows, int n_rows, const char *ref_why)
{
  printf ("%-18s %-6s %12s %12s %7s   %s\n", "corruption", "size", "interp img/s", "ref img/s",
          "ratio", "mean |change| s1..s5: interp / reference");
  for (int i = 0; i < n_rows; i++)
    {
      const Row *r = &rows[i];
      if (r->skip)
        {
          printf ("%-18s %-6s   not timed: %s\n", r->name, r->size->label, r->skip);
          continue;
        }
      printf ("%-18s %-6s %12.0f ", r->name, r->size->label, r->img_per_s);
      if (isfinite (r->ref_img_per_s))
        printf ("%12.0f %6.2fx  ", r->ref_img_per_s, r->img_per_s / r->ref_img_per_s);
      else
        printf ("%12s %7s  ", "-", "-");
      for (int s = 0; s < 5; s++)
        printf (" %.3f", r->change[s]);
      if (isfinite (r->ref_img_per_s))
        {
          printf (" /");
          for (int s = 0; s < 5; s++)
            printf (" %.3f", r->ref_change[s]);
        }
      else if (r->ref_skip)
        printf ("  (reference: %s)", r->ref_skip);
      printf ("\n");
    }
  if (ref_why)
    printf ("reference: %s\n", ref_why);
}

static gboolean
write_json (const char *path, const Row *rows, int n_rows, const char *ref_why, GError **error)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, opt_threads);
  json_builder_set_member_name (b, "images");
  json_builder_add_int_value (b, opt_images);
  json_builder_set_member_name (b, "timing");
  json_builder_add_string_value (b, "median over repetitions of (images x 5 severities) / s");
  if (ref_why)
    {
      json_builder_set_member_name (b, "reference_skipped");
      json_builder_add_string_value (b, ref_why);
    }
  json_builder_set_member_name (b, "corruptions");
  json_builder_begin_array (b);
  for (int i = 0; i < n_rows; i++)
    {
      const Row *r = &rows[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, r->name);
      json_builder_set_member_name (b, "size");
      json_builder_add_string_value (b, r->size->label);
      if (r->skip)
        {
          json_builder_set_member_name (b, "skipped");
          json_builder_add_string_value (b, r->skip);
        }
      else
        {
          json_builder_set_member_name (b, "interp_img_per_s");
          json_builder_add_double_value (b, r->img_per_s);
          if (isfinite (r->ref_img_per_s))
            {
              json_builder_set_member_name (b, "reference_img_per_s");
              json_builder_add_double_value (b, r->ref_img_per_s);
              json_builder_set_member_name (b, "ratio_interp_over_reference");
              json_builder_add_double_value (b, r->img_per_s / r->ref_img_per_s);
            }
          json_builder_set_member_name (b, "interp_mean_abs_change");
          json_builder_begin_array (b);
          for (int s = 0; s < 5; s++)
            json_builder_add_double_value (b, r->change[s]);
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  JsonNode *root = json_builder_get_root (b);
  JsonGenerator *gen = json_generator_new ();
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  gsize len = 0;
  char *text = json_generator_to_data (gen, &len);
  gboolean ok = interp_write_file_atomic (path, text, len, error);
  g_free (text);
  g_object_unref (gen);
  json_node_unref (root);
  g_object_unref (b);
  return ok;
}

static gboolean
wanted (const char *name)
{
  if (opt_only == NULL)
    return TRUE;
  char **names = g_strsplit (opt_only, ",", -1);
  gboolean hit = g_strv_contains ((const char *const *) names, name);
  g_strfreev (names);
  return hit;
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  GOptionContext *oc = g_option_context_new ("- corrupted images per second");
  g_option_context_add_main_entries (oc, options, NULL);
  if (!g_option_context_parse (oc, &argc, &argv, &error))
    {
      fprintf (stderr, "interp-bench-corruptions: %s\n", error->message);
      return 2;
    }
  g_option_context_free (oc);
  if (opt_plugins == NULL || opt_threads < 1 || opt_images < 1 || opt_reps < 1)
    {
      fprintf (stderr, "interp-bench-corruptions: --plugins DIR is required; --threads, "
                       "--images and --reps must be >= 1\n");
      return 2;
    }
  if (opt_quick)
    {
      opt_images = 16;
      opt_reps = 1;
    }
  interp_set_threads (opt_threads);

  InterpRegistry *reg = interp_registry_new ();
  if (!interp_registry_load_dir (reg, opt_plugins, &error))
    {
      fprintf (stderr, "interp-bench-corruptions: %s\n", error->message);
      return 1;
    }
  GPtrArray *entries = interp_registry_list (reg, INTERP_KIND_CORRUPTION);
  if (entries->len == 0)
    {
      fprintf (stderr, "interp-bench-corruptions: no corruption components in %s\n", opt_plugins);
      return 1;
    }
  char *frost_dir = make_frost_dir (&error);
  if (frost_dir == NULL)
    {
      fprintf (stderr, "interp-bench-corruptions: %s\n", error->message);
      return 1;
    }
  InterpContext *ctx = interp_context_new (1, opt_threads, NULL);
  InterpTensor *clean[G_N_ELEMENTS (sizes)];
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    clean[s] = make_images (&sizes[s], opt_images);

  int n_rows = 0;
  Row *rows = g_new0 (Row, entries->len * G_N_ELEMENTS (sizes));
  int status = 0;
  for (guint i = 0; i < entries->len; i++)
    {
      const InterpRegistryEntry *e = g_ptr_array_index (entries, i);
      if (!wanted (e->component->name))
        continue;
      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        {
          Row *r = &rows[n_rows++];
          r->name = e->component->name;
          r->size = &sizes[s];
          r->ref_img_per_s = NAN;
          if (INTERP_CORRUPTION_HAS_APPLY_INDEXED (
                (const InterpCorruptionVTable *) e->component->vtable))
            r->skip = g_strdup ("reads a stored suite from disk (no computation to time)");
          else if (!time_row (e, frost_dir, clean[s], ctx, r, &error))
            {
              /* A corruption that refuses a size (e.g. colour-only) is reported, not fatal. */
              r->skip = g_strdup (error->message);
              if (error->code != INTERP_ERROR_UNSUPPORTED && error->code != INTERP_ERROR_SHAPE)
                status = 1;
              g_clear_error (&error);
            }
          fprintf (stderr, ".");
        }
    }
  fprintf (stderr, "\n");

  char *ref_why = NULL;
  if (opt_reference != NULL && opt_python != NULL && *opt_python)
    {
      char *npy28 = g_build_filename (g_get_tmp_dir (), "interp-bench-clean-28.npy", NULL);
      char *npy32 = g_build_filename (g_get_tmp_dir (), "interp-bench-clean-32.npy", NULL);
      if (write_npy (clean[0], npy28, &error) && write_npy (clean[1], npy32, &error))
        {
          JsonObject *ref = run_reference (npy28, npy32, &ref_why);
          if (ref)
            {
              fill_reference (ref, rows, n_rows);
              json_object_unref (ref);
            }
        }
      else
        {
          ref_why = g_strdup (error->message);
          g_clear_error (&error);
        }
      g_remove (npy28);
      g_remove (npy32);
      g_free (npy28);
      g_free (npy32);
    }
  else
    ref_why = g_strdup ("not run (no python3 or no --reference)");

  print_table (rows, n_rows, ref_why);
  if (opt_json && !write_json (opt_json, rows, n_rows, ref_why, &error))
    {
      fprintf (stderr, "interp-bench-corruptions: %s\n", error->message);
      status = 1;
      g_clear_error (&error);
    }
  for (int i = 0; i < n_rows; i++)
    {
      g_free (rows[i].skip);
      g_free (rows[i].ref_skip);
    }
  g_free (rows);
  g_free (ref_why);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    interp_tensor_free (clean[s]);
  for (int k = 1; k <= 3; k++)
    {
      char *path = g_strdup_printf ("%s/frost%d.png", frost_dir, k);
      g_remove (path);
      g_free (path);
    }
  g_rmdir (frost_dir);
  g_free (frost_dir);
  interp_context_free (ctx);
  g_ptr_array_unref (entries);
  interp_registry_free (reg);
  return status;
}
