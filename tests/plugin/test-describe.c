/* Registry queries (core/plugin/registry.c, describe.c): KIND:NAME lookup
 * and its suggestions, lists, --list-plugins and --describe. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include <interp/error.h>
#include "plugin/registry.h"
#include "registry-helpers.h"

TestSuite (describe, .init = make_tmp, .fini = remove_tmp);

static InterpRegistry *
load_good_and_second (void)
{
  InterpRegistry *reg = interp_registry_new ();
  GError *err = NULL;
  char *good = built_plugin ("good"), *second = built_plugin ("second");
  cr_assert (interp_registry_load_file (reg, good, &err), "%s", err ? err->message : "");
  cr_assert (interp_registry_load_file (reg, second, &err), "%s", err ? err->message : "");
  g_free (second);
  g_free (good);
  return reg;
}

static void
assert_lookup_fails (InterpRegistry *reg, const char *text, int code, const char *needle)
{
  GError *err = NULL;
  cr_assert_null (interp_registry_lookup (reg, text, &err), "%s was found", text);
  cr_assert (g_error_matches (err, INTERP_ERROR, code), "%s: code %d: %s", text, err->code,
             err->message);
  cr_assert (strstr (err->message, needle), "%s: message lacks '%s': %s", text, needle,
             err->message);
  g_error_free (err);
}

Test (describe, lookup_suggests)
{
  InterpRegistry *reg = load_good_and_second ();
  GError *err = NULL;
  const InterpRegistryEntry *e = interp_registry_lookup (reg, "metric:test-good", &err);
  cr_assert_not_null (e, "%s", err ? err->message : "");
  cr_assert_str_eq (e->component->name, "test-good");
  cr_assert_not_null (interp_registry_lookup (reg, "attack:test-noop", NULL));

  assert_lookup_fails (reg, "metric:test-goad", INTERP_ERROR_NOT_FOUND, "metric:test-good");
  assert_lookup_fails (reg, "metirc:test-good", INTERP_ERROR_NOT_FOUND, "metric:test-good");
  assert_lookup_fails (reg, "bogus:test-good", INTERP_ERROR_NOT_FOUND, "unknown kind 'bogus'");
  assert_lookup_fails (reg, "test-good", INTERP_ERROR_INVALID_ARGUMENT, "metric:test-good");
  assert_lookup_fails (reg, "nothing", INTERP_ERROR_INVALID_ARGUMENT, "KIND:NAME");
  assert_lookup_fails (reg, "metric:", INTERP_ERROR_INVALID_ARGUMENT, "KIND:NAME");
  assert_lookup_fails (reg, ":test-good", INTERP_ERROR_INVALID_ARGUMENT, "KIND:NAME");
  assert_lookup_fails (reg, "attack:test-second", INTERP_ERROR_NOT_FOUND, "metric:test-second");
  assert_lookup_fails (reg, "model:cnn", INTERP_ERROR_NOT_FOUND, "no model plugins");
  assert_lookup_fails (reg, "metric:zzzzzzzzzzzz", INTERP_ERROR_NOT_FOUND, "--list-plugins");
  interp_registry_free (reg);
}

Test (describe, list_is_sorted_by_name)
{
  InterpRegistry *reg = load_good_and_second ();
  g_autoptr (GPtrArray) metrics = interp_registry_list (reg, INTERP_KIND_METRIC);
  cr_assert_eq (metrics->len, 2);
  cr_assert_str_eq (((InterpRegistryEntry *) metrics->pdata[0])->component->name, "test-good");
  cr_assert_str_eq (((InterpRegistryEntry *) metrics->pdata[1])->component->name, "test-second");
  g_autoptr (GPtrArray) models = interp_registry_list (reg, INTERP_KIND_MODEL);
  cr_assert_eq (models->len, 0);
  interp_registry_free (reg);
}

Test (describe, list_text)
{
  InterpRegistry *reg = load_good_and_second ();
  char *text = interp_registry_list_text (reg);
  /* Grouped by kind in enum order, each with its plugin. */
  const char *model = strstr (text, "model:\n  (none)\n");
  const char *attack = strstr (text, "\nattack:\n");
  const char *metric = strstr (text, "\nmetric:\n");
  cr_assert (model && attack && metric && model < attack && attack < metric, "%s", text);
  const char *good = strstr (text, "\n  test-good ");
  const char *second = strstr (text, "\n  test-second ");
  cr_assert (good && second && metric < good && good < second, "%s", text);
  cr_assert (strstr (text, "A metric that measures nothing, for the registry tests."), "%s", text);
  cr_assert (strstr (text, "[test-good 1.2.3]"), "%s", text);
  cr_assert (strstr (text, "[test-second 0.1]"), "%s", text);
  cr_assert (strstr (attack, "test-noop") < metric, "%s", text);
  cr_assert (g_str_has_suffix (text, "\n"));
  g_free (text);
  interp_registry_free (reg);
}

