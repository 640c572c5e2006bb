/* Cross-check of whole networks against PyTorch.
 *
 * The layer tests compare every backward pass with finite differences, one
 * layer at a time and on small batches.  This test asks the question the
 * training runs depend on: does a whole model, built by the model plugin as
 * the runner builds it, compute the same function, loss, gradients and
 * optimiser trajectory as the same model in PyTorch, at a real batch size?
 *
 * For each case we build the model with a fixed seed, save its weights
 * (safetensors) and, on two batches (image-like with a constant border and
 * pixels k/255, so convolutions see constant regions and max pools exact
 * ties; and uniform noise), run forward + softmax cross-entropy + backward
 * in train mode, writing inputs, labels, logits, loss, every parameter
 * gradient, the input gradient, the BatchNorm running statistics and the
 * values and gradients of probed nodes (every ReLU) to step.safetensors.
 * Then, from the saved weights, five optimiser steps on five further
 * batches with SGD (momentum 0.9, weight decay) and with Adam (weight
 * decay), saving the resulting parameters and buffers.
 * tests/crosscheck/torch_crosscheck.py loads the same weights into the same layers in
 * PyTorch (float32), repeats everything and compares; it exits non-zero
 * and names the tensor when a relative error exceeds its tolerance (1e-4
 * of the tensor's scale).  The ReLU values tell the script which entries
 * interp kept and which maximum of a pool window it took, so a
 * pre-activation within rounding of zero, or two maxima within rounding of
 * each other, cannot flip a decision between the two implementations
 * (one flip moves earlier gradients by ~1e-3, see the script).
 * Skipped when /usr/bin/python3 cannot import torch.  A failure keeps the
 * files and names the folder.
 */
#include "config.h"

#include <criterion/criterion.h>
#include <dlfcn.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <interp/interp.h>
#include "host/params-private.h"

#include "../test-tree.h"

#define N_STEPS 5

/* INTERP_REQUIRE_TORCH=1 (.ci/run sets it) turns a missing torch from a
 * skip into a failure: CI must never skip the strongest check of the
 * engine, while a user without python3-torch still gets a skip. */
static gboolean
torch_required (void)
{
  const char *v = g_getenv ("INTERP_REQUIRE_TORCH");
  return v != NULL && *v != '\0' && strcmp (v, "0") != 0;
}

