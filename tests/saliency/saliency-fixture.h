/* Shared fixture of the saliency tests: tiny networks with fixed, hand-set
 * weights, the interp-saliency module loaded through the registry, methods
 * created from key=value lists (wrappers such as noise-tunnel reach other
 * groups through a lookup the fixture installs), a finite-difference
 * gradient and the "left as found" check of saliency.h.
 *
 * Every function asserts (Criterion) instead of returning errors, except
 * sal_method_new and sal_attribute_try, whose errors are what some tests
 * check. */
#ifndef INTERP_TESTS_SALIENCY_FIXTURE_H
#define INTERP_TESTS_SALIENCY_FIXTURE_H

#include <interp/interp.h>

G_BEGIN_DECLS

/* ---- networks ------------------------------------------------------------ */

/* z = W x + b on feature vectors: input F x 1 x 1 (batches N x F x 1 x 1),
 * a flatten node, a linear node "fc" (W: K x F row-major, b: K).  No
 * normalisation, so d z_c / dx = row c of W.  Eval mode. */
InterpNet *sal_linear_net (int64_t f, int64_t k, const float *w, const float *b);

/* Images 1 x 6 x 6: normalize (mean 0.4, std 0.25) -> conv "conv" (2
 * channels, 3x3, padding 1, bias) -> [batchnorm "bn" when with_bn] -> relu
 * -> maxpool 2x2 -> flatten -> linear "fc" to 3 classes.  Weights are fixed
 * by a formula (sal_weight), BN statistics too, so every value is
 * reproducible by hand; eval mode. */
enum { SAL_SIDE = 6, SAL_CLASSES = 3 };
InterpNet *sal_conv_net (gboolean with_bn);

/* The hand-set weight pattern: w(i) = 0.5 * sin(1.3 i + phase) (a fixed,
 * mixed-sign sequence, no two entries equal). */
float sal_weight (int64_t i, double phase);

/* n images of c x h x w, values in [0.05, 0.95] from a fixed seed. */
InterpTensor *sal_images (int64_t n, int64_t c, int64_t h, int64_t w, uint64_t seed);

/* Copy all parameter values of `name` (asserting it exists and has n values). */
void sal_set_param (InterpNet *net, const char *name, const float *v, size_t n);

/* ---- the module and its methods ----------------------------------------- */

/* The component saliency:NAME of the built interp-saliency module
 * ($INTERP_TEST_BUILDDIR/plugins/saliency/.libs/interp-saliency.so, loaded
 * once per process through the registry).  Asserts it exists. */
const InterpComponent *sal_component (const char *name);

typedef struct {
  const InterpComponent *component;
  const InterpSaliencyVTable *vtable;
  gpointer instance;
  InterpSaliencyInfo info;     /* describe()'s answer */
} SalMethod;

/* Declares a [saliency:GROUP] group (group without the "saliency:"
 * prefix) of component `name` with key=value pairs, for wrappers that
 * look it up (method = saliency:GROUP).  Created on first lookup, owned by
 * the fixture for the process's lifetime. */
void sal_define_group (const char *group, const char *name, const char *const *pairs);

/* A method from component `name` and "key=value" pairs (NULL-ended, may be
 * NULL), created with the fixture's context (seed 1, 1 thread, the lookup
 * above).  NULL with error set when the keys or create() refuse them. */
SalMethod *sal_method_new (const char *name, const char *const *pairs, GError **error);
/* Asserting success. */
SalMethod *sal_method (const char *name, const char *const *pairs);
void sal_method_free (SalMethod *m);

/* attribute() with rng seeded by `seed`; attr reshaped by the method;
 * delta NULL or N doubles.  _try returns its result; sal_attribute asserts. */
gboolean sal_attribute_try (SalMethod *m, InterpNet *net, const InterpTensor *x,
                            const int32_t *targets, uint64_t seed, InterpTensor *attr,
                            double *delta, GError **error);
void sal_attribute (SalMethod *m, InterpNet *net, const InterpTensor *x,
                    const int32_t *targets, uint64_t seed, InterpTensor *attr, double *delta);

/* ---- numerics ------------------------------------------------------------ */

/* The target logit of each image, in double (out[N]). */
void sal_target_logits (InterpNet *net, const InterpTensor *x, const int32_t *targets,
                        double *out);

/* Central differences of z_t (image i's target logit) w.r.t. every element
 * of x: out[j] = (z(x + h e_j) - z(x - h e_j)) / (2h), the difference taken
 * in double, images perturbed one element at a time (the whole batch is
 * run, each image's logit read; eval mode, so images do not interact).
 * out has x->numel entries. */
void sal_fd_grad (InterpNet *net, const InterpTensor *x, const int32_t *targets, double h,
                  double *out);

/* Largest |a_j - b_j| over n floats. */
double sal_max_abs_diff (const float *a, const float *b, size_t n);

/* ---- left as found ------------------------------------------------------- */

/* seed() runs a forward on x, writes distinct values into the gradient of
 * every even-numbered node (odd ones untouched) and every parameter
 * gradient, sets the gradient flags as given and snapshots all of it with
 * the mode.  check() asserts the network holds exactly the snapshot: mode,
 * both flags, the touched set, every node gradient and parameter gradient
 * bit for bit; it frees the snapshot.  (Backward rules are not read here:
 * their accessor belongs to the rules work; interp_net_state_restore puts
 * them back with the rest.) */
typedef struct SalSnapshot SalSnapshot;
SalSnapshot *sal_net_seed (InterpNet *net, const InterpTensor *x, gboolean input_grad,
                           gboolean param_grad);
void sal_net_check (InterpNet *net, SalSnapshot *snap, const char *who);

G_END_DECLS

#endif
