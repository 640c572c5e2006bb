/* interp: tensors.
 *
 * A tensor is contiguous float32 in row-major order with an explicit shape of
 * at most four dimensions: images are NCHW, dense activations N x F.
 * Tensors are created and freed by libinterp; plugins borrow them.  A tensor
 * may be reshaped in place; its storage only ever grows (capacity), so a
 * buffer sized for the largest batch is reused without malloc.
 */
#ifndef INTERP_TENSOR_H
#define INTERP_TENSOR_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

#define INTERP_MAX_DIMS 4

typedef struct {
  int ndim;
  int64_t shape[INTERP_MAX_DIMS];
  size_t numel;      /* product of shape[0..ndim-1] */
  size_t capacity;   /* floats allocated at data */
  float *data;       /* owned by the tensor, 64-byte aligned */
} InterpTensor;

/* A zero-filled tensor.  ndim in 1..4, every dimension >= 0. */
InterpTensor *interp_tensor_new (int ndim, const int64_t *shape);
InterpTensor *interp_tensor_new_2d (int64_t n, int64_t f);
InterpTensor *interp_tensor_new_4d (int64_t n, int64_t c, int64_t h, int64_t w);
InterpTensor *interp_tensor_copy (const InterpTensor *src);
void interp_tensor_free (InterpTensor *t);

/* Give t a new shape, growing its storage if needed.  Contents are
 * unspecified after a growth (not preserved, not zeroed). */
void interp_tensor_reshape (InterpTensor *t, int ndim, const int64_t *shape);
/* Make dst the same shape as src and copy the data. */
void interp_tensor_copy_into (InterpTensor *dst, const InterpTensor *src);
void interp_tensor_zero (InterpTensor *t);
void interp_tensor_fill (InterpTensor *t, float value);

gboolean interp_tensor_same_shape (const InterpTensor *a, const InterpTensor *b);
/* Elements per sample: numel / shape[0]. */
size_t interp_tensor_sample_size (const InterpTensor *t);
/* "[128, 1, 28, 28]"; free with g_free. */
char *interp_tensor_shape_string (const InterpTensor *t);

G_END_DECLS

#endif
