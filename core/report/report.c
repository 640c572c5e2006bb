#include "config.h"

#include "report/report.h"
#include "report/plot.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <interp/error.h>

/* One row of summary.json. */
typedef struct {
  char *trial;
  char *metric;
  char *target;         /* "" when none */
  char *perturbation;   /* "clean", "corruption:NAME", "attack:NAME", ... */
  char *level;          /* "" for clean */
  double level_value;   /* NaN when empty or not a number */
  double value;
  char *condition;      /* label of the non-seed swept values */
  char **swept;         /* aligned with Report.swept_keys */
} Row;

typedef struct {
  char *id;
  gint64 seed;
  char *condition;
} Trial;

typedef struct {
  char *label;          /* "" when nothing but seeds is swept */
  char **values;        /* the non-seed swept values, for ordering */
} Condition;

typedef struct {
  char *id;
  char *title;
} SectionRef;

typedef struct {
  char *dir;
  JsonParser *manifest_parser;
  JsonObject *manifest;
  char **swept_keys;       /* all swept keys, as in the manifest */
  char **short_keys;       /* display names */
  gboolean *is_seed_key;
  guint n_swept;
  GPtrArray *trials;       /* Trial* */
  GPtrArray *rows;         /* Row* */
  GPtrArray *conditions;   /* Condition*, sorted */
  JsonParser *hypotheses_parser;  /* NULL when absent */
  GString *body;
  GArray *sections;        /* SectionRef */
  GHashTable *plot_names;  /* slugs already used */
  char *plots_dir;
} Report;

/* ---------------------------------------------------------------- helpers */

static void
html_text (GString *out, const char *text)
{
  char *e = g_markup_escape_text (text ? text : "", -1);
  g_string_append (out, e);
  g_free (e);
}

G_GNUC_PRINTF (2, 3) static void
html_printf (GString *out, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *s = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  html_text (out, s);
  g_free (s);
}

/* A JSON scalar as text: numbers in their shortest round-trip form, null as
 * "", arrays joined with ", ". */
static char *
node_to_string (JsonNode *node)
{
  if (!node || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      GString *s = g_string_new (NULL);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          char *e = node_to_string (json_array_get_element (a, i));
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
static double
parse_number (const char *s)
{
  if (!s)
    return NAN;
  while (g_ascii_isspace (*s))
    s++;
  if (!*s)
    return NAN;
  char *end;
  double v = g_ascii_strtod (s, &end);
  if (end == s)
    return NAN;
  while (g_ascii_isspace (*end))
    end++;
  if (*end == '/')
    {
      char *end2;
      double d = g_ascii_strtod (end + 1, &end2);
      if (end2 == end + 1 || d == 0)
        return NAN;
      v /= d;
      end = end2;
      while (g_ascii_isspace (*end))
        end++;
    }
  return *end ? NAN : v;
}

static double
node_to_double (JsonNode *node)
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
      return parse_number (s);
    }
  return NAN;
}

static const char *
obj_string (JsonObject *o, const char *key)
{
  JsonNode *n = o ? json_object_get_member (o, key) : NULL;
  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    return json_node_get_string (n);
  return NULL;
}

static char *
obj_text (JsonObject *o, const char *key)
{
  return node_to_string (o ? json_object_get_member (o, key) : NULL);
}

static double
mean_of (const double *x, guint n)
{
  double s = 0;
  for (guint i = 0; i < n; i++)
    s += x[i];
  return n ? s / n : NAN;
}

static double
sd_of (const double *x, guint n)
{
  if (n < 2)
    return NAN;
  double m = mean_of (x, n), s = 0;
  for (guint i = 0; i < n; i++)
    s += (x[i] - m) * (x[i] - m);
  return sqrt (s / (n - 1));
}

static int
compare_values (const char *a, const char *b)
{
  double x = parse_number (a), y = parse_number (b);
  if (!isnan (x) && !isnan (y))
    return x < y ? -1 : x > y;
  if (!isnan (x) != !isnan (y))
    return isnan (x) ? 1 : -1;
  return strcmp (a, b);
}

static int
compare_strings_as_values (gconstpointer a, gconstpointer b)
{
  return compare_values (*(const char *const *) a, *(const char *const *) b);
}

/* Reads a JSON file.  Missing: NULL and no error unless `required`. */
static JsonParser *
read_json (const char *path, gboolean required, GError **error)
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
static gboolean
optional_json (const char *path, JsonParser **out, GError **error)
{
  GError *local = NULL;
  *out = read_json (path, FALSE, &local);
  if (local)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------- the run */

static gboolean
is_seed_key (const char *key)
{
  const char *dot = strrchr (key, '.');
  return g_strcmp0 (dot ? dot + 1 : key, "seed") == 0;
}

static void
row_free (gpointer p)
{
  Row *r = p;
  g_free (r->trial);
  g_free (r->metric);
  g_free (r->target);
  g_free (r->perturbation);
  g_free (r->level);
  g_free (r->condition);
  g_strfreev (r->swept);
  g_free (r);
}

static void
trial_free (gpointer p)
{
  Trial *t = p;
  g_free (t->id);
  g_free (t->condition);
  g_free (t);
}

static void
condition_free (gpointer p)
{
  Condition *c = p;
  g_free (c->label);
  g_strfreev (c->values);
  g_free (c);
}

static int
compare_conditions (gconstpointer a, gconstpointer b)
{
  const Condition *x = *(const Condition *const *) a, *y = *(const Condition *const *) b;
  for (guint i = 0; x->values[i] && y->values[i]; i++)
    {
      int c = compare_values (x->values[i], y->values[i]);
      if (c)
        return c;
    }
  return 0;
}

/* The label of the non-seed swept values `values` (aligned with the swept
 * keys); registers the condition. */
static char *
condition_of (Report *r, char **values)
{
  GString *label = g_string_new (NULL);
  GPtrArray *vals = g_ptr_array_new ();
  for (guint k = 0; k < r->n_swept; k++)
    {
      if (r->is_seed_key[k])
        continue;
      const char *v = values && values[k] ? values[k] : "";
      g_string_append_printf (label, "%s%s=%s", label->len ? ", " : "", r->short_keys[k], v);
      g_ptr_array_add (vals, g_strdup (v));
    }
  g_ptr_array_add (vals, NULL);
  for (guint i = 0; i < r->conditions->len; i++)
    {
      Condition *c = g_ptr_array_index (r->conditions, i);
      if (strcmp (c->label, label->str) == 0)
        {
          g_strfreev ((char **) g_ptr_array_free (vals, FALSE));
          return g_string_free (label, FALSE);
        }
    }
  Condition *c = g_new0 (Condition, 1);
  c->label = g_strdup (label->str);
  c->values = (char **) g_ptr_array_free (vals, FALSE);
  g_ptr_array_add (r->conditions, c);
  return g_string_free (label, FALSE);
}

static guint
n_varying_keys (const Report *r)
{
  guint n = 0;
  for (guint k = 0; k < r->n_swept; k++)
    n += !r->is_seed_key[k];
  return n;
}

static gboolean
load_manifest (Report *r, GError **error)
{
  char *path = g_build_filename (r->dir, "manifest.json", NULL);
  r->manifest_parser = read_json (path, TRUE, error);
  if (!r->manifest_parser)
    {
      g_free (path);
      return FALSE;
    }
  r->manifest = json_node_get_object (json_parser_get_root (r->manifest_parser));

  GPtrArray *keys = g_ptr_array_new ();
  JsonNode *sk = json_object_get_member (r->manifest, "swept_keys");
  if (sk && JSON_NODE_HOLDS_ARRAY (sk))
    {
      JsonArray *a = json_node_get_array (sk);
      for (guint i = 0; i < json_array_get_length (a); i++)
        g_ptr_array_add (keys, node_to_string (json_array_get_element (a, i)));
    }
  else if (sk && !JSON_NODE_HOLDS_NULL (sk))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: \"swept_keys\" is not an array", path);
      g_ptr_array_free (keys, TRUE);
      g_free (path);
      return FALSE;
    }
  r->n_swept = keys->len;
  g_ptr_array_add (keys, NULL);
  r->swept_keys = (char **) g_ptr_array_free (keys, FALSE);
  r->is_seed_key = g_new0 (gboolean, MAX (r->n_swept, 1));
  r->short_keys = g_new0 (char *, r->n_swept + 1);
  for (guint k = 0; k < r->n_swept; k++)
    {
      r->is_seed_key[k] = is_seed_key (r->swept_keys[k]);
      const char *dot = strrchr (r->swept_keys[k], '.');
      r->short_keys[k] = g_strdup (dot ? dot + 1 : r->swept_keys[k]);
    }
  /* Short names only while they stay unambiguous. */
  for (guint a = 0; a < r->n_swept; a++)
    for (guint b = 0; b < r->n_swept; b++)
      if (a != b && strcmp (r->short_keys[a], r->short_keys[b]) == 0)
        {
          g_free (r->short_keys[a]);
          r->short_keys[a] = g_strdup (r->swept_keys[a]);
        }

  JsonNode *tn = json_object_get_member (r->manifest, "trials");
  if (tn && JSON_NODE_HOLDS_ARRAY (tn))
    {
      JsonArray *a = json_node_get_array (tn);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          JsonObject *o = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
          const char *id = obj_string (o, "id");
          if (!id || !*id || strchr (id, '/') || strcmp (id, "..") == 0 || strcmp (id, ".") == 0)
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                           "%s: trial %u has no valid \"id\"", path, i);
              g_free (path);
              return FALSE;
            }
          Trial *t = g_new0 (Trial, 1);
          t->id = g_strdup (id);
          JsonNode *seed = json_object_get_member (o, "seed");
          t->seed = seed && JSON_NODE_HOLDS_VALUE (seed) ? (gint64) node_to_double (seed) : 0;
          JsonNode *sw = json_object_get_member (o, "swept");
          JsonObject *swo = sw && JSON_NODE_HOLDS_OBJECT (sw) ? json_node_get_object (sw) : NULL;
          char **values = g_new0 (char *, r->n_swept + 1);
          for (guint k = 0; k < r->n_swept; k++)
            values[k] = obj_text (swo, r->swept_keys[k]);
          t->condition = condition_of (r, values);
          g_strfreev (values);
          g_ptr_array_add (r->trials, t);
        }
    }
  g_free (path);
  return TRUE;
}

