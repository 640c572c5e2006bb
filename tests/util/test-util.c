/* The core's shared helpers (core/util): number parsing, closest names,
 * JSON members, atomic files, folder locks. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <interp/error.h>

#include "util/fs.h"
#include "util/json.h"
#include "util/number.h"
#include "util/suggest.h"

Test (number, decimals_and_fractions)
{
  double v;
  cr_assert (interp_parse_number ("0.05", &v) && v == 0.05);
  cr_assert (interp_parse_number (" 1e-3 ", &v) && v == 1e-3);
  cr_assert (interp_parse_number ("8/255", &v) && v == 8.0 / 255.0);
  cr_assert (interp_parse_number (" 8 / 255 ", &v) && v == 8.0 / 255.0);
  cr_assert (interp_parse_number ("-1/4", &v) && v == -0.25);
}

Test (number, anything_else_is_refused_as_nan)
{
  const char *bad[] = { "", " ", "abc", "1x", "1/", "/2", "1/0", "1/2/3", "inf", "nan",
                        "-inf", "1e999", "1/1e-320", "8/255 x" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      double v = 0;
      cr_assert_not (interp_parse_number (bad[i], &v), "accepted '%s'", bad[i]);
      cr_assert (isnan (v), "'%s' left %g", bad[i], v);
    }
  double v;
  cr_assert_not (interp_parse_number (NULL, &v));
}

Test (number, equal_within_a_relative_billionth)
{
  double a, b;
  cr_assert (interp_parse_number ("1/255", &a) && interp_parse_number ("0.00392156862745098", &b));
  cr_assert (interp_numbers_equal (a, b));
  cr_assert (interp_numbers_equal (0, 1e-10));
  cr_assert_not (interp_numbers_equal (1, 1 + 1e-8));
  cr_assert_not (interp_numbers_equal (1e6, 1e6 + 1));
}

Test (suggest, closest_within_half_the_word_and_first_on_a_tie)
{
  const char *keys[] = { "learning-rate", "momentum", "batch-size", "epochs" };
  cr_assert_str_eq (interp_suggest_closest ("learning-rat", keys, 4), "learning-rate");
  cr_assert_str_eq (interp_suggest_closest ("epoch", keys, 4), "epochs");
  cr_assert_null (interp_suggest_closest ("zzzzzzzz", keys, 4));
  const char *tie[] = { "abd", "abe" };
  cr_assert_str_eq (interp_suggest_closest ("abc", tie, 2), "abd");
  cr_assert_null (interp_suggest_closest ("abc", tie, 0));
  cr_assert_eq (interp_edit_distance ("kitten", "sitting"), 3);
}

Test (json, string_members_with_the_callers_fallback)
{
  JsonParser *p = json_parser_new ();
  cr_assert (json_parser_load_from_data (p, "{\"a\": \"x\", \"n\": 3, \"z\": null}", -1, NULL));
  JsonObject *o = json_node_get_object (json_parser_get_root (p));
  cr_assert_str_eq (interp_json_get_string (o, "a", NULL), "x");
  cr_assert_null (interp_json_get_string (o, "n", NULL));
  cr_assert_str_eq (interp_json_get_string (o, "z", ""), "");
  cr_assert_str_eq (interp_json_get_string (o, "missing", "-"), "-");
  cr_assert_str_eq (interp_json_get_string (NULL, "a", "-"), "-");
  g_object_unref (p);
}

Test (fs, atomic_write_replaces_whole_or_not_at_all)
{
  char *dir = g_dir_make_tmp ("interp-util-XXXXXX", NULL);
  char *path = g_build_filename (dir, "f.txt", NULL);
  GError *error = NULL;
  cr_assert (interp_write_file_atomic (path, "old", 3, &error));
  cr_assert (interp_write_file_atomic (path, "new!", 4, &error));
  char *text = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, NULL));
  cr_assert_str_eq (text, "new!");
  g_free (text);

  /* An abandoned file leaves the old one and no temporary behind. */
  InterpAtomicFile *f = interp_atomic_file_new (path, &error);
  cr_assert (f && interp_atomic_file_write (f, "partial", 7));
  interp_atomic_file_abort (f);
  cr_assert (g_file_get_contents (path, &text, NULL, NULL));
  cr_assert_str_eq (text, "new!");
  g_free (text);
  GDir *d = g_dir_open (dir, 0, NULL);
  int n = 0;
  while (g_dir_read_name (d))
    n++;
  g_dir_close (d);
  cr_assert_eq (n, 1, "a temporary file was left behind");

  /* A folder that does not exist: an IO error naming the path. */
  char *bad = g_build_filename (dir, "no", "such", "f.txt", NULL);
  cr_assert_not (interp_write_file_atomic (bad, "x", 1, &error));
  cr_assert (strstr (error->message, bad), "%s", error->message);
  g_clear_error (&error);
  g_free (bad);
  cr_assert (interp_remove_tree (dir, &error));
  g_free (path);
  g_free (dir);
}

