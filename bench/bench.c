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
 */
#include "config.h"

#include <cblas.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include <glib/gstdio.h>

#include <interp/interp.h>
#include <interp/threads.h>

#include "host/params-private.h"
#include "../plugins/models/models-private.h"

static int opt_threads = 2;
static int opt_warmup = 5;
static int opt_iters = 30;
static int opt_train_batch = 128;
static int opt_infer_batch = 256;
static gboolean opt_quick = FALSE;
static char *opt_json = NULL;
static char *opt_python = NULL;
static char *opt_reference = NULL;

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
  { NULL }
};

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

typedef struct {
  double median, min, max;
} Timing;

typedef void (*StepFunc) (gpointer data);

/* Median, min and max seconds of `iters` calls after `warmup` untimed ones. */
static Timing
time_steps (StepFunc step, gpointer data, int warmup, int iters)
{
  for (int i = 0; i < warmup; i++)
    step (data);
  double *t = g_new (double, iters);
  for (int i = 0; i < iters; i++)
    {
      double t0 = now_seconds ();
      step (data);
      t[i] = now_seconds () - t0;
    }
  qsort (t, (size_t) iters, sizeof *t, compare_doubles);
  Timing r = { .min = t[0], .max = t[iters - 1],
               .median = iters % 2 ? t[iters / 2] : 0.5 * (t[iters / 2 - 1] + t[iters / 2]) };
  g_free (t);
  return r;
}

/* ---- sgemm peak -------------------------------------------------------- */

typedef struct {
  int n;
  float *a, *b, *c;
} Gemm;

static void
gemm_step (gpointer data)
{
  Gemm *g = data;
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, g->n, g->n, g->n, 1.0f, g->a, g->n,
               g->b, g->n, 0.0f, g->c, g->n);
}

/* GFLOP/s of one n x n x n sgemm: the best and the median call. */
static void
measure_sgemm (int n, int warmup, int iters, InterpRng *rng, double *peak, double *median)
{
  Gemm g = { .n = n };
  size_t sz = (size_t) n * (size_t) n;
  g.a = g_new (float, sz);
  g.b = g_new (float, sz);
  g.c = g_new0 (float, sz);
  for (size_t i = 0; i < sz; i++)
    {
      g.a[i] = (float) interp_rng_uniform (rng) - 0.5f;
      g.b[i] = (float) interp_rng_uniform (rng) - 0.5f;
    }
  Timing t = time_steps (gemm_step, &g, warmup, iters);
  double flops = 2.0 * n * (double) n * n;
  *peak = flops / t.min * 1e-9;
  *median = flops / t.median * 1e-9;
  g_free (g.a);
  g_free (g.b);
  g_free (g.c);
}

/* ---- models -------------------------------------------------------------- */

/* A net as the core makes it: input, a fixed (x - 0.5) / 0.5 normalisation
 * (the reference script's Normalize), then the model plugin's layers. */
static InterpNet *
build_model (const InterpComponent *comp, int64_t c, int64_t h, int64_t w, int n_classes,
             GError **error)
{
  InterpParams *params = interp_params_new_from_pairs (comp->params, "bench: [model]", NULL,
                                                       error);
  if (params == NULL)
    return NULL;
  float mean[3] = { 0.5f, 0.5f, 0.5f }, std[3] = { 0.5f, 0.5f, 0.5f };
  InterpDataInfo info = { .channels = c, .height = h, .width = w, .n_classes = n_classes };
  InterpNet *net = interp_net_new (c, h, w);
  int norm = interp_net_normalize (net, "normalize", 0, mean, std, error);
  const InterpModelVTable *vt = comp->vtable;
  gboolean ok = norm >= 0 && vt->build (params, &info, net, norm, error);
  interp_params_free (params);
  if (!ok)
    {
      interp_net_free (net);
      return NULL;
    }
  return net;
}

typedef struct {
  InterpNet *net;
  InterpOptim *opt;
  InterpTensor *x;
  int32_t *labels;
} Step;

