/* libinterp internals: the thread pools of OpenMP and OpenBLAS. */
#ifndef INTERP_THREADS_PRIVATE_H
#define INTERP_THREADS_PRIVATE_H

#include <glib.h>

G_BEGIN_DECLS

/* The engine parallelises with OpenMP itself (images of a convolution, row
 * blocks of a linear layer, element ranges), so OpenBLAS runs
 * single-threaded from the start to the end of a forward or backward pass:
 * no second thread pool competes for the cores (core/base/threads.c). */
void interp_blas_serial_begin (void);
void interp_blas_serial_end (void);

G_END_DECLS

#endif
