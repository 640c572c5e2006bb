/* interp-bench-saliency: saliency-map throughput against PyTorch autograd.
 *
 * Methods, as the saliency plugin computes them (its components compiled
 * into the harness; bench-saliency-data.c):
 *   ig          integrated gradients: 50 Gauss-Legendre steps on [0, 1] (Captum's
 *               default method), zero baseline, the target logit
 *   smoothgrad  the noise tunnel around the vanilla gradient: the mean of 50
 *               gradients at x + N(0, sd^2), sd 0.15 of the image's range
 *               (Smilkov et al. 2017)
 *   gradient    the vanilla gradient, one pass: the baseline of the others
 * on model:cnn (the quickstart's small CNN, 1x28x28) and model:resnet
 * (CIFAR ResNet-20 on Fashion-MNIST padded to 3x32x32), with the weights
 * the attacks bench trains (bench-attacks-data.c; the same files, so one
 * training serves both).  Targets are the labels.
 *
 * Timing: (warm-up + timed) attribute() calls per case, each on a different
 * batch of --batch test images; images per second from the MEDIAN call.
 * The methods' internal batch (--internal-batch images per forward and
 * backward: IG's scaled inputs, SmoothGrad's noisy samples) is the same on
 * the PyTorch side (bench/saliency_reference.py), which runs with
 * torch.set_num_threads = interp's threads.
 *
 * Comparison: the first --compare images are attributed one by one (their
 * own streams) and written, with the images, interp's logits and, for
 * SmoothGrad, every noisy input the noise tunnel handed the gradient, to a
 * file the reference reads: it computes the same maps with autograd on the
 * same weights (SmoothGrad from the same noisy inputs, so the maps are the
 * same function, not only the same distribution) and reports the largest
 * |difference| relative to the largest |value| of interp's map, held against
 * bs_map_tolerance (float32 rounding, derived there).  A difference beyond
 * it, or different clean logits, fails the run.
 *
 * Results: a table on stdout and a JSON file (--json).
 */
#include "config.h"

#include "bench-saliency.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <glib/gstdio.h>

#include <interp/checkpoint.h>
#include <interp/threads.h>

static int opt_threads = 2;
static int opt_warmup = 1;
static int opt_iters = 3;
static int opt_batch = 4;
static int opt_internal = 50;
static int opt_compare = 2;
static int opt_cnn_steps = 400;
static int opt_resnet_steps = 200;
static gboolean opt_quick = FALSE;
static char *opt_data = NULL;
static char *opt_weights = NULL;
static char *opt_json = NULL;
static char *opt_python = NULL;
static char *opt_reference = NULL;

static GOptionEntry options[] = {
  { "threads", 't', 0, G_OPTION_ARG_INT, &opt_threads, "threads for interp and PyTorch (2)", "N" },
  { "warmup", 'w', 0, G_OPTION_ARG_INT, &opt_warmup, "untimed calls per case (1)", "N" },
  { "iters", 'n', 0, G_OPTION_ARG_INT, &opt_iters, "timed calls per case (3)", "N" },
  { "batch", 'b', 0, G_OPTION_ARG_INT, &opt_batch, "images per attribute call (4)", "N" },
  { "internal-batch", 0, 0, G_OPTION_ARG_INT, &opt_internal,
    "images per forward/backward inside IG and SmoothGrad (50)", "N" },
  { "compare", 0, 0, G_OPTION_ARG_INT, &opt_compare,
    "images whose maps are compared with PyTorch's (2)", "N" },
  { "cnn-steps", 0, 0, G_OPTION_ARG_INT, &opt_cnn_steps, "training steps of the CNN (400)", "N" },
  { "resnet-steps", 0, 0, G_OPTION_ARG_INT, &opt_resnet_steps,
    "training steps of ResNet-20 (200)", "N" },
  { "quick", 'q', 0, G_OPTION_ARG_NONE, &opt_quick,
    "functional check: 20 training steps, batch 2, no warm-up, 1 timed call, 1 compared image",
    NULL },
  { "data", 0, 0, G_OPTION_ARG_FILENAME, &opt_data,
    "Fashion-MNIST folder (/usr/share/datasets/fashion-mnist)", "DIR" },
  { "weights-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_weights,
    "trained weights, shared with interp-bench-attacks (required)", "DIR" },
  { "json", 'o', 0, G_OPTION_ARG_FILENAME, &opt_json, "write results as JSON to PATH", "PATH" },
  { "python", 0, 0, G_OPTION_ARG_FILENAME, &opt_python, "python3 with torch", "PATH" },
  { "reference", 0, 0, G_OPTION_ARG_FILENAME, &opt_reference,
    "saliency_reference.py (omit to skip the comparison)", "PATH" },
  { 0 }
};