static void
train_step (gpointer data)
{
  Step *s = data;
  int out = interp_net_output_node (s->net);
  interp_net_zero_param_grad (s->net);
  if (!interp_net_forward (s->net, s->x, NULL))
    g_error ("forward failed");
  interp_net_zero_grad (s->net);
  interp_softmax_cross_entropy (interp_net_value (s->net, out), s->labels, 0.0f,
                                interp_net_grad (s->net, out), 1.0f, NULL);
  interp_net_backward (s->net);
  interp_optim_step (s->opt, 0.01);
}

static void
infer_step (gpointer data)
{
  Step *s = data;
  if (!interp_net_forward (s->net, s->x, NULL))
    g_error ("forward failed");
}

static void
fill_batch (Step *s, int64_t n, int64_t c, int64_t h, int64_t w, int n_classes, InterpRng *rng)
{
  s->x = interp_tensor_new_4d (n, c, h, w);
  for (size_t i = 0; i < s->x->numel; i++)
    s->x->data[i] = (float) interp_rng_uniform (rng);
  s->labels = g_new (int32_t, n);
  for (int64_t i = 0; i < n; i++)
    s->labels[i] = (int32_t) interp_rng_below (rng, (uint64_t) n_classes);
}

/* ---- convolution geometry -------------------------------------------------- */

typedef struct {
  char *node;           /* first node with this geometry */
  int count;            /* how many convolutions of the model share it */
  int64_t cin, h, w, cout, oh, ow;
  int kernel, stride, padding;
  double fwd_gflops, train_gflops;  /* isolated layer at the training batch */
} ConvShape;

/* Forward multiply-adds x 2 of the convolutions and linear layers of one
 * sample, and the convolutions' geometry.  Stride and padding are recovered
 * from the shapes (the smallest stride, then padding, that maps H to OH). */
static double
model_flops (InterpNet *net, GArray *convs)
{
  double flops = 0;
  for (int i = 0; i < interp_net_n_nodes (net); i++)
    {
      InterpOp op = interp_net_node_op (net, i);
      if (op != INTERP_OP_CONV2D && op != INTERP_OP_LINEAR)
        continue;
      g_autofree char *wname = g_strdup_printf ("%s.weight", interp_net_node_name (net, i));
      const InterpParam *p = interp_net_find_param (net, wname);
      g_assert (p != NULL);
      int64_t out[3] = { 0, 1, 1 };
      interp_net_node_shape (net, i, out);
      if (op == INTERP_OP_LINEAR)
        {
          flops += 2.0 * (double) p->value->numel;
          continue;
        }
      const int64_t *ws = p->value->shape;   /* Cout x Cin x k x k */
      flops += 2.0 * (double) p->value->numel * (double) (out[1] * out[2]);
      if (convs == NULL)
        continue;
      /* The conv's input: the closest earlier image-shaped node with Cin
       * channels.  That is exact for the models benchmarked here (a conv
       * is fed by the node before it or by its block's input), not in
       * general. */
      int64_t in[3] = { 0 };
      int src = -1;
      for (int j = i - 1; j >= 0 && src < 0; j--)
        if (interp_net_node_shape (net, j, in) == 3 && in[0] == ws[1])
          src = j;
      g_assert (src >= 0);
      ConvShape cs = { .cin = ws[1], .h = in[1], .w = in[2], .cout = ws[0], .oh = out[1],
                       .ow = out[2], .kernel = (int) ws[2], .stride = 0 };
      for (int s = 1; s <= 4 && cs.stride == 0; s++)
        for (int pad = 0; pad <= cs.kernel / 2 && cs.stride == 0; pad++)
          if ((cs.h + 2 * pad - cs.kernel) / s + 1 == cs.oh
              && (cs.w + 2 * pad - cs.kernel) / s + 1 == cs.ow)
            {
              cs.stride = s;
              cs.padding = pad;
            }
      g_assert (cs.stride > 0);
      gboolean seen = FALSE;
      for (guint k = 0; k < convs->len && !seen; k++)
        {
          ConvShape *o = &g_array_index (convs, ConvShape, k);
          if (o->cin == cs.cin && o->h == cs.h && o->w == cs.w && o->cout == cs.cout
              && o->kernel == cs.kernel && o->stride == cs.stride && o->padding == cs.padding)
            {
              o->count++;
              seen = TRUE;
            }
        }
      if (!seen)
        {
          cs.node = g_strdup (interp_net_node_name (net, i));
          cs.count = 1;
          g_array_append_val (convs, cs);
        }
    }
  return flops;
}

