/* Stored corrupted suites written by the tests: .npy files in NumPy's own
 * version-1.0 layout (header padded to 64 bytes) and the CIFAR-10-C and
 * MNIST-C folder layouts built from them. */
#ifndef INTERP_TEST_CORRUPTED_SET_FILES_H
#define INTERP_TEST_CORRUPTED_SET_FILES_H

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Writes dir/name (parents made) holding `data` with dtype descr (e.g.
 * "|u1", "<i8") and shape; elem_size bytes per element, data in host
 * order (the tests run on little-endian hosts: "<" descrs only).  Returns
 * the path (g_free). */
char *tcs_write_npy (const char *dir, const char *name, const char *descr, size_t elem_size,
                     int ndim, const int64_t *shape, const void *data);

/* The pixel the tests store for (row, y, x, channel) of an image file. */
uint8_t tcs_pixel (int64_t row, int64_t y, int64_t x, int64_t c);

/* An image file (rows, h, w, c) of tcs_pixel values. */
char *tcs_write_images (const char *dir, const char *name, int64_t rows, int64_t h, int64_t w,
                        int64_t c);

/* Labels as int64 (shape (n,)). */
char *tcs_write_labels (const char *dir, const char *name, int64_t n, const int32_t *labels);

G_END_DECLS

#endif
