/* Fuzzes hypothesis-group parsing and validation
 * (core/stats/hypothesis-spec.c): the input is a key file; every
 * [hypothesis:NAME] group goes through interp_hypothesis_new_from_key_file,
 * and every condition/control entry through interp_condition_parse_pair. */
#include "config.h"

#include "fuzz-util.h"

#include "stats/hypothesis.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GKeyFile *kf = g_key_file_new ();
  if (!g_key_file_load_from_data (kf, (const char *) data, size, G_KEY_FILE_NONE, NULL))
    {
      g_key_file_free (kf);
      return 0;
    }
  char **groups = g_key_file_get_groups (kf, NULL);
  for (char **g = groups; *g; g++)
    {
      GError *error = NULL;
      InterpHypothesis *h = interp_hypothesis_new_from_key_file (kf, "fuzz.ini", *g, &error);
      fuzz_check_error (h != NULL, error);
      if (h)
        interp_hypothesis_free (h);
      char **keys = g_key_file_get_keys (kf, *g, NULL, NULL);
      for (char **k = keys; k && *k; k++)
        {
          char *v = g_key_file_get_value (kf, *g, *k, NULL);
          char *key = NULL, *value = NULL;
          if (v && interp_condition_parse_pair (v, &key, &value))
            {
              g_free (key);
              g_free (value);
            }
          g_free (v);
        }
      g_strfreev (keys);
    }
  g_strfreev (groups);
  g_key_file_free (kf);
  return 0;
}
