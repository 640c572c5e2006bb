/* interp-bench-attacks: PGD-10 throughput and robust accuracy against PyTorch.
 *
 * PGD (plugins/attacks/pgd.c, compiled into the harness with
 * attack-common.c): Linf, eps 8/255, step 2/255, 10 steps, a uniform random
 * start, one restart; on
 *   cnn-pgd10       model:cnn (defaults) on Fashion-MNIST, 1x28x28
 *   resnet20-pgd10  model:resnet (CIFAR ResNet-20) on Fashion-MNIST padded
 *                   to 32x32 with the grey channel repeated (3x32x32)
 * Each repetition attacks a different batch of the test split (warm-up
 * batches first, then the timed ones); only perturb() is timed, and the
 * MEDIAN over the timed repetitions gives images per second.  The robust
 * accuracy (argmax of the attacked image = label) counts every attacked
 * image, warm-up included, since each batch is a different set of images.
 *
 * Robust accuracy of random weights is meaningless, so the models are
 * trained here first (bench-attacks-data.c): a few hundred SGD steps, the
 * weights saved as a safetensors checkpoint in --weights-dir and reused by
 * later runs.  bench/attacks_reference.py loads the same checkpoint and the
 * same images into the PyTorch models of pytorch_reference.py, checks that
 * the clean logits are interp's, and runs PGD written in PyTorch the same
 * way.  Random starts differ, so the two robust accuracies agree only up
 * to what those explain; the tolerance printed is derived in
 * robust_tolerance().
 *
 * Results: a table on stdout and a JSON file (--json).
 */
#include "config.h"

#include "bench-attacks.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <glib/gstdio.h>

#include <interp/attack.h>
#include <interp/threads.h>

#include "../plugins/attacks/plugin-components.h"
#include "host/params-private.h"

#define EPS (8.0 / 255.0)
#define ALPHA (2.0 / 255.0)
#define STEPS 10

static int opt_threads = 2;
static int opt_warmup = 1;
static int opt_iters = 5;
static int opt_batch = 128;
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
  { "warmup", 'w', 0, G_OPTION_ARG_INT, &opt_warmup, "untimed repetitions per case (1)", "N" },
  { "iters", 'n', 0, G_OPTION_ARG_INT, &opt_iters, "timed repetitions per case (5)", "N" },
  { "batch", 'b', 0, G_OPTION_ARG_INT, &opt_batch, "images per attack call (128)", "N" },
  { "cnn-steps", 0, 0, G_OPTION_ARG_INT, &opt_cnn_steps, "training steps of the CNN (400)", "N" },
  { "resnet-steps", 0, 0, G_OPTION_ARG_INT, &opt_resnet_steps,
    "training steps of ResNet-20 (200)", "N" },
  { "quick", 'q', 0, G_OPTION_ARG_NONE, &opt_quick,
    "functional check: 20 training steps, batch 32, no warm-up, 1 timed repetition", NULL },
  { "data", 0, 0, G_OPTION_ARG_FILENAME, &opt_data,
    "Fashion-MNIST folder (/usr/share/datasets/fashion-mnist)", "DIR" },
  { "weights-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_weights,
    "where trained weights are kept between runs (required)", "DIR" },
  { "json", 'o', 0, G_OPTION_ARG_FILENAME, &opt_json, "write results as JSON to PATH", "PATH" },
  { "python", 0, 0, G_OPTION_ARG_FILENAME, &opt_python, "python3 with torch", "PATH" },
  { "reference", 0, 0, G_OPTION_ARG_FILENAME, &opt_reference,
    "attacks_reference.py (omit to skip the comparison)", "PATH" },
  { 0 }
};

typedef struct {
  const char *name;          /* "cnn-pgd10" */
  Model m;                   /* m.name: "cnn" or "resnet20" (the reference's model names) */
  int train_steps;
  char *weights, *images;    /* files shared with the reference */
  double train_s, clean_acc;
  InterpTensor *x;           /* every attacked image, (warmup + iters) * batch */
  int32_t *labels;
  Timing t;
  double img_per_s, best_img_per_s, robust_acc;
  /* the reference, NAN when it did not run */
  double ref_img_per_s, ref_best_img_per_s, ref_robust_acc, ref_clean_acc, ref_logits_diff;
  gboolean ref_same_weights;
  double tolerance;
} AttackCase;

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

