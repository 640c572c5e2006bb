/* Fixtures of the checkpoint tests (test-checkpoint*.c).  Every
 * Test (checkpoint, ...) runs with a fresh temporary directory (the suite's
 * .init and .fini, in checkpoint-fixture.c) that tmp_path names files in. */
#ifndef TESTS_NN_CHECKPOINT_FIXTURE_H
#define TESTS_NN_CHECKPOINT_FIXTURE_H

#include <interp/interp.h>

/* `name` in the test's temporary directory; newly allocated. */
char *tmp_path (const char *name);
/* conv(1 -> 2, 3x3) -> bn -> relu -> flatten -> fc(18 -> n_out); with_fc
 * FALSE stops after the flatten.  Initialised from `seed`, with
 * non-trivial running statistics and biases. */
InterpNet *small_net (int64_t n_out, gboolean with_fc, uint64_t seed);
/* Copies of every parameter value, to compare after a failed load. */
GPtrArray *snapshot (InterpNet *net);
/* Every parameter of `net` is bit for bit its copy in `snap`. */
void assert_same_params (InterpNet *net, GPtrArray *snap);
/* `error` has `code` and names `path` and (unless NULL) `tensor`. */
void assert_error (GError *error, int code, const char *path, const char *tensor);

#endif
