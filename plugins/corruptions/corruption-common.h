/* plugins/corruptions: what every corruption component shares.
 *
 * A component is a CorrSpec (its name, its per-image operation and, when it
 * needs one, state built from its keys) plus a small create() that passes
 * the spec to corr_instance_new.  The vtable's apply and destroy are the
 * shared corr_apply / corr_destroy: they check the level is a severity
 * 1..5 and the image a 1- or 3-channel size with a constants table, run the
 * operation on one image, then clip to [0, 1] and, when `quantize` is on,
 * truncate to 8 bits as the CIFAR-10-C generator's np.uint8 does
 * (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py).
 *
 * Threads: the runner corrupts the images of a batch on several threads
 * at once with one instance, so apply() and the operations must not write to
 * the instance or its state (keep scratch on the stack or allocate it per
 * call).
 *
 * Sizes: every constant that depends on the image size is looked up in a
 * table indexed by CorrSize.  32 and 64 (and 224) are the published CIFAR-10-C,
 * Tiny-ImageNet-C (and ImageNet-C) tables; each component says how its 28x28
 * row was derived.
 */
#ifndef INTERP_PLUGINS_CORRUPTION_COMMON_H
#define INTERP_PLUGINS_CORRUPTION_COMMON_H

#include <interp/interp.h>
#include <interp/image.h>

G_BEGIN_DECLS

typedef enum { CORR_SIZE_28, CORR_SIZE_32, CORR_SIZE_64, CORR_SIZE_224, CORR_N_SIZES } CorrSize;

/* What one call of an operation knows besides its images. */
typedef struct {
  const char *where;     /* "file.ini: [group]" for messages */
  int severity;          /* 1..5 */
  CorrSize size;
  InterpRng *rng;        /* this image's stream: (seed, group, severity, image index) */
  gpointer state;        /* the spec's create_state result, or NULL */
} CorrCall;

typedef struct {
  const char *name;
  /* dst has src's shape and may be written freely; src is a clean image in
   * [0, 1].  The result is clipped (and quantised) by the caller. */
  gboolean (*apply) (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                     GError **error);
  /* Optional: state built once from the component's keys (e.g. loaded frost
   * photos); freed with destroy_state. */
  gpointer (*create_state) (const InterpParams *params, InterpContext *ctx, GError **error);
  void (*destroy_state) (gpointer state);
  /* Greyscale: TRUE runs the operation on the grey image replicated to
   * three equal channels and converts the result back with ITU-R 601 luma
   * (what the generator does for an image with equal channels, then a
   * grey conversion); FALSE runs it on the single channel as it is. */
  gboolean grey_through_rgb;
} CorrSpec;

/* The keys every corruption has; end a component's table with
 * CORR_COMMON_PARAMS, { 0 }. */
#define CORR_COMMON_PARAMS                                                              \
  { .key = "severity", .type = INTERP_PARAM_INT_LIST, .default_value = "1,2,3,4,5",      \
    .help = "severities to evaluate (1 = mildest, 5 = most severe)", .min = 1, .max = 5 }, \
  { .key = "quantize", .type = INTERP_PARAM_BOOL, .default_value = "true",              \
    .help = "truncate the result to 8 bits, as the generator's np.uint8 does" }

gpointer corr_instance_new (const CorrSpec *spec, const InterpParams *params,
                            InterpContext *ctx, GError **error);
void corr_destroy (gpointer self);
gboolean corr_apply (gpointer self, const InterpTensor *x, double level, InterpRng *rng,
                     InterpTensor *out, GError **error);

/* The table's value for this call's size and severity:
 * table[size][severity - 1]. */
#define CORR_PICK(table, call) ((table)[(call)->size][(call)->severity - 1])

/* The side a size stands for (28, 32, 64, 224). */
int corr_size_side (CorrSize size);

G_END_DECLS

#endif