static int
column_index (JsonArray *columns, const char *name)
{
  for (guint i = 0; i < json_array_get_length (columns); i++)
    {
      JsonNode *n = json_array_get_element (columns, i);
      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
          && strcmp (json_node_get_string (n), name) == 0)
        return (int) i;
    }
  return -1;
}

static char *
cell_text (JsonArray *row, int i)
{
  if (i < 0 || (guint) i >= json_array_get_length (row))
    return g_strdup ("");
  return node_to_string (json_array_get_element (row, (guint) i));
}

static gboolean
load_summary (Report *r, GError **error)
{
  char *path = g_build_filename (r->dir, "summary.json", NULL);
  JsonParser *parser;
  if (!optional_json (path, &parser, error))
    {
      g_free (path);
      return FALSE;
    }
  if (!parser)
    {
      g_free (path);
      return TRUE;
    }
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonNode *cn = json_object_get_member (root, "columns");
  JsonNode *rn = json_object_get_member (root, "rows");
  gboolean ok = FALSE;
  if (!cn || !JSON_NODE_HOLDS_ARRAY (cn) || !rn || !JSON_NODE_HOLDS_ARRAY (rn))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: needs \"columns\" and \"rows\" arrays", path);
      goto out;
    }
  JsonArray *columns = json_node_get_array (cn);
  static const char *const required[] = { "trial", "metric", "perturbation", "value" };
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (column_index (columns, required[i]) < 0)
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: no column \"%s\"", path,
                     required[i]);
        goto out;
      }
  int c_trial = column_index (columns, "trial"), c_metric = column_index (columns, "metric");
  int c_target = column_index (columns, "target"), c_pert = column_index (columns, "perturbation");
  int c_level = column_index (columns, "level"), c_value = column_index (columns, "value");
  int *c_swept = g_new (int, MAX (r->n_swept, 1));
  for (guint k = 0; k < r->n_swept; k++)
    c_swept[k] = column_index (columns, r->swept_keys[k]);

  JsonArray *rows = json_node_get_array (rn);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *e = json_array_get_element (rows, i);
      if (!JSON_NODE_HOLDS_ARRAY (e))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: row %u is not an array",
                       path, i);
          g_free (c_swept);
          goto out;
        }
      JsonArray *a = json_node_get_array (e);
      Row *row = g_new0 (Row, 1);
      row->trial = cell_text (a, c_trial);
      row->metric = cell_text (a, c_metric);
      row->target = cell_text (a, c_target);
      row->perturbation = cell_text (a, c_pert);
      if (!*row->perturbation)
        {
          g_free (row->perturbation);
          row->perturbation = g_strdup ("clean");
        }
      row->level = cell_text (a, c_level);
      row->level_value = parse_number (row->level);
      row->value = (guint) c_value < json_array_get_length (a)
                     ? node_to_double (json_array_get_element (a, (guint) c_value)) : NAN;
      row->swept = g_new0 (char *, r->n_swept + 1);
      for (guint k = 0; k < r->n_swept; k++)
        row->swept[k] = cell_text (a, c_swept[k]);
      row->condition = condition_of (r, row->swept);
      g_ptr_array_add (r->rows, row);
    }
  g_free (c_swept);
  ok = TRUE;
out:
  g_object_unref (parser);
  g_free (path);
  return ok;
}

/* ---------------------------------------------------------------- output */

static void
section_begin (Report *r, const char *id, const char *title)
{
  SectionRef s = { g_strdup (id), g_strdup (title) };
  g_array_append_val (r->sections, s);
  g_string_append_printf (r->body, "<section id=\"%s\">\n<h2>", id);
  html_text (r->body, title);
  g_string_append (r->body, "</h2>\n");
}

static void
section_end (Report *r)
{
  g_string_append (r->body, "</section>\n");
}

