/* The page around the sections: styles, header and navigation. */
#include "config.h"

#include "report/report-private.h"
#include "util/json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/error.h>

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
  /* The saliency grid at its own size: its titles are drawn at 1:1. */
  "figure.saliency-grid{display:inline-block;max-width:100%}\n"
  "figure.saliency-grid img{width:auto;max-width:100%}\n"
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
  /* Example images are small and enlarged by whole pixels: keep them sharp. */
  "table.examples img{display:block;max-width:128px;height:auto;image-rendering:pixelated}\n"
  "table.examples td{padding:3px}\n"
  "td.undefined{color:var(--muted);font-style:italic}\n"
  "tr.baseline th{border-left:4px solid var(--accent)}\n"
  "table.hypotheses{width:100%}\n"
  "table.hypotheses td:first-child{min-width:18em}\n"
  "table.hypotheses .muted{color:var(--muted);font-size:12px}\n"
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
  ".verdict.premise{background:#fff;color:var(--bad);border:1px solid var(--bad)}\n"
  ".verdict.skipped{background:#fff;color:#555;border:1px dashed #999}\n"
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
  "th .unit{color:var(--muted);font-weight:400;font-size:12px}\n"
  ".fragment{margin:8px 0}\n"
  ".fragment img{max-width:100%}\n"
  "footer{color:var(--muted);font-size:12px;text-align:center;padding:0 0 24px}\n";

void
report_write_page (Report *r, GString *page)
{
  const char *name = interp_json_get_string (r->manifest, "name", NULL);
  JsonNode *pn = json_object_get_member (r->manifest, "pipeline");
  if ((!name || !*name) && pn && JSON_NODE_HOLDS_OBJECT (pn))
    {
      JsonNode *g = json_object_get_member (json_node_get_object (pn), "pipeline");
      if (g && JSON_NODE_HOLDS_OBJECT (g))
        name = interp_json_get_string (json_node_get_object (g), "name", NULL);
    }
  char *base = g_path_get_basename (r->dir);
  const char *title = name && *name ? name : base;

  g_string_append (page, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   /* Everything is inline: no network access, no script. */
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "img-src data:; style-src 'unsafe-inline'\">\n"
                   "<meta name=\"generator\" content=\"interp " PACKAGE_VERSION "\">\n<title>");
  report_html_printf (page, "%s \u2013 interp report", title);
  g_string_append_printf (page, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>",
                          page_css);
  report_html_text (page, title);
  g_string_append (page, "</h1>\n<p class=\"sub\">");
  char *finished = report_format_time (interp_json_get_string (r->manifest, "finished", NULL));
  char *started = report_format_time (interp_json_get_string (r->manifest, "started", NULL));
  report_html_printf (page, "Run folder %s \u00b7 %u trial%s", base, r->trials->len,
                      r->trials->len == 1 ? "" : "s");
  if (*finished)
    report_html_printf (page, " \u00b7 finished %s", finished);
  else if (*started)
    report_html_printf (page, " \u00b7 started %s, not finished", started);
  g_free (finished);
  g_free (started);
  g_string_append (page, "</p>\n<nav>");
  for (guint i = 0; i < r->sections->len; i++)
    {
      SectionRef *s = &g_array_index (r->sections, SectionRef, i);
      g_string_append_printf (page, "<a href=\"#%s\">", s->id);
      report_html_text (page, s->title);
      g_string_append (page, "</a>");
    }
  g_string_append (page, "</nav>\n</header>\n<main>\n");
  g_string_append_len (page, r->body->str, (gssize) r->body->len);
  g_string_append (page, "</main>\n<footer>Generated by interp " PACKAGE_VERSION
                   ". Plots are also in the run folder's plots/.</footer>\n</body>\n</html>\n");
  g_free (base);
}
