#include "config.h"

#include "host/params-private.h"
#include "util/number.h"
#include "util/suggest.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <interp/error.h>

typedef struct {
  const InterpParamSpec *spec;
  char *text;            /* resolved text: the pipeline's value or the default */
  gboolean is_set;
  gint64 i;
  double d;
  gboolean b;
  GArray *ints;          /* gint64 */
  GArray *doubles;       /* double */
  char **strings;        /* NULL-terminated */
  size_t n_strings;
} ParamValue;

struct InterpParams {
  char *where;
  GHashTable *values;    /* key -> ParamValue* */
};

static void
param_value_free (gpointer p)
{
  ParamValue *v = p;
  g_free (v->text);
  if (v->ints)
    g_array_unref (v->ints);
  if (v->doubles)
    g_array_unref (v->doubles);
  g_strfreev (v->strings);
  g_free (v);
}

const char *
interp_param_type_name (InterpParamType type)
{
  switch (type)
    {
    case INTERP_PARAM_INT: return "int";
    case INTERP_PARAM_DOUBLE: return "double";
    case INTERP_PARAM_BOOL: return "bool";
    case INTERP_PARAM_STRING: return "string";
    case INTERP_PARAM_CHOICE: return "choice";
    case INTERP_PARAM_INT_LIST: return "int list";
    case INTERP_PARAM_DOUBLE_LIST: return "double list";
    case INTERP_PARAM_STRING_LIST: return "string list";
    }
  return "?";
}

const InterpParamSpec *
interp_param_spec_find (const InterpParamSpec *spec, const char *key)
{
  for (const InterpParamSpec *s = spec; s && s->key; s++)
    if (g_str_equal (s->key, key))
      return s;
  return NULL;
}

const char *
interp_param_spec_closest (const InterpParamSpec *spec, const char *key)
{
  GPtrArray *keys = g_ptr_array_new ();
  for (const InterpParamSpec *s = spec; s && s->key; s++)
    g_ptr_array_add (keys, (gpointer) s->key);
  const char *best = interp_suggest_closest (key, (const char *const *) keys->pdata, keys->len);
  g_ptr_array_unref (keys);
  return best;
}

static gboolean
parse_int (const char *where, const InterpParamSpec *s, const char *text, gint64 *out,
           GError **error)
{
  gint64 v;
  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &v, NULL))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "%s: key '%s': expected an integer, got '%s'", where, s->key, text);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

/* A decimal number or a fraction "a/b" (8/255 is how papers write epsilons). */
static gboolean
parse_double (const char *where, const InterpParamSpec *s, const char *text, double *out,
              GError **error)
{
  if (interp_parse_number (text, out))
    return TRUE;
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
               "%s: key '%s': expected a finite number or a fraction a/b, got '%s'", where,
               s->key, text);
  return FALSE;
}

static gboolean
check_range (const char *where, const InterpParamSpec *s, double v, const char *text,
             GError **error)
{
  if (s->min < s->max && (v < s->min || v > s->max))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                   "%s: key '%s': %s is out of range [%g, %g]", where, s->key, text,
                   s->min, s->max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_bool (const char *where, const InterpParamSpec *s, const char *text, gboolean *out,
            GError **error)
{
  static const char *const yes[] = { "true", "yes", "on", "1", NULL };
  static const char *const no[] = { "false", "no", "off", "0", NULL };
  if (g_strv_contains (yes, text))
    *out = TRUE;
  else if (g_strv_contains (no, text))
    *out = FALSE;
  else
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "%s: key '%s': expected true or false, got '%s'", where, s->key, text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_choice (const char *where, const InterpParamSpec *s, const char *text, GError **error)
{
  char **alts = g_strsplit (s->choices ? s->choices : "", "|", -1);
  gboolean ok = g_strv_contains ((const char *const *) alts, text);
  if (!ok)
    {
      char *list = g_strjoinv (", ", alts);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                   "%s: key '%s': '%s' is not one of: %s", where, s->key, text, list);
      g_free (list);
    }
  g_strfreev (alts);
  return ok;
}

/* Splits "a, b, c" into stripped items; an empty item is an error. */
static char **
split_list (const char *where, const InterpParamSpec *s, const char *text, GError **error)
{
  char **items = g_strsplit (text, ",", -1);
  for (char **it = items; *it; it++)
    {
      g_strstrip (*it);
      if (**it == '\0')
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: key '%s': malformed list '%s' (empty item)", where, s->key, text);
          g_strfreev (items);
          return NULL;
        }
    }
  return items;
}

/* The maximum number of values a range may expand to: guards against 1..1e18. */
#define MAX_RANGE_ITEMS 100000