static char *
slugify (const char *s)
{
  GString *out = g_string_new (NULL);
  for (const char *p = s; *p; p++)
    {
      char c = *p;
      if (g_ascii_isalnum (c))
        g_string_append_c (out, g_ascii_tolower (c));
      else if (c == '-' && g_ascii_isdigit (p[1]) && (p == s || !g_ascii_isalnum (p[-1])))
        g_string_append (out, out->len && out->str[out->len - 1] != '-' ? "-m" : "m");
      else if (out->len && out->str[out->len - 1] != '-')
        g_string_append_c (out, '-');
    }
  while (out->len && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
  if (out->len > 80)
    g_string_truncate (out, 80);
  if (!out->len)
    g_string_append (out, "plot");
  return g_string_free (out, FALSE);
}

/* Renders `plot` into the page as a figure and to RUN/plots/SLUG.svg; takes
 * ownership of the plot.  A plot that cannot be drawn (no cairo) leaves a
 * note instead, so the rest of the report still appears. */
static void
emit_plot (Report *r, GString *out, InterpPlot *plot, const char *name, const char *caption)
{
  char *base = slugify (name);
  char *slug = g_strdup (base);
  for (guint i = 2; g_hash_table_contains (r->plot_names, slug); i++)
    {
      g_free (slug);
      slug = g_strdup_printf ("%s-%u", base, i);
    }
  g_hash_table_add (r->plot_names, g_strdup (slug));
  g_free (base);

  GString *svg = g_string_new (NULL);
  GError *error = NULL;
  if (!interp_plot_render_svg (plot, svg, &error))
    {
      g_string_append (out, "<p class=\"note\">Plot not drawn: ");
      html_text (out, error->message);
      g_string_append (out, "</p>\n");
      g_error_free (error);
      goto out;
    }
  char *file = g_strdup_printf ("%s.svg", slug);
  char *path = g_build_filename (r->plots_dir, file, NULL);
  if (g_mkdir_with_parents (r->plots_dir, 0755) != 0
      || !g_file_set_contents (path, svg->str, (gssize) svg->len, &error))
    {
      g_warning ("%s: cannot write plot: %s", path, error ? error->message : g_strerror (errno));
      g_clear_error (&error);
    }
  char *b64 = g_base64_encode ((const guchar *) svg->str, svg->len);
  g_string_append_printf (out, "<figure id=\"plot-%s\">\n<img src=\"data:image/svg+xml;base64,%s\" alt=\"",
                          slug, b64);
  html_text (out, caption && *caption ? caption : name);
  g_string_append (out, "\">\n");
  if (caption && *caption)
    {
      g_string_append (out, "<figcaption>");
      html_text (out, caption);
      g_string_append (out, " <span class=\"file\">plots/");
      html_text (out, file);
      g_string_append (out, "</span></figcaption>\n");
    }
  g_string_append (out, "</figure>\n");
  g_free (b64);
  g_free (file);
  g_free (path);
out:
  g_string_free (svg, TRUE);
  g_free (slug);
  interp_plot_free (plot);
}

/* Units for axis labels of the metrics interp ships; others get none. */
static char *
metric_axis_label (const char *metric)
{
  static const struct { const char *metric, *label; } known[] = {
    { "accuracy", "accuracy (fraction correct)" },
    { "top5-accuracy", "top-5 accuracy (fraction)" },
    { "loss", "loss (nats, cross-entropy)" },
    { "selectivity-mean", "class selectivity index (0..1)" },
    { "selectivity-median", "class selectivity index (0..1)" },
    { "silent-units", "silent units (count)" },
    { "negative-units", "units with negative means (count)" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (strcmp (known[i].metric, metric) == 0)
      return g_strdup (known[i].label);
  if (g_str_has_suffix (metric, "accuracy"))
    return g_strdup_printf ("%s (fraction)", metric);
  return g_strdup (metric);
}

/* Metrics that cannot leave [0, 1]. */
static gboolean
is_fraction_metric (const char *metric)
{
  return g_str_has_suffix (metric, "accuracy") || g_str_has_prefix (metric, "selectivity-me");
}

/* Groups values by (series, x) and turns them into mean +- sd series. */
typedef struct {
  GPtrArray *series;    /* char*, first-seen order */
  GArray *xs;           /* double, distinct */
  GHashTable *cells;    /* "series\x1fx" -> GArray of double */
  guint min_n, max_n;
} Accum;

static void
accum_init (Accum *a)
{
  a->series = g_ptr_array_new_with_free_func (g_free);
  a->xs = g_array_new (FALSE, FALSE, sizeof (double));
  a->cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_array_unref);
}

static void
accum_clear (Accum *a)
{
  g_ptr_array_unref (a->series);
  g_array_unref (a->xs);
  g_hash_table_unref (a->cells);
}

static char *
accum_key (const char *series, double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup_printf ("%s\x1f%s", series, g_ascii_dtostr (buf, sizeof buf, x));
}

static void
accum_add (Accum *a, const char *series, double x, double v)
{
  if (!isfinite (v) || !isfinite (x))
    return;
  gboolean seen = FALSE;
  for (guint i = 0; i < a->series->len && !seen; i++)
    seen = strcmp (g_ptr_array_index (a->series, i), series) == 0;
  if (!seen)
    g_ptr_array_add (a->series, g_strdup (series));
  seen = FALSE;
  for (guint i = 0; i < a->xs->len && !seen; i++)
    seen = g_array_index (a->xs, double, i) == x;
  if (!seen)
    g_array_append_val (a->xs, x);
  char *key = accum_key (series, x);
  GArray *cell = g_hash_table_lookup (a->cells, key);
  if (!cell)
    {
      cell = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (a->cells, key, cell);
    }
  else
    g_free (key);
  g_array_append_val (cell, v);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Adds the accumulated series to `plot`, in `order` (labels; NULL = first
 * seen).  A series label "" is shown as `blank_name`. */
static void
accum_to_plot (Accum *a, InterpPlot *plot, GPtrArray *order, const char *blank_name)
{
  g_array_sort (a->xs, compare_doubles);
  guint nx = a->xs->len;
  double *y = g_new (double, MAX (nx, 1)), *e = g_new (double, MAX (nx, 1));
  GPtrArray *names = order ? order : a->series;
  a->min_n = G_MAXUINT;
  a->max_n = 0;
  for (guint s = 0; s < names->len; s++)
    {
      const char *name = g_ptr_array_index (names, s);
      gboolean any = FALSE;
      for (guint i = 0; i < nx; i++)
        {
          char *key = accum_key (name, g_array_index (a->xs, double, i));
          GArray *cell = g_hash_table_lookup (a->cells, key);
          g_free (key);
          y[i] = cell ? mean_of ((double *) cell->data, cell->len) : NAN;
          e[i] = cell ? sd_of ((double *) cell->data, cell->len) : NAN;
          if (cell)
            {
              any = TRUE;
              a->min_n = MIN (a->min_n, cell->len);
              a->max_n = MAX (a->max_n, cell->len);
            }
        }
      if (any)
        interp_plot_add_series (plot, *name ? name : blank_name, (double *) a->xs->data, y, e, nx);
    }
  if (a->min_n == G_MAXUINT)
    a->min_n = 0;
  g_free (y);
  g_free (e);
}

static GPtrArray *
condition_labels (const Report *r)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < r->conditions->len; i++)
    g_ptr_array_add (out, ((Condition *) g_ptr_array_index (r->conditions, i))->label);
  return out;
}

static char *
n_text (guint min_n, guint max_n, const char *what)
{
  if (max_n <= 1)
    return g_strdup_printf ("one %s per point, no error bars", what);
  if (min_n == max_n)
    return g_strdup_printf ("mean \u00b1 sd over %u %ss", max_n, what);
  return g_strdup_printf ("mean \u00b1 sd over %u\u2013%u %ss", min_n, max_n, what);
}

/* --------------------------------------------------------------- sections */

static const char *
verdict_class (const char *v)
{
  if (g_strcmp0 (v, "SUPPORTED") == 0)
    return "supported";
  if (g_strcmp0 (v, "REFUTED") == 0)
    return "refuted";
  if (g_strcmp0 (v, "INCONCLUSIVE") == 0)
    return "inconclusive";
  return "unknown";
}

static void
html_number (GString *out, JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member (o, key);
  double v = node_to_double (n);
  if (n && !isnan (v))
    html_printf (out, "%.4g", v);
  else
    {
      char *s = obj_text (o, key);
      html_text (out, *s ? s : "\u2013");
      g_free (s);
    }
}

static gboolean
section_hypotheses (Report *r, GError **error)
{
  char *path = g_build_filename (r->dir, "hypotheses.json", NULL);
  gboolean ok = optional_json (path, &r->hypotheses_parser, error);
  if (!ok || !r->hypotheses_parser)
    {
      g_free (path);
      return ok;
    }
  JsonObject *root = json_node_get_object (json_parser_get_root (r->hypotheses_parser));
  JsonNode *hn = json_object_get_member (root, "hypotheses");
  if (!hn || !JSON_NODE_HOLDS_ARRAY (hn))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: no \"hypotheses\" array", path);
      g_free (path);
      return FALSE;
    }
  g_free (path);
  JsonArray *hs = json_node_get_array (hn);
  guint n = json_array_get_length (hs);
  if (n == 0)
    return TRUE;

  guint counts[4] = { 0 };
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (hs, i);
      const char *v = JSON_NODE_HOLDS_OBJECT (e) ? obj_string (json_node_get_object (e), "verdict") : NULL;
      const char *c = verdict_class (v);
      counts[strcmp (c, "supported") == 0 ? 0 : strcmp (c, "refuted") == 0 ? 1
             : strcmp (c, "inconclusive") == 0 ? 2 : 3]++;
    }
  section_begin (r, "hypotheses", "Hypotheses");
  GString *b = r->body;
  g_string_append_printf (b, "<p class=\"verdicts\">%u hypothes%s: "
                          "<span class=\"verdict supported\">%u supported</span> "
                          "<span class=\"verdict refuted\">%u refuted</span> "
                          "<span class=\"verdict inconclusive\">%u inconclusive</span>",
                          n, n == 1 ? "is" : "es", counts[0], counts[1], counts[2]);
  if (counts[3])
    g_string_append_printf (b, " <span class=\"verdict unknown\">%u other</span>", counts[3]);
  g_string_append (b, "</p>\n<div class=\"scroll\"><table class=\"hypotheses\">\n<thead><tr>"
                   "<th>hypothesis</th><th>verdict</th><th>metric</th><th>effect</th>"
                   "<th>estimate [95% CI]</th><th>margin</th><th>p</th><th>test</th>"
                   "<th>n (condition / control)</th></tr></thead>\n<tbody>\n");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (hs, i);
      if (!JSON_NODE_HOLDS_OBJECT (e))
        continue;
      JsonObject *h = json_node_get_object (e);
      const char *verdict = obj_string (h, "verdict");
      const char *cls = verdict_class (verdict);
      g_string_append_printf (b, "<tr class=\"%s\"><td><strong>", cls);
      html_text (b, obj_string (h, "name"));
      g_string_append (b, "</strong>");
      const char *claim = obj_string (h, "claim");
      if (claim && *claim)
        {
          g_string_append (b, "<div class=\"claim\">");
          html_text (b, claim);
          g_string_append (b, "</div>");
        }
      const char *message = obj_string (h, "message");
      if (message && *message)
        {
          g_string_append (b, "<div class=\"message\">");
          html_text (b, message);
          g_string_append (b, "</div>");
        }
      g_string_append_printf (b, "</td><td><span class=\"verdict %s\">", cls);
      html_text (b, verdict ? verdict : "?");
      g_string_append (b, "</span></td><td>");
      html_text (b, obj_string (h, "metric"));
      g_string_append (b, "</td><td>");
      html_text (b, obj_string (h, "effect"));
      g_string_append (b, "</td><td class=\"num\">");
      html_number (b, h, "estimate");
      g_string_append (b, " [");
      html_number (b, h, "ci_low");
      g_string_append (b, ", ");
      html_number (b, h, "ci_high");
      g_string_append (b, "]</td><td class=\"num\">");
      html_number (b, h, "margin");
      g_string_append (b, "</td><td class=\"num\">");
      html_number (b, h, "p");
      g_string_append (b, "</td><td>");
      html_text (b, obj_string (h, "test"));
      g_string_append (b, "</td><td class=\"num\">");
      html_number (b, h, "n_condition");
      g_string_append (b, " / ");
      html_number (b, h, "n_control");
      g_string_append (b, "</td></tr>\n");
    }
  g_string_append (b, "</tbody></table></div>\n");
  section_end (r);
  return TRUE;
}

static int
metric_rank (const char *m)
{
  if (strcmp (m, "accuracy") == 0)
    return 0;
  if (strcmp (m, "loss") == 0)
    return 1;
  return 2;
}

static int
compare_metrics (gconstpointer a, gconstpointer b)
{
  const char *x = *(const char *const *) a, *y = *(const char *const *) b;
  int c = metric_rank (x) - metric_rank (y);
  return c ? c : strcmp (x, y);
}

/* The distinct metrics of the clean rows with target "" (`with_target`
 * FALSE) or of all clean rows. */
static GPtrArray *
clean_metrics (const Report *r, gboolean with_target)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (strcmp (row->perturbation, "clean") != 0 || (!with_target && *row->target))
        continue;
      if (!g_ptr_array_find_with_equal_func (out, row->metric, g_str_equal, NULL))
        g_ptr_array_add (out, row->metric);
    }
  g_ptr_array_sort (out, compare_metrics);
  return out;
}

static void
section_results (Report *r)
{
  GPtrArray *metrics = clean_metrics (r, FALSE);
  if (metrics->len == 0)
    {
      g_ptr_array_unref (metrics);
      return;
    }
  section_begin (r, "results", "Results on clean test data");
  GString *b = r->body;
  if (r->trials->len > r->conditions->len)
    g_string_append (b, "<p>Each cell: mean \u00b1 sd over the trials of a condition "
                     "(n = number of trials).</p>\n");
  g_string_append (b, "<div class=\"scroll\"><table class=\"results\">\n<thead><tr><th>metric</th>");
  for (guint c = 0; c < r->conditions->len; c++)
    {
      Condition *cond = g_ptr_array_index (r->conditions, c);
      g_string_append (b, "<th>");
      html_text (b, *cond->label ? cond->label : "value");
      g_string_append (b, "</th>");
    }
  g_string_append (b, "</tr></thead>\n<tbody>\n");
  GArray *vals = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint m = 0; m < metrics->len; m++)
    {
      const char *metric = g_ptr_array_index (metrics, m);
      g_string_append (b, "<tr><th>");
      html_text (b, metric);
      g_string_append (b, "</th>");
      for (guint c = 0; c < r->conditions->len; c++)
        {
          Condition *cond = g_ptr_array_index (r->conditions, c);
          g_array_set_size (vals, 0);
          for (guint i = 0; i < r->rows->len; i++)
            {
              Row *row = g_ptr_array_index (r->rows, i);
              if (strcmp (row->perturbation, "clean") == 0 && !*row->target
                  && strcmp (row->metric, metric) == 0 && strcmp (row->condition, cond->label) == 0
                  && isfinite (row->value))
                g_array_append_val (vals, row->value);
            }
          g_string_append (b, "<td class=\"num\">");
          if (vals->len == 0)
            g_string_append (b, "\u2013");
          else if (vals->len == 1)
            html_printf (b, "%.4g", g_array_index (vals, double, 0));
          else
            html_printf (b, "%.4g \u00b1 %.2g (n=%u)", mean_of ((double *) vals->data, vals->len),
                         sd_of ((double *) vals->data, vals->len), vals->len);
          g_string_append (b, "</td>");
        }
      g_string_append (b, "</tr>\n");
    }
  g_array_unref (vals);
  g_string_append (b, "</tbody></table></div>\n");
  section_end (r);
  g_ptr_array_unref (metrics);
}

