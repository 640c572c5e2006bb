/* interp: parameter tables.
 *
 * A component declares its pipeline keys in a static table; the core parses
 * and validates a pipeline group against it (unknown key -> error suggesting
 * the closest declared key; wrong type; out of range) and generates
 * `interp-run --describe` from it.  The component then reads its values
 * through the getters below, which cannot fail for a declared key.
 *
 * Value syntax, as written in a pipeline:
 *   INT       42            DOUBLE   0.05, 1e-3, 8/255 (a fraction)
 *   BOOL      true|false    STRING   any text      CHOICE  one of `choices`
 *   *_LIST    a, b, c       and for INT_LIST also ranges: 1..5 (= 1,2,3,4,5)
 */
#ifndef INTERP_PARAMS_H
#define INTERP_PARAMS_H

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Only grows at the end. */
typedef enum {
  INTERP_PARAM_INT = 0,
  INTERP_PARAM_DOUBLE,
  INTERP_PARAM_BOOL,
  INTERP_PARAM_STRING,
  INTERP_PARAM_CHOICE,
  INTERP_PARAM_INT_LIST,
  INTERP_PARAM_DOUBLE_LIST,
  INTERP_PARAM_STRING_LIST,
} InterpParamType;

/* One key of a parameter table.  Tables are arrays, so the loader must know
 * the size of an entry as the plugin was built: the component records it
 * (InterpComponent.param_spec_size, filled by INTERP_COMPONENT), and the
 * loader walks the table with that stride.  This struct may therefore grow
 * at its end within ABI 1:
 *   - a plugin built with a shorter spec than this interp's first accepted
 *     one is refused ("rebuild it against the installed headers");
 *   - a plugin built against a newer, longer spec is read member by member
 *     up to this header's size (the core copies its table once, at load);
 *   - when members are added here, an older plugin's entries are read with
 *     the new members zero, so every new member must mean "as before" at 0.
 * Designated initialisers (.key = "k", .type = ...) are the form that keeps
 * compiling warning-free when members are added; positional ones ({ "k",
 * INTERP_PARAM_INT, "1", "help", 0, 9, NULL }) stay valid C (missing members
 * are zero) but -Wextra then warns about the missing initialisers. */
typedef struct {
  const char *key;            /* lower-case-with-dashes; NULL ends the table */
  InterpParamType type;
  const char *default_value;  /* in pipeline syntax; NULL = the key is required */
  const char *help;           /* one line for --describe */
  double min, max;            /* inclusive range for numbers and each list
                                 element; checked only when min < max */
  const char *choices;        /* CHOICE: alternatives separated by '|' */
} InterpParamSpec;

typedef struct InterpParams InterpParams;

gint64 interp_params_get_int (const InterpParams *p, const char *key);
double interp_params_get_double (const InterpParams *p, const char *key);
gboolean interp_params_get_bool (const InterpParams *p, const char *key);
/* STRING and CHOICE; borrowed; "" for an empty value. */
const char *interp_params_get_string (const InterpParams *p, const char *key);
/* Lists: borrowed arrays; *n receives the length. */
const gint64 *interp_params_get_int_list (const InterpParams *p, const char *key, size_t *n);
const double *interp_params_get_double_list (const InterpParams *p, const char *key, size_t *n);
const char *const *interp_params_get_string_list (const InterpParams *p, const char *key, size_t *n);
/* TRUE when the pipeline set the key (rather than the default applying). */
gboolean interp_params_is_set (const InterpParams *p, const char *key);
/* The value as resolved text (for manifests and messages). Borrowed. */
const char *interp_params_get_text (const InterpParams *p, const char *key);
/* "file.ini: [group]" for messages. Borrowed. */
const char *interp_params_where (const InterpParams *p);

/* Parse `value` for `spec` into a new InterpParams holding only that key;
 * mostly for tests and tools.  Errors as the pipeline parser's. */
gboolean interp_param_validate (const InterpParamSpec *spec, const char *value,
                                GError **error);

G_END_DECLS

#endif
