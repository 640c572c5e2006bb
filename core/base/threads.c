#include "config.h"

#include <interp/threads.h>

#include <stdlib.h>

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef HAVE_OPENBLAS_SET_NUM_THREADS
#include <cblas.h>
#endif

#include "base/threads-private.h"

/* Process-wide by nature: OpenMP and OpenBLAS keep one pool each. */
static int n_threads;

static int
default_threads (void)
{
  const char *env = g_getenv ("INTERP_THREADS");
  if (env != NULL && *env != '\0')
    {
      char *end = NULL;
      long v = strtol (env, &end, 10);
      if (end != env && *end == '\0' && v > 0 && v <= 4096)
        return (int) v;
      g_warning ("INTERP_THREADS=%s is not a thread count from 1 to 4096; using every core",
                 env);
    }
  return (int) g_get_num_processors ();
}

static void
set_blas_threads (int n)
{
#ifdef HAVE_OPENBLAS_SET_NUM_THREADS
  openblas_set_num_threads (n);
#else
  (void) n;
#endif
}

void
interp_set_threads (int n)
{
  if (n <= 0)
    n = default_threads ();
  n_threads = n;
#ifdef _OPENMP
  omp_set_num_threads (n);
#endif
  set_blas_threads (n);
}

int
interp_threads (void)
{
  if (n_threads <= 0)
    interp_set_threads (0);
  return n_threads;
}

/* Inside an OpenMP loop each thread calls BLAS on its own slice; BLAS's own
 * pool would only oversubscribe the cores. */
void
interp_blas_serial_begin (void)
{
  if (interp_threads () > 1)
    set_blas_threads (1);
}

void
interp_blas_serial_end (void)
{
  if (interp_threads () > 1)
    set_blas_threads (n_threads);
}