/* Forward, then backward of d(sum(output))/d(output) = 1 (seeding costs a
 * fill): the full training cost of a layer when the input gradient is on. */
static void
seeded_backward_step (gpointer data)
{
  Step *s = data;
  int out = interp_net_output_node (s->net);
  interp_net_zero_param_grad (s->net);
  infer_step (s);
  interp_net_zero_grad (s->net);
  interp_tensor_fill (interp_net_grad (s->net, out), 1.0f);
  interp_net_backward (s->net);
}

/* Times one convolution alone: forward, and forward + backward with the
 * input gradient (the full training cost of an inner layer). */
static void
measure_conv (ConvShape *cs, int64_t batch, int warmup, int iters, InterpRng *rng)
{
  InterpNet *net = interp_net_new (cs->cin, cs->h, cs->w);
  GError *error = NULL;
  int conv = interp_net_conv2d (net, "conv", 0, cs->cout, cs->kernel, cs->stride, cs->padding,
                                1, FALSE, &error);
  if (conv < 0)
    g_error ("%s", error->message);
  interp_net_init (net, rng);
  interp_net_set_input_grad (net, TRUE);
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  Step s = { .net = net };
  fill_batch (&s, batch, cs->cin, cs->h, cs->w, 2, rng);
  Timing fwd = time_steps (infer_step, &s, warmup, iters);
  Timing fb = time_steps (seeded_backward_step, &s, warmup, iters);

  double flops = 2.0 * (double) batch * (double) (cs->cout * cs->oh * cs->ow)
                 * (double) (cs->cin * cs->kernel * cs->kernel);
  cs->fwd_gflops = flops / fwd.median * 1e-9;
  cs->train_gflops = 3.0 * flops / fb.median * 1e-9;
  interp_tensor_free (s.x);
  g_free (s.labels);
  interp_net_free (net);
}

/* ---- architecture check ------------------------------------------------------ */

/* One record of a check file: int32 name length, the name, int32 ndim,
 * int64 dims, float32 data (all little-endian on the machines we run). */
static void
write_record (FILE *f, const char *name, const InterpTensor *t)
{
  int32_t len = (int32_t) strlen (name), ndim = t->ndim;
  fwrite (&len, sizeof len, 1, f);
  fwrite (name, 1, (size_t) len, f);
  fwrite (&ndim, sizeof ndim, 1, f);
  for (int i = 0; i < t->ndim; i++)
    {
      int64_t d = t->shape[i];
      fwrite (&d, sizeof d, 1, f);
    }
  fwrite (t->data, sizeof (float), t->numel, f);
}

/* Writes what pytorch_reference.py --check needs to prove the two
 * architectures are the same function: every parameter and buffer, an
 * input batch x, the train-mode logits, the cross-entropy gradients of
 * every parameter (labels 0..n-1) and the BN running statistics after that
 * step ("after:" + name), and the eval-mode logits. */