typedef struct {
  Model m;                   /* m.name: "cnn" or "resnet20" (the reference's model names) */
  int train_steps;
  char *weights;
  double train_s;
  InterpTensor *x, *logits;  /* the timed images, (warmup + iters) * batch */
  int32_t *labels;
} Net;

typedef struct {
  char *name;                /* "cnn-ig" */
  Net *net;
  BsKind kind;
  char *file;                /* what the reference reads */
  Timing t;
  double img_per_s, best_img_per_s;
  double tolerance;
  double delta_mean_abs;     /* IG: mean |completeness delta| of the compared images */
  /* the reference, NAN when it did not run */
  double ref_img_per_s, ref_best_img_per_s, map_diff, ref_delta_mean_abs, ref_logits_diff;
  double interp_f64_diff, pytorch_f64_diff;   /* each float32 map vs PyTorch's float64 one */
} SalCase;

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static InterpTensor
images (const InterpTensor *x, int64_t first, int64_t n)
{
  InterpTensor v = *x;
  int64_t per = (int64_t) interp_tensor_sample_size (x);
  v.shape[0] = n;
  v.numel = v.capacity = (size_t) (n * per);
  v.data = x->data + first * per;
  return v;
}

/* Times the method on every batch of the case's images. */
static gboolean
time_method (SalCase *c, BsMethod *m, GError **error)
{
  Net *net = c->net;
  InterpTensor *attr = interp_tensor_new_4d (opt_batch, net->m.c, net->m.h, net->m.w);
  double *delta = g_new (double, opt_batch);
  double *times = g_new (double, opt_iters);
  gboolean ok = TRUE;
  for (int r = 0; r < opt_warmup + opt_iters && ok; r++)
    {
      InterpTensor xb = images (net->x, (int64_t) r * opt_batch, opt_batch);
      InterpRng rng;
      g_autofree char *stream = g_strdup_printf ("bench-saliency/%s/batch-%d", c->name, r);
      interp_rng_derive (&rng, 1, stream);
      double t0 = now_seconds ();
      ok = m->vt->attribute (m->self, net->m.net, &xb, net->labels + (size_t) r * opt_batch,
                             &rng, attr, delta, error);
      double t = now_seconds () - t0;
      if (r >= opt_warmup)
        times[r - opt_warmup] = t;
    }
  if (ok)
    {
      qsort (times, (size_t) opt_iters, sizeof *times, compare_doubles);
      c->t.min = times[0];
      c->t.max = times[opt_iters - 1];
      c->t.median = opt_iters % 2 ? times[opt_iters / 2]
                                  : 0.5 * (times[opt_iters / 2 - 1] + times[opt_iters / 2]);
      c->img_per_s = opt_batch / c->t.median;
      c->best_img_per_s = opt_batch / c->t.min;
    }
  g_free (times);
  g_free (delta);
  interp_tensor_free (attr);
  return ok;
}

/* Attributes the first --compare images one by one and writes what the
 * reference needs to compute the same maps: "x" (the timed images), "targets"
 * and "logits" of them, "cmaps" (interp's maps of the compared images),
 * "cdelta" (their completeness deltas; NaN for methods without) and, for
 * SmoothGrad, "noisy": every noisy input of compared image 0, then 1, ...
 * (path NULL: the maps are computed, nothing written). */