static gboolean
parse_value (const char *where, const InterpParamSpec *s, const char *raw, ParamValue *v,
             GError **error)
{
  char *text = g_strstrip (g_strdup (raw));
  gboolean ok = TRUE;
  v->text = text;
  switch (s->type)
    {
    case INTERP_PARAM_INT:
      ok = parse_int (where, s, text, &v->i, error)
           && check_range (where, s, (double) v->i, text, error);
      break;
    case INTERP_PARAM_DOUBLE:
      ok = parse_double (where, s, text, &v->d, error)
           && check_range (where, s, v->d, text, error);
      break;
    case INTERP_PARAM_BOOL:
      ok = parse_bool (where, s, text, &v->b, error);
      break;
    case INTERP_PARAM_CHOICE:
      ok = parse_choice (where, s, text, error);
      break;
    case INTERP_PARAM_STRING:
      break;
    case INTERP_PARAM_INT_LIST:
    case INTERP_PARAM_DOUBLE_LIST:
    case INTERP_PARAM_STRING_LIST:
      {
        if (*text == '\0')
          {
            v->ints = g_array_new (FALSE, FALSE, sizeof (gint64));
            v->doubles = g_array_new (FALSE, FALSE, sizeof (double));
            v->strings = g_new0 (char *, 1);
            break;
          }
        char **items = split_list (where, s, text, error);
        if (!items)
          return FALSE;
        v->ints = g_array_new (FALSE, FALSE, sizeof (gint64));
        v->doubles = g_array_new (FALSE, FALSE, sizeof (double));
        for (char **it = items; ok && *it && s->type != INTERP_PARAM_STRING_LIST; it++)
          {
            const char *dots = strstr (*it, "..");
            if (dots)
              {
                char *lo_s = g_strstrip (g_strndup (*it, (gsize) (dots - *it)));
                char *hi_s = g_strstrip (g_strdup (dots + 2));
                gint64 lo = 0, hi = 0;
                ok = g_ascii_string_to_signed (lo_s, 10, G_MININT64, G_MAXINT64, &lo, NULL)
                     && g_ascii_string_to_signed (hi_s, 10, G_MININT64, G_MAXINT64, &hi, NULL)
                     && lo <= hi && hi - lo < MAX_RANGE_ITEMS;
                if (!ok)
                  g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                               "%s: key '%s': malformed range '%s' (expected a..b with "
                               "integers a <= b)", where, s->key, *it);
                for (gint64 x = lo; ok && x <= hi; x++)
                  {
                    double dx = (double) x;
                    ok = check_range (where, s, dx, *it, error);
                    g_array_append_val (v->ints, x);
                    g_array_append_val (v->doubles, dx);
                  }
                g_free (lo_s);
                g_free (hi_s);
              }
            else if (s->type == INTERP_PARAM_INT_LIST)
              {
                gint64 x;
                ok = parse_int (where, s, *it, &x, error)
                     && check_range (where, s, (double) x, *it, error);
                double dx = (double) x;
                g_array_append_val (v->ints, x);
                g_array_append_val (v->doubles, dx);
              }
            else
              {
                double d;
                ok = parse_double (where, s, *it, &d, error)
                     && check_range (where, s, d, *it, error);
                /* d is not a number when parsing failed, and may be beyond
                 * int64: converting either is undefined. */
                gint64 x = ok && fabs (d) < 9.2e18 ? (gint64) d : 0;
                g_array_append_val (v->doubles, d);
                g_array_append_val (v->ints, x);
              }
          }
        v->n_strings = g_strv_length (items);
        v->strings = items;
        break;
      }
    default:
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "%s: key '%s' declares an unknown type %d", where, s->key, (int) s->type);
      ok = FALSE;
    }
  return ok;
}

gboolean
interp_param_validate (const InterpParamSpec *spec, const char *value, GError **error)
{
  ParamValue v = { .spec = spec };
  gboolean ok = parse_value ("value", spec, value, &v, error);
  g_free (v.text);
  if (v.ints)
    g_array_unref (v.ints);
  if (v.doubles)
    g_array_unref (v.doubles);
  g_strfreev (v.strings);
  return ok;
}

InterpParams *
interp_params_new (const InterpParamSpec *spec, const char *where, const char *const *keys,
                   const char *const *values, size_t n, GError **error)
{
  InterpParams *p = g_new0 (InterpParams, 1);
  p->where = g_strdup (where ? where : "parameters");
  p->values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, param_value_free);

  for (size_t i = 0; i < n; i++)
    {
      const InterpParamSpec *s = interp_param_spec_find (spec, keys[i]);
      if (s == NULL)
        {
          const char *near = interp_param_spec_closest (spec, keys[i]);
          if (near)
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNKNOWN_KEY,
                         "%s: unknown key '%s' (did you mean '%s'?)", p->where, keys[i], near);
          else
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNKNOWN_KEY,
                         "%s: unknown key '%s'", p->where, keys[i]);
          interp_params_free (p);
          return NULL;
        }
      ParamValue *v = g_new0 (ParamValue, 1);
      v->spec = s;
      v->is_set = TRUE;
      /* Insert before parsing so a failure frees it with the table; a
       * repeated key keeps the last value, as GKeyFile does. */
      g_hash_table_replace (p->values, (gpointer) s->key, v);
      if (!parse_value (p->where, s, values[i], v, error))
        {
          interp_params_free (p);
          return NULL;
        }
    }

  for (const InterpParamSpec *s = spec; s && s->key; s++)
    {
      if (g_hash_table_contains (p->values, s->key))
        continue;
      if (s->default_value == NULL)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_MISSING,
                       "%s: required key '%s' is missing (%s)", p->where, s->key,
                       s->help ? s->help : interp_param_type_name (s->type));
          interp_params_free (p);
          return NULL;
        }
      ParamValue *v = g_new0 (ParamValue, 1);
      v->spec = s;
      g_hash_table_replace (p->values, (gpointer) s->key, v);
      GError *local = NULL;
      if (!parse_value (p->where, s, s->default_value, v, &local))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                       "the default of key '%s' does not parse (a bug in the component): %s",
                       s->key, local->message);
          g_error_free (local);
          interp_params_free (p);
          return NULL;
        }
    }
  return p;
}

