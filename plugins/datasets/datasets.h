/* plugins/datasets: what the dataset components of this module share.
 *
 * Every loader here decodes its format once, in open(), into a DsStore:
 * uint8 pixels (NCHW per sample, 0..255) and int32 labels per split.  The
 * shared close/info/size/read functions then serve any store, converting
 * to floats in [0, 1] only for the samples asked for, so a 60000-image
 * dataset costs 47 MB rather than 188 MB and opens as fast as it inflates.
 */
#ifndef INTERP_PLUGINS_DATASETS_H
#define INTERP_PLUGINS_DATASETS_H

#include <glib.h>
#include <stdint.h>
#include <interp/dataset.h>
#include <interp/error.h>
#include <interp/plugin.h>

G_BEGIN_DECLS

typedef struct {
  int64_t n;
  uint8_t *pixels;       /* n * C * H * W, owned */
  int32_t *labels;       /* n, owned */
} DsSplit;

typedef struct {
  char *name;            /* component name, for messages */
  int64_t channels, height, width;
  int n_classes;
  char **class_names;    /* n_classes names, NULL-terminated, or NULL */
  DsSplit split[2];      /* INTERP_SPLIT_TRAIN, INTERP_SPLIT_TEST */
} DsStore;

DsStore *ds_store_new (const char *name);
/* Allocate split `s` for n samples of the store's current C x H x W. */
void ds_store_alloc (DsStore *store, InterpSplit s, int64_t n);
int64_t ds_store_sample_size (const DsStore *store);
/* Checks every label of both splits against n_classes; `what` names the
 * source for the message (FORMAT error). */
gboolean ds_store_check_labels (const DsStore *store, InterpSplit s, const char *what,
                                GError **error);

/* The vtable members shared by every store-backed component. */
void ds_store_close (gpointer self);
void ds_store_info (gpointer self, InterpDataInfo *info);
int64_t ds_store_size (gpointer self, InterpSplit split);
gboolean ds_store_read (gpointer self, InterpSplit split, const int64_t *idx, int64_t n,
                        float *images, int32_t *labels, GError **error);

/* Reads a whole (small) text file's non-empty, stripped lines; NULL on error
 * (IO, naming the file). */
char **ds_read_lines (const char *path, GError **error);

extern const InterpComponent interp_dataset_fashion_mnist;
extern const InterpComponent interp_dataset_mnist;
extern const InterpComponent interp_dataset_cifar10;
extern const InterpComponent interp_dataset_cifar100;
extern const InterpComponent interp_dataset_image_folder;
extern const InterpComponent interp_dataset_tiny_imagenet;
extern const InterpComponent interp_dataset_synthetic;
extern const InterpComponent interp_dataset_corrupted_set;

G_END_DECLS

#endif
