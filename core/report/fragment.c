/* <interp/report.h>: plugins' report fragments, and reading their titles back. */
#include "config.h"

#include "report/report-private.h"

#include <string.h>

#include <interp/error.h>
#include <interp/report.h>

#include "util/fs.h"

char *
interp_report_escape (const char *text)
{
  return g_markup_escape_text (text ? text : "", -1);
}

static gboolean
valid_fragment_name (const char *name)
{
  if (name == NULL || !*name || name[0] == '.')
    return FALSE;
  for (const char *c = name; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_' && *c != '.')
      return FALSE;
  return TRUE;
}

gboolean
interp_report_write_section (InterpContext *ctx, const char *name, const char *title,
                             const char *html, GError **error)
{
  if (!valid_fragment_name (name))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "report section name '%s': use letters, digits, '-', '_' and '.' "
                   "(not first)", name ? name : "(null)");
      return FALSE;
    }
  const char *dir = ctx ? interp_context_output_dir (ctx) : NULL;
  if (dir == NULL)
    return TRUE;
  char *sections = g_build_filename (dir, INTERP_REPORT_SECTIONS_DIR, NULL);
  char *file = g_strconcat (name, ".html", NULL);
  char *path = g_build_filename (sections, file, NULL);
  /* The title travels in a first-line comment; escaped, it cannot hold "-->". */
  char *escaped = interp_report_escape (title && *title ? title : name);
  char *text = g_strdup_printf (REPORT_TITLE_OPEN "%s" REPORT_TITLE_CLOSE "\n%s\n", escaped,
                                html ? html : "");
  gboolean ok = interp_mkdir_p (sections, error)
                && interp_write_file_atomic (path, text, strlen (text), error);
  g_free (text);
  g_free (escaped);
  g_free (path);
  g_free (file);
  g_free (sections);
  return ok;
}

char *
report_fragment_title (const char *file, const char *contents)
{
  if (g_str_has_prefix (contents, REPORT_TITLE_OPEN))
    {
      const char *start = contents + strlen (REPORT_TITLE_OPEN);
      const char *end = strstr (start, REPORT_TITLE_CLOSE);
      if (end)
        return g_strndup (start, (gsize) (end - start));
    }
  /* A hand-written fragment: "20-ablation-curves.html" -> "ablation curves". */
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
  char *escaped = interp_report_escape (t);
  g_free (t);
  return escaped;
}
