/* Tests of plugins/models: node names, shapes and parameter counts of the
 * built-in models, and the errors for bad parameters.
 *
 * The module is dlopen()ed from the build tree exactly as the registry
 * would load it, so these tests exercise the shipped .so.  Reference
 * parameter counts were computed with PyTorch 1.13 / torchvision 0.14:
 * CIFAR ResNet-20/32/56 with option-A shortcuts and torchvision's resnet18
 * (with conv1 replaced by a 3x3 stride-1 conv and maxpool removed for the
 * 3x3 stem).
 *
 * This file: the descriptor, mlp and cnn; resnet is test-models-resnet.c,
 * whole-model gradients test-models-grad.c (one program: test-models).
 */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "models-fixture.h"

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

