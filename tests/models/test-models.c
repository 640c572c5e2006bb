/* Tests of plugins/models: node names, shapes and parameter counts of the
 * built-in models, and the errors for bad parameters.
 *
 * The module is dlopen()ed from the build tree exactly as the registry
 * would load it, so these tests exercise the shipped .so.  Reference
 * parameter counts were computed with PyTorch 1.13 / torchvision 0.14:
 * CIFAR ResNet-20/32/56 with option-A shortcuts and torchvision's resnet18
 * (with conv1 replaced by a 3x3 stride-1 conv and maxpool removed for the
 * 3x3 stem).
 */
#include "config.h"

#include <criterion/criterion.h>
#include <dlfcn.h>
#include <math.h>
#include <string.h>

#include <interp/interp.h>
#include "host/params-private.h"

static const InterpPluginDescriptor *
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

static const InterpComponent *
model_component (const char *name)
{
  const InterpPluginDescriptor *desc = models_plugin ();
  for (uint32_t i = 0; i < desc->n_components; i++)
    if (strcmp (desc->components[i]->name, name) == 0)
      return desc->components[i];
  cr_assert_fail ("no model component '%s'", name);
  return NULL;
}

/* Builds model `name` with the "k=v" pairs on a c x h x w input with a
 * normalize node, as the core does.  NULL with `error` set on failure. */
static InterpNet *
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

#define PAIRS(...) ((const char *const[]) { __VA_ARGS__, NULL })

static void
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

static void
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

/* Forward a batch of n constant images and check the logits' shape. */
static void
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

static void
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

/* ---- descriptor -------------------------------------------------------- */

Test (models, descriptor_lists_three_models_with_valid_defaults)
{
  const InterpPluginDescriptor *desc = models_plugin ();
  cr_assert_eq (desc->abi_version, INTERP_ABI_VERSION);
  cr_assert_eq (desc->n_components, 3);
  const char *names[] = { "mlp", "cnn", "resnet" };
  for (int i = 0; i < 3; i++)
    {
      const InterpComponent *comp = desc->components[i];
      cr_assert_str_eq (comp->name, names[i]);
      cr_assert_eq (comp->kind, INTERP_KIND_MODEL);
      cr_assert_eq (comp->struct_size, sizeof (InterpComponent));
      const InterpModelVTable *vt = comp->vtable;
      cr_assert_eq (vt->struct_size, sizeof (InterpModelVTable));
      for (const InterpParamSpec *s = comp->params; s->key; s++)
        {
          GError *error = NULL;
          cr_assert_not_null (s->help);
          cr_assert (interp_param_validate (s, s->default_value, &error),
                     "%s.%s default: %s", names[i], s->key, error ? error->message : "");
        }
    }
}

/* ---- mlp --------------------------------------------------------------- */

