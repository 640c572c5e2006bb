/* interp: adding a section to the run report (report.html).
 *
 * The report draws its plots from what metrics declare (<interp/metric.h>).
 * A component that wants more -- a table of the most selective units, a
 * grid of saliency maps -- writes an HTML fragment during the run; the
 * report shows every fragment under "Plugin sections", each trial's under a
 * heading naming the trial and its condition, sorted by name.
 *
 * A fragment is a body fragment (<p>, <table>, <figure>, <img>, inline
 * <svg>...), not a document, inserted as it is: close your tags and escape
 * every text you insert (interp_report_escape).  The page runs no script and
 * loads nothing from the network; style with style="" or a <style> element.
 * <img src="NAME.png"> (a path relative to the trial folder's
 * report-sections/, without "..") is embedded when the report is built, so
 * write the image into that folder next to the fragment (.png, .svg, .jpg,
 * .gif).  docs/report.md has the details.
 */
#ifndef INTERP_REPORT_SECTION_H
#define INTERP_REPORT_SECTION_H

#include <glib.h>
#include <interp/context.h>

G_BEGIN_DECLS

/* Writes the fragment `html` as report-sections/NAME.html of the trial
 * folder (interp_context_output_dir), atomically: an interrupted trial
 * leaves no half fragment, and a second call with the same name replaces
 * the first.  `name` orders the fragments (a numeric prefix, as in
 * "20-most-selective-units", orders them and is not shown) and may hold only
 * letters, digits, '-', '_' and '.' (not first); `title` is the heading, as
 * plain text.  Does nothing and returns TRUE when there is no output folder
 * (ctx NULL, or --check).  Errors: INTERP_ERROR_INVALID_ARGUMENT for a bad
 * name, INTERP_ERROR_IO when the file cannot be written. */
gboolean interp_report_write_section (InterpContext *ctx, const char *name, const char *title,
                                      const char *html, GError **error);

/* `text` with &, <, >, " and ' escaped for HTML text and attribute values;
 * free with g_free. */
char *interp_report_escape (const char *text);

G_END_DECLS

#endif