/* Accuracy vs level for every perturbation of a family ("corruption:" or
 * "attack:"); the clean accuracy is drawn at level 0. */
static void
section_perturbations (Report *r, const char *prefix, const char *id, const char *title,
                       const char *x_label, const char *what)
{
  GPtrArray *names = g_ptr_array_new ();
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (g_str_has_prefix (row->perturbation, prefix) && strcmp (row->metric, "accuracy") == 0
          && !*row->target && !isnan (row->level_value)
          && !g_ptr_array_find_with_equal_func (names, row->perturbation, g_str_equal, NULL))
        g_ptr_array_add (names, row->perturbation);
    }
  if (names->len == 0)
    {
      g_ptr_array_unref (names);
      return;
    }
  g_ptr_array_sort (names, compare_metrics);
  section_begin (r, id, title);
  GString *b = r->body;
  g_string_append_printf (b, "<p>Top-1 accuracy on the test set under each %s; level 0 is the "
                          "clean test set.</p>\n<div class=\"plots\">\n", what);
  GPtrArray *order = condition_labels (r);
  for (guint p = 0; p < names->len; p++)
    {
      const char *pert = g_ptr_array_index (names, p);
      Accum acc;
      accum_init (&acc);
      for (guint i = 0; i < r->rows->len; i++)
        {
          Row *row = g_ptr_array_index (r->rows, i);
          if (strcmp (row->metric, "accuracy") != 0 || *row->target)
            continue;
          if (strcmp (row->perturbation, pert) == 0)
            accum_add (&acc, row->condition, row->level_value, row->value);
          else if (strcmp (row->perturbation, "clean") == 0)
            accum_add (&acc, row->condition, 0.0, row->value);
        }
      const char *short_name = pert + strlen (prefix);
      char *ptitle = g_strdup_printf ("%s: accuracy vs %s", short_name, what);
      InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, ptitle, x_label,
                                          "accuracy (fraction correct)");
      interp_plot_set_integer_x (plot, strcmp (prefix, "corruption:") == 0);
      interp_plot_include_y (plot, 0.0, 1.0);
      interp_plot_limit_y (plot, 0.0, 1.0);
      accum_to_plot (&acc, plot, order, "all trials");
      char *ns = n_text (acc.min_n, acc.max_n, "trial");
      char *caption = g_strdup_printf ("Accuracy under %s by %s (%s).", pert, what, ns);
      char *name = g_strdup_printf ("%s-%s", id, short_name);
      emit_plot (r, b, plot, name, caption);
      g_free (name);
      g_free (caption);
      g_free (ns);
      g_free (ptitle);
      accum_clear (&acc);
    }
  g_string_append (b, "</div>\n");
  section_end (r);
  g_ptr_array_unref (order);
  g_ptr_array_unref (names);
}

static void
section_sweep (Report *r)
{
  if (n_varying_keys (r) == 0 || r->rows->len == 0)
    return;
  GPtrArray *metrics = clean_metrics (r, TRUE);
  if (metrics->len == 0)
    {
      g_ptr_array_unref (metrics);
      return;
    }
  section_begin (r, "sweep", "Metrics across the sweep");
  GString *b = r->body;
  g_string_append (b, "<p>Each clean-data metric against each swept key: mean \u00b1 sd over "
                   "seeds and over the other swept keys.</p>\n<div class=\"plots\">\n");
  /* A metric that is the same in every trial gets a line of text, not plots. */
  GString *constants = g_string_new (NULL);
  for (guint m = 0; m < metrics->len;)
    {
      const char *metric = g_ptr_array_index (metrics, m);
      double lo = INFINITY, hi = -INFINITY;
      for (guint i = 0; i < r->rows->len; i++)
        {
          Row *row = g_ptr_array_index (r->rows, i);
          if (strcmp (row->perturbation, "clean") == 0 && strcmp (row->metric, metric) == 0
              && isfinite (row->value))
            {
              lo = MIN (lo, row->value);
              hi = MAX (hi, row->value);
            }
        }
      if (lo == hi)
        {
          if (constants->len)
            g_string_append (constants, ", ");
          html_printf (constants, "%s = %g", metric, lo);
          g_ptr_array_remove_index (metrics, m);
        }
      else
        m++;
    }
  for (guint k = 0; k < r->n_swept; k++)
    {
      if (r->is_seed_key[k])
        continue;
      /* Values of this key: numeric axis when all are numbers, else categories. */
      GPtrArray *values = g_ptr_array_new ();
      gboolean numeric = TRUE;
      for (guint i = 0; i < r->rows->len; i++)
        {
          Row *row = g_ptr_array_index (r->rows, i);
          if (!g_ptr_array_find_with_equal_func (values, row->swept[k], g_str_equal, NULL))
            {
              g_ptr_array_add (values, row->swept[k]);
              numeric &= !isnan (parse_number (row->swept[k]));
            }
        }
      g_ptr_array_sort (values, compare_strings_as_values);
      for (guint m = 0; m < metrics->len; m++)
        {
          const char *metric = g_ptr_array_index (metrics, m);
          Accum acc;
          accum_init (&acc);
          for (guint i = 0; i < r->rows->len; i++)
            {
              Row *row = g_ptr_array_index (r->rows, i);
              if (strcmp (row->perturbation, "clean") != 0 || strcmp (row->metric, metric) != 0)
                continue;
              double x = parse_number (row->swept[k]);
              if (!numeric)
                {
                  guint idx = 0;
                  g_ptr_array_find_with_equal_func (values, row->swept[k], g_str_equal, &idx);
                  x = idx;
                }
              accum_add (&acc, row->target, x, row->value);
            }
          char *title = g_strdup_printf ("%s vs %s", metric, r->short_keys[k]);
          char *ylabel = metric_axis_label (metric);
          InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, title, r->swept_keys[k], ylabel);
          if (!numeric)
            interp_plot_set_categories (plot, (const char *const *) values->pdata, values->len);
          if (is_fraction_metric (metric))
            interp_plot_limit_y (plot, 0.0, 1.0);
          else if (g_str_has_suffix (metric, "-units"))
            interp_plot_limit_y (plot, 0.0, INFINITY);
          accum_to_plot (&acc, plot, NULL, "network");
          char *ns = n_text (acc.min_n, acc.max_n, "trial");
          char *caption = g_strdup_printf ("Clean %s against %s (%s).", metric, r->swept_keys[k], ns);
          char *name = g_strdup_printf ("sweep-%s-vs-%s", metric, r->short_keys[k]);
          emit_plot (r, b, plot, name, caption);
          g_free (name);
          g_free (caption);
          g_free (ns);
          g_free (ylabel);
          g_free (title);
          accum_clear (&acc);
        }
      g_ptr_array_unref (values);
    }
  g_string_append (b, "</div>\n");
  if (constants->len)
    g_string_append_printf (b, "<p class=\"note\">The same in every trial: %s.</p>\n",
                            constants->str);
  g_string_free (constants, TRUE);
  section_end (r);
  g_ptr_array_unref (metrics);
}

static void
section_selectivity (Report *r)
{
  GPtrArray *layers = g_ptr_array_new ();
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (strcmp (row->metric, "selectivity-mean") == 0 && *row->target
          && strcmp (row->perturbation, "clean") == 0
          && !g_ptr_array_find_with_equal_func (layers, row->target, g_str_equal, NULL))
        g_ptr_array_add (layers, row->target);
    }
  if (layers->len == 0)
    {
      g_ptr_array_unref (layers);
      return;
    }
  Accum acc;
  accum_init (&acc);
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      guint idx;
      if (strcmp (row->metric, "selectivity-mean") == 0 && strcmp (row->perturbation, "clean") == 0
          && *row->target && g_ptr_array_find_with_equal_func (layers, row->target, g_str_equal, &idx))
        accum_add (&acc, row->condition, idx, row->value);
    }
  section_begin (r, "selectivity", "Class selectivity per layer");
  GString *b = r->body;
  g_string_append (b, "<p>Mean class selectivity index of each analysed layer's units on clean "
                   "test data (0: same mean response to every class; 1: responds to one class "
                   "only).</p>\n<div class=\"plots\">\n");
  InterpPlot *plot = interp_plot_new (INTERP_PLOT_BARS, "Selectivity per layer", "layer",
                                      "mean class selectivity index (0..1)");
  interp_plot_set_categories (plot, (const char *const *) layers->pdata, layers->len);
  if (layers->len > 6 || r->conditions->len > 4)
    interp_plot_set_size (plot, 720, 360);
  GPtrArray *order = condition_labels (r);
  accum_to_plot (&acc, plot, order, "all trials");
  char *ns = n_text (acc.min_n, acc.max_n, "trial");
  char *caption = g_strdup_printf ("Per-layer \"selectivity-mean\" (%s).", ns);
  emit_plot (r, b, plot, "selectivity-per-layer", caption);
  g_free (caption);
  g_free (ns);
  g_string_append (b, "</div>\n");
  section_end (r);
  g_ptr_array_unref (order);
  accum_clear (&acc);
  g_ptr_array_unref (layers);
}

