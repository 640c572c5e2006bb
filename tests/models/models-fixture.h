/* Fixtures of the model plugin tests (test-models*.c): the shipped
 * interp-models.so loaded as the registry loads it, building a model on a
 * normalize node as the core does, and assertions on names, shapes, a
 * forward pass and errors. */
#ifndef TESTS_MODELS_MODELS_FIXTURE_H
#define TESTS_MODELS_MODELS_FIXTURE_H

#include <interp/interp.h>

#define PAIRS(...) ((const char *const[]) { __VA_ARGS__, NULL })

/* The descriptor of plugins/models/.libs/interp-models.so under
 * INTERP_TEST_BUILDDIR (never dlclose()d). */
const InterpPluginDescriptor *models_plugin (void);
/* Its component `name`; fails the test when there is none. */
const InterpComponent *model_component (const char *name);
/* Builds model `name` with the "k=v" pairs on a c x h x w input with a
 * normalize node, as the core does.  NULL with `error` set on failure. */
InterpNet *build_model (const char *name, const char *const *pairs, int64_t c, int64_t h,
                        int64_t w, int n_classes, GError **error);

/* The net's nodes are exactly `names` (NULL-terminated), in order. */
void assert_names (InterpNet *net, const char *const *names);
/* Node `node` has ndim (1 or 3) and shape c (x h x w). */
void assert_shape (InterpNet *net, const char *node, int ndim, int64_t c, int64_t h, int64_t w);
/* Forward a batch of n constant images and check the logits' shape (n x k). */
void assert_forward (InterpNet *net, int64_t n, int64_t c, int64_t h, int64_t w, int64_t k);
/* `error` is INTERP_ERROR `code` and its message holds every needle. */
void assert_error (GError *error, int code, const char *const *needles);

#endif
