/* interp-bench: training and inference throughput against PyTorch.
 *
 * Times, after warm-up, the MEDIAN over timed iterations of
 *   cnn-train       training step of model:cnn (defaults) on 1x28x28, batch 128
 *   resnet20-train  training step of model:resnet (CIFAR ResNet-20) on 3x32x32, batch 128
 *   cnn-infer, resnet20-infer   eval-mode forward at batch 256
 * where a training step is forward, mean softmax cross-entropy, backward
 * and an SGD step (interp_optim: momentum 0.9, weight decay 5e-4, lr 0.01).  The nets are
 * built by the model plugins' own code with their default parameters, after
 * a "normalize" node as the core adds one, so what is timed is what a
 * pipeline trains.  bench/pytorch_reference.py builds the same
 * architectures and times them the same way; its JSON is read back here.
 *
 * It also measures the machine's single-call cblas_sgemm peak (M = N = K =
 * 1024, best of the timed calls) and, for every distinct convolution of the
 * two models, the GFLOP/s of that layer alone (forward; forward + backward
 * with the input gradient), as a fraction of that peak.  FLOPs count a
 * multiply-add as 2: a convolution is 2 * N * Cout * Hout * Wout * Cin * k * k
 * forward and, nominally, 3x that for a training step (forward, d/dinput,
 * d/dweight); model-level GFLOP/s counts convolutions and linear layers.
 *
 * Results: a table on stdout and a JSON file (--json).
 *
 * This file holds the options, main, the table and the JSON; the cases are
 * timed in bench-cases.c and the reference is run by bench-reference.c.
 */
#include "config.h"

#include "bench.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include <interp/threads.h>

static int opt_threads = 2;
static int opt_warmup = 5;
static int opt_iters = 30;
static int opt_train_batch = 128;
static int opt_infer_batch = 256;
static gboolean opt_quick = FALSE;
static char *opt_json = NULL;
static char *opt_python = NULL;
static char *opt_reference = NULL;

/* The machine's FP32 FMA peak (bench-machine.c) and the instruction set it
 * was measured with, or NULL. */
static double fma_peak = NAN;
static const char *fma_isa = NULL;

static GOptionEntry options[] = {
  { "threads", 't', 0, G_OPTION_ARG_INT, &opt_threads, "threads for interp and PyTorch (2)", "N" },
  { "warmup", 'w', 0, G_OPTION_ARG_INT, &opt_warmup, "untimed iterations per case (5)", "N" },
  { "iters", 'n', 0, G_OPTION_ARG_INT, &opt_iters, "timed iterations per case (30)", "N" },
  { "train-batch", 0, 0, G_OPTION_ARG_INT, &opt_train_batch, "training batch size (128)", "N" },
  { "infer-batch", 0, 0, G_OPTION_ARG_INT, &opt_infer_batch, "inference batch size (256)", "N" },
  { "quick", 'q', 0, G_OPTION_ARG_NONE, &opt_quick,
    "functional check: 1 warm-up and 3 timed iterations", NULL },
  { "json", 'o', 0, G_OPTION_ARG_FILENAME, &opt_json, "write results as JSON to PATH", "PATH" },
  { "python", 0, 0, G_OPTION_ARG_FILENAME, &opt_python, "python3 with torch", "PATH" },
  { "reference", 0, 0, G_OPTION_ARG_FILENAME, &opt_reference,
    "pytorch_reference.py (omit to skip the comparison)", "PATH" },
  { 0 }
};

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

