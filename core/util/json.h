/* libinterp internals: reading members of JSON documents the runner wrote
 * (manifest.json, summary.json, metrics.json, trial.json). */
#ifndef INTERP_JSON_H
#define INTERP_JSON_H

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The string value of member `name` of `o`, or `fallback` when `o` is NULL
 * or the member is missing, null or not a string.  Borrowed from `o`.  The
 * caller says what a missing member means (NULL or "") instead of the
 * getter guessing. */
const char *interp_json_get_string (JsonObject *o, const char *name, const char *fallback);

G_END_DECLS

#endif