static gboolean
compare_maps (SalCase *c, BsMethod *m, const char *path, GError **error)
{
  Net *net = c->net;
  const int64_t nc = opt_compare, per = (int64_t) interp_tensor_sample_size (net->x);
  InterpTensor *maps = interp_tensor_new_4d (nc, net->m.c, net->m.h, net->m.w);
  InterpTensor *deltas = interp_tensor_new_2d (nc, 1);
  gboolean ok = TRUE;
  double sum_delta = 0;
  g_array_set_size (m->recorded, 0);
  m->recording = TRUE;
  for (int64_t i = 0; i < nc && ok; i++)
    {
      InterpTensor xi = images (net->x, i, 1);
      InterpTensor ai = images (maps, i, 1);
      InterpRng rng;
      g_autofree char *stream = g_strdup_printf ("bench-saliency/%s/compare-%" G_GINT64_FORMAT,
                                                 c->name, i);
      interp_rng_derive (&rng, 1, stream);
      double delta = NAN;
      ok = m->vt->attribute (m->self, net->m.net, &xi, net->labels + i, &rng, &ai, &delta,
                             error);
      deltas->data[i] = (float) delta;
      sum_delta += fabs (delta);
    }
  m->recording = FALSE;
  c->delta_mean_abs = c->kind == BS_IG ? sum_delta / (double) nc : NAN;
  if (ok && c->kind == BS_SMOOTHGRAD
      && m->recorded->len != (guint) (nc * bs_kind_passes (c->kind) * per))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                   "%s: the noise tunnel attributed %u noisy values, expected %" G_GINT64_FORMAT
                   " (%d samples of %" G_GINT64_FORMAT " images)", c->name, m->recorded->len,
                   nc * bs_kind_passes (c->kind) * per, bs_kind_passes (c->kind), nc);
      ok = FALSE;
    }
  if (ok && path)
    {
      InterpTensor *targets = interp_tensor_new_2d (net->x->shape[0], 1);
      for (int64_t i = 0; i < net->x->shape[0]; i++)
        targets->data[i] = (float) net->labels[i];   /* exact: classes are < 2^24 */
      InterpTensor *noisy = NULL;
      if (c->kind == BS_SMOOTHGRAD)
        {
          noisy = interp_tensor_new_4d (nc * bs_kind_passes (c->kind), net->m.c, net->m.h,
                                        net->m.w);
          memcpy (noisy->data, m->recorded->data, noisy->numel * sizeof (float));
        }
      const char *names[] = { "x", "targets", "logits", "cmaps", "cdelta", "noisy" };
      InterpTensor *tensors[] = { net->x, targets, net->logits, maps, deltas, noisy };
      ok = interp_safetensors_write (path, names, tensors, noisy ? 6 : 5, NULL, error);
      interp_tensor_free (targets);
      interp_tensor_free (noisy);
    }
  g_array_set_size (m->recorded, 0);
  interp_tensor_free (maps);
  interp_tensor_free (deltas);
  return ok;
}

static gboolean
run_case (SalCase *c, GError **error)
{
  BsMethod m;
  if (!bs_method_create (&m, c->kind, opt_internal, opt_threads, error))
    {
      bs_method_destroy (&m);
      return FALSE;
    }
  c->tolerance = bs_map_tolerance (c->net->m.net, c->kind);
  fprintf (stderr, "interp: %s: %d passes per image, batch %d\n", c->name,
           bs_kind_passes (c->kind), opt_batch);
  gboolean ok = time_method (c, &m, error) && compare_maps (c, &m, c->file, error);
  bs_method_destroy (&m);
  return ok;
}

static JsonNode *
run_reference (SalCase *cases, int n_cases, char **why)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (opt_python));
  g_ptr_array_add (argv, g_strdup (opt_reference));
  g_ptr_array_add (argv, g_strdup_printf ("--threads=%d", opt_threads));
  g_ptr_array_add (argv, g_strdup_printf ("--warmup=%d", opt_warmup));
  g_ptr_array_add (argv, g_strdup_printf ("--iters=%d", opt_iters));
  g_ptr_array_add (argv, g_strdup_printf ("--batch=%d", opt_batch));
  g_ptr_array_add (argv, g_strdup_printf ("--internal-batch=%d", opt_internal));
  for (int i = 0; i < n_cases; i++)
    g_ptr_array_add (argv, g_strdup_printf ("--case=%s=%s,%s,%s,%s", cases[i].name,
                                            cases[i].net->m.name, bs_kind_name (cases[i].kind),
                                            cases[i].net->weights, cases[i].file));
  g_ptr_array_add (argv, NULL);
  return bench_spawn_json ((char **) argv->pdata, why);
}

