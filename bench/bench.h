/* interp-bench internals shared by bench.c (options, main, the table and
 * the JSON), bench-cases.c (timing the models and their convolutions) and
 * bench-reference.c (the PyTorch reference script). */
#ifndef INTERP_BENCH_H
#define INTERP_BENCH_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include <interp/interp.h>

#include "../plugins/models/models-private.h"

/* Seconds per step over the timed iterations. */
typedef struct {
  double median, min, max;
} Timing;

/* One distinct convolution geometry of a model. */
typedef struct {
  char *node;           /* first node with this geometry */
  int count;            /* how many convolutions of the model share it */
  int64_t cin, h, w, cout, oh, ow;
  int kernel, stride, padding;
  double fwd_gflops, train_gflops;  /* isolated layer at the training batch */
} ConvShape;

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

/* ---- bench-cases.c ---- */

/* GFLOP/s of one n x n x n sgemm: the best and the median call. */
void bench_measure_sgemm (int n, int warmup, int iters, InterpRng *rng, double *peak,
                          double *median);
/* A net as the core makes it: input, a fixed (x - 0.5) / 0.5 normalisation
 * (the reference script's Normalize), then the model plugin's layers. */
InterpNet *bench_build_model (const InterpComponent *comp, int64_t c, int64_t h, int64_t w,
                              int n_classes, GError **error);
/* Forward multiply-adds x 2 of the convolutions and linear layers of one
 * sample; appends each distinct convolution geometry to `convs` (ConvShape;
 * NULL: not wanted). */
double bench_model_flops (InterpNet *net, GArray *convs);
/* Times one convolution alone and fills cs->fwd_gflops and train_gflops. */
void bench_measure_conv (ConvShape *cs, int64_t batch, int warmup, int iters, InterpRng *rng);
/* Times a case on m->net and fills cs->t, img_per_s and gflops. */
void bench_run_case (Case *cs, Model *m, int warmup, int iters, InterpRng *rng);

/* ---- bench-machine.c ---- */

/* The CPU's name from /proc/cpuinfo, or "unknown" (newly allocated). */
char *bench_cpu_model (void);
/* The 1-minute load average (/proc/loadavg), or NAN: timings of a machine
 * busy with other work say little on their own, so it is printed with them. */
double bench_load_average (void);
/* The FP32 FMA rate of `threads` threads running register-resident FMA
 * chains of `iters` iterations each, in GFLOP/s (a multiply-add counts 2),
 * best of `trials`.  Returns the instruction set used ("AVX-512F" or
 * "AVX2+FMA"), or NULL with *gflops = NAN on a CPU with neither. */
const char *bench_measure_fma_peak (int threads, int64_t iters, int trials, double *gflops);

/* ---- bench-reference.c ---- */

/* Writes the file pytorch_reference.py --check reads to prove that its
 * architecture computes the same function as `net` (input c x h x w). */
gboolean bench_write_check (InterpNet *net, int64_t c, int64_t h, int64_t w, const char *path,
                            InterpRng *rng, GError **error);
/* Runs `python script` with the same threads, iterations and batch sizes,
 * plus `extra` arguments (NULL-terminated; may be NULL).  Its parsed JSON,
 * or NULL with a reason in *why (newly allocated). */
JsonNode *bench_run_reference (const char *python, const char *script, int threads,
                               int warmup, int iters, int train_batch, int infer_batch,
                               const char *const *extra, char **why);
/* Runs argv (argv[0] python, argv[1] the script, NULL-terminated) and
 * parses what it prints on stdout; NULL with a reason in *why (newly
 * allocated) when it cannot run, fails (exit status 3: torch cannot be
 * imported) or prints no JSON. */
JsonNode *bench_spawn_json (char **argv, char **why);
/* A number of the reference's JSON, or NAN: root[key] when section is
 * NULL, root[section][key] or root[section][key][member]. */
double bench_ref_double (JsonObject *root, const char *section, const char *key,
                         const char *member);
/* Prints the reference's verdict on the same-weights check of each model;
 * FALSE when a model differs or was not checked. */
gboolean bench_print_check (JsonObject *ref, Model *models, int n_models);

#endif
