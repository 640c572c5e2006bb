/* The built interp-regularizers module: loadable, and its descriptor lists
 * the regulariser components with their parameter tables. */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include <criterion/criterion.h>

#include <interp/interp.h>

Test (regularizer_module, describes_its_components)
{
  const char *builddir = g_getenv ("INTERP_TEST_BUILDDIR");
  cr_assert_not_null (builddir, "INTERP_TEST_BUILDDIR is not set");
  char *path = g_build_filename (builddir, "plugins", "regularizers", ".libs",
                                 "interp-regularizers.so", NULL);
  void *h = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  cr_assert_not_null (h, "%s: %s", path, dlerror ());
  g_free (path);
  InterpPluginDescribeFunc describe = (InterpPluginDescribeFunc) dlsym (h, INTERP_PLUGIN_SYMBOL);
  cr_assert_not_null (describe);
  const InterpPluginDescriptor *d = describe ();
  cr_assert_eq (d->abi_version, INTERP_ABI_VERSION);
  cr_assert_str_eq (d->version, INTERP_VERSION_STRING);
  cr_assert_eq (d->n_components, 3);
  const char *names[] = { "class-selectivity", "l2", "l1-activation" };
  for (guint i = 0; i < d->n_components; i++)
    {
      const InterpComponent *c = d->components[i];
      cr_assert_eq (c->kind, INTERP_KIND_REGULARIZER);
      cr_assert_str_eq (c->name, names[i]);
      cr_assert_not_null (c->params);
      const InterpRegularizerVTable *vt = c->vtable;
      cr_assert_eq (vt->struct_size, sizeof (InterpRegularizerVTable));
      cr_assert (vt->create && vt->destroy && vt->apply);
    }
  /* The sign convention is stated where users read it. */
  const InterpComponent *sel = d->components[0];
  cr_assert (strstr (sel->description, "alpha < 0 lowers") != NULL);
  cr_assert_str_eq (sel->params[0].key, "alpha");
  cr_assert (strstr (sel->params[0].help, "alpha < 0 LOWERS") != NULL);
}