static gboolean
write_json (const char *path, Case *cases, int n_cases, Model *models, int n_models,
            double peak, double peak_median, long rss_kib, JsonObject *ref, const char *ref_why,
            GError **error)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "interp_version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, opt_threads);
  json_builder_set_member_name (b, "warmup");
  json_builder_add_int_value (b, opt_warmup);
  json_builder_set_member_name (b, "iters");
  json_builder_add_int_value (b, opt_iters);
  json_builder_set_member_name (b, "timing");
  json_builder_add_string_value (b, "median seconds per step after warm-up");
  json_builder_set_member_name (b, "sgemm");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mnk");
  json_builder_add_int_value (b, 1024);
  add_number (b, "peak_gflops", peak);
  add_number (b, "median_gflops", peak_median);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "fma_peak");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "isa");
  if (fma_isa)
    json_builder_add_string_value (b, fma_isa);
  else
    json_builder_add_null_value (b);
  add_number (b, "gflops", fma_peak);
  json_builder_end_object (b);
  g_autofree char *cpu = bench_cpu_model ();
  json_builder_set_member_name (b, "cpu");
  json_builder_add_string_value (b, cpu);
  json_builder_set_member_name (b, "openblas_coretype");
  if (g_getenv ("OPENBLAS_CORETYPE"))
    json_builder_add_string_value (b, g_getenv ("OPENBLAS_CORETYPE"));
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "cases");
  json_builder_begin_object (b);
  for (int i = 0; i < n_cases; i++)
    {
      Case *c = &cases[i];
      json_builder_set_member_name (b, c->name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "batch");
      json_builder_add_int_value (b, c->batch);
      add_number (b, "interp_median_s", c->t.median);
      add_number (b, "interp_min_s", c->t.min);
      add_number (b, "interp_max_s", c->t.max);
      add_number (b, "interp_img_per_s", c->img_per_s);
      add_number (b, "pytorch_img_per_s", c->ref_img_per_s);
      add_number (b, "ratio_interp_over_pytorch", c->img_per_s / c->ref_img_per_s);
      add_number (b, "interp_gflops", c->gflops);
      add_number (b, "fraction_of_sgemm_peak", c->gflops / peak);
      add_number (b, "fraction_of_fma_peak", c->gflops / fma_peak);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "conv_layers");
  json_builder_begin_array (b);
  for (int i = 0; i < n_models; i++)
    for (guint k = 0; k < models[i].convs->len; k++)
      {
        ConvShape *cs = &g_array_index (models[i].convs, ConvShape, k);
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "model");
        json_builder_add_string_value (b, models[i].name);
        json_builder_set_member_name (b, "node");
        json_builder_add_string_value (b, cs->node);
        json_builder_set_member_name (b, "count");
        json_builder_add_int_value (b, cs->count);
        json_builder_set_member_name (b, "input");
        g_autofree char *in = g_strdup_printf ("%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%"
                                               G_GINT64_FORMAT, cs->cin, cs->h, cs->w);
        json_builder_add_string_value (b, in);
        json_builder_set_member_name (b, "output");
        g_autofree char *out = g_strdup_printf ("%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%"
                                                G_GINT64_FORMAT, cs->cout, cs->oh, cs->ow);
        json_builder_add_string_value (b, out);
        json_builder_set_member_name (b, "kernel");
        json_builder_add_int_value (b, cs->kernel);
        json_builder_set_member_name (b, "stride");
        json_builder_add_int_value (b, cs->stride);
        json_builder_set_member_name (b, "padding");
        json_builder_add_int_value (b, cs->padding);
        json_builder_set_member_name (b, "batch");
        json_builder_add_int_value (b, opt_train_batch);
        add_number (b, "forward_gflops", cs->fwd_gflops);
        add_number (b, "forward_fraction_of_peak", cs->fwd_gflops / peak);
        add_number (b, "train_gflops", cs->train_gflops);
        add_number (b, "train_fraction_of_peak", cs->train_gflops / peak);
        json_builder_end_object (b);
      }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "peak_rss_kib");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "interp");
  json_builder_add_int_value (b, rss_kib);
  add_number (b, "pytorch", ref ? bench_ref_double (ref, NULL, "peak_rss_kib", NULL) : NAN);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "pytorch");
  if (ref)
    {
      JsonNode *copy = json_node_alloc ();
      json_node_init_object (copy, ref);
      json_builder_add_value (b, copy);
    }
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
  gsize len = 0;
  g_autofree char *text = json_generator_to_data (gen, &len);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  /* Temp file + rename: an interrupted run leaves the old file intact. */
  return g_file_set_contents (path, text, (gssize) len, error);
}

