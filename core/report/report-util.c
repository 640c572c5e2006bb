/* The report's small helpers: HTML text, JSON values, numbers as pipelines write them. */
#include "config.h"

#include "report/report-private.h"
#include "util/json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/error.h>

#include "util/number.h"

void
report_html_text (GString *out, const char *text)
{
  char *e = g_markup_escape_text (text ? text : "", -1);
  g_string_append (out, e);
  g_free (e);
}

void
report_html_printf (GString *out, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *s = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  report_html_text (out, s);
  g_free (s);
}

/* A JSON scalar as text: numbers in their shortest round-trip form, null as
 * "", arrays joined with ", ". */
char *
report_node_to_string (JsonNode *node)
{
  if (!node || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      GString *s = g_string_new (NULL);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          char *e = report_node_to_string (json_array_get_element (a, i));
          g_string_append_printf (s, "%s%s", i ? ", " : "", e);
          g_free (e);
        }
      return g_string_free (s, FALSE);
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_to_string (node, FALSE);
  GType t = json_node_get_value_type (node);
  if (t == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (t == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (t == G_TYPE_DOUBLE)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
    }
  if (t == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  return g_strdup ("");
}

/* A number from text: decimal, or a fraction "a/b" as pipelines write
 * epsilons (8/255).  NaN when it is neither. */
double
report_parse_number (const char *s)
{
  double v;
  return interp_parse_number (s, &v) ? v : NAN;
}

double
report_node_to_double (JsonNode *node)
{
  if (!node || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  GType t = json_node_get_value_type (node);
  if (t == G_TYPE_INT64 || t == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  if (t == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      if (g_ascii_strcasecmp (s, "nan") == 0)
        return NAN;
      return report_parse_number (s);
    }
  return NAN;
}

char *
report_obj_text (JsonObject *o, const char *key)
{
  return report_node_to_string (o ? json_object_get_member (o, key) : NULL);
}

int
report_compare_values (const char *a, const char *b)
{
  double x = report_parse_number (a), y = report_parse_number (b);
  if (!isnan (x) && !isnan (y))
    return x < y ? -1 : x > y;
  if (!isnan (x) != !isnan (y))
    return isnan (x) ? 1 : -1;
  return strcmp (a, b);
}

int
report_compare_strings_as_values (gconstpointer a, gconstpointer b)
{
  return report_compare_values (*(const char *const *) a, *(const char *const *) b);
}

/* Reads a JSON file.  Missing: NULL and no error unless `required`. */
JsonParser *
report_read_json (const char *path, gboolean required, GError **error)
{
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (required)
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND, "%s: no such file", path);
      return NULL;
    }
  JsonParser *parser = json_parser_new ();
  GError *local = NULL;
  if (!json_parser_load_from_file (parser, path, &local))
    {
      int code = local->domain == G_FILE_ERROR ? INTERP_ERROR_IO : INTERP_ERROR_FORMAT;
      g_set_error (error, INTERP_ERROR, code, "%s: %s", path, local->message);
      g_error_free (local);
      g_object_unref (parser);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: not a JSON object", path);
      g_object_unref (parser);
      return NULL;
    }
  return parser;
}

/* Reads a file and signals an absent file by returning NULL with no error. */
gboolean
report_optional_json (const char *path, JsonParser **out, GError **error)
{
  GError *local = NULL;
  *out = report_read_json (path, FALSE, &local);
  if (local)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}