/* ---- output ------------------------------------------------------------------ */

static void
add_number (JsonBuilder *b, const char *key, double v)
{
  json_builder_set_member_name (b, key);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b, const char *key, int64_t v)
{
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, v);
}

static gboolean
write_json (const char *path, const char *cpu, SalCase *cases, int n_cases, long rss_kib,
            const double load[2], JsonObject *ref, const char *ref_why, GError **error)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "interp_version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "cpu");
  json_builder_add_string_value (b, cpu);
  add_number (b, "load_average_start", load[0]);
  add_number (b, "load_average_end", load[1]);
  add_int (b, "threads", opt_threads);
  add_int (b, "warmup", opt_warmup);
  add_int (b, "iters", opt_iters);
  add_int (b, "batch", opt_batch);
  add_int (b, "internal_batch", opt_internal);
  add_int (b, "compared_images", opt_compare);
  json_builder_set_member_name (b, "cases");
  json_builder_begin_object (b);
  for (int i = 0; i < n_cases; i++)
    {
      SalCase *c = &cases[i];
      json_builder_set_member_name (b, c->name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, c->net->m.name);
      json_builder_set_member_name (b, "method");
      json_builder_add_string_value (b, bs_kind_name (c->kind));
      add_int (b, "passes_per_image", bs_kind_passes (c->kind));
      add_int (b, "train_steps", c->net->train_steps);
      add_number (b, "train_s", c->net->train_s);
      add_number (b, "interp_median_s", c->t.median);
      add_number (b, "interp_min_s", c->t.min);
      add_number (b, "interp_img_per_s", c->img_per_s);
      add_number (b, "interp_best_img_per_s", c->best_img_per_s);
      add_number (b, "pytorch_img_per_s", c->ref_img_per_s);
      add_number (b, "pytorch_best_img_per_s", c->ref_best_img_per_s);
      add_number (b, "ratio_interp_over_pytorch", c->img_per_s / c->ref_img_per_s);
      add_number (b, "map_max_abs_diff_rel", c->map_diff);
      add_number (b, "map_tolerance_rel", c->tolerance);
      add_number (b, "map_max_abs_diff_rel_interp_f64", c->interp_f64_diff);
      add_number (b, "map_max_abs_diff_rel_pytorch_f64", c->pytorch_f64_diff);
      add_number (b, "delta_mean_abs_interp", c->delta_mean_abs);
      add_number (b, "delta_mean_abs_pytorch", c->ref_delta_mean_abs);
      add_number (b, "clean_logits_max_abs_diff", c->ref_logits_diff);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "peak_rss_kib");
  json_builder_begin_object (b);
  add_int (b, "interp", rss_kib);
  add_number (b, "pytorch", ref ? bench_ref_double (ref, NULL, "peak_rss_kib", NULL) : NAN);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "pytorch");
  if (ref)
    json_builder_add_value (b, json_node_init_object (json_node_alloc (), ref));
  else
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "unavailable");
      json_builder_add_string_value (b, ref_why ? ref_why : "not run");
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  JsonGenerator *gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  JsonNode *root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  gboolean ok = json_generator_to_file (gen, path, error);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  return ok;
}