/* Per condition and layer: the bin counts summed over trials. */
typedef struct {
  char *condition;
  char *layer;
  GArray *counts;       /* double */
} HistogramSum;

static void
histogram_sum_free (gpointer p)
{
  HistogramSum *h = p;
  g_free (h->condition);
  g_free (h->layer);
  g_array_unref (h->counts);
  g_free (h);
}

static gboolean
collect_histograms (Report *r, GPtrArray *sums, GError **error)
{
  for (guint t = 0; t < r->trials->len; t++)
    {
      Trial *trial = g_ptr_array_index (r->trials, t);
      char *path = g_build_filename (r->dir, "trials", trial->id, "metrics.json", NULL);
      JsonParser *parser;
      if (!optional_json (path, &parser, error))
        {
          g_free (path);
          return FALSE;
        }
      if (!parser)
        {
          g_free (path);
          continue;
        }
      JsonObject *root = json_node_get_object (json_parser_get_root (parser));
      JsonNode *an = json_object_get_member (root, "arrays");
      if (an && !JSON_NODE_HOLDS_ARRAY (an))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: \"arrays\" is not an array",
                       path);
          g_object_unref (parser);
          g_free (path);
          return FALSE;
        }
      JsonArray *arrays = an ? json_node_get_array (an) : NULL;
      for (guint i = 0; arrays && i < json_array_get_length (arrays); i++)
        {
          JsonNode *e = json_array_get_element (arrays, i);
          JsonObject *o = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
          const char *pert = obj_string (o, "perturbation");
          if (g_strcmp0 (obj_string (o, "metric"), "selectivity-histogram") != 0
              || (pert && *pert && strcmp (pert, "clean") != 0))
            continue;
          JsonNode *vn = json_object_get_member (o, "values");
          if (!vn || !JSON_NODE_HOLDS_ARRAY (vn))
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                           "%s: array %u has no \"values\" list", path, i);
              g_object_unref (parser);
              g_free (path);
              return FALSE;
            }
          JsonArray *values = json_node_get_array (vn);
          char *layer = obj_text (o, "target");
          HistogramSum *h = NULL;
          for (guint k = 0; k < sums->len && !h; k++)
            {
              HistogramSum *c = g_ptr_array_index (sums, k);
              if (strcmp (c->condition, trial->condition) == 0 && strcmp (c->layer, layer) == 0
                  && c->counts->len == json_array_get_length (values))
                h = c;
            }
          if (!h)
            {
              h = g_new0 (HistogramSum, 1);
              h->condition = g_strdup (trial->condition);
              h->layer = g_strdup (layer);
              h->counts = g_array_new (FALSE, TRUE, sizeof (double));
              g_array_set_size (h->counts, json_array_get_length (values));
              g_ptr_array_add (sums, h);
            }
          g_free (layer);
          for (guint j = 0; j < h->counts->len; j++)
            {
              double v = node_to_double (json_array_get_element (values, j));
              if (isfinite (v))
                g_array_index (h->counts, double, j) += v;
            }
        }
      g_object_unref (parser);
      g_free (path);
    }
  return TRUE;
}

static gboolean
section_histogram (Report *r, GError **error)
{
  GPtrArray *sums = g_ptr_array_new_with_free_func (histogram_sum_free);
  if (!collect_histograms (r, sums, error))
    {
      g_ptr_array_unref (sums);
      return FALSE;
    }
  if (sums->len == 0)
    {
      g_ptr_array_unref (sums);
      return TRUE;
    }
  section_begin (r, "selectivity-histogram", "Distribution of unit selectivity");
  GString *b = r->body;
  g_string_append (b, "<p>Fraction of each layer's units per selectivity bin on clean test "
                   "data, pooled over the trials of a condition; one plot per layer, so that "
                   "conditions can be compared.</p>\n<div class=\"plots\">\n");
  GPtrArray *layers = g_ptr_array_new ();
  for (guint k = 0; k < sums->len; k++)
    {
      HistogramSum *h = g_ptr_array_index (sums, k);
      if (!g_ptr_array_find_with_equal_func (layers, h->layer, g_str_equal, NULL))
        g_ptr_array_add (layers, h->layer);
    }
  for (guint l = 0; l < layers->len; l++)
    {
      const char *layer = g_ptr_array_index (layers, l);
      const char *shown = *layer ? layer : "network";
      char *title = g_strdup_printf ("Unit selectivity, %s", shown);
      InterpPlot *plot = interp_plot_new (INTERP_PLOT_HISTOGRAM, title,
                                          "class selectivity index (0..1)", "fraction of units");
      interp_plot_set_bins (plot, 0.0, 1.0);
      for (guint c = 0; c < r->conditions->len; c++)
        {
          Condition *cond = g_ptr_array_index (r->conditions, c);
          for (guint k = 0; k < sums->len; k++)
            {
              HistogramSum *h = g_ptr_array_index (sums, k);
              if (strcmp (h->condition, cond->label) != 0 || strcmp (h->layer, layer) != 0)
                continue;
              double total = 0;
              for (guint j = 0; j < h->counts->len; j++)
                total += g_array_index (h->counts, double, j);
              double *frac = g_new (double, MAX (h->counts->len, 1));
              for (guint j = 0; j < h->counts->len; j++)
                frac[j] = total > 0 ? g_array_index (h->counts, double, j) / total : 0.0;
              interp_plot_add_series (plot, *cond->label ? cond->label : "all trials", NULL,
                                      frac, NULL, h->counts->len);
              g_free (frac);
            }
        }
      char *caption = g_strdup_printf ("Histogram of per-unit selectivity of %s%s.", shown,
                                       r->conditions->len > 1 ? " by condition" : "");
      char *name = g_strdup_printf ("selectivity-histogram-%s", shown);
      emit_plot (r, b, plot, name, caption);
      g_free (name);
      g_free (caption);
      g_free (title);
    }
  g_ptr_array_unref (layers);
  g_string_append (b, "</div>\n");
  section_end (r);
  g_ptr_array_unref (sums);
  return TRUE;
}

/* train-log.csv of one trial, by column. */
typedef struct {
  GArray *epoch, *train_loss, *train_acc, *val_acc, *lr, *seconds;
} TrainLog;

static void
train_log_clear (TrainLog *l)
{
  GArray **cols[] = { &l->epoch, &l->train_loss, &l->train_acc, &l->val_acc, &l->lr, &l->seconds };
  for (guint i = 0; i < G_N_ELEMENTS (cols); i++)
    if (*cols[i])
      g_array_unref (*cols[i]);
}

/* FALSE with an error for a malformed file; TRUE with l->epoch == NULL
 * when there is none. */
static gboolean
read_train_log (const char *path, TrainLog *l, GError **error)
{
  memset (l, 0, sizeof *l);
  char *text = NULL;
  GError *local = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      gboolean absent = g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT);
      if (!absent)
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: %s", path, local->message);
      g_error_free (local);
      return absent;
    }
  char **lines = g_strsplit (text, "\n", -1);
  g_free (text);
  static const char *const names[] = { "epoch", "train_loss", "train_accuracy", "val_accuracy",
                                       "learning_rate", "seconds" };
  GArray **cols[] = { &l->epoch, &l->train_loss, &l->train_acc, &l->val_acc, &l->lr, &l->seconds };
  int idx[G_N_ELEMENTS (names)];
  char **header = g_strsplit (g_strstrip (lines[0]), ",", -1);
  guint n_header = g_strv_length (header);
  for (guint c = 0; c < G_N_ELEMENTS (names); c++)
    {
      idx[c] = -1;
      for (guint h = 0; h < n_header; h++)
        if (strcmp (g_strstrip (header[h]), names[c]) == 0)
          idx[c] = (int) h;
      *cols[c] = g_array_new (FALSE, FALSE, sizeof (double));
    }
  g_strfreev (header);
  gboolean ok = TRUE;
  if (idx[0] < 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: no \"epoch\" column", path);
      ok = FALSE;
    }
  for (guint i = 1; ok && lines[i]; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (!*line)
        continue;
      char **cells = g_strsplit (line, ",", -1);
      guint n = g_strv_length (cells);
      for (guint c = 0; c < G_N_ELEMENTS (names); c++)
        {
          double v = idx[c] >= 0 && (guint) idx[c] < n ? parse_number (cells[idx[c]]) : NAN;
          if (c == 0 && isnan (v))
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                           "%s: line %u: epoch is not a number", path, i + 1);
              ok = FALSE;
              break;
            }
          g_array_append_val (*cols[c], v);
        }
      g_strfreev (cells);
    }
  g_strfreev (lines);
  if (!ok)
    {
      train_log_clear (l);
      memset (l, 0, sizeof *l);
    }
  return ok;
}

static gboolean
column_has_data (GArray *a)
{
  for (guint i = 0; i < a->len; i++)
    if (!isnan (g_array_index (a, double, i)))
      return TRUE;
  return FALSE;
}

