/* plugins: a stored corrupted suite on disk, read through include/interp/npy.h.
 *
 * Shared by the dataset component `corrupted-set` (plugins/datasets) and the
 * corruption component `stored` (plugins/corruptions): both modules compile
 * corrupted-suite.c, so the layouts are read by one copy of the code.
 *
 * The layouts (`layout` key):
 *   cifar-c   DIR/<corruption>.npy: (5 N, H, W, C) uint8, severities 1..5
 *             stacked in blocks of N rows; DIR/labels.npy: (5 N,) labels
 *             (CIFAR-10-C repeats the test labels per block) or (N,).
 *             CIFAR-10-C and CIFAR-100-C (hendrycks/robustness); a suite
 *             shipped as image folders (Tiny-ImageNet-C's JPEGs) fits once
 *             converted to this layout.
 *   mnist-c   DIR/<corruption>/test_images.npy: (N, H, W, C) uint8 and
 *             test_labels.npy: (N,); optionally train_images.npy and
 *             train_labels.npy.  MNIST-C (google-research/mnist-c) and
 *             Fashion-MNIST-C store one severity per corruption, so the
 *             only severity there is 1.
 *   auto      cifar-c when DIR/<corruption>.npy exists, else mnist-c.
 * Images may also be (rows, H, W): one channel.  Channels must be 1 or 3;
 * labels uint8, int32 or int64.
 */
#ifndef INTERP_PLUGINS_CORRUPTED_SUITE_H
#define INTERP_PLUGINS_CORRUPTED_SUITE_H

#include <glib.h>
#include <stdint.h>
#include <interp/npy.h>

G_BEGIN_DECLS

typedef enum { SUITE_AUTO, SUITE_CIFAR_C, SUITE_MNIST_C } SuiteLayout;

#define SUITE_LAYOUT_CHOICES "auto|cifar-c|mnist-c"

/* A `layout` value (one of SUITE_LAYOUT_CHOICES, validated by the params). */
SuiteLayout suite_layout_from_string (const char *text);

/* Rows [first, first + n) of an image file, with their labels. */
typedef struct {
  InterpNpy *images;
  int64_t first, n;
  int64_t channels, height, width;
  int32_t *labels;        /* n, owned */
  char *labels_path;      /* for messages */
  int64_t labels_first;   /* the label of image i is row labels_first + i there */
} SuiteBlock;

/* Opens the test block of (corruption, severity 1..5).  n_classes > 0
 * checks every label is in [0, n_classes).  `where` ("file.ini: [group]")
 * starts every message; the files and rows at fault are named. */
gboolean suite_block_open_test (SuiteBlock *block, const char *where, const char *dir,
                                SuiteLayout layout, const char *corruption, int severity,
                                int n_classes, GError **error);
/* The mnist-c train set; *present FALSE (and TRUE returned) when the layout
 * is cifar-c or the folder has neither train file; one without the other
 * is an error. */
gboolean suite_block_open_train (SuiteBlock *block, const char *where, const char *dir,
                                 SuiteLayout layout, const char *corruption, int n_classes,
                                 gboolean *present, GError **error);
void suite_block_clear (SuiteBlock *block);

/* Images [i, i + count) of the block as uint8 NCHW into dst
 * (count * C * H * W bytes). */
gboolean suite_block_read (SuiteBlock *block, int64_t i, int64_t count, uint8_t *dst,
                           GError **error);

G_END_DECLS

#endif