/* Random starts make an image's outcome a coin with its own probability
 * p_i of surviving the attack, the same p_i on both sides when the attacks
 * are the same.  The difference of the two robust accuracies over the same
 * N images then has variance sum_i 2 p_i (1 - p_i) / N^2, at most
 * 2 p (1 - p) / N with p the mean of the p_i (p(1-p) is concave: Jensen);
 * p is estimated by the mean of the two accuracies.  Three of those
 * standard deviations, plus 1/N for an image whose outcome float32
 * rounding alone decides (the two sides sum in different orders), is the
 * tolerance: a real difference between the attacks shows as more. */
static double
robust_tolerance (double a, double b, int64_t n)
{
  double p = 0.5 * (a + b);
  return 3.0 * sqrt (2.0 * p * (1.0 - p) / (double) n) + 1.0 / (double) n;
}

/* Attacks every batch of c->x with PGD-10; fills the timing and the robust
 * accuracy. */
static gboolean
run_pgd (AttackCase *c, int warmup, int iters, int batch, GError **error)
{
  const InterpComponent *comp = &interp_attack_pgd;
  const InterpAttackVTable *vt = comp->vtable;
  const char *pairs[] = { "epsilon=8/255", "norm=linf", "steps=10", "step-size=2/255",
                          "random-start=true", "restarts=1", NULL };
  InterpParams *params = interp_params_new_from_pairs (comp->params, "bench: [attack:pgd]", pairs,
                                                       error);
  if (params == NULL)
    return FALSE;
  gpointer attack = vt->create (params, NULL, error);
  interp_params_free (params);
  if (attack == NULL)
    return FALSE;
  InterpNet *net = c->m.net;
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  const int64_t ch = c->m.c, h = c->m.h, w = c->m.w;
  const size_t d = (size_t) (ch * h * w);
  InterpTensor *xb = interp_tensor_new_4d (batch, ch, h, w);
  InterpTensor *adv = interp_tensor_new_4d (batch, ch, h, w);
  double *eps = g_new (double, batch);
  for (int i = 0; i < batch; i++)
    eps[i] = EPS;
  double *times = g_new (double, iters);
  int64_t correct = 0;
  gboolean ok = TRUE;
  for (int r = 0; r < warmup + iters && ok; r++)
    {
      memcpy (xb->data, c->x->data + (size_t) r * batch * d, (size_t) batch * d * sizeof (float));
      const int32_t *labels = c->labels + (size_t) r * batch;
      InterpRng rng;
      g_autofree char *stream = g_strdup_printf ("bench-attacks/%s/%d", c->name, r);
      interp_rng_derive (&rng, 1, stream);
      double t0 = now_seconds ();
      ok = vt->perturb (attack, net, xb, labels, eps, &rng, adv, error);
      double t = now_seconds () - t0;
      if (r >= warmup)
        times[r - warmup] = t;
      if (ok)
        ok = interp_net_forward (net, adv, error);
      if (ok)
        correct += ba_count_correct (interp_net_value (net, interp_net_output_node (net)),
                                     labels);
    }
  if (ok)
    {
      qsort (times, (size_t) iters, sizeof *times, compare_doubles);
      c->t.min = times[0];
      c->t.max = times[iters - 1];
      c->t.median = iters % 2 ? times[iters / 2]
                              : 0.5 * (times[iters / 2 - 1] + times[iters / 2]);
      c->img_per_s = batch / c->t.median;
      c->best_img_per_s = batch / c->t.min;
      c->robust_acc = (double) correct / (double) ((warmup + iters) * batch);
    }
  g_free (times);
  g_free (eps);
  interp_tensor_free (xb);
  interp_tensor_free (adv);
  vt->destroy (attack);
  return ok;
}

/* Runs the reference on every case; its parsed JSON, or NULL with a reason. */
static JsonNode *
run_reference (AttackCase *cases, int n_cases, char **why)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (opt_python));
  g_ptr_array_add (argv, g_strdup (opt_reference));
  g_ptr_array_add (argv, g_strdup_printf ("--threads=%d", opt_threads));
  g_ptr_array_add (argv, g_strdup_printf ("--warmup=%d", opt_warmup));
  g_ptr_array_add (argv, g_strdup_printf ("--iters=%d", opt_iters));
  g_ptr_array_add (argv, g_strdup_printf ("--batch=%d", opt_batch));
  g_ptr_array_add (argv, g_strdup_printf ("--steps=%d", STEPS));
  for (int i = 0; i < n_cases; i++)
    g_ptr_array_add (argv, g_strdup_printf ("--case=%s=%s,%s,%s", cases[i].name,
                                            cases[i].m.name, cases[i].weights,
                                            cases[i].images));
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