static gboolean
have_torch (void)
{
  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  char *argv[] = { "/usr/bin/python3", "-c", "import torch", NULL };
  int status = 1;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* The model plugin from the build tree, loaded as the registry loads it
 * (never dlclose()d). */
static const InterpComponent *
model_component (const char *name)
{
  const char *builddir = g_getenv ("INTERP_TEST_BUILDDIR");
  g_autofree char *path = g_build_filename (builddir ? builddir : ".", "plugins", "models",
                                            ".libs", "interp-models.so", NULL);
  void *handle = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  cr_assert_not_null (handle, "dlopen %s: %s", path, dlerror ());
  InterpPluginDescribeFunc describe = (InterpPluginDescribeFunc) dlsym (handle,
                                                                        INTERP_PLUGIN_SYMBOL);
  cr_assert_not_null (describe, "%s: no %s", path, INTERP_PLUGIN_SYMBOL);
  const InterpPluginDescriptor *desc = describe ();
  for (uint32_t i = 0; i < desc->n_components; i++)
    if (strcmp (desc->components[i]->name, name) == 0)
      return desc->components[i];
  cr_assert_fail ("%s: no model component '%s'", path, name);
  return NULL;
}

typedef struct {
  const char *arch;              /* the python script's name for the layout */
  const char *model;             /* model component */
  const char *const *pairs;      /* its [model] keys */
  int64_t c, h, w;
  int64_t batch;                 /* of the single training pass */
  int64_t opt_batch;             /* of each optimiser step */
  int n_classes;
  float mean[3], std[3];
  int border;                    /* constant border of the synthetic images */
  /* Globs of the nodes whose values (and, for the single passes,
   * gradients) are written for every pass and step: every ReLU (the
   * script takes interp's sign of near-zero inputs and interp's choice
   * among near-equal maxima of a max pool from them) and probes that
   * locate a disagreement. */
  const char *const *probes;
} CrossCase;

/* The model with its "normalize" node, as the runner builds it (core/runner/trial.c). */
static InterpNet *
build_model (const CrossCase *cc)
{
  const InterpComponent *comp = model_component (cc->model);
  GError *error = NULL;
  InterpParams *params = interp_params_new_from_pairs (comp->params, "crosscheck: [model]",
                                                       (const char **) cc->pairs, &error);
  cr_assert_not_null (params, "%s", error ? error->message : "?");
  InterpDataInfo info = { .channels = cc->c, .height = cc->h, .width = cc->w,
                          .n_classes = cc->n_classes };
  InterpNet *net = interp_net_new (cc->c, cc->h, cc->w);
  int norm = interp_net_normalize (net, "normalize", 0, cc->mean, cc->std, &error);
  cr_assert_geq (norm, 0, "%s", error ? error->message : "?");
  const InterpModelVTable *vt = comp->vtable;
  cr_assert (vt->build (params, &info, net, norm, &error), "%s",
             error ? error->message : "?");
  interp_params_free (params);
  return net;
}

/* interp_net_init, then every 1-d tensor (biases, BN affine parameters and
 * running statistics) moved off its trivial initial value, so the check
 * sees them in the forward pass and not only in the gradients.  The input
 * normalisation keeps the case's mean and std (the script reads them from
 * the metadata). */
static void
init_net (InterpNet *net, guint64 seed)
{
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  interp_net_init (net, &rng);
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      if (p->value->ndim != 1 || g_str_has_prefix (p->name, "normalize."))
        continue;
      gboolean var = g_str_has_suffix (p->name, ".running_var");
      for (size_t k = 0; k < p->value->numel; k++)
        {
          double u = interp_rng_normal (&rng);
          p->value->data[k] = var ? (float) (1.0 + 0.25 * fabs (u))
                                  : p->value->data[k] + (float) (0.1 * u);
        }
    }
}

/* A batch of image-like inputs in [0, 1] and labels in [0, n_classes).
 * Image-like (distinct = FALSE): a zero border and interior pixels k/255,
 * a third of them 0, so there are constant regions and max-pool windows
 * with exact ties.  Distinct: every pixel uniform in [0, 1), so no ties. */
static void
make_batch (const CrossCase *cc, InterpRng *rng, gboolean distinct, InterpTensor *x,
            int32_t *labels)
{
  for (int64_t i = 0; i < x->shape[0]; i++)
    {
      for (int64_t c = 0; c < cc->c; c++)
        for (int64_t r = 0; r < cc->h; r++)
          for (int64_t q = 0; q < cc->w; q++)
            {
              gboolean inside = r >= cc->border && r < cc->h - cc->border
                                && q >= cc->border && q < cc->w - cc->border;
              float v = 0.0f;
              if (distinct)
                v = (float) interp_rng_uniform (rng);
              else if (inside && interp_rng_below (rng, 3) != 0)
                v = (float) interp_rng_below (rng, 256) / 255.0f;
              x->data[((i * cc->c + c) * cc->h + r) * cc->w + q] = v;
            }
      labels[i] = (int32_t) interp_rng_below (rng, (uint64_t) cc->n_classes);
    }
}

/* Accumulates named tensors (copies, owned) for one safetensors file. */
typedef struct {
  GPtrArray *names;
  GPtrArray *tensors;
} TensorList;

static void
list_init (TensorList *l)
{
  l->names = g_ptr_array_new_with_free_func (g_free);
  l->tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) interp_tensor_free);
}

static void
list_add (TensorList *l, const char *name, const InterpTensor *t)
{
  g_ptr_array_add (l->names, g_strdup (name));
  g_ptr_array_add (l->tensors, interp_tensor_copy (t));
}

