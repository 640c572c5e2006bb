/* The built interp-corruptions module through the registry: it loads (the
 * registry's descriptor and parameter-table checks pass), and this
 * engineer's components are found as corruption:NAME with the severity
 * level key; frost's folder key is required.  One is then applied through
 * the loaded module's vtable. */
#include "config.h"

#include <string.h>

#include <criterion/criterion.h>

#include <interp/interp.h>

#include "host/params-private.h"
#include "plugin/registry.h"

static const char *const names[] = {
  "snow", "frost", "fog", "elastic-transform", "spatter", "shear", "scale", "rotate",
  "translate", "stripe", "zigzag", "dotted-line", "canny-edges",
};

static InterpRegistry *
load (void)
{
  const char *builddir = g_getenv ("INTERP_TEST_BUILDDIR");
  cr_assert_not_null (builddir, "INTERP_TEST_BUILDDIR is not set");
  char *path = g_build_filename (builddir, "plugins", "corruptions", ".libs",
                                 "interp-corruptions.so", NULL);
  InterpRegistry *reg = interp_registry_new ();
  GError *error = NULL;
  cr_assert (interp_registry_load_file (reg, path, &error), "%s: %s", path,
             error ? error->message : "");
  g_free (path);
  return reg;
}

Test (weather_module, lists_the_weather_and_mnist_c_components)
{
  InterpRegistry *reg = load ();
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const InterpRegistryEntry *e = interp_registry_find (reg, INTERP_KIND_CORRUPTION, names[i]);
      cr_assert_not_null (e, "corruption:%s is not registered", names[i]);
      const InterpCorruptionVTable *vt = e->component->vtable;
      cr_assert_str_eq (vt->level_key, "severity");
      cr_assert (vt->create && vt->destroy && vt->apply);
      gboolean has_severity = FALSE, has_quantize = FALSE, has_frost_dir = FALSE;
      for (const InterpParamSpec *p = e->component->params; p->key; p++)
        {
          has_severity |= strcmp (p->key, "severity") == 0;
          has_quantize |= strcmp (p->key, "quantize") == 0;
          if (strcmp (p->key, "frost-dir") == 0)
            {
              has_frost_dir = TRUE;
              cr_assert_null (p->default_value, "frost-dir must be required");
            }
        }
      cr_assert (has_severity && has_quantize, "%s", names[i]);
      cr_assert_eq (has_frost_dir, strcmp (names[i], "frost") == 0, "%s", names[i]);
    }
  interp_registry_free (reg);
}

Test (weather_module, a_loaded_component_corrupts)
{
  /* rotate through the loaded module's vtable: a 1x28x28 image with a
   * bright column at 20 changes (and stays in [0, 1]). */
  InterpRegistry *reg = load ();
  const InterpRegistryEntry *e = interp_registry_find (reg, INTERP_KIND_CORRUPTION, "rotate");
  const InterpCorruptionVTable *vt = e->component->vtable;
  static const char *const none[] = { 0 };
  GError *error = NULL;
  InterpParams *p = interp_params_new_from_pairs (e->component->params,
                                                  "test.ini: [corruption:rotate]", none, &error);
  cr_assert_not_null (p, "%s", error ? error->message : "");
  gpointer self = vt->create (p, NULL, &error);
  cr_assert_not_null (self, "%s", error ? error->message : "");
  InterpTensor *x = interp_tensor_new_4d (1, 1, 28, 28), *out = interp_tensor_new_4d (1, 1, 1, 1);
  for (int y = 0; y < 28; y++)
    x->data[y * 28 + 20] = 1.0f;
  InterpRng rng;
  interp_rng_derive (&rng, 1, "module");
  cr_assert (vt->apply (self, x, 2, &rng, out, &error), "%s", error ? error->message : "");
  cr_assert (memcmp (x->data, out->data, x->numel * sizeof (float)) != 0);
  for (size_t k = 0; k < out->numel; k++)
    cr_assert (out->data[k] >= 0 && out->data[k] <= 1);
  interp_tensor_free (x);
  interp_tensor_free (out);
  vt->destroy (self);
  interp_params_free (p);
  interp_registry_free (reg);
}
