/* interp: the one error domain.
 *
 * Every fallible call in libinterp and in plugins reports through GError in
 * the INTERP_ERROR domain.  Messages name the file, group, key or byte offset
 * that is wrong; the code says which class of problem it is so that callers
 * (and tests) can tell them apart without parsing text.
 */
#ifndef INTERP_ERROR_H
#define INTERP_ERROR_H

#include <glib.h>

G_BEGIN_DECLS

#define INTERP_ERROR (interp_error_quark ())
GQuark interp_error_quark (void);

/* Only grows at the end. */
typedef enum {
  INTERP_ERROR_FAILED = 0,        /* a run-time failure with no better code */
  INTERP_ERROR_INVALID_ARGUMENT,  /* a bad value passed through the API */
  INTERP_ERROR_IO,                /* a file could not be opened, read or written */
  INTERP_ERROR_FORMAT,            /* a file is malformed or truncated */
  INTERP_ERROR_SHAPE,             /* tensor shapes do not fit */
  INTERP_ERROR_PIPELINE,          /* a pipeline is malformed (not a key file, bad group) */
  INTERP_ERROR_UNKNOWN_KEY,       /* a key no parameter table declares */
  INTERP_ERROR_BAD_VALUE,         /* a value of the wrong type or a malformed list/range */
  INTERP_ERROR_OUT_OF_RANGE,      /* a value outside the declared range or choices */
  INTERP_ERROR_MISSING,           /* a required key or group is absent */
  INTERP_ERROR_NOT_FOUND,         /* an unknown plugin, component, node or file */
  INTERP_ERROR_PLUGIN_ABI,        /* a plugin built for another ABI */
  INTERP_ERROR_PLUGIN_INVALID,    /* a plugin without entry point, or a short/incomplete descriptor */
  INTERP_ERROR_DUPLICATE,         /* a KIND:NAME registered twice */
  INTERP_ERROR_UNSUPPORTED,       /* a component cannot do what was asked */
  INTERP_ERROR_EXISTS,            /* a finished run would be overwritten */
  INTERP_ERROR_STATISTICS,        /* a hypothesis cannot be tested as stated */
  INTERP_ERROR_NON_FINITE,        /* a value is NaN or infinite where a number is needed */
  INTERP_ERROR_NO_MEMORY,         /* buffers would not fit in the memory available or allowed */
} InterpErrorCode;

G_END_DECLS

#endif