static gboolean
write_json (const char *path, const char *cpu, AttackCase *cases, int n_cases, long rss_kib,
            const double load[2], JsonObject *ref, const char *ref_why, GError **error)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "interp_version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "cpu");
  json_builder_add_string_value (b, cpu);
  json_builder_set_member_name (b, "openblas_coretype");
  const char *core = g_getenv ("OPENBLAS_CORETYPE");
  if (core)
    json_builder_add_string_value (b, core);
  else
    json_builder_add_null_value (b);
  add_number (b, "load_average_start", load[0]);
  add_number (b, "load_average_end", load[1]);
  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, opt_threads);
  json_builder_set_member_name (b, "warmup");
  json_builder_add_int_value (b, opt_warmup);
  json_builder_set_member_name (b, "iters");
  json_builder_add_int_value (b, opt_iters);
  json_builder_set_member_name (b, "attack");
  json_builder_add_string_value (b, "pgd linf eps 8/255 step 2/255 10 steps, random start");
  json_builder_set_member_name (b, "timing");
  json_builder_add_string_value (b, "median seconds per attack call after warm-up");
  json_builder_set_member_name (b, "cases");
  json_builder_begin_object (b);
  for (int i = 0; i < n_cases; i++)
    {
      AttackCase *c = &cases[i];
      json_builder_set_member_name (b, c->name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "batch");
      json_builder_add_int_value (b, opt_batch);
      json_builder_set_member_name (b, "images_attacked");
      json_builder_add_int_value (b, c->x->shape[0]);
      json_builder_set_member_name (b, "train_steps");
      json_builder_add_int_value (b, c->train_steps);
      add_number (b, "train_s", c->train_s);
      add_number (b, "interp_median_s", c->t.median);
      add_number (b, "interp_min_s", c->t.min);
      add_number (b, "interp_img_per_s", c->img_per_s);
      add_number (b, "interp_best_img_per_s", c->best_img_per_s);
      add_number (b, "pytorch_img_per_s", c->ref_img_per_s);
      add_number (b, "pytorch_best_img_per_s", c->ref_best_img_per_s);
      add_number (b, "ratio_interp_over_pytorch", c->img_per_s / c->ref_img_per_s);
      add_number (b, "clean_acc_interp", c->clean_acc);
      add_number (b, "clean_acc_pytorch", c->ref_clean_acc);
      add_number (b, "robust_acc_interp", c->robust_acc);
      add_number (b, "robust_acc_pytorch", c->ref_robust_acc);
      add_number (b, "robust_acc_tolerance", c->tolerance);
      add_number (b, "clean_logits_max_abs_diff", c->ref_logits_diff);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
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
  return g_file_set_contents (path, text, (gssize) len, error);
}

static void
print_table (const char *cpu, AttackCase *cases, int n_cases, const double load[2])
{
  const char *core = g_getenv ("OPENBLAS_CORETYPE");
  printf ("\ninterp-bench-attacks: PGD-10 Linf eps 8/255 step 2/255, random start; "
          "%d threads, median of %d calls after %d warm-up\n", opt_threads, opt_iters,
          opt_warmup);
  printf ("CPU: %s; OPENBLAS_CORETYPE=%s; load average %.1f at the start, %.1f at the end\n\n",
          cpu, core ? core : "(unset)", load[0], load[1]);
  printf ("%-15s %5s %12s %13s %6s %9s %9s %7s %13s\n", "case", "batch", "interp img/s",
          "PyTorch img/s", "ratio", "robust i", "robust pt", "tol", "clean i/pt");
  for (int i = 0; i < n_cases; i++)
    {
      AttackCase *c = &cases[i];
      char ref[32] = "n/a", ratio[32] = "n/a", rob[32] = "n/a", tol[32] = "n/a";
      char clean[48];
      g_snprintf (clean, sizeof clean, "%.3f/n/a", c->clean_acc);
      if (isfinite (c->ref_img_per_s))
        {
          g_snprintf (ref, sizeof ref, "%.1f", c->ref_img_per_s);
          g_snprintf (ratio, sizeof ratio, "%.2f", c->img_per_s / c->ref_img_per_s);
        }
      if (isfinite (c->ref_robust_acc))
        {
          g_snprintf (rob, sizeof rob, "%.3f", c->ref_robust_acc);
          g_snprintf (tol, sizeof tol, "%.3f", c->tolerance);
          g_snprintf (clean, sizeof clean, "%.3f/%.3f", c->clean_acc, c->ref_clean_acc);
        }
      printf ("%-15s %5d %12.1f %13s %6s %9.3f %9s %7s %13s\n", c->name, opt_batch,
              c->img_per_s, ref, ratio, c->robust_acc, rob, tol, clean);
    }
  printf ("\nrobust i / pt: robust accuracy of interp / PyTorch over %d images per case "
          "(the same images); tol: the difference random starts explain (3 sd bound + 1/N)\n",
          (opt_warmup + opt_iters) * opt_batch);
}

