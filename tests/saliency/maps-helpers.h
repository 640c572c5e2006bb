/* Helpers of the map-method tests (test-saliency-cam.c,
 * test-saliency-perturb.c): the components compiled into the test, run
 * directly through their vtables, and the small networks both files use.
 * Every function asserts (Criterion) except method_new and method_run,
 * whose errors some tests check. */
#ifndef INTERP_TESTS_SALIENCY_MAPS_HELPERS_H
#define INTERP_TESTS_SALIENCY_MAPS_HELPERS_H

#include <interp/interp.h>

G_BEGIN_DECLS

#define OK(expr, error) cr_assert ((expr), "%s", (error) != NULL ? (error)->message : #expr)

/* An instance of c from "key=value" pairs (NULL-ended, may be NULL); NULL
 * with error set when the keys or create() refuse them. */
gpointer method_new (const InterpComponent *c, const char *const *pairs, GError **error);
void method_free (const InterpComponent *c, gpointer self);
/* attribute() with rng seeded `seed`, delta NULL; its success. */
gboolean method_run (const InterpComponent *c, gpointer self, InterpNet *net,
                     const InterpTensor *x, const int32_t *targets, uint64_t seed,
                     InterpTensor *attr, GError **error);
/* The map (new tensor of x's shape), asserting success and that the
 * network is left as found (saliency.h). */
InterpTensor *map_of (const InterpComponent *c, const char *const *pairs, InterpNet *net,
                      const InterpTensor *x, const int32_t *targets, uint64_t seed);

/* 1 x 6 x 6 -> conv 3x3 pad 1 "conv" (3 channels) -> relu "relu" ->
 * maxpool 2 "pool" -> flatten -> linear "fc" (27 -> 3); weights from a
 * fixed stream, conv biases 0.2.  Eval mode. */
InterpNet *relu_net (void);
/* n images c x h x w, uniform in [0, 1) from stream `seed`. */
InterpTensor *random_images (int64_t n, int64_t c, int64_t h, int64_t w, uint64_t seed);
/* logits = W x + b on c x h x w images through a flatten, 2 classes
 * (wt: 2 x (c h w), b: 2). */
InterpNet *linear_image_net (int64_t c, int64_t h, int64_t w, const float *wt,
                             const float *b);

G_END_DECLS

#endif
