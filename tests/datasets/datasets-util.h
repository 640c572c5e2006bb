/* Helpers for the dataset tests: load the built interp-datasets module,
 * open a component with "key=value" parameters, scratch folders, files. */
#ifndef INTERP_TEST_DATASETS_UTIL_H
#define INTERP_TEST_DATASETS_UTIL_H

#include <glib.h>
#include <stdint.h>
#include <interp/interp.h>

G_BEGIN_DECLS

/* The component `name` of plugins/datasets/.libs/interp-datasets.so. */
const InterpComponent *tds_component (const char *name);

typedef struct {
  const InterpDatasetVTable *vt;
  gpointer self;
  InterpDataInfo info;
} TdsDataset;

/* Opens `name` with the pairs (NULL-terminated) and a context of `seed`.
 * On failure returns FALSE with *error set (parameter or open error). */
gboolean tds_open (const char *name, const char *const *pairs, guint64 seed, TdsDataset *ds,
                   GError **error);
void tds_close (TdsDataset *ds);
/* Reads sample i of split into a new float array (C*H*W), label to *label. */
float *tds_read (TdsDataset *ds, InterpSplit split, int64_t i, int32_t *label);

/* A new empty folder (removed by tds_rmtree). */
char *tds_tmpdir (void);
void tds_rmtree (const char *path);
/* Writes bytes to dir/name (joined); returns the path (g_free). */
char *tds_write (const char *dir, const char *name, const void *data, size_t len);
/* The same, gzip-compressed. */
char *tds_write_gz (const char *dir, const char *name, const void *data, size_t len);
/* Reads a whole file (g_free). */
uint8_t *tds_slurp (const char *path, size_t *len);

/* 8-bit PNG (channels 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA; interleaved rows) and JPEG (quality 95). */
void tds_write_png (const char *path, int w, int h, int channels, const uint8_t *pixels);
void tds_write_jpeg (const char *path, int w, int h, int channels, const uint8_t *pixels);

G_END_DECLS

#endif
