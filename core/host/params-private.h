/* libinterp internals: building and validating parameter sets.
 * Used by the pipeline parser and by tests; plugins only read values
 * through the getters in <interp/params.h>. */
#ifndef INTERP_PARAMS_PRIVATE_H
#define INTERP_PARAMS_PRIVATE_H

#include <interp/params.h>

G_BEGIN_DECLS

/* Parse "key=value" strings (NULL-terminated, may be NULL) against a table;
 * absent keys take their defaults.  `where` ("file.ini: [group]") prefixes
 * every message.  Errors: UNKNOWN_KEY (with the closest key suggested),
 * BAD_VALUE, OUT_OF_RANGE, MISSING (a required key). */
InterpParams *interp_params_new_from_pairs (const InterpParamSpec *spec, const char *where,
                                            const char *const *pairs, GError **error);

/* The same from parallel arrays of keys and values. */
InterpParams *interp_params_new (const InterpParamSpec *spec, const char *where,
                                 const char *const *keys, const char *const *values,
                                 size_t n, GError **error);
void interp_params_free (InterpParams *p);

/* The spec of `key` in a table, or NULL. */
const InterpParamSpec *interp_param_spec_find (const InterpParamSpec *spec, const char *key);
/* The declared key closest to `key` (edit distance), or NULL if none is close. */
const char *interp_param_spec_closest (const InterpParamSpec *spec, const char *key);
/* "int", "double", "int list", ... */
const char *interp_param_type_name (InterpParamType type);

G_END_DECLS

#endif