static gboolean
write_check (InterpNet *net, int64_t c, int64_t h, int64_t w, const char *path,
             InterpRng *rng, GError **error)
{
  enum { N = 8 };
  FILE *f = fopen (path, "wb");
  if (f == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot write", path);
      return FALSE;
    }
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      write_record (f, p->name, p->value);
    }
  InterpTensor *x = interp_tensor_new_4d (N, c, h, w);
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] = (float) interp_rng_uniform (rng);
  int32_t labels[N];
  for (int i = 0; i < N; i++)
    labels[i] = i % 10;
  write_record (f, "x", x);

  int out = interp_net_output_node (net);
  gboolean ok;
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  interp_net_zero_param_grad (net);
  ok = interp_net_forward (net, x, error);
  if (ok)
    {
      write_record (f, "train_logits", interp_net_value (net, out));
      interp_net_zero_grad (net);
      interp_softmax_cross_entropy (interp_net_value (net, out), labels, 0.0f,
                                    interp_net_grad (net, out), 1.0f, NULL);
      interp_net_backward (net);
      for (int i = 0; i < interp_net_n_params (net); i++)
        {
          InterpParam *p = interp_net_param (net, i);
          g_autofree char *name = g_strconcat (p->grad ? "grad:" : "after:", p->name, NULL);
          write_record (f, name, p->grad ? p->grad : p->value);
        }
      interp_net_set_mode (net, INTERP_MODE_EVAL);
      ok = interp_net_forward (net, x, error);
    }
  if (ok)
    write_record (f, "eval_logits", interp_net_value (net, out));
  interp_tensor_free (x);
  if (fclose (f) != 0 && ok)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: write failed", path);
      ok = FALSE;
    }
  return ok;
}

/* ---- cases ---------------------------------------------------------------- */

typedef struct {
  const char *name;          /* "cnn-train" */
  const char *model;         /* "cnn" */
  gboolean train;
  int batch;
  Timing t;
  double img_per_s, gflops;  /* interp */
  double ref_img_per_s;      /* PyTorch, or NAN */
} Case;

typedef struct {
  const char *name;
  const InterpComponent *comp;
  int64_t c, h, w;
  InterpNet *net;
  double flops;              /* forward, per sample */
  GArray *convs;             /* ConvShape */
} Model;

static void
run_case (Case *cs, Model *m, int warmup, int iters, InterpRng *rng)
{
  Step s = { .net = m->net };
  fill_batch (&s, cs->batch, m->c, m->h, m->w, 10, rng);
  if (cs->train)
    {
      InterpOptimConfig config;
      memset (&config, 0, sizeof config);
      config.kind = INTERP_OPTIM_SGD;
      config.momentum = 0.9;
      config.weight_decay = 5e-4;
      s.opt = interp_optim_new (m->net, &config);
      interp_net_set_mode (m->net, INTERP_MODE_TRAIN);
      cs->t = time_steps (train_step, &s, warmup, iters);
      interp_optim_free (s.opt);
    }
  else
    {
      interp_net_set_mode (m->net, INTERP_MODE_EVAL);
      cs->t = time_steps (infer_step, &s, warmup, iters);
    }
  cs->img_per_s = cs->batch / cs->t.median;
  cs->gflops = (cs->train ? 3.0 : 1.0) * m->flops * cs->batch / cs->t.median * 1e-9;
  interp_tensor_free (s.x);
  g_free (s.labels);
}

/* ---- the PyTorch reference -------------------------------------------------- */

