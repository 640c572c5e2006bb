/* The built interp-metrics module: loadable, and its descriptor lists the
 * metric components with their parameter tables. */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include <criterion/criterion.h>

#include <interp/interp.h>

static const InterpPluginDescriptor *
load (const char *module)
{
  const char *builddir = g_getenv ("INTERP_TEST_BUILDDIR");
  cr_assert_not_null (builddir, "INTERP_TEST_BUILDDIR is not set");
  char *path = g_build_filename (builddir, "plugins", "metrics", ".libs", module, NULL);
  void *h = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  cr_assert_not_null (h, "%s: %s", path, dlerror ());
  g_free (path);
  InterpPluginDescribeFunc describe = (InterpPluginDescribeFunc) dlsym (h, INTERP_PLUGIN_SYMBOL);
  cr_assert_not_null (describe);
  return describe ();
}

Test (metric_module, describes_its_components)
{
  const InterpPluginDescriptor *d = load ("interp-metrics.so");
  cr_assert_eq (d->abi_version, INTERP_ABI_VERSION);
  cr_assert_geq (d->struct_size, sizeof (InterpPluginDescriptor));
  cr_assert_str_eq (d->version, INTERP_VERSION_STRING);
  const char *names[] = { "accuracy", "class-selectivity", "dimensionality",
                          "gradient-variability" };
  cr_assert_eq (d->n_components, G_N_ELEMENTS (names));
  for (guint i = 0; i < d->n_components; i++)
    {
      const InterpComponent *c = d->components[i];
      cr_assert_eq (c->kind, INTERP_KIND_METRIC);
      cr_assert_str_eq (c->name, names[i]);
      cr_assert_not_null (c->params);
      const InterpMetricVTable *vt = c->vtable;
      cr_assert_eq (vt->struct_size, sizeof (InterpMetricVTable));
      cr_assert (vt->create && vt->destroy && vt->reset && vt->update && vt->finish);
    }
}
