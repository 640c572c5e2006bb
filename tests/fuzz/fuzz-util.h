/* tests/fuzz: what the libFuzzer harnesses share.  Each harness defines
 * LLVMFuzzerTestOneInput and calls one parser's real entry point on the
 * input bytes; parsers that take a path get them through a file in a
 * scratch folder made once per process. */
#ifndef INTERP_FUZZ_UTIL_H
#define INTERP_FUZZ_UTIL_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

/* The scratch folder of this process, made on first use in /dev/shm (unless
 * TMPDIR is set) and removed at exit unless INTERP_FUZZ_KEEP is set. */
const char *fuzz_dir (void);
/* Writes len bytes to fuzz_dir()/name (overwriting); returns the path
 * (g_free).  Aborts on an I/O failure: that is the harness's fault. */
char *fuzz_write (const char *name, const void *data, size_t len);
/* Writes len bytes to path (overwriting); aborts on failure. */
void fuzz_put (const char *path, const void *data, size_t len);
/* The same inside sub-folder `sub` of fuzz_dir() (made if needed). */
char *fuzz_write_in (const char *sub, const char *name, const void *data, size_t len);
/* Removes every file of fuzz_dir()/sub, and the folder (sub may be NULL:
 * the files directly in fuzz_dir()). */
void fuzz_clear (const char *sub);
/* Handles a GError from a parser: it must be set when the parser failed
 * (abort otherwise: a failure without a message is a bug) and is freed. */
void fuzz_check_error (gboolean ok, GError *error);
/* Splits data into up to n parts at the separator "\n--8<--\n"; missing
 * parts are empty.  parts[i], lens[i] point into data. */
void fuzz_split (const uint8_t *data, size_t size, int n, const uint8_t **parts, size_t *lens);

G_END_DECLS

#include <interp/interp.h>

G_BEGIN_DECLS

/* The dataset component `name` of the built interp-datasets module
 * (FUZZ_BUILDDIR/plugins/datasets/.libs), loaded once; aborts if missing. */
const InterpComponent *fuzz_dataset_component (const char *name);
/* Opens dataset `name` with the "key=value" pairs (NULL-terminated); on
 * success reads the first and last sample of each split and closes it.
 * FALSE with *error set when open fails. */
gboolean fuzz_dataset_try (const char *name, const char *const *pairs, GError **error);

G_END_DECLS

#endif