static void
print_tables (Case *cases, int n_cases, Model *models, int n_models, double peak,
              double peak_median, long rss_kib, double ref_rss_kib)
{
  printf ("\ninterp-bench: %d threads, median of %d steps after %d warm-up\n", opt_threads,
          opt_iters, opt_warmup);
  g_autofree char *cpu = bench_cpu_model ();
  const char *core = g_getenv ("OPENBLAS_CORETYPE");
  printf ("CPU: %s; OPENBLAS_CORETYPE=%s\n", cpu, core ? core : "(unset)");
  printf ("FP32 FMA peak (%s loop, %d threads): %.1f GFLOP/s\n", fma_isa ? fma_isa : "no FMA",
          opt_threads, fma_peak);
  printf ("cblas_sgemm 1024^3: peak %.1f GFLOP/s (median %.1f), %.1f%% of the FMA peak\n\n",
          peak, peak_median, 100.0 * peak / fma_peak);
  printf ("%-16s %6s %13s %14s %9s %12s %7s %7s\n", "case", "batch", "interp img/s",
          "PyTorch img/s", "ratio", "interp GF/s", "% sgemm", "% FMA");
  for (int i = 0; i < n_cases; i++)
    {
      Case *c = &cases[i];
      char ref[32] = "n/a", ratio[32] = "n/a";
      if (isfinite (c->ref_img_per_s))
        {
          g_snprintf (ref, sizeof ref, "%.1f", c->ref_img_per_s);
          g_snprintf (ratio, sizeof ratio, "%.2f", c->img_per_s / c->ref_img_per_s);
        }
      printf ("%-16s %6d %13.1f %14s %9s %12.1f %6.1f%% %6.1f%%\n", c->name, c->batch,
              c->img_per_s, ref, ratio, c->gflops, 100.0 * c->gflops / peak,
              100.0 * c->gflops / fma_peak);
    }
  printf ("\nconvolutions alone, batch %d (GFLOP/s and %% of the sgemm peak):\n",
          opt_train_batch);
  printf ("%-9s %-18s %-12s %-12s %-8s %3s %9s %6s %11s %6s\n", "model", "first node", "input",
          "output", "k/s/p", "n", "fwd GF/s", "%", "train GF/s", "%");
  for (int i = 0; i < n_models; i++)
    for (guint k = 0; k < models[i].convs->len; k++)
      {
        ConvShape *cs = &g_array_index (models[i].convs, ConvShape, k);
        g_autofree char *in = g_strdup_printf ("%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%"
                                               G_GINT64_FORMAT, cs->cin, cs->h, cs->w);
        g_autofree char *out = g_strdup_printf ("%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%"
                                                G_GINT64_FORMAT, cs->cout, cs->oh, cs->ow);
        g_autofree char *ksp = g_strdup_printf ("%d/%d/%d", cs->kernel, cs->stride,
                                                cs->padding);
        printf ("%-9s %-18s %-12s %-12s %-8s %3d %9.1f %5.1f%% %11.1f %5.1f%%\n",
                models[i].name, cs->node, in, out, ksp, cs->count, cs->fwd_gflops,
                100.0 * cs->fwd_gflops / peak, cs->train_gflops,
                100.0 * cs->train_gflops / peak);
      }
  printf ("\npeak RSS: interp %.1f MiB", rss_kib / 1024.0);
  if (isfinite (ref_rss_kib))
    printf (", PyTorch %.1f MiB", ref_rss_kib / 1024.0);
  printf ("\n");
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  GOptionContext *octx = g_option_context_new ("- interp vs PyTorch throughput");
  g_option_context_add_main_entries (octx, options, NULL);
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    {
      fprintf (stderr, "interp-bench: %s\n", error->message);
      return 2;
    }
  g_option_context_free (octx);
  if (opt_quick)
    {
      opt_warmup = 1;
      opt_iters = 3;
    }
  if (opt_threads < 1 || opt_warmup < 0 || opt_iters < 1 || opt_train_batch < 1
      || opt_infer_batch < 1)
    {
      fprintf (stderr, "interp-bench: threads, iters and batch sizes must be >= 1\n");
      return 2;
    }
  interp_set_threads (opt_threads);

  InterpRng rng;
  interp_rng_derive (&rng, 1, "bench");
  double peak = 0, peak_median = 0;
  fprintf (stderr, "measuring cblas_sgemm 1024^3\n");
  bench_measure_sgemm (1024, 2, MAX (opt_iters / 3, 3), &rng, &peak, &peak_median);
  /* 2^24 iterations: 6.4 GFLOP a thread at AVX-512, about 30 ms a trial on
   * the 2-core Zen 5 (441 GFLOP/s). */
  fprintf (stderr, "measuring the FP32 FMA peak\n");
  fma_isa = bench_measure_fma_peak (opt_threads, opt_quick ? 1 << 22 : 1 << 24, 3, &fma_peak);

  Model models[] = {
    { .name = "cnn", .comp = &models_cnn_component, .c = 1, .h = 28, .w = 28 },
    { .name = "resnet20", .comp = &models_resnet_component, .c = 3, .h = 32, .w = 32 },
  };
  const int n_models = G_N_ELEMENTS (models);
  for (int i = 0; i < n_models; i++)
    {
      Model *m = &models[i];
      m->net = bench_build_model (m->comp, m->c, m->h, m->w, 10, &error);
      if (m->net == NULL)
        {
          fprintf (stderr, "interp-bench: %s\n", error->message);
          return 1;
        }
      interp_net_init (m->net, &rng);
      m->convs = g_array_new (FALSE, TRUE, sizeof (ConvShape));
      m->flops = bench_model_flops (m->net, m->convs);
    }

  /* Same weights, same input: the reference proves it builds the same
   * function before its timings are compared with ours. */
  gboolean want_ref = opt_reference && opt_python && *opt_python;
  g_autofree char *check_dir = NULL;
  g_autoptr (GPtrArray) check_args = g_ptr_array_new_with_free_func (g_free);
  if (want_ref)
    {
      check_dir = g_dir_make_tmp ("interp-bench-XXXXXX", &error);
      if (check_dir == NULL)
        {
          fprintf (stderr, "interp-bench: %s\n", error->message);
          return 1;
        }
      for (int i = 0; i < n_models; i++)
        {
          Model *m = &models[i];
          g_autofree char *file = g_strconcat (m->name, ".bin", NULL);
          char *path = g_build_filename (check_dir, file, NULL);
          if (!bench_write_check (m->net, m->c, m->h, m->w, path, &rng, &error))
            {
              fprintf (stderr, "interp-bench: %s\n", error->message);
              return 1;
            }
          g_ptr_array_add (check_args, g_strdup ("--check"));
          g_ptr_array_add (check_args, g_strconcat (m->name, "=", path, NULL));
          g_free (path);
        }
    }
  g_ptr_array_add (check_args, NULL);

  Case cases[] = {
    { .name = "cnn-train", .model = "cnn", .train = TRUE, .batch = opt_train_batch },
    { .name = "resnet20-train", .model = "resnet20", .train = TRUE, .batch = opt_train_batch },
    { .name = "cnn-infer", .model = "cnn", .train = FALSE, .batch = opt_infer_batch },
    { .name = "resnet20-infer", .model = "resnet20", .train = FALSE, .batch = opt_infer_batch },
  };
  const int n_cases = G_N_ELEMENTS (cases);
  for (int i = 0; i < n_cases; i++)
    {
      Model *m = strcmp (cases[i].model, "cnn") == 0 ? &models[0] : &models[1];
      fprintf (stderr, "interp: %s batch %d\n", cases[i].name, cases[i].batch);
      bench_run_case (&cases[i], m, opt_warmup, opt_iters, &rng);
      cases[i].ref_img_per_s = NAN;
    }
  for (int i = 0; i < n_models; i++)
    for (guint k = 0; k < models[i].convs->len; k++)
      {
        ConvShape *cs = &g_array_index (models[i].convs, ConvShape, k);
        fprintf (stderr, "interp: %s %s alone\n", models[i].name, cs->node);
        bench_measure_conv (cs, opt_train_batch, opt_warmup, opt_iters, &rng);
      }

  /* The machine may be busy: a second sgemm measurement after the cases,
   * and the better of the two, keeps one unlucky moment from defining the
   * peak. */
  double peak2 = 0, peak2_median = 0;
  fprintf (stderr, "measuring cblas_sgemm 1024^3 again\n");
  bench_measure_sgemm (1024, 1, MAX (opt_iters / 3, 3), &rng, &peak2, &peak2_median);
  peak = MAX (peak, peak2);
  peak_median = MAX (peak_median, peak2_median);
  double fma_peak2 = NAN;
  fprintf (stderr, "measuring the FP32 FMA peak again\n");
  bench_measure_fma_peak (opt_threads, opt_quick ? 1 << 22 : 1 << 24, 3, &fma_peak2);
  if (fma_peak2 > fma_peak)
    fma_peak = fma_peak2;

  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  long rss_kib = ru.ru_maxrss;   /* Linux: kilobytes */

  JsonNode *ref_root = NULL;
  g_autofree char *ref_why = NULL;
  gboolean architectures_differ = FALSE;
  if (want_ref)
    {
      ref_root = bench_run_reference (opt_python, opt_reference, opt_threads, opt_warmup,
                                      opt_iters, opt_train_batch, opt_infer_batch,
                                      (const char *const *) check_args->pdata, &ref_why);
      for (int i = 0; i < n_models; i++)
        {
          g_autofree char *file = g_strconcat (models[i].name, ".bin", NULL);
          g_autofree char *path = g_build_filename (check_dir, file, NULL);
          g_unlink (path);
        }
      g_rmdir (check_dir);
    }
  else
    ref_why = g_strdup ("no --python/--reference given");
  JsonObject *ref = ref_root && JSON_NODE_HOLDS_OBJECT (ref_root)
                    ? json_node_get_object (ref_root) : NULL;
  if (ref)
    {
      for (int i = 0; i < n_cases; i++)
        cases[i].ref_img_per_s = bench_ref_double (ref, "cases", cases[i].name, "img_per_s");
      /* Identical architectures have identical parameter counts. */
      for (int i = 0; i < n_models; i++)
        {
          double theirs = bench_ref_double (ref, "params", models[i].name, NULL);
          size_t ours = interp_net_count_params (models[i].net);
          if (theirs != (double) ours)
            fprintf (stderr, "interp-bench: WARNING: %s has %zu parameters here but %.0f in "
                     "the PyTorch reference: the architectures differ\n", models[i].name,
                     ours, theirs);
        }
      architectures_differ = !bench_print_check (ref, models, n_models);
    }
  else
    fprintf (stderr, "interp-bench: no PyTorch comparison: %s\n", ref_why);

  print_tables (cases, n_cases, models, n_models, peak, peak_median, rss_kib,
                ref ? bench_ref_double (ref, NULL, "peak_rss_kib", NULL) : NAN);
  /* Timings of different functions are not a comparison. */
  int status = architectures_differ ? 1 : 0;
  if (opt_json)
    {
      if (!write_json (opt_json, cases, n_cases, models, n_models, peak, peak_median, rss_kib,
                       ref, ref_why, &error))
        {
          fprintf (stderr, "interp-bench: %s\n", error->message);
          status = 1;
        }
      else
        printf ("results: %s\n", opt_json);
    }

  for (int i = 0; i < n_models; i++)
    {
      for (guint k = 0; k < models[i].convs->len; k++)
        g_free (g_array_index (models[i].convs, ConvShape, k).node);
      g_array_unref (models[i].convs);
      interp_net_free (models[i].net);
    }
  if (ref_root)
    json_node_unref (ref_root);
  return status;
}