static void
trial_curves (Report *r, GString *b, const Trial *t, const TrainLog *l, gboolean small)
{
  double *ep = (double *) l->epoch->data;
  char *label = *t->condition ? g_strdup_printf ("%s (%s, seed %" G_GINT64_FORMAT ")", t->id,
                                                 t->condition, t->seed)
                              : g_strdup_printf ("%s (seed %" G_GINT64_FORMAT ")", t->id, t->seed);
  if (column_has_data (l->train_loss))
    {
      char *title = g_strdup_printf ("%s: training loss", t->id);
      InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, title, "epoch",
                                          "loss (nats, cross-entropy)");
      interp_plot_set_integer_x (plot, TRUE);
      if (small)
        interp_plot_set_size (plot, 400, 260);
      interp_plot_add_series (plot, "train loss", ep, (double *) l->train_loss->data, NULL,
                              l->epoch->len);
      char *caption = g_strdup_printf ("Mean training loss per epoch, %s.", label);
      char *name = g_strdup_printf ("train-%s-loss", t->id);
      emit_plot (r, b, plot, name, caption);
      g_free (name);
      g_free (caption);
      g_free (title);
    }
  if (column_has_data (l->train_acc) || column_has_data (l->val_acc))
    {
      char *title = g_strdup_printf ("%s: accuracy", t->id);
      InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, title, "epoch",
                                          "accuracy (fraction correct)");
      interp_plot_set_integer_x (plot, TRUE);
      if (small)
        interp_plot_set_size (plot, 400, 260);
      interp_plot_limit_y (plot, 0.0, 1.0);
      /* A run without a validation split logs empty val_accuracy cells. */
      if (column_has_data (l->train_acc))
        interp_plot_add_series (plot, "train", ep, (double *) l->train_acc->data, NULL,
                                l->epoch->len);
      if (column_has_data (l->val_acc))
        interp_plot_add_series (plot, "validation", ep, (double *) l->val_acc->data, NULL,
                                l->epoch->len);
      char *caption = g_strdup_printf ("%s accuracy per epoch, %s.",
                                       !column_has_data (l->val_acc) ? "Training"
                                       : !column_has_data (l->train_acc) ? "Validation"
                                       : "Training and validation", label);
      char *name = g_strdup_printf ("train-%s-accuracy", t->id);
      emit_plot (r, b, plot, name, caption);
      g_free (name);
      g_free (caption);
      g_free (title);
    }
  g_free (label);
}

typedef struct {
  guint epochs;
  double seconds;
  double final_loss, final_val;
  gboolean present;
} TrialTiming;

static gboolean
section_training (Report *r, TrialTiming *timings, GError **error)
{
  TrainLog *logs = g_new0 (TrainLog, MAX (r->trials->len, 1));
  guint n_logs = 0;
  gboolean ok = TRUE;
  for (guint t = 0; t < r->trials->len && ok; t++)
    {
      Trial *trial = g_ptr_array_index (r->trials, t);
      char *path = g_build_filename (r->dir, "trials", trial->id, "train-log.csv", NULL);
      ok = read_train_log (path, &logs[t], error);
      g_free (path);
      if (!ok || !logs[t].epoch || logs[t].epoch->len == 0)
        continue;
      n_logs++;
      TrialTiming *tm = &timings[t];
      TrainLog *l = &logs[t];
      tm->present = TRUE;
      tm->epochs = l->epoch->len;
      for (guint i = 0; i < l->seconds->len; i++)
        if (isfinite (g_array_index (l->seconds, double, i)))
          tm->seconds += g_array_index (l->seconds, double, i);
      tm->final_loss = g_array_index (l->train_loss, double, l->epoch->len - 1);
      tm->final_val = g_array_index (l->val_acc, double, l->epoch->len - 1);
    }
  if (ok && n_logs > 0)
    {
      section_begin (r, "training", "Training curves");
      GString *b = r->body;
      /* With several conditions, an overview of each condition's mean curve first. */
      if (r->conditions->len > 1)
        {
          g_string_append (b, "<div class=\"plots\">\n");
          static const struct { const char *what, *title, *ylabel; gboolean loss; } kinds[] = {
            { "training loss", "Training loss by condition", "loss (nats, cross-entropy)", TRUE },
            { "validation accuracy", "Validation accuracy by condition",
              "accuracy (fraction correct)", FALSE },
          };
          GPtrArray *order = condition_labels (r);
          for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
            {
              Accum acc;
              accum_init (&acc);
              for (guint t = 0; t < r->trials->len; t++)
                {
                  Trial *trial = g_ptr_array_index (r->trials, t);
                  TrainLog *l = &logs[t];
                  if (!l->epoch)
                    continue;
                  GArray *col = kinds[k].loss ? l->train_loss : l->val_acc;
                  for (guint i = 0; i < l->epoch->len; i++)
                    accum_add (&acc, trial->condition, g_array_index (l->epoch, double, i),
                               g_array_index (col, double, i));
                }
              if (acc.xs->len == 0)
                {
                  accum_clear (&acc);
                  continue;
                }
              InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, kinds[k].title, "epoch",
                                                  kinds[k].ylabel);
              interp_plot_set_integer_x (plot, TRUE);
              if (!kinds[k].loss)
                interp_plot_limit_y (plot, 0.0, 1.0);
              accum_to_plot (&acc, plot, order, "all trials");
              char *ns = n_text (acc.min_n, acc.max_n, "seed");
              char *caption = g_strdup_printf ("Per-epoch %s by condition (%s).", kinds[k].what, ns);
              emit_plot (r, b, plot, kinds[k].title, caption);
              g_free (caption);
              g_free (ns);
              accum_clear (&acc);
            }
          g_ptr_array_unref (order);
          g_string_append (b, "</div>\n");
        }
      gboolean open = n_logs <= 4;
      if (n_logs > 1)
        g_string_append_printf (b, "<details%s><summary>Curves of each trial (%u)</summary>\n",
                                open ? " open" : "", n_logs);
      g_string_append (b, "<div class=\"plots pairs\">\n");
      for (guint t = 0; t < r->trials->len; t++)
        if (logs[t].epoch && logs[t].epoch->len > 0)
          trial_curves (r, b, g_ptr_array_index (r->trials, t), &logs[t], FALSE);
      g_string_append (b, n_logs > 1 ? "</div>\n</details>\n" : "</div>\n");
      section_end (r);
    }
  for (guint t = 0; t < r->trials->len; t++)
    train_log_clear (&logs[t]);
  g_free (logs);
  return ok;
}

/* Replaces src="RELATIVE" of images in a fragment by data: URIs of files
 * next to the fragment, so fragments may refer to the PNGs their plugin
 * wrote.  Paths that leave the folder (absolute, "..") are left alone; the
 * page's Content-Security-Policy then blocks them. */
static char *
inline_fragment_images (const char *html, const char *dir)
{
  GString *out = g_string_new (NULL);
  const char *p = html;
  for (;;)
    {
      const char *s = strstr (p, "src=\"");
      if (!s)
        break;
      s += 5;
      const char *e = strchr (s, '"');
      if (!e)
        break;
      g_string_append_len (out, p, s - p);
      char *ref = g_strndup (s, e - s);
      const char *mime = g_str_has_suffix (ref, ".png") ? "image/png"
                         : g_str_has_suffix (ref, ".svg") ? "image/svg+xml"
                         : g_str_has_suffix (ref, ".jpg") || g_str_has_suffix (ref, ".jpeg") ? "image/jpeg"
                         : g_str_has_suffix (ref, ".gif") ? "image/gif" : NULL;
      char *contents = NULL;
      gsize len = 0;
      if (mime && !strchr (ref, ':') && ref[0] != '/' && !strstr (ref, ".."))
        {
          char *path = g_build_filename (dir, ref, NULL);
          if (!g_file_get_contents (path, &contents, &len, NULL))
            g_warning ("%s: image of a report fragment not found", path);
          g_free (path);
        }
      if (contents)
        {
          char *b64 = g_base64_encode ((const guchar *) contents, len);
          g_string_append_printf (out, "data:%s;base64,%s", mime, b64);
          g_free (b64);
          g_free (contents);
        }
      else
        g_string_append (out, ref);
      g_free (ref);
      p = e;
    }
  g_string_append (out, p);
  return g_string_free (out, FALSE);
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* "20-ablation-curves.html" -> "ablation curves". */
static char *
fragment_title (const char *file)
{
  const char *p = file;
  while (g_ascii_isdigit (*p))
    p++;
  if (p != file && (*p == '-' || *p == '_'))
    p++;
  else
    p = file;
  char *t = g_strndup (p, strlen (p) - strlen (".html"));
  for (char *c = t; *c; c++)
    if (*c == '-' || *c == '_')
      *c = ' ';
  return t;
}

/* Appends the fragments of `dir` (sorted by name); returns how many. */
static guint
append_fragments (GString *b, const char *dir, const char *heading_tag)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  if (!d)
    return 0;
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, ".html") && name[0] != '.')
      g_ptr_array_add (files, g_strdup (name));
  g_dir_close (d);
  g_ptr_array_sort (files, compare_paths);
  for (guint i = 0; i < files->len; i++)
    {
      const char *file = g_ptr_array_index (files, i);
      char *path = g_build_filename (dir, file, NULL);
      char *text = NULL;
      if (!g_file_get_contents (path, &text, NULL, NULL))
        {
          g_warning ("%s: cannot read report fragment", path);
          g_free (path);
          continue;
        }
      char *valid = g_utf8_make_valid (text, -1);
      char *inlined = inline_fragment_images (valid, dir);
      char *title = fragment_title (file);
      g_string_append_printf (b, "<div class=\"fragment\">\n<%s>", heading_tag);
      html_text (b, title);
      g_string_append_printf (b, "</%s>\n%s\n</div>\n", heading_tag, inlined);
      g_free (title);
      g_free (inlined);
      g_free (valid);
      g_free (text);
      g_free (path);
    }
  guint n = files->len;
  g_ptr_array_unref (files);
  return n;
}

