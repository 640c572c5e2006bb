/* interp: reading NumPy .npy files (stored corrupted suites such as
 * CIFAR-10-C and MNIST-C ship as .npy).
 *
 * The format (numpy/lib/format.py, "NEP 1", versions 1.0, 2.0 and 3.0):
 *   bytes 0..5   magic "\x93NUMPY"
 *   byte  6, 7   major, minor version: (1, 0), (2, 0) or (3, 0)
 *   then         the header length: uint16 little-endian (1.0) or uint32
 *                little-endian (2.0, 3.0)
 *   then         the header: a Python dict literal with exactly the keys
 *                'descr', 'fortran_order' and 'shape', padded with spaces
 *                and ended by '\n' (latin-1 in 1.0 and 2.0, utf-8 in 3.0)
 *   then         the data, C order, prod(shape) elements of descr.
 * NumPy pads the header so the data starts at a multiple of 64 (16 in old
 * versions); that alignment is not required here.
 *
 * What is read: dtypes uint8 ('|u1', also '<u1'/'>u1'), int32 ('<i4'),
 * int64 ('<i8') and float32 ('<f4', and '>f4', which is byte-swapped to the
 * host's order on read); 1 to 4 dimensions; C order.  fortran_order True,
 * other dtypes (structured, float64, ...), a big-endian integer wider than a
 * byte, a header that is not such a dict, and a file whose length is not
 * exactly header + data are refused with INTERP_ERROR_FORMAT (a truncated
 * file, a shape that does not fit the file, a bad magic) or
 * INTERP_ERROR_UNSUPPORTED (a valid .npy this reader does not take); the
 * message names the file and, where one is at fault, the byte offset.
 *
 * An InterpNpy holds the file open and reads rows (ranges of the first
 * axis) on demand, so a 50000-row file need not be decoded whole.  A handle
 * is not safe to read from two threads at once.
 */
#ifndef INTERP_NPY_H
#define INTERP_NPY_H

#include <glib.h>
#include <stdint.h>
#include <interp/error.h>

G_BEGIN_DECLS

#define INTERP_NPY_MAX_DIMS 4

typedef enum {
  INTERP_NPY_UINT8,
  INTERP_NPY_INT32,
  INTERP_NPY_INT64,
  INTERP_NPY_FLOAT32,
} InterpNpyDtype;

typedef struct _InterpNpy InterpNpy;

/* Opens `path`, parses and validates its header and checks the file's
 * length against the shape.  NULL with *error set on any failure
 * (INTERP_ERROR_NOT_FOUND for a missing file, IO, FORMAT, UNSUPPORTED). */
InterpNpy *interp_npy_open (const char *path, GError **error);
void interp_npy_close (InterpNpy *npy);

/* Borrowed, valid while npy is open. */
const char *interp_npy_path (const InterpNpy *npy);
InterpNpyDtype interp_npy_dtype (const InterpNpy *npy);
/* Bytes per element of a dtype: 1, 4, 8 or 4. */
size_t interp_npy_dtype_size (InterpNpyDtype dtype);
/* "uint8", "int32", "int64", "float32". */
const char *interp_npy_dtype_name (InterpNpyDtype dtype);
/* 1..INTERP_NPY_MAX_DIMS, and the shape (ndim entries, borrowed). */
int interp_npy_ndim (const InterpNpy *npy);
const int64_t *interp_npy_shape (const InterpNpy *npy);
/* shape[0], and the elements of one row: the product of shape[1..]. */
int64_t interp_npy_n_rows (const InterpNpy *npy);
int64_t interp_npy_row_numel (const InterpNpy *npy);
/* The byte offset of the first data element (the header's length). */
int64_t interp_npy_data_offset (const InterpNpy *npy);
/* The shape as NumPy prints it, "(50000, 32, 32, 3)" (g_free). */
char *interp_npy_shape_string (const InterpNpy *npy);

/* Reads rows [first, first + n) of the first axis into dst, which holds
 * n * interp_npy_row_numel elements of the file's dtype, in C order and
 * host byte order.  FALSE with INTERP_ERROR_INVALID_ARGUMENT for a range
 * outside [0, n_rows], or IO/FORMAT if the file cannot be read (changed
 * since open), naming the file and offset.  Several threads may read from
 * one InterpNpy at once (positioned reads, no shared offset). */
gboolean interp_npy_read_rows (InterpNpy *npy, int64_t first, int64_t n, void *dst,
                               GError **error);

G_END_DECLS

#endif