/* Runs the reference script; its parsed JSON, or NULL with a reason. */
static JsonNode *
run_reference (int warmup, int iters, const char *const *extra, char **why)
{
  g_autofree char *threads = g_strdup_printf ("%d", opt_threads);
  g_autofree char *w = g_strdup_printf ("%d", warmup);
  g_autofree char *n = g_strdup_printf ("%d", iters);
  g_autofree char *tb = g_strdup_printf ("%d", opt_train_batch);
  g_autofree char *ib = g_strdup_printf ("%d", opt_infer_batch);
  const char *base[] = { opt_python, opt_reference, "--threads", threads, "--warmup", w,
                         "--iters", n, "--train-batch", tb, "--infer-batch", ib };
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  for (size_t i = 0; i < G_N_ELEMENTS (base); i++)
    g_ptr_array_add (argv, (gpointer) base[i]);
  for (; extra && *extra; extra++)
    g_ptr_array_add (argv, (gpointer) *extra);
  g_ptr_array_add (argv, NULL);
  g_autofree char *out = NULL;
  int status = 0;
  GError *error = NULL;
  fprintf (stderr, "running the PyTorch reference: %s %s\n", opt_python, opt_reference);
  /* The script's progress lines go straight to our stderr. */
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                     &status, &error))
    {
      *why = g_strdup (error->message);
      g_error_free (error);
      return NULL;
    }
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      *why = g_strdup_printf ("%s failed (exit status %d%s)", opt_reference,
                              WIFEXITED (status) ? WEXITSTATUS (status) : -1,
                              WIFEXITED (status) && WEXITSTATUS (status) == 3
                              ? ": torch cannot be imported" : "");
      return NULL;
    }
  JsonParser *parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, out, -1, &error))
    {
      *why = g_strdup_printf ("%s printed no JSON: %s", opt_reference, error->message);
      g_error_free (error);
      g_object_unref (parser);
      return NULL;
    }
  JsonNode *root = json_node_copy (json_parser_get_root (parser));
  g_object_unref (parser);
  return root;
}

/* A number of the reference's JSON, or NAN: root[key] when section is
 * NULL, root[section][key] or root[section][key][member]. */