static void
list_add_labels (TensorList *l, const char *name, const int32_t *labels, int64_t n)
{
  InterpTensor *t = interp_tensor_new (1, &n);
  for (int64_t i = 0; i < n; i++)
    t->data[i] = (float) labels[i];
  g_ptr_array_add (l->names, g_strdup (name));
  g_ptr_array_add (l->tensors, t);
}

static void
list_write (TensorList *l, const char *path, GHashTable *meta)
{
  GError *error = NULL;
  g_ptr_array_add (l->names, NULL);
  cr_assert (interp_safetensors_write (path, (const char *const *) l->names->pdata,
                                       (InterpTensor *const *) l->tensors->pdata,
                                       (int) l->tensors->len, meta, &error),
             "%s", error ? error->message : "?");
  g_ptr_array_unref (l->names);
  g_ptr_array_unref (l->tensors);
}

/* Forward in train mode, mean cross-entropy, backward; returns the loss. */
static double
train_pass (InterpNet *net, const InterpTensor *x, const int32_t *labels)
{
  GError *error = NULL;
  interp_net_zero_param_grad (net);
  interp_net_zero_grad (net);
  cr_assert (interp_net_forward (net, x, &error), "%s", error ? error->message : "?");
  int out = interp_net_output_node (net);
  double loss = interp_softmax_cross_entropy (interp_net_value (net, out), labels, 0.0f,
                                              interp_net_grad (net, out), 1.0f, NULL);
  interp_net_backward (net);
  return loss;
}

