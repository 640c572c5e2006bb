/* interp-bench: timing the models and their convolutions.  The timing
 * loop (median of timed steps after warm-up), the sgemm peak, building a
 * model as the core does, a training or inference case, and every distinct
 * convolution of a model alone. */
#include "config.h"

#include "bench.h"

#include <cblas.h>
#include <string.h>
#include <time.h>

#include "host/params-private.h"

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
void
bench_measure_sgemm (int n, int warmup, int iters, InterpRng *rng, double *peak, double *median)
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
InterpNet *
bench_build_model (const InterpComponent *comp, int64_t c, int64_t h, int64_t w, int n_classes,
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

/* Forward multiply-adds x 2 of the convolutions and linear layers of one
 * sample, and the convolutions' geometry.  Stride and padding are recovered
 * from the shapes (the smallest stride, then padding, that maps H to OH). */
double
bench_model_flops (InterpNet *net, GArray *convs)
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
void
bench_measure_conv (ConvShape *cs, int64_t batch, int warmup, int iters, InterpRng *rng)
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

void
bench_run_case (Case *cs, Model *m, int warmup, int iters, InterpRng *rng)
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
