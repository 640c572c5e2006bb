/* Tests of plugins/models/resnet.c: CIFAR ResNet-20/32/56 and torchvision
 * ResNet-18 node names, shapes and parameter counts, bad parameters, and
 * that every residual block adds the shortcut it should.  Reference counts:
 * see test-models.c.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "models-fixture.h"

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
  /* interp's input normalisation, then torchvision's state_dict. */
  g_ptr_array_add (names, g_strdup ("normalize.mean"));
  g_ptr_array_add (names, g_strdup ("normalize.std"));
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
