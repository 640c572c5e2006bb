#include "config.h"

#include <interp/tensor.h>

#include <stdlib.h>
#include <string.h>

/* 64-byte alignment keeps rows on cache lines for the BLAS kernels. */
#define TENSOR_ALIGN 64

static size_t
shape_numel (int ndim, const int64_t *shape)
{
  size_t n = 1;
  for (int i = 0; i < ndim; i++)
    {
      g_return_val_if_fail (shape[i] >= 0, 0);
      n *= (size_t) shape[i];
    }
  return n;
}

static float *
aligned_floats (size_t n)
{
  void *p = NULL;
  size_t bytes = (n ? n : 1) * sizeof (float);
  bytes = (bytes + TENSOR_ALIGN - 1) / TENSOR_ALIGN * TENSOR_ALIGN;
  if (posix_memalign (&p, TENSOR_ALIGN, bytes) != 0)
    g_error ("interp: out of memory allocating %zu bytes", bytes);
  return p;
}

InterpTensor *
interp_tensor_new (int ndim, const int64_t *shape)
{
  g_return_val_if_fail (ndim >= 1 && ndim <= INTERP_MAX_DIMS, NULL);
  InterpTensor *t = g_new0 (InterpTensor, 1);
  t->ndim = ndim;
  memcpy (t->shape, shape, (size_t) ndim * sizeof (int64_t));
  t->numel = shape_numel (ndim, shape);
  t->capacity = t->numel;
  t->data = aligned_floats (t->capacity);
  memset (t->data, 0, t->numel * sizeof (float));
  return t;
}

InterpTensor *
interp_tensor_new_2d (int64_t n, int64_t f)
{
  int64_t shape[2] = { n, f };
  return interp_tensor_new (2, shape);
}

InterpTensor *
interp_tensor_new_4d (int64_t n, int64_t c, int64_t h, int64_t w)
{
  int64_t shape[4] = { n, c, h, w };
  return interp_tensor_new (4, shape);
}

InterpTensor *
interp_tensor_copy (const InterpTensor *src)
{
  InterpTensor *t = interp_tensor_new (src->ndim, src->shape);
  memcpy (t->data, src->data, src->numel * sizeof (float));
  return t;
}

void
interp_tensor_free (InterpTensor *t)
{
  if (t == NULL)
    return;
  free (t->data);
  g_free (t);
}

void
interp_tensor_reshape (InterpTensor *t, int ndim, const int64_t *shape)
{
  g_return_if_fail (ndim >= 1 && ndim <= INTERP_MAX_DIMS);
  size_t n = shape_numel (ndim, shape);
  if (n > t->capacity)
    {
      free (t->data);
      t->data = aligned_floats (n);
      t->capacity = n;
    }
  memmove (t->shape, shape, (size_t) ndim * sizeof (int64_t));
  for (int i = ndim; i < INTERP_MAX_DIMS; i++)
    t->shape[i] = 0;
  t->ndim = ndim;
  t->numel = n;
}

void
interp_tensor_copy_into (InterpTensor *dst, const InterpTensor *src)
{
  if (dst == src)
    return;
  interp_tensor_reshape (dst, src->ndim, src->shape);
  memcpy (dst->data, src->data, src->numel * sizeof (float));
}

void
interp_tensor_zero (InterpTensor *t)
{
  memset (t->data, 0, t->numel * sizeof (float));
}

void
interp_tensor_fill (InterpTensor *t, float value)
{
  for (size_t i = 0; i < t->numel; i++)
    t->data[i] = value;
}

gboolean
interp_tensor_same_shape (const InterpTensor *a, const InterpTensor *b)
{
  if (a->ndim != b->ndim)
    return FALSE;
  for (int i = 0; i < a->ndim; i++)
    if (a->shape[i] != b->shape[i])
      return FALSE;
  return TRUE;
}

size_t
interp_tensor_sample_size (const InterpTensor *t)
{
  return t->shape[0] > 0 ? t->numel / (size_t) t->shape[0] : 0;
}

char *
interp_tensor_shape_string (const InterpTensor *t)
{
  GString *s = g_string_new ("[");
  for (int i = 0; i < t->ndim; i++)
    g_string_append_printf (s, i ? ", %" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, t->shape[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}
