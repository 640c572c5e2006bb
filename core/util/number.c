#include "config.h"

#include "util/number.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* One decimal with optional white space around it, to the end of [s, stop). */
static gboolean
parse_decimal (const char *s, const char *stop, double *out)
{
  while (s < stop && g_ascii_isspace (*s))
    s++;
  if (s == stop)
    return FALSE;
  char *text = g_strndup (s, (gsize) (stop - s));
  char *end = NULL;
  errno = 0;
  double v = g_ascii_strtod (text, &end);
  gboolean ok = end != text && errno != ERANGE;
  while (ok && g_ascii_isspace (*end))
    end++;
  ok = ok && *end == '\0' && isfinite (v);
  g_free (text);
  *out = v;
  return ok;
}

gboolean
interp_parse_number (const char *text, double *out)
{
  *out = NAN;
  if (text == NULL)
    return FALSE;
  const char *stop = text + strlen (text);
  const char *slash = strchr (text, '/');
  double a, b;
  if (slash == NULL)
    {
      if (!parse_decimal (text, stop, &a))
        return FALSE;
      *out = a;
      return TRUE;
    }
  if (!parse_decimal (text, slash, &a) || !parse_decimal (slash + 1, stop, &b) || b == 0)
    return FALSE;
  double v = a / b;
  if (!isfinite (v))
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
interp_numbers_equal (double a, double b)
{
  return fabs (a - b) <= 1e-9 * MAX (1.0, MAX (fabs (a), fabs (b)));
}