InterpParams *
interp_params_new_from_pairs (const InterpParamSpec *spec, const char *where,
                              const char *const *pairs, GError **error)
{
  size_t n = pairs ? g_strv_length ((char **) pairs) : 0;
  char **keys = g_new0 (char *, n + 1), **values = g_new0 (char *, n + 1);
  for (size_t i = 0; i < n; i++)
    {
      const char *eq = strchr (pairs[i], '=');
      if (!eq)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: '%s' is not KEY=VALUE", where ? where : "parameters", pairs[i]);
          g_strfreev (keys);
          g_strfreev (values);
          return NULL;
        }
      keys[i] = g_strstrip (g_strndup (pairs[i], (gsize) (eq - pairs[i])));
      values[i] = g_strdup (eq + 1);
    }
  InterpParams *p = interp_params_new (spec, where, (const char *const *) keys,
                                       (const char *const *) values, n, error);
  g_strfreev (keys);
  g_strfreev (values);
  return p;
}

void
interp_params_free (InterpParams *p)
{
  if (p == NULL)
    return;
  g_hash_table_unref (p->values);
  g_free (p->where);
  g_free (p);
}

static const ParamValue *
lookup (const InterpParams *p, const char *key, InterpParamType want1, InterpParamType want2)
{
  g_return_val_if_fail (p != NULL && key != NULL, NULL);
  const ParamValue *v = g_hash_table_lookup (p->values, key);
  if (v == NULL)
    {
      g_critical ("interp: parameter '%s' is not declared (%s)", key, p->where);
      return NULL;
    }
  if (v->spec->type != want1 && v->spec->type != want2)
    {
      g_critical ("interp: parameter '%s' is a %s, not a %s", key,
                  interp_param_type_name (v->spec->type), interp_param_type_name (want1));
      return NULL;
    }
  return v;
}

gint64
interp_params_get_int (const InterpParams *p, const char *key)
{
  const ParamValue *v = lookup (p, key, INTERP_PARAM_INT, INTERP_PARAM_INT);
  return v ? v->i : 0;
}

double
interp_params_get_double (const InterpParams *p, const char *key)
{
  const ParamValue *v = lookup (p, key, INTERP_PARAM_DOUBLE, INTERP_PARAM_INT);
  if (v == NULL)
    return 0;
  return v->spec->type == INTERP_PARAM_INT ? (double) v->i : v->d;
}

gboolean
interp_params_get_bool (const InterpParams *p, const char *key)
{
  const ParamValue *v = lookup (p, key, INTERP_PARAM_BOOL, INTERP_PARAM_BOOL);
  return v ? v->b : FALSE;
}

const char *
interp_params_get_string (const InterpParams *p, const char *key)
{
  const ParamValue *v = lookup (p, key, INTERP_PARAM_STRING, INTERP_PARAM_CHOICE);
  return v ? v->text : "";
}

const gint64 *
interp_params_get_int_list (const InterpParams *p, const char *key, size_t *n)
{
  const ParamValue *v = lookup (p, key, INTERP_PARAM_INT_LIST, INTERP_PARAM_INT_LIST);
  *n = v ? v->ints->len : 0;
  return v ? (const gint64 *) (gconstpointer) v->ints->data : NULL;
}

const double *
interp_params_get_double_list (const InterpParams *p, const char *key, size_t *n)
{
  const ParamValue *v = lookup (p, key, INTERP_PARAM_DOUBLE_LIST, INTERP_PARAM_INT_LIST);
  *n = v ? v->doubles->len : 0;
  return v ? (const double *) (gconstpointer) v->doubles->data : NULL;
}

const char *const *
interp_params_get_string_list (const InterpParams *p, const char *key, size_t *n)
{
  const ParamValue *v = lookup (p, key, INTERP_PARAM_STRING_LIST, INTERP_PARAM_STRING_LIST);
  *n = v ? v->n_strings : 0;
  return v ? (const char *const *) v->strings : NULL;
}

gboolean
interp_params_is_set (const InterpParams *p, const char *key)
{
  const ParamValue *v = g_hash_table_lookup (p->values, key);
  return v && v->is_set;
}

const char *
interp_params_get_text (const InterpParams *p, const char *key)
{
  const ParamValue *v = g_hash_table_lookup (p->values, key);
  return v ? v->text : NULL;
}

const char *
interp_params_where (const InterpParams *p)
{
  return p->where;
}
