/* Helpers shared by the registry tests (test-registry.c, test-components.c,
 * test-describe.c).  The test plugins are built from the sources in
 * tests/plugin/fixtures into $INTERP_TEST_BUILDDIR/tests/plugin/fixtures/.libs;
 * tests copy them into a private temporary directory when they need a
 * particular directory layout.  Criterion runs every test in its own process,
 * so setenv() and `tmp` are local to a test. */
#ifndef INTERP_REGISTRY_HELPERS_H
#define INTERP_REGISTRY_HELPERS_H

#include <glib.h>
#include "plugin/registry.h"

extern char *tmp;   /* the running test's private directory */

/* Suite .init/.fini: make `tmp`, switch the installed plugins and
 * INTERP_PLUGIN_PATH off; remove `tmp` with everything in it. */
void make_tmp (void);
void remove_tmp (void);

/* The built test plugin `name` (without .so); asserts it exists. */
char *built_plugin (const char *name);
void write_file (const char *path, const char *data, gsize len);
/* Copies test plugin `name` to dir/as (as: file name, NULL = name.so);
 * returns the new path. */
char *copy_plugin (const char *name, const char *dir, const char *as);
/* Writes the first `keep` bytes of the good plugin to dir/name. */
char *write_truncated (const char *dir, const char *name, gsize keep);
gsize file_size (const char *path);
/* load_file must refuse `path` with `code` and a message naming `path`
 * and containing `needle` (if not NULL), and record no problem. */
void assert_refused (const char *path, int code, const char *needle);

#endif
