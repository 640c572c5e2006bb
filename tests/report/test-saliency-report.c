/* The report's saliency sections (core/report/sections-saliency.c,
 * sections-faithfulness.c) on the sweep fixture run with the saliency
 * stage's rows, arrays and PNGs (saliency-report-fixture.h): which sections
 * and plots appear, table cells by hand, the dashed random baseline, and
 * that the generic sections leave the saliency rows alone.
 *
 * SALIENCY_REPORT_KEEP=DIR writes the run to DIR and keeps it (to look at
 * the page in a browser). */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "report/report.h"
#include "report-fixture.h"
#include "saliency-report-fixture.h"

#include "../test-tree.h"

static guint
count (const char *hay, const char *needle)
{
  guint n = 0;
  for (const char *p = strstr (hay, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* The text of <section id="ID"> up to its end (a new string), or NULL. */
static char *
section (const char *html, const char *id)
{
  char *tag = g_strdup_printf ("<section id=\"%s\">", id);
  const char *b = strstr (html, tag);
  g_free (tag);
  if (!b)
    return NULL;
  const char *e = strstr (b, "</section>");
  cr_assert_not_null (e);
  return g_strndup (b, e - b);
}

/* As test-report.c checks every page: balanced tags, one head and body. */
static void
assert_html_shape (const char *html)
{
  cr_assert (g_str_has_prefix (html, "<!DOCTYPE html>\n<html lang=\"en\">"));
  cr_assert (g_str_has_suffix (html, "</html>\n"));
  cr_assert (g_utf8_validate (html, -1, NULL));
  cr_assert_eq (count (html, "<head>"), 1);
  cr_assert_eq (count (html, "<body>"), 1);
  cr_assert_eq (count (html, "<section "), count (html, "</section>"));
  cr_assert_eq (count (html, "<table"), count (html, "</table>"));
  cr_assert_eq (count (html, "<figure"), count (html, "</figure>"));
  cr_assert_eq (count (html, "<tr"), count (html, "</tr>"));
  cr_assert_eq (count (html, "<div"), count (html, "</div>"));
  cr_assert_eq (count (html, "<h3"), count (html, "</h3>"));
  cr_assert_null (strstr (html, "<script"));
  cr_assert_null (strstr (html, "http://"));
  cr_assert_null (strstr (html, "https://"));
}

/* The decoded SVG of the n-th inline plot of `text` (a new string). */
static char *
inline_svg (const char *text, guint n)
{
  static const char prefix[] = "<img src=\"data:image/svg+xml;base64,";
  const char *p = strstr (text, prefix);
  for (guint i = 0; p && i < n; i++)
    p = strstr (p + 1, prefix);
  cr_assert_not_null (p, "no plot %u", n);
  const char *b = p + strlen (prefix), *e = strchr (b, '"');
  char *b64 = g_strndup (b, e - b);
  gsize len;
  guchar *svg = g_base64_decode (b64, &len);
  char *out = g_strndup ((const char *) svg, len);
  g_free (svg);
  g_free (b64);
  return out;
}

static char *
make_run (char **tmp, gboolean saliency)
{
  const char *keep = g_getenv ("SALIENCY_REPORT_KEEP");
  *tmp = keep && saliency ? NULL : g_dir_make_tmp ("interp-saliency-report-XXXXXX", NULL);
  char *run = keep && saliency ? g_strdup (keep) : g_build_filename (*tmp, "run", NULL);
  if (keep && saliency)
    test_remove_tree (run);
  ReportFixtureOptions opts = { .sweep = TRUE };
  GError *error = NULL;
  cr_assert (report_fixture_write (run, &opts, &error), "%s", error ? error->message : "");
  if (saliency)
    cr_assert (saliency_fixture_add (run, &error), "%s", error ? error->message : "");
  cr_assert (interp_report_write (run, &error), "%s", error ? error->message : "");
  return run;
}

static char *
read_report (const char *run)
{
  char *path = g_build_filename (run, "report.html", NULL);
  char *html = NULL;
  cr_assert (g_file_get_contents (path, &html, NULL, NULL));
  g_free (path);
  return html;
}

static void
done (char *tmp, char *run)
{
  if (tmp)
    test_remove_tree (tmp);
  g_free (tmp);
  g_free (run);
}

Test (saliency_report, sections_on_the_fixture_run)
{
  char *tmp;
  char *run = make_run (&tmp, TRUE);
  char *html = read_report (run);
  assert_html_shape (html);

  /* The grid of seed 1's trial of each condition. */
  char *maps = section (html, "saliency-maps");
  cr_assert_not_null (maps);
  cr_assert_eq (count (maps, "<h3>"), 3);
  cr_assert_not_null (strstr (maps, "data-file=\"trials/trial-000/saliency/grid.png\""));
  cr_assert_not_null (strstr (maps, "data-file=\"trials/trial-006/saliency/grid.png\""));
  cr_assert_not_null (strstr (maps, "<img src=\"data:image/png;base64,"));
  g_free (maps);

  /* The summary names every method; completeness only for the one that has
   * it: 0.02 + (-0.001, 0, 0.001) over seeds 1..3. */
  char *summary = section (html, "saliency-summary");
  cr_assert_not_null (summary);
  for (guint k = 0; k < SALIENCY_FIXTURE_N_METHODS; k++)
    {
      char *th = g_strdup_printf ("<tr><th>%s</th>", saliency_fixture_methods[k]
                                                       + strlen ("saliency:"));
      cr_assert_eq (count (summary, th), 3, "%s: one row per condition", th);
      g_free (th);
    }
  cr_assert_not_null (strstr (summary, "<tr><th>integrated-gradients</th><td>alpha=-1</td>"
                                       "<td class=\"num\">0.02 \u00b1 0.001 (n=3)</td>"),
                      "completeness delta");
  cr_assert_not_null (strstr (summary, "<tr><th>gradient</th><td>alpha=-1</td>"
                                       "<td class=\"num\">\u2013</td>"), "no delta");
  cr_assert_not_null (strstr (summary, "<span class=\"unit\">(lower is better)</span>"));
  cr_assert_null (strstr (summary, "&lt;span"), "markup is not escaped into text");
  g_free (summary);

  /* Randomisation: 2 similarities x (cascading, independent) x 3 conditions. */
  char *rand = section (html, "sanity-randomisation");
  cr_assert_not_null (rand);
  cr_assert_eq (count (rand, "<figure"), 12);
  cr_assert_not_null (strstr (rand, "<h3>Cascading randomisation: spearman-abs</h3>"));
  cr_assert_not_null (strstr (rand, "<h3>Independent randomisation: ssim</h3>"));
  cr_assert_not_null (strstr (rand, "plots/sanity-cascading-spearman-abs-alpha"));
  cr_assert_not_null (strstr (rand, "plots/sanity-independent-ssim-alpha"));
  cr_assert_null (strstr (rand, "-sd-"), "the sd over images is not drawn");
  cr_assert_not_null (strstr (rand, "1 by definition"), "says what 'original' is");
  g_free (rand);

  /* Data randomisation: only the alpha = 1 trials have it. */
  char *data = section (html, "sanity-data");
  cr_assert_not_null (data);
  cr_assert_eq (count (data, "<figure"), 1);
  cr_assert_not_null (strstr (data, "plots/sanity-data-spearman-abs.svg"));
  g_free (data);

  /* Deletion / insertion: 2 curves x 3 conditions, and the AUC table by
   * hand: gradient (k = 0) at alpha = -1, 0.2 and 0.7 + (-0.01, 0, 0.01). */
  char *del = section (html, "saliency-deletion");
  cr_assert_not_null (del);
  cr_assert_eq (count (del, "<figure"), 6);
  cr_assert_not_null (strstr (del, "<tr><th>gradient</th><td>alpha=-1</td>"
                                   "<td class=\"num\">0.2 \u00b1 0.01 (n=3)</td>"
                                   "<td class=\"num\">0.7 \u00b1 0.01 (n=3)</td></tr>"),
                      "AUC table");
  /* grad-cam (k = 1): 0.25 and 0.65. */
  cr_assert_not_null (strstr (del, "<tr><th>grad-cam</th><td>alpha=1</td>"
                                   "<td class=\"num\">0.25 \u00b1 0.01 (n=3)</td>"
                                   "<td class=\"num\">0.65 \u00b1 0.01 (n=3)</td></tr>"));
  char *svg = inline_svg (del, 0);
  cr_assert_null (strstr (svg, "stroke-dasharray"), "no baseline among the curves");
  g_free (svg);
  g_free (del);

  /* ROAR / KAR: 2 benchmarks x 3 conditions, the random ranking dashed. */
  char *roar = section (html, "saliency-roar");
  cr_assert_not_null (roar);
  cr_assert_eq (count (roar, "<figure"), 6);
  cr_assert_not_null (strstr (roar, "dashed: the same retraining with a random ranking"));
  svg = inline_svg (roar, 0);
  cr_assert_not_null (strstr (svg, "stroke-dasharray"), "the random ranking is dashed");
  g_free (svg);
  g_free (roar);

  /* The generic sections leave the saliency rows alone: no per-layer
   * section of a sanity output, no curve section of deletion-curve; the
   * fixture's own per-layer metric is still drawn. */
  cr_assert_null (strstr (html, "<section id=\"perturbed-layers-sanity"));
  cr_assert_null (strstr (html, "<section id=\"layers-sanity"));
  cr_assert_null (strstr (html, "<section id=\"curve-deletion"));
  cr_assert_null (strstr (html, "<section id=\"curve-insertion"));
  cr_assert_not_null (strstr (html, "<section id=\"perturbed-layers-selectivity-mean\">"));
  cr_assert_not_null (strstr (html, "<section id=\"minimal-epsilon\">"));

  /* The table of contents lists the new sections. */
  cr_assert_not_null (strstr (html, "href=\"#sanity-randomisation\""));
  g_free (html);
  done (tmp, run);
}

Test (saliency_report, no_sections_without_the_stage)
{
  char *tmp;
  char *run = make_run (&tmp, FALSE);
  char *html = read_report (run);
  static const char *const ids[] = { "saliency-maps", "saliency-summary", "sanity-randomisation",
                                     "sanity-data", "saliency-deletion", "saliency-roar" };
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      char *s = section (html, ids[i]);
      cr_assert_null (s, "%s without saliency rows", ids[i]);
    }
  g_free (html);
  done (tmp, run);
}