Test (fs, a_folder_lock_is_exclusive_until_released)
{
  char *dir = g_dir_make_tmp ("interp-util-XXXXXX", NULL);
  GError *error = NULL;
  int fd = interp_folder_lock (dir, &error);
  cr_assert_geq (fd, 0, "%s", error ? error->message : "");
  /* Refused even from this process, naming the folder and the holder. */
  cr_assert_lt (interp_folder_lock (dir, &error), 0);
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_EXISTS), "%s", error->message);
  char *holder = g_strdup_printf ("%s: another interp-run (pid %ld)", dir, (long) getpid ());
  cr_assert (strstr (error->message, holder), "%s", error->message);
  g_clear_error (&error);
  interp_folder_unlock (fd);
  fd = interp_folder_lock (dir, &error);
  cr_assert_geq (fd, 0, "%s", error ? error->message : "");
  interp_folder_unlock (fd);

  /* A folder that does not exist: an IO error naming the lock. */
  char *bad = g_build_filename (dir, "no-such", NULL);
  cr_assert_lt (interp_folder_lock (bad, &error), 0);
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_IO), "%s", error->message);
  cr_assert (strstr (error->message, bad), "%s", error->message);
  g_clear_error (&error);
  g_free (bad);
  g_free (holder);
  cr_assert (interp_remove_tree (dir, &error));
  g_free (dir);
}

Test (fs, stale_temporaries_go_and_nothing_else)
{
  char *dir = g_dir_make_tmp ("interp-util-XXXXXX", NULL);
  char *sub = g_build_filename (dir, "trials", "trial-000", NULL);
  cr_assert_eq (g_mkdir_with_parents (sub, 0755), 0);
  static const char *const stale[] = { "manifest.json.tmp-AB12cd",
                                       "trials/trial-000/model.safetensors.tmp-x9Y8z7" };
  static const char *const kept[] = { "manifest.json", "tmp-notes.txt", "a.tmp-1",
                                      "trials/trial-000/model.safetensors" };
  for (gsize i = 0; i < G_N_ELEMENTS (stale) + G_N_ELEMENTS (kept); i++)
    {
      const char *name = i < G_N_ELEMENTS (stale) ? stale[i] : kept[i - G_N_ELEMENTS (stale)];
      char *path = g_build_filename (dir, name, NULL);
      cr_assert (g_file_set_contents (path, "x", 1, NULL));
      g_free (path);
    }
  interp_remove_stale_temporaries (dir);
  for (gsize i = 0; i < G_N_ELEMENTS (stale); i++)
    {
      char *path = g_build_filename (dir, stale[i], NULL);
      cr_assert_not (g_file_test (path, G_FILE_TEST_EXISTS), "%s is still there", stale[i]);
      g_free (path);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      char *path = g_build_filename (dir, kept[i], NULL);
      cr_assert (g_file_test (path, G_FILE_TEST_EXISTS), "%s was removed", kept[i]);
      g_free (path);
    }
  GError *error = NULL;
  cr_assert (interp_remove_tree (dir, &error));
  g_free (sub);
  g_free (dir);
}
