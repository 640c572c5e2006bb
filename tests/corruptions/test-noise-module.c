/* The built interp-corruptions module through the registry: the noise,
 * blur and digital components load (the registry's descriptor and
 * parameter-table checks pass), are found as corruption:NAME with the
 * severity level key and the common keys, and corrupt an image through the
 * loaded module's vtables. */
#include "config.h"

#include "corruption-test.h"
#include "plugin/registry.h"

static const char *const names[] = {
  "gaussian-noise", "shot-noise", "impulse-noise", "speckle-noise", "gaussian-blur",
  "glass-blur", "defocus-blur", "motion-blur", "zoom-blur", "brightness", "contrast",
  "saturate", "jpeg-compression", "pixelate",
};

static InterpRegistry *
load_module (void)
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

Test (noise_module, every_component_loads_and_corrupts)
{
  InterpRegistry *reg = load_module ();
  InterpTensor *x = ct_natural_image (3, 32, 1), *out = interp_tensor_new_4d (1, 1, 1, 1);
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const InterpRegistryEntry *e = interp_registry_find (reg, INTERP_KIND_CORRUPTION, names[i]);
      cr_assert_not_null (e, "corruption:%s is not registered", names[i]);
      const InterpComponent *comp = e->component;
      cr_assert_str_eq (ct_vtable (comp)->level_key, "severity", "%s", names[i]);
      gboolean has_severity = FALSE, has_quantize = FALSE;
      for (const InterpParamSpec *p = comp->params; p->key; p++)
        {
          has_severity |= strcmp (p->key, "severity") == 0;
          has_quantize |= strcmp (p->key, "quantize") == 0;
        }
      cr_assert (has_severity && has_quantize, "%s lacks the common keys", names[i]);

      gpointer self = ct_create (comp, NULL);
      ct_apply (comp, self, x, 5, 0, out);
      ct_assert_valid_output (comp, out, 5);
      cr_assert_gt (ct_mean_abs_diff (x, out), 0.5 / 255, "%s severity 5 changed (almost) nothing",
                    names[i]);
      ct_vtable (comp)->destroy (self);
    }
  interp_tensor_free (out);
  interp_tensor_free (x);
  interp_registry_free (reg);
}