static double
ref_double (JsonObject *root, const char *section, const char *key, const char *member)
{
  JsonObject *o = root;
  if (section)
    {
      JsonNode *s = json_object_get_member (root, section);
      o = s && JSON_NODE_HOLDS_OBJECT (s) ? json_node_get_object (s) : NULL;
    }
  JsonNode *node = o ? json_object_get_member (o, key) : NULL;
  if (node && member)
    {
      JsonObject *m = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      node = m ? json_object_get_member (m, member) : NULL;
    }
  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : NAN;
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
  add_number (b, "pytorch", ref ? ref_double (ref, NULL, "peak_rss_kib", NULL) : NAN);
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
  printf ("cblas_sgemm 1024^3: peak %.1f GFLOP/s (median %.1f)\n\n", peak, peak_median);
  printf ("%-16s %6s %13s %14s %9s %12s %7s\n", "case", "batch", "interp img/s",
          "PyTorch img/s", "ratio", "interp GF/s", "% peak");
  for (int i = 0; i < n_cases; i++)
    {
      Case *c = &cases[i];
      char ref[32] = "n/a", ratio[32] = "n/a";
      if (isfinite (c->ref_img_per_s))
        {
          g_snprintf (ref, sizeof ref, "%.1f", c->ref_img_per_s);
          g_snprintf (ratio, sizeof ratio, "%.2f", c->img_per_s / c->ref_img_per_s);
        }
      printf ("%-16s %6d %13.1f %14s %9s %12.1f %6.1f%%\n", c->name, c->batch, c->img_per_s,
              ref, ratio, c->gflops, 100.0 * c->gflops / peak);
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

/* The reference's verdict on the same-weights check (see write_check);
 * FALSE when a model differs or was not checked. */
static gboolean
print_check (JsonObject *ref, Model *models, int n_models)
{
  gboolean all_same = TRUE;
  JsonNode *node = json_object_get_member (ref, "check");
  JsonObject *check = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  for (int i = 0; i < n_models; i++)
    {
      JsonNode *m = check ? json_object_get_member (check, models[i].name) : NULL;
      JsonObject *o = m && JSON_NODE_HOLDS_OBJECT (m) ? json_node_get_object (m) : NULL;
      if (o == NULL || !json_object_has_member (o, "same"))
        {
          fprintf (stderr, "interp-bench: WARNING: %s: the reference did not check the "
                   "architecture\n", models[i].name);
          all_same = FALSE;
          continue;
        }
      gboolean same = json_object_get_boolean_member (o, "same");
      fprintf (stderr, "%s %s vs PyTorch with the same weights: logits max |diff| %.2g "
               "(train) %.2g (eval), parameter gradients max relative diff %.2g: %s\n",
               same ? "interp-bench:" : "interp-bench: WARNING:", models[i].name,
               ref_double (o, NULL, "train_logits_max_abs", NULL),
               ref_double (o, NULL, "eval_logits_max_abs", NULL),
               ref_double (o, NULL, "grad_max_rel", NULL),
               same ? "same function" : "THE ARCHITECTURES DIFFER");
      all_same = all_same && same;
    }
  return all_same;
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
  measure_sgemm (1024, 2, MAX (opt_iters / 3, 3), &rng, &peak, &peak_median);

  Model models[] = {
    { .name = "cnn", .comp = &models_cnn_component, .c = 1, .h = 28, .w = 28 },
    { .name = "resnet20", .comp = &models_resnet_component, .c = 3, .h = 32, .w = 32 },
  };
  const int n_models = G_N_ELEMENTS (models);
  for (int i = 0; i < n_models; i++)
    {
      Model *m = &models[i];
      m->net = build_model (m->comp, m->c, m->h, m->w, 10, &error);
      if (m->net == NULL)
        {
          fprintf (stderr, "interp-bench: %s\n", error->message);
          return 1;
        }
      interp_net_init (m->net, &rng);
      m->convs = g_array_new (FALSE, TRUE, sizeof (ConvShape));
      m->flops = model_flops (m->net, m->convs);
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
          if (!write_check (m->net, m->c, m->h, m->w, path, &rng, &error))
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
      run_case (&cases[i], m, opt_warmup, opt_iters, &rng);
      cases[i].ref_img_per_s = NAN;
    }
  for (int i = 0; i < n_models; i++)
    for (guint k = 0; k < models[i].convs->len; k++)
      {
        ConvShape *cs = &g_array_index (models[i].convs, ConvShape, k);
        fprintf (stderr, "interp: %s %s alone\n", models[i].name, cs->node);
        measure_conv (cs, opt_train_batch, opt_warmup, opt_iters, &rng);
      }

  /* The machine may be busy: a second sgemm measurement after the cases,
   * and the better of the two, keeps one unlucky moment from defining the
   * peak. */
  double peak2 = 0, peak2_median = 0;
  fprintf (stderr, "measuring cblas_sgemm 1024^3 again\n");
  measure_sgemm (1024, 1, MAX (opt_iters / 3, 3), &rng, &peak2, &peak2_median);
  peak = MAX (peak, peak2);
  peak_median = MAX (peak_median, peak2_median);

  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  long rss_kib = ru.ru_maxrss;   /* Linux: kilobytes */

  JsonNode *ref_root = NULL;
  g_autofree char *ref_why = NULL;
  gboolean architectures_differ = FALSE;
  if (want_ref)
    {
      ref_root = run_reference (opt_warmup, opt_iters, (const char *const *) check_args->pdata,
                                &ref_why);
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
        cases[i].ref_img_per_s = ref_double (ref, "cases", cases[i].name, "img_per_s");
      /* Identical architectures have identical parameter counts. */
      for (int i = 0; i < n_models; i++)
        {
          double theirs = ref_double (ref, "params", models[i].name, NULL);
          size_t ours = interp_net_count_params (models[i].net);
          if (theirs != (double) ours)
            fprintf (stderr, "interp-bench: WARNING: %s has %zu parameters here but %.0f in "
                     "the PyTorch reference: the architectures differ\n", models[i].name,
                     ours, theirs);
        }
      architectures_differ = !print_check (ref, models, n_models);
    }
  else
    fprintf (stderr, "interp-bench: no PyTorch comparison: %s\n", ref_why);

  print_tables (cases, n_cases, models, n_models, peak, peak_median, rss_kib,
                ref ? ref_double (ref, NULL, "peak_rss_kib", NULL) : NAN);
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