Test (models, mlp_default)
{
  GError *error = NULL;
  InterpNet *net = build_model ("mlp", NULL, 1, 28, 28, 10, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  assert_names (net, PAIRS ("input", "normalize", "flatten", "fc1", "relu1", "fc2", "relu2",
                            "fc"));
  cr_assert_eq (interp_net_get_init (net), INTERP_INIT_KAIMING_NORMAL);
  assert_shape (net, "flatten", 1, 784, 0, 0);
  assert_shape (net, "relu2", 1, 128, 0, 0);
  assert_shape (net, "fc", 1, 10, 0, 0);
  /* 784*256+256 + 256*128+128 + 128*10+10 */
  cr_assert_eq (interp_net_count_params (net), 235146);
  assert_forward (net, 3, 1, 28, 28, 10);
  interp_net_free (net);

  net = build_model ("mlp", PAIRS ("init = pytorch"), 1, 28, 28, 10, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  cr_assert_eq (interp_net_get_init (net), INTERP_INIT_PYTORCH);
  interp_net_free (net);
}

Test (models, mlp_dropout_and_custom_widths)
{
  GError *error = NULL;
  InterpNet *net = build_model ("mlp", PAIRS ("hidden = 64, 32, 16", "dropout = 0.25"),
                                3, 4, 4, 5, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  assert_names (net, PAIRS ("input", "normalize", "flatten", "fc1", "relu1", "dropout1",
                            "fc2", "relu2", "dropout2", "fc3", "relu3", "dropout3", "fc"));
  cr_assert_eq (interp_net_node_op (net, interp_net_find (net, "dropout2")), INTERP_OP_DROPOUT);
  /* 48*64+64 + 64*32+32 + 32*16+16 + 16*5+5 */
  cr_assert_eq (interp_net_count_params (net), 3136 + 2080 + 528 + 85);
  interp_net_free (net);
}

Test (models, mlp_without_hidden_layers_is_linear)
{
  GError *error = NULL;
  InterpNet *net = build_model ("mlp", PAIRS ("hidden ="), 2, 3, 3, 4, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  assert_names (net, PAIRS ("input", "normalize", "flatten", "fc"));
  cr_assert_eq (interp_net_count_params (net), 18 * 4 + 4);
  interp_net_free (net);
}

/* ---- cnn --------------------------------------------------------------- */

Test (models, cnn_default_is_the_reference_cnn)
{
  GError *error = NULL;
  InterpNet *net = build_model ("cnn", NULL, 1, 28, 28, 10, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  assert_names (net, PAIRS ("input", "normalize", "conv1", "relu1", "pool1", "conv2", "relu2",
                            "pool2", "flatten", "fc1", "relu3", "fc"));
  assert_shape (net, "conv1", 3, 32, 26, 26);
  assert_shape (net, "pool1", 3, 32, 13, 13);
  assert_shape (net, "conv2", 3, 64, 11, 11);
  assert_shape (net, "pool2", 3, 64, 5, 5);
  assert_shape (net, "flatten", 1, 1600, 0, 0);
  assert_shape (net, "relu3", 1, 128, 0, 0);
  assert_shape (net, "fc", 1, 10, 0, 0);
  cr_assert_eq (interp_net_node_op (net, interp_net_find (net, "pool1")), INTERP_OP_MAXPOOL);
  /* conv1 32*9+32, conv2 64*32*9+64, fc1 1600*128+128, fc 128*10+10 */
  cr_assert_eq (interp_net_count_params (net), 320 + 18496 + 204928 + 1290);
  cr_assert_not_null (interp_net_find_param (net, "conv1.bias"));
  cr_assert_not_null (interp_net_find_param (net, "fc.weight"));
  /* PyTorch's default init (see cnn.c): Kaiming-normal kills conv2's units. */
  cr_assert_eq (interp_net_get_init (net), INTERP_INIT_PYTORCH);
  assert_forward (net, 4, 1, 28, 28, 10);
  interp_net_free (net);

  net = build_model ("cnn", PAIRS ("init = kaiming"), 1, 28, 28, 10, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  cr_assert_eq (interp_net_get_init (net), INTERP_INIT_KAIMING_NORMAL);
  interp_net_free (net);
}

Test (models, cnn_same_padding_batchnorm_avgpool)
{
  GError *error = NULL;
  InterpNet *net = build_model ("cnn", PAIRS ("padding = same", "batchnorm = true",
                                              "pool = avg", "channels = 8, 16, 16",
                                              "hidden = 20", "dropout = 0.5", "kernel = 5"),
                                3, 32, 32, 10, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  assert_names (net, PAIRS ("input", "normalize",
                            "conv1", "bn1", "relu1", "pool1",
                            "conv2", "bn2", "relu2", "pool2",
                            "conv3", "bn3", "relu3", "pool3",
                            "flatten", "fc1", "relu4", "dropout1", "fc"));
  assert_shape (net, "conv1", 3, 8, 32, 32);
  assert_shape (net, "pool3", 3, 16, 4, 4);
  cr_assert_eq (interp_net_node_op (net, interp_net_find (net, "pool2")), INTERP_OP_AVGPOOL);
  /* A BN follows every conv, so the convs have no bias. */
  cr_assert_null (interp_net_find_param (net, "conv1.bias"));
  cr_assert_not_null (interp_net_find_param (net, "bn1.running_var"));
  size_t expect = 3 * 8 * 25 + 16 + 8 * 16 * 25 + 32 + 16 * 16 * 25 + 32
                  + 256 * 20 + 20 + 20 * 10 + 10;
  cr_assert_eq (interp_net_count_params (net), expect);
  assert_forward (net, 2, 3, 32, 32, 10);
  interp_net_free (net);
}

Test (models, cnn_without_pooling_and_numeric_padding)
{
  GError *error = NULL;
  InterpNet *net = build_model ("cnn", PAIRS ("pool = none", "padding = 2", "channels = 4",
                                              "hidden ="),
                                1, 6, 6, 3, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  assert_names (net, PAIRS ("input", "normalize", "conv1", "relu1", "flatten", "fc"));
  assert_shape (net, "conv1", 3, 4, 8, 8);
  interp_net_free (net);
}

Test (models, cnn_too_many_pools_names_model_and_layer)
{
  GError *error = NULL;
  /* same padding: 28 -> 14 -> 7 -> 3 -> 1, then a 2x2 pool cannot fit. */
  InterpNet *net = build_model ("cnn", PAIRS ("channels = 4, 4, 4, 4, 4", "padding = same"),
                                1, 28, 28, 10, &error);
  cr_assert_null (net);
  assert_error (error, INTERP_ERROR_SHAPE, PAIRS ("model cnn", "layer pool5", "1x1"));
  g_clear_error (&error);

  /* valid padding: 28 -> 26 -> 13 -> 11 -> 5 -> 3 -> 1; conv4's 3x3 cannot fit. */
  net = build_model ("cnn", PAIRS ("channels = 4, 4, 4, 4"), 1, 28, 28, 10, &error);
  cr_assert_null (net);
  assert_error (error, INTERP_ERROR_SHAPE, PAIRS ("model cnn", "layer conv4"));
  g_clear_error (&error);
}

Test (models, cnn_bad_parameters_name_the_key)
{
  GError *error = NULL;
  cr_assert_null (build_model ("cnn", PAIRS ("padding = same", "kernel = 4"), 1, 28, 28, 10,
                               &error));
  assert_error (error, INTERP_ERROR_BAD_VALUE, PAIRS ("test.ini: [model]", "padding", "odd"));
  g_clear_error (&error);

  cr_assert_null (build_model ("cnn", PAIRS ("padding = full"), 1, 28, 28, 10, &error));
  assert_error (error, INTERP_ERROR_BAD_VALUE, PAIRS ("test.ini: [model]", "padding", "full"));
  g_clear_error (&error);

  cr_assert_null (build_model ("cnn", PAIRS ("padding = -1"), 1, 28, 28, 10, &error));
  assert_error (error, INTERP_ERROR_BAD_VALUE, PAIRS ("padding"));
  g_clear_error (&error);

  cr_assert_null (build_model ("cnn", PAIRS ("pool = min"), 1, 28, 28, 10, &error));
  assert_error (error, INTERP_ERROR_OUT_OF_RANGE, PAIRS ("pool", "min"));
  g_clear_error (&error);

  cr_assert_null (build_model ("cnn", PAIRS ("channels = 32, 0"), 1, 28, 28, 10, &error));
  assert_error (error, INTERP_ERROR_OUT_OF_RANGE, PAIRS ("channels"));
  g_clear_error (&error);

  cr_assert_null (build_model ("cnn", PAIRS ("dropout = 1"), 1, 28, 28, 10, &error));
  assert_error (error, INTERP_ERROR_OUT_OF_RANGE, PAIRS ("dropout"));
  g_clear_error (&error);

  cr_assert_null (build_model ("cnn", PAIRS ("init = xavier"), 1, 28, 28, 10, &error));
  assert_error (error, INTERP_ERROR_OUT_OF_RANGE, PAIRS ("init", "xavier"));
  g_clear_error (&error);

  cr_assert_null (build_model ("cnn", PAIRS ("chanels = 8"), 1, 28, 28, 10, &error));
  assert_error (error, INTERP_ERROR_UNKNOWN_KEY, PAIRS ("chanels", "channels"));
  g_clear_error (&error);
}

/* ---- resnet ------------------------------------------------------------ */

Test (models, resnet20_cifar)
{
  GError *error = NULL;
  InterpNet *net = build_model ("resnet", NULL, 3, 32, 32, 10, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  /* He et al. 2016: ResNet-20 has 0.27M parameters; PyTorch counts 269,722. */
  cr_assert_eq (interp_net_count_params (net), 269722);
  cr_assert_eq (interp_net_get_init (net), INTERP_INIT_KAIMING_NORMAL);

  const char *head[] = { "input", "normalize", "conv1", "bn1", "relu",
                         "layer1.0.conv1", "layer1.0.bn1", "layer1.0.relu1", "layer1.0.conv2",
                         "layer1.0.bn2", "layer1.0.add", "layer1.0.relu2", "layer1.1.conv1" };
  for (int i = 0; i < (int) G_N_ELEMENTS (head); i++)
    cr_assert_str_eq (interp_net_node_name (net, i), head[i]);
  int n = interp_net_n_nodes (net);
  cr_assert_str_eq (interp_net_node_name (net, n - 2), "avgpool");
  cr_assert_str_eq (interp_net_node_name (net, n - 1), "fc");
  /* 5 stem/head nodes, 9 blocks of 7 nodes, 2 option-A shortcuts. */
  cr_assert_eq (n, 2 + 3 + 9 * 7 + 2 + 2);

  cr_assert_eq (interp_net_node_op (net, interp_net_find (net, "layer2.0.shortcut")),
                INTERP_OP_SHORTCUT_PAD);
  cr_assert_eq (interp_net_node_op (net, interp_net_find (net, "layer3.0.shortcut")),
                INTERP_OP_SHORTCUT_PAD);
  cr_assert_lt (interp_net_find (net, "layer1.0.shortcut"), 0);
  cr_assert_lt (interp_net_find (net, "layer2.1.shortcut"), 0);

  assert_shape (net, "layer1.2.relu2", 3, 16, 32, 32);
  assert_shape (net, "layer2.0.shortcut", 3, 32, 16, 16);
  assert_shape (net, "layer2.0.add", 3, 32, 16, 16);
  assert_shape (net, "layer3.2.relu2", 3, 64, 8, 8);
  assert_shape (net, "avgpool", 1, 64, 0, 0);
  assert_shape (net, "fc", 1, 10, 0, 0);

  GArray *relus = interp_net_match (net, "*relu*");
  cr_assert_eq (relus->len, 1 + 9 * 2);
  g_array_unref (relus);
  GArray *outs = interp_net_match (net, "layer3.*.relu2");
  cr_assert_eq (outs->len, 3);
  g_array_unref (outs);

  cr_assert_null (interp_net_find_param (net, "conv1.bias"));
  cr_assert_not_null (interp_net_find_param (net, "layer3.2.bn2.running_mean"));
  cr_assert_not_null (interp_net_find_param (net, "fc.bias"));
  assert_forward (net, 2, 3, 32, 32, 10);
  interp_net_free (net);
}

Test (models, resnet_cifar_depths_and_width)
{
  GError *error = NULL;
  InterpNet *net = build_model ("resnet", PAIRS ("depth = 32"), 3, 32, 32, 10, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  cr_assert_eq (interp_net_count_params (net), 464154);
  interp_net_free (net);

  net = build_model ("resnet", PAIRS ("depth = 56"), 3, 32, 32, 10, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  cr_assert_eq (interp_net_count_params (net), 853018);
  cr_assert_geq (interp_net_find (net, "layer3.8.relu2"), 0);
  interp_net_free (net);

  /* depth 8 (n = 1), width 2: 32-64-128 channels. */
  net = build_model ("resnet", PAIRS ("depth = 8", "width = 2"), 1, 16, 16, 4, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  assert_shape (net, "layer1.0.relu2", 3, 32, 16, 16);
  assert_shape (net, "layer3.0.relu2", 3, 128, 4, 4);
  size_t expect = 1 * 32 * 9 + 64                              /* stem */
                  + 2 * (32 * 32 * 9 + 64)                     /* layer1.0 */
                  + 32 * 64 * 9 + 64 * 64 * 9 + 2 * 128        /* layer2.0 */
                  + 64 * 128 * 9 + 128 * 128 * 9 + 2 * 256     /* layer3.0 */
                  + 128 * 4 + 4;
  cr_assert_eq (interp_net_count_params (net), expect);
  interp_net_free (net);
}

/* Every parameter and buffer name of torchvision's resnet18 state_dict
 * (less num_batches_tracked), generated the way torchvision names them. */
static GPtrArray *
torchvision_resnet18_names (void)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *bn[] = { "weight", "bias", "running_mean", "running_var" };
#define ADD_BN(prefix) \
  for (int j_ = 0; j_ < 4; j_++) g_ptr_array_add (names, g_strdup_printf ("%s.%s", prefix, bn[j_]))
  g_ptr_array_add (names, g_strdup ("conv1.weight"));
  ADD_BN ("bn1");
  for (int s = 1; s <= 4; s++)
    for (int b = 0; b < 2; b++)
      {
        g_autofree char *p = g_strdup_printf ("layer%d.%d", s, b);
        g_autofree char *bn1 = g_strconcat (p, ".bn1", NULL);
        g_autofree char *bn2 = g_strconcat (p, ".bn2", NULL);
        g_autofree char *ds = g_strconcat (p, ".downsample.1", NULL);
        g_ptr_array_add (names, g_strconcat (p, ".conv1.weight", NULL));
        ADD_BN (bn1);
        g_ptr_array_add (names, g_strconcat (p, ".conv2.weight", NULL));
        ADD_BN (bn2);
        if (s > 1 && b == 0)
          {
            g_ptr_array_add (names, g_strconcat (p, ".downsample.0.weight", NULL));
            ADD_BN (ds);
          }
      }
  g_ptr_array_add (names, g_strdup ("fc.weight"));
  g_ptr_array_add (names, g_strdup ("fc.bias"));
#undef ADD_BN
  return names;
}

static void
assert_torchvision_names (InterpNet *net)
{
  g_autoptr (GPtrArray) names = torchvision_resnet18_names ();
  cr_assert_eq ((guint) interp_net_n_params (net), names->len);
  for (guint i = 0; i < names->len; i++)
    cr_assert_not_null (interp_net_find_param (net, names->pdata[i]), "no parameter %s",
                        (char *) names->pdata[i]);
}

Test (models, resnet18_tiny_imagenet_uses_3x3_stem)
{
  GError *error = NULL;
  InterpNet *net = build_model ("resnet", PAIRS ("arch = resnet18"), 3, 64, 64, 200, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  cr_assert_eq (interp_net_count_params (net), 11271432);
  cr_assert_lt (interp_net_find (net, "maxpool"), 0);
  assert_shape (net, "relu", 3, 64, 64, 64);
  assert_shape (net, "layer2.0.downsample.1", 3, 128, 32, 32);
  assert_shape (net, "layer4.1.relu2", 3, 512, 8, 8);
  assert_shape (net, "fc", 1, 200, 0, 0);
  cr_assert_lt (interp_net_find (net, "layer1.0.downsample.0"), 0);
  assert_torchvision_names (net);
  interp_net_free (net);

  net = build_model ("resnet", PAIRS ("arch = resnet18", "stem = cifar"), 3, 32, 32, 10, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  cr_assert_eq (interp_net_count_params (net), 11173962);
  assert_forward (net, 1, 3, 32, 32, 10);
  interp_net_free (net);
}

Test (models, resnet18_imagenet_stem_matches_torchvision)
{
  GError *error = NULL;
  InterpNet *net = build_model ("resnet", PAIRS ("arch = resnet18", "depth = 18"), 3, 224, 224,
                                1000, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  cr_assert_eq (interp_net_count_params (net), 11689512);
  assert_shape (net, "conv1", 3, 64, 112, 112);
  assert_shape (net, "maxpool", 3, 64, 56, 56);
  assert_shape (net, "layer4.1.relu2", 3, 512, 7, 7);
  assert_torchvision_names (net);
  interp_net_free (net);
}

Test (models, resnet_bad_parameters_name_the_key)
{
  GError *error = NULL;
  cr_assert_null (build_model ("resnet", PAIRS ("depth = 21"), 3, 32, 32, 10, &error));
  assert_error (error, INTERP_ERROR_OUT_OF_RANGE, PAIRS ("test.ini: [model]", "depth", "6n+2"));
  g_clear_error (&error);

  cr_assert_null (build_model ("resnet", PAIRS ("depth = 2"), 3, 32, 32, 10, &error));
  assert_error (error, INTERP_ERROR_OUT_OF_RANGE, PAIRS ("depth"));
  g_clear_error (&error);

  cr_assert_null (build_model ("resnet", PAIRS ("stem = imagenet"), 3, 32, 32, 10, &error));
  assert_error (error, INTERP_ERROR_BAD_VALUE, PAIRS ("test.ini: [model]", "stem"));
  g_clear_error (&error);

  cr_assert_null (build_model ("resnet", PAIRS ("arch = resnet18", "depth = 34"), 3, 32, 32, 10,
                               &error));
  assert_error (error, INTERP_ERROR_BAD_VALUE, PAIRS ("depth", "resnet18"));
  g_clear_error (&error);

  cr_assert_null (build_model ("resnet", PAIRS ("arch = resnet50"), 3, 32, 32, 10, &error));
  assert_error (error, INTERP_ERROR_OUT_OF_RANGE, PAIRS ("arch", "resnet50"));
  g_clear_error (&error);

  cr_assert_null (build_model ("resnet", PAIRS ("width = 0"), 3, 32, 32, 10, &error));
  assert_error (error, INTERP_ERROR_OUT_OF_RANGE, PAIRS ("width"));
  g_clear_error (&error);

  cr_assert_null (build_model ("resnet", PAIRS ("init = orthogonal"), 3, 32, 32, 10, &error));
  assert_error (error, INTERP_ERROR_OUT_OF_RANGE, PAIRS ("init", "orthogonal"));
  g_clear_error (&error);
}

/* ---- whole-model gradients ----------------------------------------------- */

/* Mean cross-entropy of the net on (x, labels) in the current mode. */
static double
model_loss (InterpNet *net, const InterpTensor *x, const int32_t *labels)
{
  GError *error = NULL;
  cr_assert (interp_net_forward (net, x, &error), "%s", error ? error->message : "");
  return interp_softmax_cross_entropy (interp_net_value (net, interp_net_output_node (net)),
                                       labels, 0.0f, NULL, 1.0f, NULL);
}

/* Backward against central differences over k sampled entries of one
 * tensor, compared as vectors: a wiring error (a lost shortcut or fan-out
 * gradient) is off by O(1), while a ReLU kink crossed by one step only
 * spoils one entry. */
static void
assert_close_fd (const double *analytic, const double *numeric, int k, const char *what)
{
  double diff = 0, na = 0, nn = 0;
  for (int i = 0; i < k; i++)
    {
      diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
      na += analytic[i] * analytic[i];
      nn += numeric[i] * numeric[i];
    }
  diff = sqrt (diff);
  double tol = 0.1 * sqrt (MAX (na, nn)) + 1e-4 * sqrt ((double) k);
  cr_assert (diff <= tol, "%s: |backward - central difference| = %.3g over %d entries, "
             "|backward| = %.3g, |difference| = %.3g", what, diff, k, sqrt (na), sqrt (nn));
}

/* Central differences of the loss against backward, for a few entries of
 * the input and of each named parameter: checks that the model's layers are
 * wired so that gradients flow through every path (shortcuts, fan-out).
 * Deep nets with BN on batch statistics are too curved for differences to
 * be exact (PyTorch's own float64 differences miss its autograd by 10-50%
 * on a small ResNet18), so those run in eval mode, where the net is
 * piecewise linear; bench/ compares the train-mode gradients of the
 * benchmark nets with PyTorch's autograd instead. */
static void
assert_model_gradients (InterpNet *net, InterpMode mode, int64_t n, int64_t c, int64_t h,
                        int64_t w, int n_classes, const char *const *params)
{
  InterpRng rng;
  interp_rng_seed (&rng, 11);
  interp_net_init (net, &rng);
  interp_net_set_mode (net, mode);
  interp_net_set_input_grad (net, TRUE);
  InterpTensor *x = interp_tensor_new_4d (n, c, h, w);
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] = (float) interp_rng_uniform (&rng);
  int32_t *labels = g_new (int32_t, n);
  for (int64_t i = 0; i < n; i++)
    labels[i] = (int32_t) (i % n_classes);

  int out = interp_net_output_node (net);
  interp_net_zero_param_grad (net);
  model_loss (net, x, labels);
  interp_net_zero_grad (net);
  interp_softmax_cross_entropy (interp_net_value (net, out), labels, 0.0f,
                                interp_net_grad (net, out), 1.0f, NULL);
  interp_net_backward (net);
  InterpTensor *dx = interp_tensor_copy (interp_net_input_grad (net));

  /* Small steps: BN on batch statistics and ReLU kinks make the loss
   * curved, and a float loss still resolves 1e-3 steps to ~1e-4. */
  const float eps = 1e-3f;
  enum { K = 12 };
  double ana[K], num[K];
  for (size_t k = 0; k < K; k++)
    {
      size_t i = (k * 7919) % x->numel;
      float old = x->data[i];
      x->data[i] = old + eps;
      double up = model_loss (net, x, labels);
      x->data[i] = old - eps;
      double down = model_loss (net, x, labels);
      x->data[i] = old;
      ana[k] = dx->data[i];
      num[k] = (up - down) / (2.0 * eps);
    }
  assert_close_fd (ana, num, K, "input");
  for (; *params; params++)
    {
      InterpParam *p = interp_net_find_param (net, *params);
      cr_assert_not_null (p, "no parameter %s", *params);
      InterpTensor *g = interp_tensor_copy (p->grad);
      int k_max = (int) MIN ((size_t) K, p->value->numel);
      for (int k = 0; k < k_max; k++)
        {
          size_t i = ((size_t) k * 104729) % p->value->numel;
          float old = p->value->data[i];
          p->value->data[i] = old + eps;
          double up = model_loss (net, x, labels);
          p->value->data[i] = old - eps;
          double down = model_loss (net, x, labels);
          p->value->data[i] = old;
          ana[k] = g->data[i];
          num[k] = (up - down) / (2.0 * eps);
        }
      assert_close_fd (ana, num, k_max, *params);
      interp_tensor_free (g);
    }
  interp_tensor_free (dx);
  interp_tensor_free (x);
  g_free (labels);
}

Test (models, resnet_gradients_match_central_differences)
{
  GError *error = NULL;
  /* ResNet-8: one block per stage, both option-A shortcuts. */
  InterpNet *net = build_model ("resnet", PAIRS ("depth = 8"), 2, 8, 8, 3, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  assert_model_gradients (net, INTERP_MODE_EVAL, 3, 2, 8, 8, 3,
                          PAIRS ("conv1.weight", "bn1.weight", "layer1.0.conv1.weight",
                                 "layer2.0.conv2.weight", "layer3.0.bn2.bias", "fc.weight"));
  interp_net_free (net);
}

Test (models, cnn_and_mlp_gradients_match_central_differences)
{
  GError *error = NULL;
  InterpNet *net = build_model ("cnn", PAIRS ("channels = 4, 6", "hidden = 8", "batchnorm = true"),
                                1, 12, 12, 3, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  assert_model_gradients (net, INTERP_MODE_TRAIN, 3, 1, 12, 12, 3,
                          PAIRS ("conv1.weight", "bn2.weight", "fc1.weight", "fc.bias"));
  interp_net_free (net);

  net = build_model ("mlp", PAIRS ("hidden = 7, 5"), 1, 3, 3, 4, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  assert_model_gradients (net, INTERP_MODE_TRAIN, 4, 1, 3, 3, 4, PAIRS ("fc1.weight", "fc2.bias", "fc.weight"));
  interp_net_free (net);
}

/* ---- residual wiring ------------------------------------------------------- */

/* With every block's second BN set to output zero, a block computes
 * relu(shortcut(x)): each ".add" must then equal its shortcut exactly,
 * which proves the add is fed by the intended nodes. */
static void
assert_add_equals (InterpNet *net, const char *add, const char *shortcut)
{
  const InterpTensor *a = interp_net_value (net, interp_net_find (net, add));
  const InterpTensor *s = interp_net_value (net, interp_net_find (net, shortcut));
  cr_assert_not_null (a, "no node %s", add);
  cr_assert_not_null (s, "no node %s", shortcut);
  cr_assert (interp_tensor_same_shape (a, s), "%s and %s differ in shape", add, shortcut);
  for (size_t i = 0; i < a->numel; i++)
    if (fabsf (a->data[i] - s->data[i]) > 1e-6f)
      cr_assert_fail ("%s[%zu] = %g, but %s = %g", add, i, (double) a->data[i], shortcut,
                      (double) s->data[i]);
  float nonzero = 0;
  for (size_t i = 0; i < a->numel; i++)
    nonzero = MAX (nonzero, fabsf (a->data[i]));
  cr_assert_gt (nonzero, 0.0f, "%s is all zero: the check would be vacuous", add);
}

static void
silence_residual_branches (InterpNet *net)
{
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      if (g_pattern_match_simple ("layer*.bn2.weight", p->name)
          || g_pattern_match_simple ("layer*.bn2.bias", p->name))
        interp_tensor_zero (p->value);
    }
}

static void
forward_random (InterpNet *net, int64_t n, int64_t c, int64_t h, int64_t w)
{
  GError *error = NULL;
  InterpRng rng;
  interp_rng_seed (&rng, 5);
  InterpTensor *x = interp_tensor_new_4d (n, c, h, w);
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] = (float) interp_rng_uniform (&rng);
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  cr_assert (interp_net_forward (net, x, &error), "%s", error ? error->message : "");
  interp_tensor_free (x);
}

Test (models, resnet_blocks_add_their_shortcuts)
{
  GError *error = NULL;
  InterpNet *net = build_model ("resnet", NULL, 3, 16, 16, 10, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  InterpRng rng;
  interp_rng_seed (&rng, 9);
  interp_net_init (net, &rng);
  silence_residual_branches (net);
  forward_random (net, 2, 3, 16, 16);
  assert_add_equals (net, "layer1.0.add", "relu");
  assert_add_equals (net, "layer1.1.add", "layer1.0.relu2");
  assert_add_equals (net, "layer2.0.add", "layer2.0.shortcut");
  assert_add_equals (net, "layer2.2.add", "layer2.1.relu2");
  assert_add_equals (net, "layer3.0.add", "layer3.0.shortcut");
  interp_net_free (net);

  net = build_model ("resnet", PAIRS ("arch = resnet18"), 1, 8, 8, 3, &error);
  cr_assert_not_null (net, "%s", error ? error->message : "");
  interp_net_init (net, &rng);
  silence_residual_branches (net);
  forward_random (net, 2, 1, 8, 8);
  assert_add_equals (net, "layer1.0.add", "relu");
  assert_add_equals (net, "layer2.0.add", "layer2.0.downsample.1");
  assert_add_equals (net, "layer2.1.add", "layer2.0.relu2");
  assert_add_equals (net, "layer4.0.add", "layer4.0.downsample.1");
  interp_net_free (net);
}