/* The line of the parameter table that starts with `key`. */
static char *
param_line (const char *text, const char *key)
{
  char **lines = g_strsplit (text, "\n", -1);
  char *found = NULL;
  for (char **l = lines; *l && !found; l++)
    {
      char *s = g_strchug (g_strdup (*l));
      if (g_str_has_prefix (s, key) && s[strlen (key)] == ' ')
        found = g_strdup (s);
      g_free (s);
    }
  g_strfreev (lines);
  return found;
}

Test (describe, describe_lists_every_parameter)
{
  InterpRegistry *reg = load_good_and_second ();
  const InterpRegistryEntry *e = interp_registry_find (reg, INTERP_KIND_METRIC, "test-good");
  char *text = interp_describe_component (e);
  cr_assert (g_str_has_prefix (text, "metric:test-good\n"), "%s", text);
  cr_assert (strstr (text, e->component->description), "%s", text);
  cr_assert (strstr (text, "test-good 1.2.3 (MIT)"), "%s", text);
  cr_assert (strstr (text, "Well-formed test plugin."), "%s", text);
  cr_assert (strstr (text, e->path), "%s", text);

  for (const InterpParamSpec *s = e->component->params; s->key; s++)
    {
      char *line = param_line (text, s->key);
      cr_assert_not_null (line, "no line for '%s' in:\n%s", s->key, text);
      cr_assert (strstr (line, s->help), "'%s': help missing: %s", s->key, line);
      cr_assert (strstr (line, s->default_value ? (*s->default_value ? s->default_value : "\"\"")
                                                : "required"),
                 "'%s': default missing: %s", s->key, line);
      g_free (line);
    }
  char *alpha = param_line (text, "alpha");
  cr_assert (strstr (alpha, "double") && strstr (alpha, "[0, 1]"), "%s", alpha);
  char *mode = param_line (text, "mode");
  cr_assert (strstr (mode, "choice") && strstr (mode, "fast|slow"), "%s", mode);
  char *count = param_line (text, "count");
  cr_assert (strstr (count, "int") && strstr (count, "required") && strstr (count, "[1, 100]"),
             "%s", count);
  char *layers = param_line (text, "layers");
  cr_assert (strstr (layers, "string list"), "%s", layers);
  /* Columns line up: every help starts in the same column. */
  cr_assert_eq (strstr (alpha, "Mixing") - alpha, strstr (count, "Units") - count, "%s", text);
  /* A metric's declared outputs follow its parameters. */
  const char *outputs = strstr (text, "\noutputs:\n");
  cr_assert (outputs && strstr (outputs, "test-value") && strstr (outputs, "scalar")
             && strstr (outputs, "a test value"), "%s", text);
  g_free (layers);
  g_free (count);
  g_free (mode);
  g_free (alpha);
  g_free (text);

  e = interp_registry_find (reg, INTERP_KIND_ATTACK, "test-noop");
  text = interp_describe_component (e);
  cr_assert (g_str_has_prefix (text, "attack:test-noop\n"), "%s", text);
  cr_assert (strstr (text, "swept:    epsilon"), "%s", text);
  g_free (text);

  e = interp_registry_find (reg, INTERP_KIND_METRIC, "test-second");
  text = interp_describe_component (e);
  cr_assert (strstr (text, "parameters: none"), "%s", text);
  g_free (text);
  interp_registry_free (reg);
}