/* ---- main ------------------------------------------------------------------- */

static gboolean
prepare_case (AttackCase *c, BaData *data, GError **error)
{
  c->m.net = bench_build_model (c->m.comp, c->m.c, c->m.h, c->m.w, 10, error);
  if (c->m.net == NULL)
    return FALSE;
  g_autofree char *file = g_strdup_printf ("attack-%s-%dsteps.safetensors", c->m.name,
                                           c->train_steps);
  c->weights = g_build_filename (opt_weights, file, NULL);
  if (!ba_train_or_load (data, c->m.net, c->m.c, c->m.h, c->m.w, c->train_steps, 1, c->weights,
                         &c->train_s, error))
    return FALSE;
  const int64_t n = (int64_t) (opt_warmup + opt_iters) * opt_batch;
  c->x = interp_tensor_new_4d (n, c->m.c, c->m.h, c->m.w);
  c->labels = g_new (int32_t, n);
  int64_t *idx = g_new (int64_t, n);
  for (int64_t i = 0; i < n; i++)
    idx[i] = i;   /* the first n test images, the same on both sides */
  gboolean ok = ba_data_read (data, INTERP_SPLIT_TEST, idx, n, c->m.c, c->m.h, c->m.w, c->x,
                              c->labels, error);
  g_free (idx);
  return ok;
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  GOptionContext *octx = g_option_context_new ("- PGD-10 throughput, interp vs PyTorch");
  g_option_context_add_main_entries (octx, options, NULL);
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    {
      fprintf (stderr, "interp-bench-attacks: %s\n", error->message);
      return 2;
    }
  g_option_context_free (octx);
  if (opt_quick)
    {
      opt_warmup = 0;
      opt_iters = 1;
      opt_batch = 32;
      opt_cnn_steps = opt_resnet_steps = 20;
    }
  if (opt_threads < 1 || opt_warmup < 0 || opt_iters < 1 || opt_batch < 1 || opt_cnn_steps < 1
      || opt_resnet_steps < 1)
    {
      fprintf (stderr, "interp-bench-attacks: threads, iters, batch and steps must be >= 1\n");
      return 2;
    }
  if (opt_weights == NULL)
    {
      fprintf (stderr, "interp-bench-attacks: --weights-dir is required\n");
      return 2;
    }
  if ((int64_t) (opt_warmup + opt_iters) * opt_batch > 10000)
    {
      fprintf (stderr, "interp-bench-attacks: (warmup + iters) x batch must be at most the "
               "10000 test images\n");
      return 2;
    }
  interp_set_threads (opt_threads);
  g_autofree char *cpu = bench_cpu_model ();
  double load[2] = { bench_load_average (), NAN };
  if (g_mkdir_with_parents (opt_weights, 0755) != 0)
    {
      fprintf (stderr, "interp-bench-attacks: %s: cannot create\n", opt_weights);
      return 1;
    }
  BaData data;
  if (!ba_data_open (&data, opt_data ? opt_data : "/usr/share/datasets/fashion-mnist", &error))
    {
      fprintf (stderr, "interp-bench-attacks: %s\n", error->message);
      return 1;
    }

  AttackCase cases[] = {
    { .name = "cnn-pgd10", .train_steps = opt_cnn_steps,
      .m = { .name = "cnn", .comp = &models_cnn_component, .c = 1, .h = 28, .w = 28 } },
    { .name = "resnet20-pgd10", .train_steps = opt_resnet_steps,
      .m = { .name = "resnet20", .comp = &models_resnet_component, .c = 3, .h = 32, .w = 32 } },
  };
  const int n_cases = G_N_ELEMENTS (cases);
  gboolean want_ref = opt_reference && opt_python && *opt_python;
  g_autofree char *tmp = want_ref ? g_dir_make_tmp ("interp-bench-attacks-XXXXXX", &error)
                                  : NULL;
  if (want_ref && tmp == NULL)
    {
      fprintf (stderr, "interp-bench-attacks: %s\n", error->message);
      return 1;
    }
  int status = 0;
  for (int i = 0; i < n_cases && status == 0; i++)
    {
      AttackCase *c = &cases[i];
      c->ref_img_per_s = c->ref_best_img_per_s = c->ref_robust_acc = c->ref_clean_acc = NAN;
      c->ref_logits_diff = c->tolerance = NAN;
      g_autofree char *file = g_strconcat (c->m.name, "-images.safetensors", NULL);
      c->images = tmp ? g_build_filename (tmp, file, NULL) : NULL;
      double acc = NAN;
      gboolean ok = prepare_case (c, &data, &error)
                    && ba_write_images (c->m.net, c->x, c->labels, c->images, &acc, &error);
      c->clean_acc = acc;
      if (ok)
        {
          fprintf (stderr, "interp: %s: clean accuracy %.3f; PGD-10, batch %d\n", c->name,
                   c->clean_acc, opt_batch);
          ok = run_pgd (c, opt_warmup, opt_iters, opt_batch, &error);
        }
      if (!ok)
        {
          fprintf (stderr, "interp-bench-attacks: %s: %s\n", c->name, error->message);
          g_clear_error (&error);
          status = 1;
        }
    }
  ba_data_close (&data);
  if (status != 0)
    return status;

  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  long rss_kib = ru.ru_maxrss;   /* Linux: kilobytes */

  JsonNode *ref_root = NULL;
  g_autofree char *ref_why = NULL;
  if (want_ref)
    {
      ref_root = run_reference (cases, n_cases, &ref_why);
      for (int i = 0; i < n_cases; i++)
        g_unlink (cases[i].images);
      g_rmdir (tmp);
    }
  else
    ref_why = g_strdup ("no --python/--reference given");
  JsonObject *ref = ref_root && JSON_NODE_HOLDS_OBJECT (ref_root)
                    ? json_node_get_object (ref_root) : NULL;
  if (ref)
    for (int i = 0; i < n_cases; i++)
      {
        AttackCase *c = &cases[i];
        c->ref_img_per_s = bench_ref_double (ref, "cases", c->name, "img_per_s");
        c->ref_best_img_per_s = bench_ref_double (ref, "cases", c->name, "best_img_per_s");
        c->ref_robust_acc = bench_ref_double (ref, "cases", c->name, "robust_acc");
        c->ref_clean_acc = bench_ref_double (ref, "cases", c->name, "clean_acc");
        c->ref_logits_diff = bench_ref_double (ref, "cases", c->name, "logits_max_abs");
        double same = bench_ref_double (ref, "cases", c->name, "same_weights");
        c->tolerance = robust_tolerance (c->robust_acc, c->ref_robust_acc, c->x->shape[0]);
        if (same != 1.0)
          {
            /* Timings and accuracies of different functions compare nothing. */
            fprintf (stderr, "interp-bench-attacks: WARNING: %s: PyTorch's clean logits with "
                     "interp's weights differ (max |diff| %.3g): not the same model\n",
                     c->name, c->ref_logits_diff);
            status = 1;
          }
        else if (!(fabs (c->robust_acc - c->ref_robust_acc) <= c->tolerance))
          {
            fprintf (stderr, "interp-bench-attacks: WARNING: %s: robust accuracy %.3f (interp) "
                     "vs %.3f (PyTorch) differs by more than random starts explain (%.3f)\n",
                     c->name, c->robust_acc, c->ref_robust_acc, c->tolerance);
            status = 1;
          }
        else
          fprintf (stderr, "interp-bench-attacks: %s: same clean logits (max |diff| %.2g), "
                   "robust accuracies agree within %.3f\n", c->name, c->ref_logits_diff,
                   c->tolerance);
      }
  else
    fprintf (stderr, "interp-bench-attacks: no PyTorch comparison: %s\n", ref_why);

  load[1] = bench_load_average ();
  print_table (cpu, cases, n_cases, load);
  if (opt_json)
    {
      if (!write_json (opt_json, cpu, cases, n_cases, rss_kib, load, ref, ref_why, &error))
        {
          fprintf (stderr, "interp-bench-attacks: %s\n", error->message);
          status = 1;
        }
      else
        printf ("results: %s\n", opt_json);
    }
  for (int i = 0; i < n_cases; i++)
    {
      interp_net_free (cases[i].m.net);
      interp_tensor_free (cases[i].x);
      g_free (cases[i].labels);
      g_free (cases[i].weights);
      g_free (cases[i].images);
    }
  if (ref_root)
    json_node_unref (ref_root);
  return status;
}