static void
print_table (const char *cpu, SalCase *cases, int n_cases, const double load[2])
{
  printf ("\ninterp-bench-saliency: %d threads; CPU %s; load average %.2f at the start, %.2f "
          "at the end\n", opt_threads, cpu, load[0], load[1]);
  printf ("%-20s %5s %7s %12s %13s %6s %13s %10s %17s\n", "case", "batch", "passes",
          "interp img/s", "PyTorch img/s", "ratio", "max map diff", "tolerance",
          "vs f64 i / pt");
  for (int i = 0; i < n_cases; i++)
    {
      SalCase *c = &cases[i];
      char ref[32] = "n/a", ratio[32] = "n/a", diff[32] = "n/a", f64[48] = "n/a";
      if (isfinite (c->ref_img_per_s))
        {
          g_snprintf (ref, sizeof ref, "%.2f", c->ref_img_per_s);
          g_snprintf (ratio, sizeof ratio, "%.2f", c->img_per_s / c->ref_img_per_s);
        }
      if (isfinite (c->map_diff))
        g_snprintf (diff, sizeof diff, "%.2e", c->map_diff);
      if (isfinite (c->interp_f64_diff))
        g_snprintf (f64, sizeof f64, "%.1e / %.1e", c->interp_f64_diff, c->pytorch_f64_diff);
      printf ("%-20s %5d %7d %12.2f %13s %6s %13s %10.2e %17s\n", c->name, opt_batch,
              bs_kind_passes (c->kind), c->img_per_s, ref, ratio, diff, c->tolerance, f64);
    }
  printf ("\nimg/s: images (maps) per second of the median call; max map diff: the largest "
          "|interp - PyTorch| over %d images per case, relative to the largest |value| of "
          "interp's map (SmoothGrad from the same noisy inputs); vs f64: the same for interp's and "
          "PyTorch's float32 maps against PyTorch's float64 map\n", opt_compare);
}

/* ---- main ------------------------------------------------------------------- */

static gboolean
prepare_net (Net *n, BaData *data, GError **error)
{
  n->m.net = bench_build_model (n->m.comp, n->m.c, n->m.h, n->m.w, 10, error);
  if (n->m.net == NULL)
    return FALSE;
  /* The attacks bench's file name: one training serves both benches. */
  g_autofree char *file = g_strdup_printf ("attack-%s-%dsteps.safetensors", n->m.name,
                                           n->train_steps);
  n->weights = g_build_filename (opt_weights, file, NULL);
  if (!ba_train_or_load (data, n->m.net, n->m.c, n->m.h, n->m.w, n->train_steps, 1, n->weights,
                         &n->train_s, error))
    return FALSE;
  const int64_t count = (int64_t) (opt_warmup + opt_iters) * opt_batch;
  n->x = interp_tensor_new_4d (count, n->m.c, n->m.h, n->m.w);
  n->labels = g_new (int32_t, count);
  int64_t *idx = g_new (int64_t, count);
  for (int64_t i = 0; i < count; i++)
    idx[i] = i;   /* the first test images, the same on both sides */
  gboolean ok = ba_data_read (data, INTERP_SPLIT_TEST, idx, count, n->m.c, n->m.h, n->m.w, n->x,
                              n->labels, error);
  g_free (idx);
  if (ok)
    ok = (n->logits = bs_logits (n->m.net, n->x, error)) != NULL;
  return ok;
}

