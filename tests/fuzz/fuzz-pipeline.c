/* Fuzzes pipeline key files (core/pipeline): the input is parsed as a key
 * file and then loaded and validated by interp_pipeline_new against the
 * registry of every plugin of the build tree (loaded once), so plugin
 * parameters, sweeps and hypothesis groups are all checked; a pipeline
 * that loads is also expanded into its resolved text. */
#include "config.h"

#include "fuzz-util.h"

#include <stdio.h>
#include <stdlib.h>

#include "pipeline/pipeline.h"
#include "plugin/registry.h"

static InterpRegistry *registry;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void) argc;
  (void) argv;
  static const char *const kinds[] = { "models", "datasets", "regularizers", "attacks",
                                       "corruptions", "metrics", "saliency", "pruners",
                                       "tasks" };
  registry = interp_registry_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      char *dir = g_build_filename (FUZZ_BUILDDIR, "plugins", kinds[i], ".libs", NULL);
      GError *error = NULL;
      /* A plugin folder this configuration does not build is left out. */
      if (g_file_test (dir, G_FILE_TEST_IS_DIR)
          && !interp_registry_load_dir (registry, dir, &error))
        {
          fprintf (stderr, "fuzz: %s\n", error->message);
          abort ();
        }
      g_free (dir);
    }
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GKeyFile *kf = g_key_file_new ();
  if (!g_key_file_load_from_data (kf, (const char *) data, size, G_KEY_FILE_NONE, NULL))
    {
      g_key_file_free (kf);
      return 0;
    }
  GError *error = NULL;
  InterpPipeline *p = interp_pipeline_new (kf, "fuzz.ini", NULL, registry, &error);
  fuzz_check_error (p != NULL, error);
  if (p)
    {
      g_free (interp_pipeline_resolved_text (p));
      interp_pipeline_free (p);
    }
  g_key_file_free (kf);
  return 0;
}
