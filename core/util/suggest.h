/* libinterp internals: "did you mean" for a misspelt key, group, kind,
 * component or tensor name.  Every suggestion in interp comes from here, so
 * they all follow one rule. */
#ifndef INTERP_SUGGEST_H
#define INTERP_SUGGEST_H

#include <glib.h>

G_BEGIN_DECLS

/* Levenshtein distance (insertions, deletions, substitutions of bytes). */
guint interp_edit_distance (const char *a, const char *b);

/* The candidate closest to `word` by edit distance, the earlier one on a
 * tie; NULL when there is none or the closest is further than
 * max(2, strlen (word) / 2) (further than that a suggestion is noise).
 * Borrowed from `candidates` (n of them). */
const char *interp_suggest_closest (const char *word, const char *const *candidates, gsize n);

G_END_DECLS

#endif
