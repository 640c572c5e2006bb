/* libinterp internals: numbers as pipelines write them.  Every parse of a
 * pipeline number, sweep value or level (params, hypotheses, the summary,
 * the report) goes through here, so "8/255" means the same everywhere. */
#ifndef INTERP_NUMBER_H
#define INTERP_NUMBER_H

#include <glib.h>

G_BEGIN_DECLS

/* A decimal ("0.05", "1e-3") or a fraction of two decimals ("8/255", how
 * papers write epsilons), with optional white space around each part.
 * TRUE with a finite *out; FALSE (and *out = NAN) for anything else: empty
 * text, trailing characters, a zero denominator, "inf"/"nan", overflow. */
gboolean interp_parse_number (const char *text, double *out);

/* Equal as sweep values and levels compare: within 1e-9 relative (and
 * 1e-9 absolute near zero), so "1/255" equals "0.00392156862745098". */
gboolean interp_numbers_equal (double a, double b);

/* "nan", "inf" or "-inf" for a non-finite v, NULL for a finite one.  A NaN
 * with its sign bit set is "nan" too: the C library's "-nan" says nothing
 * more and differs between libraries. */
const char *interp_non_finite_name (double v);

/* The flat index of the first NaN or infinity among v[0..n), or -1: one
 * pass, no allocation. */
gssize interp_first_non_finite (const float *v, size_t n);

G_END_DECLS

#endif
