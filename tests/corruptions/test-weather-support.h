/* tests/corruptions: what the weather and MNIST-C corruption tests share --
 * creating a component from key=value pairs, generated clean images, and
 * the properties every corruption must have. */
#ifndef INTERP_TESTS_WEATHER_SUPPORT_H
#define INTERP_TESTS_WEATHER_SUPPORT_H

#include <interp/interp.h>
#include <interp/image.h>

#define WEATHER_WHERE "test.ini: [corruption]"
#define WEATHER_N_IMAGES 16

/* The component's instance for key=value pairs (NULL-terminated, may be
 * NULL); asserts it is created. */
gpointer weather_create (const InterpComponent *comp, const char *const *pairs);
/* As weather_create, but returns NULL and the error instead of asserting. */
gpointer weather_try_create (const InterpComponent *comp, const char *const *pairs,
                             GError **error);
void weather_destroy (const InterpComponent *comp, gpointer self);

/* Clean image `index` of a fixed generated set: a dim background, smooth
 * coloured blobs and a few bright strokes (digit-like), values in [0, 1].
 * A 1 x channels x side x side tensor (free it). */
InterpTensor *weather_clean_image (int64_t channels, int64_t side, int index);

/* The stream of (severity, image) in the tests: the same arguments give
 * the same stream. */
void weather_stream (InterpRng *rng, int severity, int index);

/* Applies at `severity` to image `index` with its stream; asserts success. */
InterpTensor *weather_apply (const InterpComponent *comp, gpointer self, const InterpTensor *x,
                             int severity, int index);

/* Mean |corrupted - clean| over the WEATHER_N_IMAGES images of the set at
 * each severity 1..5 (mad[0..4]). */
void weather_mean_abs_diff (const InterpComponent *comp, gpointer self, int64_t channels,
                            int64_t side, double mad[5]);

/* Every output value finite and in [0, 1], over every severity and image of
 * the set, at this shape. */
void weather_check_range (const InterpComponent *comp, gpointer self, int64_t channels,
                          int64_t side);
/* The same for `n_images` images at 3 x side x side: the 64x64 and 224x224
 * tables run too. */
void weather_check_range_n (const InterpComponent *comp, gpointer self, int64_t side,
                            int n_images);
/* Two applications with the same stream give identical bytes; a different
 * image index (another stream) is allowed to differ. */
void weather_check_deterministic (const InterpComponent *comp, gpointer self, int64_t channels,
                                  int64_t side);
/* 1x28x28 and 3x32x32 are accepted; 1x30x30 is refused (UNSUPPORTED, the
 * message names the size and the component) and so is a 2-channel image
 * (SHAPE). */
void weather_check_sizes (const InterpComponent *comp, gpointer self);
/* mad non-decreasing in severity, with the values in the failure message. */
void weather_check_ordering (const InterpComponent *comp, gpointer self, int64_t channels,
                             int64_t side);

#endif
