/* Facts of the machine a benchmark prints with its figures: the CPU's
 * name, the load average, and the FP32 FMA peak.
 *
 * The FMA peak is the figure every GFLOP/s of interp-bench is
 * also judged against, since the sgemm peak is only as wide as the kernels
 * OpenBLAS picked (OPENBLAS_CORETYPE=Haswell on an AVX-512 machine halves
 * it).
 *
 * Each thread runs FMA_CHAINS independent multiply-add chains on the widest
 * vectors the CPU has (AVX-512F, else AVX2 + FMA).  Twelve chains cover an
 * FMA latency of 4 cycles at 2 FMAs per cycle with room to spare, and each
 * chain stays in its own register, so the loop measures the FMA units and
 * nothing else.  A multiply-add counts as 2 FLOPs, as everywhere in the
 * bench. */
#include "config.h"

#include "bench.h"

#include <immintrin.h>
#include <math.h>
#include <string.h>
#include <time.h>

#define FMA_CHAINS 12

typedef struct {
  int64_t iters;
  float sink;         /* the chains' sum, so the loop cannot be dropped */
} FmaJob;

/* Each chain is acc = acc * 0.999999 + 1e-6: it stays finite and normal
 * (it converges to 1), so no denormal slows it down. */
__attribute__ ((target ("avx512f"))) static float
fma_avx512 (int64_t iters)
{
  __m512 a = _mm512_set1_ps (0.999999f), b = _mm512_set1_ps (1e-6f);
  __m512 acc[FMA_CHAINS];
  for (int k = 0; k < FMA_CHAINS; k++)
    acc[k] = _mm512_set1_ps ((float) k);
  for (int64_t i = 0; i < iters; i++)
    {
      /* Fully unrolled: a loop over acc[] that GCC keeps rolled leaves the
       * chains in memory (measured: a third of the peak). */
      #pragma GCC unroll 12
      for (int k = 0; k < FMA_CHAINS; k++)
        acc[k] = _mm512_fmadd_ps (acc[k], a, b);
    }
  __m512 s = acc[0];
  for (int k = 1; k < FMA_CHAINS; k++)
    s = _mm512_add_ps (s, acc[k]);
  return _mm512_reduce_add_ps (s);
}

__attribute__ ((target ("avx2,fma"))) static float
fma_avx2 (int64_t iters)
{
  __m256 a = _mm256_set1_ps (0.999999f), b = _mm256_set1_ps (1e-6f);
  __m256 acc[FMA_CHAINS];
  for (int k = 0; k < FMA_CHAINS; k++)
    acc[k] = _mm256_set1_ps ((float) k);
  for (int64_t i = 0; i < iters; i++)
    {
      #pragma GCC unroll 12
      for (int k = 0; k < FMA_CHAINS; k++)
        acc[k] = _mm256_fmadd_ps (acc[k], a, b);
    }
  __m256 s = acc[0];
  for (int k = 1; k < FMA_CHAINS; k++)
    s = _mm256_add_ps (s, acc[k]);
  float v[8];
  _mm256_storeu_ps (v, s);
  return v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
}

static gboolean use_avx512;

static gpointer
fma_thread (gpointer data)
{
  FmaJob *job = data;
  job->sink = use_avx512 ? fma_avx512 (job->iters) : fma_avx2 (job->iters);
  return NULL;
}

static double
seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

const char *
bench_measure_fma_peak (int threads, int64_t iters, int trials, double *gflops)
{
  __builtin_cpu_init ();
  use_avx512 = __builtin_cpu_supports ("avx512f");
  if (!use_avx512 && !(__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma")))
    {
      *gflops = NAN;
      return NULL;
    }
  int lanes = use_avx512 ? 16 : 8;
  FmaJob *jobs = g_new0 (FmaJob, threads);
  GThread **th = g_new0 (GThread *, threads);
  double best = 0.0;
  float sink = 0.0f;
  /* The best of the trials: a busy moment only ever lowers the rate.  The
   * wall time spans starting and joining all threads, so the rate is of
   * the threads running together (thread start-up is microseconds against
   * a loop of tens of milliseconds). */
  for (int t = 0; t < trials; t++)
    {
      double t0 = seconds ();
      for (int i = 0; i < threads; i++)
        {
          jobs[i].iters = iters;
          th[i] = g_thread_new ("fma-peak", fma_thread, &jobs[i]);
        }
      for (int i = 0; i < threads; i++)
        {
          g_thread_join (th[i]);
          sink += jobs[i].sink;
        }
      double dt = seconds () - t0;
      double flops = 2.0 * (double) FMA_CHAINS * lanes * (double) iters * threads;
      best = MAX (best, flops / dt * 1e-9);
    }
  g_free (jobs);
  g_free (th);
  *gflops = isfinite (sink) ? best : NAN;
  return use_avx512 ? "AVX-512F" : "AVX2+FMA";
}

char *
bench_cpu_model (void)
{
  g_autofree char *text = NULL;
  char *name = NULL;
  if (g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    {
      char **lines = g_strsplit (text, "\n", -1);
      for (char **l = lines; *l && name == NULL; l++)
        if (g_str_has_prefix (*l, "model name") && strchr (*l, ':'))
          name = g_strstrip (g_strdup (strchr (*l, ':') + 1));
      g_strfreev (lines);
    }
  return name ? name : g_strdup ("unknown");
}

double
bench_load_average (void)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return NAN;
  return g_ascii_strtod (text, NULL);
}
