/* Shared fixture of the attack tests: tiny networks whose adversarial
 * examples can be worked out by hand, a small trained conv net, and the
 * check that an attack gave the network back as it found it (attack.h).
 *
 * Every function asserts (Criterion) instead of returning errors: a fixture
 * that cannot be built is a failed test. */
#ifndef INTERP_TESTS_ATTACK_FIXTURE_H
#define INTERP_TESTS_ATTACK_FIXTURE_H

#include <interp/interp.h>

G_BEGIN_DECLS

/* logits = W x + b over d "pixels" (the input is d x 1 x 1; a flatten node,
 * then a linear node "fc"): W is k x d row-major, b has k entries.  Eval
 * mode.  With no normalisation the input gradient of z_c is row c of W. */
InterpNet *fixture_linear_net (int64_t d, int64_t k, const float *w, const float *b);

/* A binary affine classifier: logits (0, w.x + b), so class 1 iff
 * w.x + b > 0 and the margin z_1 - z_0 is w.x + b. */
InterpNet *fixture_binary_net (int64_t d, const float *w, float b);

/* A batch of n images (c x h x w) of feature vectors, with labels. */
typedef struct {
  InterpTensor *x;
  int32_t *labels;
  int64_t n;
} FixtureBatch;

void fixture_batch_free (FixtureBatch *b);

/* A small conv net (normalize, 3x3 conv with 4 channels, ReLU, 2x2 max
 * pool, flatten, dropout 0.25, linear to 3 classes), returned in eval mode, trained with SGD on synthetic 1 x 8 x 8 images:
 * class 0 has a bright horizontal bar, class 1 a vertical one, class 2 none,
 * on a noisy background.  Deterministic (fixed seeds).  *test receives n_test
 * fresh images of the same distribution.  Clean test accuracy is asserted
 * >= 0.9, so "robust accuracy falls with eps" has room to show. */
InterpNet *fixture_conv_net (int64_t n_test, FixtureBatch *test);

/* The batch of the synthetic bar images (what fixture_conv_net trains on). */
void fixture_bar_images (int64_t n, uint64_t seed, FixtureBatch *out);

/* Fraction of images the network classifies correctly (argmax, first of
 * equal maxima). */
double fixture_accuracy (InterpNet *net, const InterpTensor *x, const int32_t *labels);

/* Left as found.  seed() runs a forward on x, writes distinct non-zero
 * values into the gradient of every even-numbered node (odd ones stay
 * untouched) and into every parameter gradient, sets the input- and
 * parameter-gradient flags as given, and snapshots all of it (and the mode)
 * by copying.  check() asserts that the network holds exactly the snapshot:
 * same mode, flags, touched set, and bit-identical node and parameter
 * gradients; it frees the snapshot. */
typedef struct FixtureNetSnapshot FixtureNetSnapshot;
FixtureNetSnapshot *fixture_net_seed (InterpNet *net, const InterpTensor *x,
                                      gboolean input_grad, gboolean param_grad);
void fixture_net_check (InterpNet *net, FixtureNetSnapshot *snap, const char *who);

/* An attack instance from a component and "key=value" pairs (NULL-ended,
 * may be NULL).  Returns NULL with error set when the parameters or create()
 * refuse them. */
gpointer fixture_attack_new (const InterpComponent *c, const char *const *pairs,
                             GError **error);
void fixture_attack_free (const InterpComponent *c, gpointer self);

/* perturb() at one budget for every image, asserting success; rng seeded
 * with `seed`. */
void fixture_attack_run (const InterpComponent *c, gpointer self, InterpNet *net,
                         const InterpTensor *x, const int32_t *labels, double eps,
                         uint64_t seed, InterpTensor *x_adv);

G_END_DECLS

#endif