static void
section_plugins (Report *r)
{
  GString *tmp = g_string_new (NULL);
  char *dir = g_build_filename (r->dir, INTERP_REPORT_SECTIONS_DIR, NULL);
  guint n = append_fragments (tmp, dir, "h3");
  g_free (dir);
  for (guint t = 0; t < r->trials->len; t++)
    {
      Trial *trial = g_ptr_array_index (r->trials, t);
      char *tdir = g_build_filename (r->dir, "trials", trial->id, INTERP_REPORT_SECTIONS_DIR, NULL);
      GString *part = g_string_new (NULL);
      guint m = append_fragments (part, tdir, "h4");
      if (m)
        {
          g_string_append (tmp, "<h3>");
          html_text (tmp, trial->id);
          if (*trial->condition)
            html_printf (tmp, " (%s, seed %" G_GINT64_FORMAT ")", trial->condition, trial->seed);
          g_string_append_printf (tmp, "</h3>\n%s", part->str);
        }
      n += m;
      g_string_free (part, TRUE);
      g_free (tdir);
    }
  if (n)
    {
      section_begin (r, "plugin-sections", "Plugin sections");
      g_string_append (r->body, tmp->str);
      section_end (r);
    }
  g_string_free (tmp, TRUE);
}

static void
section_pipeline (Report *r)
{
  JsonNode *pn = json_object_get_member (r->manifest, "pipeline");
  if (!pn || !JSON_NODE_HOLDS_OBJECT (pn))
    return;
  section_begin (r, "pipeline", "Pipeline (resolved)");
  GString *b = r->body;
  const char *file = obj_string (r->manifest, "pipeline_file");
  if (file)
    {
      g_string_append (b, "<p>From <code>");
      html_text (b, file);
      g_string_append (b, "</code>, with every default filled in.</p>\n");
    }
  g_string_append (b, "<pre class=\"ini\">");
  JsonObject *groups = json_node_get_object (pn);
  GList *names = json_object_get_members (groups);
  for (GList *g = names; g; g = g->next)
    {
      JsonNode *gn = json_object_get_member (groups, g->data);
      g_string_append (b, "<span class=\"group\">[");
      html_text (b, g->data);
      g_string_append (b, "]</span>\n");
      if (!JSON_NODE_HOLDS_OBJECT (gn))
        continue;
      JsonObject *go = json_node_get_object (gn);
      GList *keys = json_object_get_members (go);
      for (GList *k = keys; k; k = k->next)
        {
          char *v = obj_text (go, k->data);
          g_string_append (b, "<span class=\"key\">");
          html_text (b, k->data);
          g_string_append (b, "</span> = ");
          html_text (b, v);
          g_string_append_c (b, '\n');
          g_free (v);
        }
      g_list_free (keys);
      if (g->next)
        g_string_append_c (b, '\n');
    }
  g_list_free (names);
  g_string_append (b, "</pre>\n");
  section_end (r);
}

static void
table_row (GString *b, const char *key, const char *value)
{
  g_string_append (b, "<tr><th>");
  html_text (b, key);
  g_string_append (b, "</th><td>");
  html_text (b, value && *value ? value : "\u2013");
  g_string_append (b, "</td></tr>\n");
}

/* An ISO 8601 time as "2026-11-29 09:12:34 UTC"; other text unchanged. */
static char *
format_time (const char *iso)
{
  GDateTime *t = iso && *iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  if (!t)
    return g_strdup (iso ? iso : "");
  GDateTime *utc = g_date_time_to_utc (t);
  char *s = g_date_time_format (utc, "%Y-%m-%d %H:%M:%S UTC");
  g_date_time_unref (utc);
  g_date_time_unref (t);
  return s;
}

static char *
format_duration (double s)
{
  if (!isfinite (s) || s < 0)
    return g_strdup ("");
  if (s < 120)
    return g_strdup_printf ("%.1f s", s);
  if (s < 7200)
    return g_strdup_printf ("%.0f min %02.0f s", floor (s / 60), fmod (s, 60));
  return g_strdup_printf ("%.0f h %02.0f min", floor (s / 3600), floor (fmod (s, 3600) / 60));
}

static void
section_environment (Report *r, const TrialTiming *timings)
{
  section_begin (r, "environment", "Environment and timings");
  GString *b = r->body;
  g_string_append (b, "<div class=\"columns\"><div>\n<table class=\"kv\">\n");
  static const struct { const char *key, *label; } fields[] = {
    { "interp_version", "interp version" }, { "pipeline_file", "pipeline file" },
    { "host", "host" }, { "threads", "threads" }, { "seed", "seed" },
    { "started", "started" }, { "finished", "finished" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      char *v = obj_text (r->manifest, fields[i].key);
      if (strcmp (fields[i].key, "started") == 0 || strcmp (fields[i].key, "finished") == 0)
        {
          char *t = format_time (v);
          g_free (v);
          v = t;
        }
      table_row (b, fields[i].label, v);
      g_free (v);
    }
  const char *started = obj_string (r->manifest, "started");
  const char *finished = obj_string (r->manifest, "finished");
  GDateTime *t0 = started ? g_date_time_new_from_iso8601 (started, NULL) : NULL;
  GDateTime *t1 = finished ? g_date_time_new_from_iso8601 (finished, NULL) : NULL;
  if (t0 && t1)
    {
      char *d = format_duration (g_date_time_difference (t1, t0) / (double) G_TIME_SPAN_SECOND);
      table_row (b, "wall time", d);
      g_free (d);
    }
  if (t0)
    g_date_time_unref (t0);
  if (t1)
    g_date_time_unref (t1);
  char *n = g_strdup_printf ("%u", r->trials->len);
  table_row (b, "trials", n);
  g_free (n);
  g_string_append (b, "</table>\n</div>\n");

  JsonNode *pl = json_object_get_member (r->manifest, "plugins");
  if (pl && JSON_NODE_HOLDS_ARRAY (pl) && json_array_get_length (json_node_get_array (pl)) > 0)
    {
      JsonArray *a = json_node_get_array (pl);
      g_string_append (b, "<div>\n<table class=\"plugins\"><thead><tr><th>plugin</th>"
                       "<th>version</th><th>file</th></tr></thead>\n<tbody>\n");
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          JsonObject *o = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
          char *cells[] = { obj_text (o, "name"), obj_text (o, "version"), obj_text (o, "path") };
          g_string_append (b, "<tr>");
          for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
            {
              g_string_append (b, c == 2 ? "<td class=\"path\">" : "<td>");
              html_text (b, cells[c]);
              g_string_append (b, "</td>");
              g_free (cells[c]);
            }
          g_string_append (b, "</tr>\n");
        }
      g_string_append (b, "</tbody></table>\n</div>\n");
    }
  g_string_append (b, "</div>\n");

  if (r->trials->len > 0)
    {
      g_string_append (b, "<h3>Trials</h3>\n<div class=\"scroll\"><table class=\"trials\">"
                       "<thead><tr><th>trial</th>");
      for (guint k = 0; k < r->n_swept; k++)
        {
          g_string_append (b, "<th>");
          html_text (b, r->swept_keys[k]);
          g_string_append (b, "</th>");
        }
      g_string_append (b, "<th>seed</th><th>epochs</th><th>training time</th>"
                       "<th>final train loss</th><th>final val. accuracy</th></tr></thead>\n<tbody>\n");
      JsonArray *ta = json_node_get_array (json_object_get_member (r->manifest, "trials"));
      for (guint t = 0; t < r->trials->len; t++)
        {
          Trial *trial = g_ptr_array_index (r->trials, t);
          JsonObject *to = json_node_get_object (json_array_get_element (ta, t));
          JsonNode *sw = json_object_get_member (to, "swept");
          JsonObject *swo = sw && JSON_NODE_HOLDS_OBJECT (sw) ? json_node_get_object (sw) : NULL;
          g_string_append (b, "<tr><td>");
          html_text (b, trial->id);
          g_string_append (b, "</td>");
          for (guint k = 0; k < r->n_swept; k++)
            {
              char *v = obj_text (swo, r->swept_keys[k]);
              g_string_append (b, "<td class=\"num\">");
              html_text (b, v);
              g_string_append (b, "</td>");
              g_free (v);
            }
          g_string_append_printf (b, "<td class=\"num\">%" G_GINT64_FORMAT "</td>", trial->seed);
          const TrialTiming *tm = &timings[t];
          if (tm->present)
            {
              char *d = format_duration (tm->seconds);
              g_string_append_printf (b, "<td class=\"num\">%u</td><td class=\"num\">", tm->epochs);
              html_text (b, d);
              g_string_append (b, "</td><td class=\"num\">");
              html_printf (b, "%.4g", tm->final_loss);
              g_string_append (b, "</td><td class=\"num\">");
              html_printf (b, "%.4g", tm->final_val);
              g_string_append (b, "</td>");
              g_free (d);
            }
          else
            g_string_append (b, "<td colspan=\"4\" class=\"note\">no training log</td>");
          g_string_append (b, "</tr>\n");
        }
      g_string_append (b, "</tbody></table></div>\n");
    }
  section_end (r);
}

/* ---------------------------------------------------------------- page */