static void
set_meta (GHashTable *meta, const char *key, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
set_meta (GHashTable *meta, const char *key, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_hash_table_insert (meta, g_strdup (key), g_strdup_vprintf (fmt, ap));
  va_end (ap);
}

static char *
float_list (const float *v, int64_t n)
{
  GString *s = g_string_new (NULL);
  for (int64_t i = 0; i < n; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (s, "%s%s", i ? "," : "",
                              g_ascii_formatd (buf, sizeof buf, "%.9g", (double) v[i]));
    }
  return g_string_free (s, FALSE);
}

typedef struct {
  const char *name;
  InterpOptimKind kind;
  double lr, momentum, weight_decay;
} OptCase;

static const OptCase opt_cases[] = {
  { "sgd", INTERP_OPTIM_SGD, 0.05, 0.9, 5e-4 },
  { "adam", INTERP_OPTIM_ADAM, 1e-3, 0, 1e-4 },
};

static void
run_case (const CrossCase *cc)
{
  if (!have_torch ())
    {
      if (torch_required ())
        cr_assert_fail ("INTERP_REQUIRE_TORCH=%s and /usr/bin/python3 cannot import torch "
                        "(install python3-torch)", g_getenv ("INTERP_REQUIRE_TORCH"));
      cr_skip_test ("/usr/bin/python3 cannot import torch");
    }
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("interp-crosscheck-XXXXXX", &error);
  cr_assert_not_null (dir, "%s", error ? error->message : "?");
  g_autofree char *weights = g_build_filename (dir, "weights.safetensors", NULL);

  InterpNet *net = build_model (cc);
  init_net (net, 20261129);
  cr_assert (interp_net_save (net, weights, &error), "%s", error ? error->message : "?");

  GHashTable *meta = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  set_meta (meta, "arch", "%s", cc->arch);
  g_autofree char *mean = float_list (cc->mean, cc->c);
  g_autofree char *std = float_list (cc->std, cc->c);
  set_meta (meta, "mean", "%s", mean);
  set_meta (meta, "std", "%s", std);
  set_meta (meta, "steps", "%d", N_STEPS);

  /* The probed node names; INTERP_CROSSCHECK_ALL_NODES=1 probes every
   * node (to locate a disagreement; the files get large). */
  g_autoptr (GPtrArray) probe_names = g_ptr_array_new ();
  for (int i = 1; i < interp_net_n_nodes (net); i++)
    {
      const char *name = interp_net_node_name (net, i);
      gboolean match = g_getenv ("INTERP_CROSSCHECK_ALL_NODES") != NULL;
      for (const char *const *glob = cc->probes; *glob && !match; glob++)
        match = g_pattern_match_simple (*glob, name);
      if (match)
        g_ptr_array_add (probe_names, (gpointer) name);
    }
  g_ptr_array_add (probe_names, NULL);
  const char *const *probes = (const char *const *) probe_names->pdata;

  /* One training pass, everything it computes, on each kind of batch:
   * "ties." (image-like) and "distinct." (no max-pool ties). */
  InterpRng data_rng;
  interp_rng_seed (&data_rng, 7);
  InterpTensor *x = interp_tensor_new_4d (cc->batch, cc->c, cc->h, cc->w);
  int32_t *labels = g_new (int32_t, cc->batch);
  TensorList l;
  list_init (&l);
  for (int distinct = 0; distinct < 2; distinct++)
    {
      const char *prefix = distinct ? "distinct." : "ties.";
      make_batch (cc, &data_rng, distinct, x, labels);
      cr_assert (interp_net_load (net, weights, &error), "%s", error ? error->message : "?");
      interp_net_set_mode (net, INTERP_MODE_TRAIN);
      interp_net_set_input_grad (net, TRUE);
      double loss = train_pass (net, x, labels);
      cr_assert (isfinite (loss));

#define ADD(what, t) G_STMT_START {                                      \
        g_autofree char *name_ = g_strconcat (prefix, what, NULL);       \
        list_add (&l, name_, t);                                         \
      } G_STMT_END
      ADD ("input", x);
      g_autofree char *label_name = g_strconcat (prefix, "labels", NULL);
      list_add_labels (&l, label_name, labels, cc->batch);
      ADD ("logits", interp_net_value (net, interp_net_output_node (net)));
      InterpTensor *loss_t = interp_tensor_new (1, (int64_t[]) { 1 });
      loss_t->data[0] = (float) loss;
      ADD ("loss", loss_t);
      interp_tensor_free (loss_t);
      ADD ("grad.input", interp_net_input_grad (net));
      for (const char *const *probe = probes; *probe; probe++)
        {
          g_autofree char *v = g_strconcat ("value.", *probe, NULL);
          int node = interp_net_find (net, *probe);
          cr_assert_geq (node, 0, "no node %s", *probe);
          ADD (v, interp_net_value (net, node));
          g_autofree char *g = g_strconcat ("nodegrad.", *probe, NULL);
          ADD (g, interp_net_grad (net, node));
        }
      int n_trainable = 0;
      for (int i = 0; i < interp_net_n_params (net); i++)
        {
          InterpParam *p = interp_net_param (net, i);
          g_autofree char *name = g_strconcat (p->is_buffer ? "buffer." : "grad.", p->name,
                                               NULL);
          ADD (name, p->is_buffer ? p->value : p->grad);
          n_trainable += !p->is_buffer;
        }
#undef ADD
      cr_assert_gt (n_trainable, 0);
    }

  /* N_STEPS optimiser steps from the saved weights, one batch per step. */
  for (size_t o = 0; o < G_N_ELEMENTS (opt_cases); o++)
    {
      const OptCase *oc = &opt_cases[o];
      char key[64];
      g_snprintf (key, sizeof key, "%s.lr", oc->name);
      set_meta (meta, key, "%.17g", oc->lr);
      g_snprintf (key, sizeof key, "%s.momentum", oc->name);
      set_meta (meta, key, "%.17g", oc->momentum);
      g_snprintf (key, sizeof key, "%s.weight_decay", oc->name);
      set_meta (meta, key, "%.17g", oc->weight_decay);

      cr_assert (interp_net_load (net, weights, &error), "%s", error ? error->message : "?");
      InterpOptimConfig config;
      interp_optim_config_init (&config, oc->kind);
      config.momentum = oc->momentum;
      config.weight_decay = oc->weight_decay;
      InterpOptim *opt = interp_optim_new (net, &config);
      interp_net_set_input_grad (net, FALSE);
      InterpRng step_rng;
      interp_rng_seed (&step_rng, 11);
      interp_tensor_reshape (x, 4, (int64_t[]) { cc->opt_batch, cc->c, cc->h, cc->w });
      for (int s = 0; s < N_STEPS; s++)
        {
          make_batch (cc, &step_rng, FALSE, x, labels);
          char name[128];
          if (o == 0)
            {
              /* Both optimisers see the same batches; written once. */
              g_snprintf (name, sizeof name, "step%d.input", s);
              list_add (&l, name, x);
              g_snprintf (name, sizeof name, "step%d.labels", s);
              list_add_labels (&l, name, labels, cc->opt_batch);
            }
          cr_assert (isfinite (train_pass (net, x, labels)));
          for (const char *const *probe = probes; *probe; probe++)
            {
              g_snprintf (name, sizeof name, "%s.step%d.value.%s", oc->name, s, *probe);
              list_add (&l, name, interp_net_value (net, interp_net_find (net, *probe)));
            }
          interp_optim_step (opt, oc->lr);
        }
      interp_optim_free (opt);
      g_autofree char *file = g_strdup_printf ("%s.safetensors", oc->name);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      cr_assert (interp_net_save (net, path, &error), "%s", error ? error->message : "?");
    }
  g_autofree char *step = g_build_filename (dir, "step.safetensors", NULL);
  list_write (&l, step, meta);
  g_hash_table_unref (meta);

  const char *srcdir = g_getenv ("INTERP_TEST_SRCDIR");
  g_autofree char *script = g_build_filename (srcdir ? srcdir : "..", "tests", "crosscheck",
                                              "torch_crosscheck.py", NULL);
  char *argv[] = { "/usr/bin/python3", script, dir, NULL };
  char *out = NULL, *err = NULL;
  int status = 1;
  cr_assert (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                           &error), "%s", error ? error->message : "?");
  gboolean passed = g_spawn_check_wait_status (status, NULL);
  cr_log_info ("%s (%s):\n%s", cc->arch, passed ? "agrees" : "DIFFERS", out);
  /* A failure keeps the files for a look with the script. */
  cr_assert (passed, "PyTorch disagrees on %s (files kept in %s):\n%s%s", cc->arch, dir,
             out, err);
  g_free (out);
  g_free (err);

  g_free (labels);
  interp_tensor_free (x);
  interp_net_free (net);
  test_remove_tree (dir);
  g_free (dir);
}

