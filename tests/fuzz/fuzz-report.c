/* Fuzzes the run-folder readers of the report (core/report): the report tests'
 * one-trial fixture with hypotheses and plugin sections is made once; each input
 * "MANIFEST\n--8<--\nSUMMARY\n--8<--\nMETRICS" replaces its manifest.json,
 * summary.json and trials/trial-000/metrics.json (an empty part removes the
 * file), then interp_report_write runs on it: a damaged run folder must
 * give an error, never a crash. */
#include "config.h"

#include "fuzz-util.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "report/report.h"
#include "../report/report-fixture.h"

static char *run_dir;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  run_dir = g_build_filename (fuzz_dir (), "run", NULL);
  ReportFixtureOptions opts = { .hypotheses = TRUE, .fragments = TRUE };
  GError *error = NULL;
  /* INTERP_FUZZ_KEEP: also an untouched copy, the seed's source. */
  char *copy = g_build_filename (fuzz_dir (), "fixture", NULL);
  if (!report_fixture_write (run_dir, &opts, &error)
      || (g_getenv ("INTERP_FUZZ_KEEP") && !report_fixture_write (copy, &opts, &error)))
    {
      fprintf (stderr, "fuzz: %s\n", error->message);
      abort ();
    }
  g_free (copy);
  return 0;
}

static void
put (const char *rel, const uint8_t *data, size_t len)
{
  char *path = g_build_filename (run_dir, rel, NULL);
  if (len == 0)
    g_remove (path);
  else
    fuzz_put (path, data, len);
  g_free (path);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const uint8_t *part[3];
  size_t len[3];
  fuzz_split (data, size, 3, part, len);
  put ("manifest.json", part[0], len[0]);
  put ("summary.json", part[1], len[1]);
  put ("trials/trial-000/metrics.json", part[2], len[2]);
  GError *error = NULL;
  gboolean ok = interp_report_write (run_dir, &error);
  fuzz_check_error (ok, error);
  return 0;
}