static const char page_css[] =
  ":root{--fg:#1d2329;--muted:#5b6670;--line:#dde2e7;--bg:#f6f7f9;--card:#fff;"
  "--accent:#0072B2;--ok:#009E73;--bad:#D55E00;--unsure:#E69F00}\n"
  "*{box-sizing:border-box}\n"
  "body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI','DejaVu Sans',sans-serif;"
  "color:var(--fg);background:var(--bg)}\n"
  "header{background:#1d2329;color:#fff;padding:18px 28px 10px}\n"
  "header h1{margin:0 0 2px;font-size:22px;font-weight:600}\n"
  "header .sub{margin:0;color:#c8d0d8;font-size:13.5px}\n"
  "header code{color:#fff}\n"
  "nav{margin-top:10px;display:flex;flex-wrap:wrap;gap:4px 6px}\n"
  "nav a{color:#dce6ef;text-decoration:none;font-size:13px;padding:2px 9px;border-radius:11px;"
  "background:#2e3944}\n"
  "nav a:hover{background:#0072B2;color:#fff}\n"
  "main{max-width:1280px;margin:0 auto;padding:8px 24px 40px}\n"
  "section{background:var(--card);border:1px solid var(--line);border-radius:8px;"
  "padding:6px 20px 16px;margin:16px 0}\n"
  "h2{font-size:18px;margin:12px 0 8px;font-weight:600}\n"
  "h3{font-size:15.5px;margin:16px 0 6px}\n"
  "h4{font-size:14.5px;margin:12px 0 4px}\n"
  "p{margin:6px 0 10px}\n"
  ".plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:14px}\n"
  /* One trial per row: its loss next to its accuracy. */
  ".plots.pairs{grid-template-columns:repeat(2,minmax(0,1fr))}\n"
  "@media (max-width:800px){.plots,.plots.pairs{grid-template-columns:minmax(0,1fr)}}\n"
  "figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:6px;background:#fff}\n"
  "figure img{display:block;width:100%;height:auto}\n"
  "figcaption{font-size:12.5px;color:var(--muted);padding:4px 4px 0}\n"
  "figcaption .file{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:11.5px;"
  "color:#8a949c;margin-left:4px}\n"
  "table{border-collapse:collapse;font-size:13.5px}\n"
  "th,td{text-align:left;padding:5px 10px;border-bottom:1px solid var(--line);vertical-align:top}\n"
  "thead th{background:#eef1f4;font-weight:600;white-space:nowrap}\n"
  "td.num{font-variant-numeric:tabular-nums;white-space:nowrap}\n"
  "td.path{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12px;"
  "word-break:break-all}\n"
  ".scroll{overflow-x:auto}\n"
  "table.hypotheses{width:100%}\n"
  "table.hypotheses .claim{color:var(--fg);font-size:13px;margin-top:2px}\n"
  "table.hypotheses .message{color:var(--muted);font-size:12.5px;margin-top:2px}\n"
  "tr.supported td:first-child{border-left:5px solid var(--ok)}\n"
  "tr.refuted td:first-child{border-left:5px solid var(--bad)}\n"
  "tr.inconclusive td:first-child{border-left:5px solid var(--unsure)}\n"
  "tr.unknown td:first-child{border-left:5px solid #999}\n"
  ".verdict{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;"
  "font-weight:700;letter-spacing:.02em;white-space:nowrap}\n"
  ".verdict.supported{background:var(--ok);color:#fff}\n"
  ".verdict.refuted{background:var(--bad);color:#fff}\n"
  ".verdict.inconclusive{background:var(--unsure);color:#1d2329}\n"
  ".verdict.unknown{background:#999;color:#fff}\n"
  "p.verdicts .verdict{margin-right:4px}\n"
  "table.kv th{font-weight:600;color:var(--muted);white-space:nowrap}\n"
  ".columns{display:flex;flex-wrap:wrap;gap:8px 32px;align-items:flex-start}\n"
  "pre.ini{background:#f3f5f7;border:1px solid var(--line);border-radius:6px;padding:10px 14px;"
  "font:13px/1.45 ui-monospace,'DejaVu Sans Mono',monospace;overflow-x:auto;"
  "max-height:480px}\n"
  "pre.ini .group{color:#0072B2;font-weight:700}\n"
  "pre.ini .key{color:#8a3b00}\n"
  "details summary{cursor:pointer;margin:10px 0;font-weight:600}\n"
  ".note{color:var(--muted);font-style:italic}\n"
  ".fragment{margin:8px 0}\n"
  ".fragment img{max-width:100%}\n"
  "footer{color:var(--muted);font-size:12px;text-align:center;padding:0 0 24px}\n";

static void
write_page (Report *r, GString *page)
{
  const char *name = obj_string (r->manifest, "name");
  JsonNode *pn = json_object_get_member (r->manifest, "pipeline");
  if ((!name || !*name) && pn && JSON_NODE_HOLDS_OBJECT (pn))
    {
      JsonNode *g = json_object_get_member (json_node_get_object (pn), "pipeline");
      if (g && JSON_NODE_HOLDS_OBJECT (g))
        name = obj_string (json_node_get_object (g), "name");
    }
  char *base = g_path_get_basename (r->dir);
  const char *title = name && *name ? name : base;

  g_string_append (page, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   /* Everything is inline: no network access, no script. */
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "img-src data:; style-src 'unsafe-inline'\">\n"
                   "<meta name=\"generator\" content=\"interp " PACKAGE_VERSION "\">\n<title>");
  html_printf (page, "%s \u2013 interp report", title);
  g_string_append_printf (page, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>",
                          page_css);
  html_text (page, title);
  g_string_append (page, "</h1>\n<p class=\"sub\">");
  char *finished = format_time (obj_string (r->manifest, "finished"));
  char *started = format_time (obj_string (r->manifest, "started"));
  html_printf (page, "Run folder %s \u00b7 %u trial%s", base, r->trials->len,
               r->trials->len == 1 ? "" : "s");
  if (*finished)
    html_printf (page, " \u00b7 finished %s", finished);
  else if (*started)
    html_printf (page, " \u00b7 started %s, not finished", started);
  g_free (finished);
  g_free (started);
  g_string_append (page, "</p>\n<nav>");
  for (guint i = 0; i < r->sections->len; i++)
    {
      SectionRef *s = &g_array_index (r->sections, SectionRef, i);
      g_string_append_printf (page, "<a href=\"#%s\">", s->id);
      html_text (page, s->title);
      g_string_append (page, "</a>");
    }
  g_string_append (page, "</nav>\n</header>\n<main>\n");
  g_string_append_len (page, r->body->str, (gssize) r->body->len);
  g_string_append (page, "</main>\n<footer>Generated by interp " PACKAGE_VERSION
                   ". Plots are also in the run folder's plots/.</footer>\n</body>\n</html>\n");
  g_free (base);
}

/* Removes plots/NAME.svg files this report did not write (left by an
 * earlier report of the same run), so plots/ matches the page. */
static void
remove_stale_plots (Report *r)
{
  GDir *d = g_dir_open (r->plots_dir, 0, NULL);
  if (!d)
    return;
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      if (!g_str_has_suffix (name, ".svg"))
        continue;
      char *slug = g_strndup (name, strlen (name) - strlen (".svg"));
      if (!g_hash_table_contains (r->plot_names, slug))
        {
          char *path = g_build_filename (r->plots_dir, name, NULL);
          g_unlink (path);
          g_free (path);
        }
      g_free (slug);
    }
  g_dir_close (d);
}

static void
report_clear (Report *r)
{
  g_free (r->dir);
  if (r->manifest_parser)
    g_object_unref (r->manifest_parser);
  if (r->hypotheses_parser)
    g_object_unref (r->hypotheses_parser);
  g_strfreev (r->swept_keys);
  g_strfreev (r->short_keys);
  g_free (r->is_seed_key);
  g_ptr_array_unref (r->trials);
  g_ptr_array_unref (r->rows);
  g_ptr_array_unref (r->conditions);
  g_string_free (r->body, TRUE);
  for (guint i = 0; i < r->sections->len; i++)
    {
      SectionRef *s = &g_array_index (r->sections, SectionRef, i);
      g_free (s->id);
      g_free (s->title);
    }
  g_array_unref (r->sections);
  g_hash_table_unref (r->plot_names);
  g_free (r->plots_dir);
}

gboolean
interp_report_write (const char *run_dir, GError **error)
{
  g_return_val_if_fail (run_dir != NULL, FALSE);
  if (!g_file_test (run_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND, "%s: no such run folder", run_dir);
      return FALSE;
    }
  Report r = { 0 };
  r.dir = g_strdup (run_dir);
  r.trials = g_ptr_array_new_with_free_func (trial_free);
  r.rows = g_ptr_array_new_with_free_func (row_free);
  r.conditions = g_ptr_array_new_with_free_func (condition_free);
  r.body = g_string_new (NULL);
  r.sections = g_array_new (FALSE, FALSE, sizeof (SectionRef));
  r.plot_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r.plots_dir = g_build_filename (run_dir, "plots", NULL);

  gboolean ok = load_manifest (&r, error) && load_summary (&r, error);
  TrialTiming *timings = NULL;
  if (ok)
    {
      g_ptr_array_sort (r.conditions, compare_conditions);
      timings = g_new0 (TrialTiming, MAX (r.trials->len, 1));
      ok = section_hypotheses (&r, error);
    }
  if (ok)
    {
      section_results (&r);
      section_perturbations (&r, "corruption:", "corruptions", "Robustness to corruptions",
                             "severity (level)", "severity");
      section_perturbations (&r, "attack:", "attacks", "Robustness to adversarial attacks",
                             "epsilon (input scale 0..1)", "epsilon");
      section_sweep (&r);
      section_selectivity (&r);
      ok = section_histogram (&r, error) && section_training (&r, timings, error);
    }
  if (ok)
    {
      section_plugins (&r);
      section_pipeline (&r);
      section_environment (&r, timings);
      GString *page = g_string_new (NULL);
      write_page (&r, page);
      char *path = g_build_filename (run_dir, "report.html", NULL);
      GError *local = NULL;
      if (!g_file_set_contents (path, page->str, (gssize) page->len, &local))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot write: %s", path,
                       local->message);
          g_error_free (local);
          ok = FALSE;
        }
      g_free (path);
      g_string_free (page, TRUE);
      if (ok)
        remove_stale_plots (&r);
    }
  g_free (timings);
  report_clear (&r);
  return ok;
}
