/* `interp-run --describe KIND:NAME`: a component's help, generated from its
 * descriptor and parameter table so that it cannot drift from the code. */
#include "config.h"

#include "plugin/registry.h"
#include "plugin/kinds.h"
#include "host/params-private.h"

#include <string.h>

enum { COL_KEY, COL_TYPE, COL_DEFAULT, COL_ALLOWED, COL_HELP, N_COLS };

static gboolean
is_numeric (InterpParamType t)
{
  return t == INTERP_PARAM_INT || t == INTERP_PARAM_DOUBLE || t == INTERP_PARAM_INT_LIST
    || t == INTERP_PARAM_DOUBLE_LIST;
}

/* The "allowed" cell: a range (checked only when min < max, as params.h
 * says) or the CHOICE alternatives. */
static char *
allowed_text (const InterpParamSpec *s)
{
  if (s->type == INTERP_PARAM_CHOICE && s->choices)
    return g_strdup (s->choices);
  if (is_numeric (s->type) && s->min < s->max)
    return g_strdup_printf ("[%.15g, %.15g]", s->min, s->max);
  return g_strdup ("");
}

static char *
default_text (const InterpParamSpec *s)
{
  if (s->default_value == NULL)
    return g_strdup ("required");
  if (*s->default_value == '\0')
    return g_strdup ("\"\"");
  return g_strdup (s->default_value);
}

static void
append_row (GString *out, char *const *cells, const int *width)
{
  g_string_append (out, " ");
  for (int c = 0; c < N_COLS; c++)
    {
      if (c == N_COLS - 1)
        g_string_append_printf (out, " %s", cells[c]);
      else
        g_string_append_printf (out, " %-*s ", width[c], cells[c]);
    }
  /* No trailing blanks when the last cells are empty. */
  while (out->len && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  g_string_append_c (out, '\n');
}

void
interp_describe_params (GString *out, const char *title, const InterpParamSpec *params)
{
  guint n = 0;
  for (const InterpParamSpec *s = params; s && s->key; s++)
    n++;
  if (n == 0)
    {
      g_string_append_printf (out, "\n%s: none\n", title);
      return;
    }

  /* Build the cells first so the columns can be sized to fit. */
  char *header[N_COLS] = { "KEY", "TYPE", "DEFAULT", "ALLOWED", "HELP" };
  char **cells = g_new0 (char *, (gsize) n * N_COLS);
  int width[N_COLS];
  for (int col = 0; col < N_COLS; col++)
    width[col] = (int) strlen (header[col]);
  for (guint i = 0; i < n; i++)
    {
      const InterpParamSpec *s = &params[i];
      char **row = cells + (gsize) i * N_COLS;
      row[COL_KEY] = g_strdup (s->key);
      row[COL_TYPE] = g_strdup (interp_param_type_name (s->type));
      row[COL_DEFAULT] = default_text (s);
      row[COL_ALLOWED] = allowed_text (s);
      row[COL_HELP] = g_strdup (s->help ? s->help : "");
      for (int col = 0; col < N_COLS; col++)
        width[col] = MAX (width[col], (int) strlen (row[col]));
    }

  g_string_append_printf (out, "\n%s:\n", title);
  append_row (out, header, width);
  for (guint i = 0; i < n; i++)
    append_row (out, cells + (gsize) i * N_COLS, width);

  for (gsize i = 0; i < (gsize) n * N_COLS; i++)
    g_free (cells[i]);
  g_free (cells);
}

char *
interp_describe_component (const InterpRegistryEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);
  const InterpComponent *c = entry->component;
  const InterpPluginDescriptor *p = entry->plugin;
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "%s:%s\n  %s\n\n", interp_kind_name (c->kind), c->name,
                          c->description);
  g_string_append_printf (out, "plugin:   %s %s (%s)\n          %s\n", p->name, p->version,
                          p->license, p->description);
  g_string_append_printf (out, "file:     %s\n", entry->path);
  const char *lk = interp_kind_level_key (c);
  if (lk)
    g_string_append_printf (out, "swept:    %s (the runner evaluates every listed level)\n", lk);

  interp_describe_params (out, "parameters", c->params);
  const InterpKindInfo *kind = interp_kind_info (c->kind);
  if (kind->core_params)
    interp_describe_params (out, kind->core_params_title, kind->core_params);
  if (kind->describe)
    kind->describe (out, c->vtable);
  return g_string_free (out, FALSE);
}