/* The quickstart's model on Fashion-MNIST-shaped data with its
 * normalisation statistics, at the quickstart's batch size. */
Test (torch_crosscheck, small_cnn)
{
  static const char *const pairs[] = { 0 };
  static const char *const probes[] = { "relu*", NULL };
  const CrossCase cc = {
    .arch = "cnn", .model = "cnn", .pairs = pairs, .c = 1, .h = 28, .w = 28, .batch = 128,
    .opt_batch = 32, .n_classes = 10, .mean = { 0.286f }, .std = { 0.353f }, .border = 4,
    .probes = probes,
  };
  run_case (&cc);
}

/* ResNet-20 with BatchNorm in train mode (batch statistics, running
 * averages) and option-A shortcuts, on 3 x 16 x 16 images (the layers of
 * CIFAR's 32 x 32, a quarter of the probe files). */
Test (torch_crosscheck, resnet20_batchnorm, .timeout = 600)
{
  static const char *const pairs[] = { "depth=20", NULL };
  static const char *const probes[] = { "*relu*", "layer2.0.shortcut", "avgpool", NULL };
  const CrossCase cc = {
    .arch = "resnet20", .model = "resnet", .pairs = pairs, .c = 3, .h = 16, .w = 16,
    .batch = 32, .opt_batch = 16, .n_classes = 10, .mean = { 0.4914f, 0.4822f, 0.4465f },
    .std = { 0.2470f, 0.2435f, 0.2616f }, .border = 2, .probes = probes,
  };
  run_case (&cc);
}
