/* corrupted-set: one (corruption, severity) block of a stored corrupted
 * suite (CIFAR-10-C, Tiny-ImageNet-C, MNIST-C, Fashion-MNIST-C) as a
 * dataset.  The layouts are in corrupted-suite.h.  TEST is the block;
 * TRAIN is the mnist-c train set of that corruption when the folder has
 * one, else empty (the CIFAR-C suites ship no train set). */
#include "config.h"

#include "datasets.h"
#include "corrupted-suite.h"

#include <string.h>

static const InterpParamSpec corrupted_set_params[] = {
  { .key = "path", .type = INTERP_PARAM_STRING, .default_value = NULL,
    .help = "folder of the stored suite (e.g. CIFAR-10-C or mnist_c)" },
  { .key = "layout", .type = INTERP_PARAM_CHOICE, .default_value = "auto",
    .help = "cifar-c: DIR/<corruption>.npy + DIR/labels.npy; mnist-c: "
            "DIR/<corruption>/test_images.npy + test_labels.npy; auto: whichever exists",
    .choices = SUITE_LAYOUT_CHOICES },
  { .key = "corruption", .type = INTERP_PARAM_STRING, .default_value = NULL,
    .help = "the stored name, e.g. gaussian_noise" },
  { .key = "severity", .type = INTERP_PARAM_INT, .default_value = "1",
    .help = "severity block 1..5 (cifar-c); mnist-c stores one severity, so only 1",
    .min = 1, .max = 5 },
  { .key = "classes", .type = INTERP_PARAM_INT, .default_value = "10",
    .help = "number of classes; every stored label must be below it", .min = 1,
    .max = 1000000 },
  { 0 }
};

/* Copies a block's images and labels into split s of the store (the
 * geometry checked against the store's when it is already set). */
static gboolean
load_block (DsStore *store, InterpSplit s, SuiteBlock *block, const char *where, GError **error)
{
  if (store->channels == 0)
    {
      store->channels = block->channels;
      store->height = block->height;
      store->width = block->width;
    }
  else if (store->channels != block->channels || store->height != block->height
           || store->width != block->width)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "%s: %s holds %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                   " images, the test set %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%"
                   G_GINT64_FORMAT, where, interp_npy_path (block->images), block->height,
                   block->width, block->channels, store->height, store->width,
                   store->channels);
      return FALSE;
    }
  ds_store_alloc (store, s, block->n);
  DsSplit *sp = &store->split[s];
  memcpy (sp->labels, block->labels, (size_t) block->n * sizeof (int32_t));
  return suite_block_read (block, 0, block->n, sp->pixels, error);
}

static gpointer
corrupted_set_open (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  const char *where = interp_params_where (params);
  const char *dir = interp_params_get_string (params, "path");
  const char *corruption = interp_params_get_string (params, "corruption");
  SuiteLayout layout = suite_layout_from_string (interp_params_get_string (params, "layout"));
  int severity = (int) interp_params_get_int (params, "severity");
  int n_classes = (int) interp_params_get_int (params, "classes");
  if (*corruption == '\0' || strchr (corruption, '/') != NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "%s: key 'corruption': '%s' is not a stored corruption name", where,
                   corruption);
      return NULL;
    }
  DsStore *store = ds_store_new ("corrupted-set");
  store->n_classes = n_classes;
  SuiteBlock test, train;
  gboolean has_train = FALSE;
  gboolean ok = suite_block_open_test (&test, where, dir, layout, corruption, severity,
                                       n_classes, error);
  if (ok)
    {
      ok = load_block (store, INTERP_SPLIT_TEST, &test, where, error);
      suite_block_clear (&test);
    }
  if (ok)
    ok = suite_block_open_train (&train, where, dir, layout, corruption, n_classes, &has_train,
                                 error);
  if (ok && has_train)
    ok = load_block (store, INTERP_SPLIT_TRAIN, &train, where, error);
  else if (ok)
    ds_store_alloc (store, INTERP_SPLIT_TRAIN, 0);
  if (has_train)
    suite_block_clear (&train);
  if (!ok)
    {
      ds_store_close (store);
      return NULL;
    }
  return store;
}

static const InterpDatasetVTable corrupted_set_vtable = {
  INTERP_VTABLE_SIZE (InterpDatasetVTable),
  .open = corrupted_set_open,
  .close = ds_store_close,
  .info = ds_store_info,
  .size = ds_store_size,
  .read = ds_store_read,
};

const InterpComponent interp_dataset_corrupted_set = INTERP_COMPONENT (
  .kind = INTERP_KIND_DATASET, .name = "corrupted-set",
  .description = "One (corruption, severity) block of a stored corrupted suite (CIFAR-10-C, "
                 "Tiny-ImageNet-C, MNIST-C, Fashion-MNIST-C .npy files)",
  .params = corrupted_set_params, .vtable = &corrupted_set_vtable);
