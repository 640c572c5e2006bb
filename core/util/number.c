#include "config.h"

#include "util/number.h"

#include <errno.h>
#include <math.h>

/* One decimal at *s, with white space before and after it; *s moves past it. */
static gboolean
parse_decimal (const char **s, double *out)
{
  const char *p = *s;
  while (g_ascii_isspace (*p))
    p++;
  char *end = NULL;
  errno = 0;
  *out = g_ascii_strtod (p, &end);
  if (end == p || errno == ERANGE || !isfinite (*out))
    return FALSE;
  while (g_ascii_isspace (*end))
    end++;
  *s = end;
  return TRUE;
}

gboolean
interp_parse_number (const char *text, double *out)
{
  *out = NAN;
  const char *p = text;
  double a, b = 1;
  if (p == NULL || !parse_decimal (&p, &a))
    return FALSE;
  if (*p == '/')
    {
      p++;
      if (!parse_decimal (&p, &b) || b == 0)
        return FALSE;
    }
  if (*p != '\0' || !isfinite (a / b))
    return FALSE;
  *out = a / b;
  return TRUE;
}

gboolean
interp_numbers_equal (double a, double b)
{
  return fabs (a - b) <= 1e-9 * MAX (1.0, MAX (fabs (a), fabs (b)));
}

const char *
interp_non_finite_name (double v)
{
  if (isnan (v))
    return "nan";
  if (isinf (v))
    return v > 0 ? "inf" : "-inf";
  return NULL;
}

gssize
interp_first_non_finite (const float *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite (v[i]))
      return (gssize) i;
  return -1;
}
