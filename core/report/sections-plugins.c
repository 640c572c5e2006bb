/* The plugin sections: report fragments of the run and of each trial. */
#include "config.h"

#include "report/report-private.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/error.h>

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
      char *title = report_fragment_title (file, valid);
      g_string_append_printf (b, "<div class=\"fragment\">\n<%s>%s</%s>\n%s\n</div>\n",
                              heading_tag, title, heading_tag, inlined);
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

void
report_section_plugins (Report *r)
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
          report_html_text (tmp, trial->id);
          if (*trial->condition)
            report_html_printf (tmp, " (%s, seed %" G_GINT64_FORMAT ")", trial->condition,
                                trial->seed);
          g_string_append_printf (tmp, "</h3>\n%s", part->str);
        }
      n += m;
      g_string_free (part, TRUE);
      g_free (tdir);
    }
  if (n)
    {
      report_section_begin (r, "plugin-sections", "Plugin sections");
      g_string_append (r->body, tmp->str);
      report_section_end (r);
    }
  g_string_free (tmp, TRUE);
}