/* Reads the reference's numbers of every case; the run's status. */
static int
read_reference (JsonObject *ref, SalCase *cases, int n_cases)
{
  int status = 0;
  for (int i = 0; i < n_cases; i++)
    {
      SalCase *c = &cases[i];
      c->ref_img_per_s = bench_ref_double (ref, "cases", c->name, "img_per_s");
      c->ref_best_img_per_s = bench_ref_double (ref, "cases", c->name, "best_img_per_s");
      c->map_diff = bench_ref_double (ref, "cases", c->name, "map_max_abs_diff_rel");
      c->ref_delta_mean_abs = bench_ref_double (ref, "cases", c->name, "delta_mean_abs");
      c->ref_logits_diff = bench_ref_double (ref, "cases", c->name, "logits_max_abs");
      c->interp_f64_diff = bench_ref_double (ref, "cases", c->name,
                                             "map_max_abs_diff_rel_interp_f64");
      c->pytorch_f64_diff = bench_ref_double (ref, "cases", c->name,
                                              "map_max_abs_diff_rel_pytorch_f64");
      double same = bench_ref_double (ref, "cases", c->name, "same_weights");
      if (same != 1.0)
        {
          fprintf (stderr, "interp-bench-saliency: WARNING: %s: PyTorch's clean logits with "
                   "interp's weights differ (max |diff| %.3g): not the same model\n", c->name,
                   c->ref_logits_diff);
          status = 1;
        }
      else if (c->map_diff <= c->tolerance)
        fprintf (stderr, "interp-bench-saliency: %s: same clean logits (max |diff| %.2g), maps "
                 "within %.2g of their largest value (tolerance %.2g)\n", c->name,
                 c->ref_logits_diff, c->map_diff, c->tolerance);
      /* Beyond rounding: a ReLU gate can flip.  ResNet-20 has ~2 x 10^5
       * ReLUs per image, times 50 passes; a pre-activation within rounding
       * of 0 takes the other side of its gate on one side only, a jump the
       * rounding model does not bound.  The float64 map (PyTorch's, a
       * float64 copy of the model on the same inputs) tells that from a
       * wrong map: interp's distance to it is accepted when within twice
       * PyTorch float32's own (two float32 computations of the same kind,
       * each may hit a flip the other does not). */
      else if (c->interp_f64_diff <= MAX (c->tolerance, 2.0 * c->pytorch_f64_diff))
        fprintf (stderr, "interp-bench-saliency: %s: maps differ from PyTorch's by %.2g of "
                 "their largest value, beyond float32 rounding (%.2g), but from the float64 "
                 "map by %.2g (interp) vs %.2g (PyTorch float32): gate flips, not a "
                 "different map\n", c->name, c->map_diff, c->tolerance, c->interp_f64_diff,
                 c->pytorch_f64_diff);
      else
        {
          fprintf (stderr, "interp-bench-saliency: WARNING: %s: maps differ from PyTorch's by "
                   "%.3g of their largest value, more than float32 rounding explains (%.3g), "
                   "and from the float64 map by %.3g, more than twice PyTorch float32's "
                   "%.3g\n", c->name, c->map_diff, c->tolerance, c->interp_f64_diff,
                   c->pytorch_f64_diff);
          status = 1;
        }
    }
  return status;
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  GOptionContext *octx = g_option_context_new ("- saliency map throughput, interp vs PyTorch");
  g_option_context_add_main_entries (octx, options, NULL);
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    {
      fprintf (stderr, "interp-bench-saliency: %s\n", error->message);
      return 2;
    }
  g_option_context_free (octx);
  if (opt_quick)
    {
      opt_warmup = 0;
      opt_iters = 1;
      opt_batch = 2;
      opt_compare = 1;
      opt_cnn_steps = opt_resnet_steps = 20;
    }
  if (opt_threads < 1 || opt_warmup < 0 || opt_iters < 1 || opt_batch < 1 || opt_internal < 1
      || opt_compare < 1 || opt_cnn_steps < 1 || opt_resnet_steps < 1)
    {
      fprintf (stderr, "interp-bench-saliency: threads, iters, batch, internal-batch, compare "
               "and steps must be >= 1\n");
      return 2;
    }
  if (opt_weights == NULL)
    {
      fprintf (stderr, "interp-bench-saliency: --weights-dir is required\n");
      return 2;
    }
  if ((int64_t) (opt_warmup + opt_iters) * opt_batch > 10000
      || opt_compare > (opt_warmup + opt_iters) * opt_batch)
    {
      fprintf (stderr, "interp-bench-saliency: (warmup + iters) x batch must be at most the "
               "10000 test images, and at least --compare\n");
      return 2;
    }
  interp_set_threads (opt_threads);
  g_autofree char *cpu = bench_cpu_model ();
  double load[2] = { bench_load_average (), NAN };
  if (g_mkdir_with_parents (opt_weights, 0755) != 0)
    {
      fprintf (stderr, "interp-bench-saliency: %s: cannot create\n", opt_weights);
      return 1;
    }
  BaData data;
  if (!ba_data_open (&data, opt_data ? opt_data : "/usr/share/datasets/fashion-mnist", &error))
    {
      fprintf (stderr, "interp-bench-saliency: %s\n", error->message);
      return 1;
    }
  Net nets[] = {
    { .train_steps = opt_cnn_steps,
      .m = { .name = "cnn", .comp = &models_cnn_component, .c = 1, .h = 28, .w = 28 } },
    { .train_steps = opt_resnet_steps,
      .m = { .name = "resnet20", .comp = &models_resnet_component, .c = 3, .h = 32, .w = 32 } },
  };
  const BsKind kinds[] = { BS_IG, BS_SMOOTHGRAD };
  const int n_nets = G_N_ELEMENTS (nets), n_kinds = G_N_ELEMENTS (kinds);
  const int n_cases = n_nets * n_kinds;
  SalCase *cases = g_new0 (SalCase, n_cases);
  gboolean want_ref = opt_reference && opt_python && *opt_python;
  g_autofree char *tmp = want_ref ? g_dir_make_tmp ("interp-bench-saliency-XXXXXX", &error)
                                  : NULL;
  if (want_ref && tmp == NULL)
    {
      fprintf (stderr, "interp-bench-saliency: %s\n", error->message);
      return 1;
    }
  int status = 0;
  for (int i = 0; i < n_nets && status == 0; i++)
    if (!prepare_net (&nets[i], &data, &error))
      {
        fprintf (stderr, "interp-bench-saliency: %s: %s\n", nets[i].m.name, error->message);
        g_clear_error (&error);
        status = 1;
      }
  ba_data_close (&data);
  for (int i = 0; i < n_cases && status == 0; i++)
    {
      SalCase *c = &cases[i];
      c->net = &nets[i / n_kinds];
      c->kind = kinds[i % n_kinds];
      c->name = g_strdup_printf ("%s-%s", c->net->m.name, bs_kind_name (c->kind));
      c->ref_img_per_s = c->ref_best_img_per_s = c->map_diff = NAN;
      c->ref_delta_mean_abs = c->ref_logits_diff = NAN;
      c->interp_f64_diff = c->pytorch_f64_diff = NAN;
      g_autofree char *file = g_strconcat (c->name, ".safetensors", NULL);
      c->file = tmp ? g_build_filename (tmp, file, NULL) : NULL;
      if (!run_case (c, &error))
        {
          fprintf (stderr, "interp-bench-saliency: %s: %s\n", c->name, error->message);
          g_clear_error (&error);
          status = 1;
        }
    }
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  long rss_kib = ru.ru_maxrss;   /* Linux: kilobytes */

  JsonNode *ref_root = NULL;
  g_autofree char *ref_why = NULL;
  if (want_ref && status == 0)
    ref_root = run_reference (cases, n_cases, &ref_why);
  else
    ref_why = g_strdup (want_ref ? "interp failed" : "no --python/--reference given");
  if (tmp)
    {
      for (int i = 0; i < n_cases; i++)
        if (cases[i].file)
          g_unlink (cases[i].file);
      g_rmdir (tmp);
    }
  JsonObject *ref = ref_root && JSON_NODE_HOLDS_OBJECT (ref_root)
                    ? json_node_get_object (ref_root) : NULL;
  if (ref)
    {
      if (read_reference (ref, cases, n_cases) != 0)
        status = 1;
    }
  else
    fprintf (stderr, "interp-bench-saliency: no PyTorch comparison: %s\n", ref_why);

  if (status == 0 || ref)
    {
      load[1] = bench_load_average ();
      print_table (cpu, cases, n_cases, load);
      if (opt_json)
        {
          if (!write_json (opt_json, cpu, cases, n_cases, rss_kib, load, ref, ref_why, &error))
            {
              fprintf (stderr, "interp-bench-saliency: %s\n", error->message);
              g_clear_error (&error);
              status = 1;
            }
          else
            printf ("results: %s\n", opt_json);
        }
    }
  for (int i = 0; i < n_cases; i++)
    {
      g_free (cases[i].name);
      g_free (cases[i].file);
    }
  g_free (cases);
  for (int i = 0; i < n_nets; i++)
    {
      interp_net_free (nets[i].m.net);
      interp_tensor_free (nets[i].x);
      interp_tensor_free (nets[i].logits);
      g_free (nets[i].labels);
      g_free (nets[i].weights);
    }
  if (ref_root)
    json_node_unref (ref_root);
  return status;
}
