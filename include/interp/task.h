/* interp: task components (what the network is trained to predict).
 *
 * A task sits between the dataset and the network.  It decides the size of
 * the network's head (n_outputs: the model builder gets it as the number of
 * classes, so one model plugin serves every task) and maps each batch the
 * dataset serves to the batch the network trains and is evaluated on:
 *   supervised       the batch as it is, n_outputs = the dataset's classes;
 *   rotation         (RotNet) every image at 0, 90, 180 and 270 degrees,
 *                    target = the rotation: 4N images, n_outputs = 4;
 *   permuted-labels  the labels through a fixed seeded permutation.
 * A pipeline names its task in an optional [task] group; without one the
 * runner trains on the dataset's labels as they are (the supervised task).
 *
 * Determinism: map() must be a function of its inputs, the parameters and
 * the streams of `ctx` (drawn in create(): e.g. the permutation), never of
 * the batch size or the thread count, so that every trial reproduces.
 */
#ifndef INTERP_TASK_H
#define INTERP_TASK_H

#include <glib.h>
#include <stdint.h>
#include <interp/context.h>
#include <interp/dataset.h>
#include <interp/params.h>
#include <interp/tensor.h>

G_BEGIN_DECLS

typedef struct {
  uint32_t struct_size;
  /* data: the dataset's shapes and classes (borrowed for the call).  Errors
   * name the group and key, e.g. a task that needs square images. */
  gpointer (*create) (const InterpParams *params, const InterpDataInfo *data,
                      InterpContext *ctx, GError **error);
  void (*destroy) (gpointer self);
  /* The size of the network's head: targets are in [0, n_outputs). */
  int (*n_outputs) (gpointer self);
  /* How many images map() makes of n (rotation: 4 * n); the caller sizes
   * `out` and `targets` with it. */
  int64_t (*mapped_size) (gpointer self, int64_t n);
  /* x: n images (N x C x H x W, [0, 1]) with their dataset labels; out:
   * caller-allocated, mapped_size (n) images of the same C x H x W; targets:
   * mapped_size (n) entries in [0, n_outputs).  Image i's copies come
   * before image i+1's. */
  gboolean (*map) (gpointer self, const InterpTensor *x, const int32_t *labels,
                   InterpTensor *out, int32_t *targets, GError **error);
} InterpTaskVTable;

G_END_DECLS

#endif
