/* Fixtures of the model plugin tests: see models-fixture.h. */
#include "config.h"

#include <criterion/criterion.h>
#include <dlfcn.h>
#include <math.h>
#include <string.h>

#include "host/params-private.h"

#include "models-fixture.h"

const InterpPluginDescriptor *
models_plugin (void)
{
  static const InterpPluginDescriptor *desc;
  if (desc)
    return desc;
  const char *builddir = g_getenv ("INTERP_TEST_BUILDDIR");
  g_autofree char *path = g_build_filename (builddir ? builddir : ".", "plugins", "models",
                                            ".libs", "interp-models.so", NULL);
  /* Never dlclose()d, as the registry does. */
  void *handle = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  cr_assert_not_null (handle, "dlopen %s: %s", path, dlerror ());
  InterpPluginDescribeFunc describe = (InterpPluginDescribeFunc) dlsym (handle,
                                                                        INTERP_PLUGIN_SYMBOL);
  cr_assert_not_null (describe);
  desc = describe ();
  return desc;
}

const InterpComponent *
model_component (const char *name)
{
  const InterpPluginDescriptor *desc = models_plugin ();
  for (uint32_t i = 0; i < desc->n_components; i++)
    if (strcmp (desc->components[i]->name, name) == 0)
      return desc->components[i];
  cr_assert_fail ("no model component '%s'", name);
  return NULL;
}

InterpNet *
build_model (const char *name, const char *const *pairs, int64_t c, int64_t h, int64_t w,
             int n_classes, GError **error)
{
  const InterpComponent *comp = model_component (name);
  InterpParams *params = interp_params_new_from_pairs (comp->params, "test.ini: [model]",
                                                       pairs, error);
  if (params == NULL)
    return NULL;
  InterpDataInfo info = { .channels = c, .height = h, .width = w, .n_classes = n_classes };
  InterpNet *net = interp_net_new (c, h, w);
  float mean[4] = { 0.5f, 0.5f, 0.5f, 0.5f }, std[4] = { 0.25f, 0.25f, 0.25f, 0.25f };
  int norm = interp_net_normalize (net, "normalize", 0, mean, std, NULL);
  cr_assert_eq (norm, 1);
  const InterpModelVTable *vt = comp->vtable;
  gboolean ok = vt->build (params, &info, net, norm, error);
  interp_params_free (params);
  if (!ok)
    {
      cr_assert (error == NULL || *error != NULL, "build failed without an error");
      interp_net_free (net);
      return NULL;
    }
  return net;
}

void
assert_names (InterpNet *net, const char *const *names)
{
  int n = 0;
  for (; names[n]; n++)
    {
      cr_assert_lt (n, interp_net_n_nodes (net), "network too short: no node %s", names[n]);
      cr_assert_str_eq (interp_net_node_name (net, n), names[n], "node %d", n);
    }
  cr_assert_eq (interp_net_n_nodes (net), n, "network has %d nodes, expected %d",
                interp_net_n_nodes (net), n);
  cr_assert_eq (interp_net_output_node (net), n - 1);
}

void
assert_shape (InterpNet *net, const char *node, int ndim, int64_t c, int64_t h, int64_t w)
{
  int id = interp_net_find (net, node);
  cr_assert_geq (id, 0, "no node %s", node);
  int64_t shape[3] = { 0 };
  cr_assert_eq (interp_net_node_shape (net, id, shape), ndim, "ndim of %s", node);
  cr_assert_eq (shape[0], c, "%s: %" G_GINT64_FORMAT " channels/features", node, shape[0]);
  if (ndim == 3)
    {
      cr_assert_eq (shape[1], h, "%s: height %" G_GINT64_FORMAT, node, shape[1]);
      cr_assert_eq (shape[2], w, "%s: width %" G_GINT64_FORMAT, node, shape[2]);
    }
}

void
assert_forward (InterpNet *net, int64_t n, int64_t c, int64_t h, int64_t w, int64_t k)
{
  GError *error = NULL;
  InterpRng rng;
  interp_rng_seed (&rng, 7);
  interp_net_init (net, &rng);
  InterpTensor *x = interp_tensor_new_4d (n, c, h, w);
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] = (float) (i % 17) / 16.0f;
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  cr_assert (interp_net_forward (net, x, &error), "forward: %s", error ? error->message : "");
  const InterpTensor *y = interp_net_value (net, interp_net_output_node (net));
  cr_assert_eq (y->ndim, 2);
  cr_assert_eq (y->shape[0], n);
  cr_assert_eq (y->shape[1], k);
  for (size_t i = 0; i < y->numel; i++)
    cr_assert (isfinite (y->data[i]));
  interp_tensor_free (x);
}

void
assert_error (GError *error, int code, const char *const *needles)
{
  cr_assert_not_null (error, "expected an error");
  cr_assert_eq (error->domain, INTERP_ERROR);
  cr_assert_eq (error->code, code, "code %d, expected %d: %s", error->code, code,
                error->message);
  for (; *needles; needles++)
    cr_assert_not_null (strstr (error->message, *needles), "'%s' not in: %s", *needles,
                        error->message);
}
