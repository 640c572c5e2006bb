/* Optimiser checkpoints: a resumed training run is bit-identical to an
 * uninterrupted one (SGD with Nesterov momentum, Adam, AdamW), and loading
 * an optimiser state is strict and atomic. */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/checkpoint.h>
#include <interp/error.h>
#include <interp/optim.h>

#include "checkpoint-fixture.h"

/* ---- optimiser state and resume --------------------------------------------- */

static void
train_step (InterpNet *net, InterpOptim *opt, int step)
{
  InterpTensor *x = interp_tensor_new_4d (4, 1, 3, 3);
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] = (float) sin (0.7 * (double) i + step);
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  cr_assert (interp_net_forward (net, x, NULL));
  int out = interp_net_output_node (net);
  const InterpTensor *y = interp_net_value (net, out);
  interp_net_zero_grad (net);
  interp_net_zero_param_grad (net);
  InterpTensor *g = interp_net_grad (net, out);
  for (size_t i = 0; i < y->numel; i++)
    g->data[i] = y->data[i] - (float) (i % 3);
  interp_net_backward (net);
  InterpSchedule s = { .kind = INTERP_SCHEDULE_COSINE, .base_lr = 0.05, .warmup_steps = 2,
                       .total_steps = 8 };
  interp_optim_step (opt, interp_schedule_lr (&s, interp_optim_steps (opt)));
  interp_tensor_free (x);
}

static InterpOptim *
make_optim (InterpNet *net, InterpOptimKind kind)
{
  InterpOptimConfig c;
  interp_optim_config_init (&c, kind);
  if (kind == INTERP_OPTIM_SGD)
    {
      c.momentum = 0.9;
      c.nesterov = TRUE;
      c.weight_decay = 5e-4;
    }
  return interp_optim_new (net, &c);
}

static void
resume_is_bit_identical (InterpOptimKind kind)
{
  InterpNet *a = small_net (3, TRUE, 1);
  InterpOptim *oa = make_optim (a, kind);
  char *npath = tmp_path ("run.safetensors"), *opath = tmp_path ("run.optim.safetensors");
  for (int s = 0; s < 3; s++)
    train_step (a, oa, s);
  GError *error = NULL;
  cr_assert (interp_net_save (a, npath, &error));
  cr_assert (interp_optim_save (oa, opath, &error));
  for (int s = 3; s < 6; s++)
    train_step (a, oa, s);

  InterpNet *b = small_net (3, TRUE, 99);
  InterpOptim *ob = make_optim (b, kind);
  cr_assert (interp_net_load (b, npath, &error), "%s", error ? error->message : "");
  cr_assert (interp_optim_load (ob, opath, &error), "%s", error ? error->message : "");
  cr_assert_eq (interp_optim_steps (ob), 3);
  for (int s = 3; s < 6; s++)
    train_step (b, ob, s);

  GPtrArray *snap = snapshot (a);
  assert_same_params (b, snap);
  g_ptr_array_unref (snap);
  cr_assert_eq (interp_optim_n_state (oa), interp_optim_n_state (ob));
  for (int i = 0; i < interp_optim_n_state (oa); i++)
    {
      cr_assert_str_eq (interp_optim_state_name (oa, i), interp_optim_state_name (ob, i));
      InterpTensor *ta = interp_optim_state (oa, i), *tb = interp_optim_state (ob, i);
      cr_assert_eq (memcmp (ta->data, tb->data, ta->numel * sizeof (float)), 0, "%s",
                    interp_optim_state_name (oa, i));
    }
  interp_optim_free (oa);
  interp_optim_free (ob);
  interp_net_free (a);
  interp_net_free (b);
  g_free (npath);
  g_free (opath);
}

Test (checkpoint, resume_sgd_nesterov) { resume_is_bit_identical (INTERP_OPTIM_SGD); }
Test (checkpoint, resume_adam) { resume_is_bit_identical (INTERP_OPTIM_ADAM); }
Test (checkpoint, resume_adamw) { resume_is_bit_identical (INTERP_OPTIM_ADAMW); }

/* A file of optimiser state crafted from an Adam optimiser after one step,
 * with one change applied by `edit`. */
typedef void (*EditFunc) (GHashTable *tensors, GHashTable *meta);

static char *
crafted_state (InterpNet *net, EditFunc edit)
{
  InterpOptim *opt = make_optim (net, INTERP_OPTIM_ADAM);
  train_step (net, opt, 0);
  GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) interp_tensor_free);
  for (int i = 0; i < interp_optim_n_state (opt); i++)
    g_hash_table_insert (t, g_strdup (interp_optim_state_name (opt, i)),
                         interp_tensor_copy (interp_optim_state (opt, i)));
  GHashTable *meta = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (meta, g_strdup ("interp.optimizer"), g_strdup ("adam"));
  edit (t, meta);
  guint n = 0;
  char **names = (char **) g_hash_table_get_keys_as_array (t, &n);
  InterpTensor **tensors = g_new0 (InterpTensor *, n + 1);
  for (guint i = 0; i < n; i++)
    tensors[i] = g_hash_table_lookup (t, names[i]);
  char *path = tmp_path ("crafted.safetensors");
  cr_assert (interp_safetensors_write (path, (const char *const *) names, tensors, (int) n,
                                       meta, NULL));
  g_free (names);
  g_free (tensors);
  g_hash_table_unref (t);
  g_hash_table_unref (meta);
  interp_optim_free (opt);
  return path;
}

static void edit_none (GHashTable *t, GHashTable *m) { (void) t; (void) m; }
static void
edit_kind (GHashTable *t, GHashTable *m)
{
  (void) t;
  g_hash_table_insert (m, g_strdup ("interp.optimizer"), g_strdup ("sgd"));
}
static void
edit_extra (GHashTable *t, GHashTable *m)
{
  (void) m;
  g_hash_table_insert (t, g_strdup ("nope.exp_avg"), interp_tensor_new_2d (1, 1));
}
static void
edit_shape (GHashTable *t, GHashTable *m)
{
  (void) m;
  g_hash_table_insert (t, g_strdup ("fc.weight.exp_avg"), interp_tensor_new_2d (18, 3));
}
static void
edit_incomplete (GHashTable *t, GHashTable *m)
{
  (void) m;
  g_hash_table_remove (t, "fc.bias.exp_avg_sq");
}
static void
edit_no_step (GHashTable *t, GHashTable *m)
{
  (void) m;
  g_hash_table_remove (t, "step");
}
static void
edit_bad_step (GHashTable *t, GHashTable *m)
{
  (void) m;
  ((InterpTensor *) g_hash_table_lookup (t, "conv.weight.step"))->data[0] = 1.5f;
}

Test (checkpoint, optim_load_is_strict_and_atomic)
{
  struct {
    EditFunc edit;
    int code;
    const char *needle;
  } cases[] = {
    { edit_kind, INTERP_ERROR_FORMAT, "'sgd'" },
    { edit_extra, INTERP_ERROR_FORMAT, "'nope.exp_avg'" },
    { edit_shape, INTERP_ERROR_SHAPE, "'fc.weight.exp_avg'" },
    { edit_incomplete, INTERP_ERROR_MISSING, "'fc.bias.exp_avg_sq'" },
    { edit_no_step, INTERP_ERROR_MISSING, "'step'" },
    { edit_bad_step, INTERP_ERROR_FORMAT, "'conv.weight.step'" },
  };
  InterpNet *net = small_net (3, TRUE, 1);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char *path = crafted_state (net, cases[i].edit);
      /* The victim has taken two steps of its own. */
      InterpOptim *opt = make_optim (net, INTERP_OPTIM_ADAM);
      train_step (net, opt, 5);
      train_step (net, opt, 6);
      int n_state = interp_optim_n_state (opt);
      float m0 = interp_optim_state (opt, 1)->data[0];
      GError *error = NULL;
      cr_assert_not (interp_optim_load (opt, path, &error), "case %zu loaded", i);
      assert_error (error, cases[i].code, path, cases[i].needle);
      g_error_free (error);
      cr_assert_eq (interp_optim_steps (opt), 2);
      cr_assert_eq (interp_optim_n_state (opt), n_state);
      cr_assert_eq (interp_optim_state (opt, 1)->data[0], m0);
      interp_optim_free (opt);
      g_free (path);
    }
  /* The unedited file loads. */
  char *path = crafted_state (net, edit_none);
  InterpOptim *opt = make_optim (net, INTERP_OPTIM_ADAM);
  GError *error = NULL;
  cr_assert (interp_optim_load (opt, path, &error), "%s", error ? error->message : "");
  cr_assert_eq (interp_optim_steps (opt), 1);
  interp_optim_free (opt);
  g_free (path);
  interp_net_free (net);
}

/* State saved before the first step (no per-parameter state yet) loads as
 * such, and PyTorch's lazy buffer creation then happens on the next step. */
Test (checkpoint, optim_state_before_first_step)
{
  InterpNet *net = small_net (3, TRUE, 1);
  InterpOptim *a = make_optim (net, INTERP_OPTIM_SGD);
  char *path = tmp_path ("fresh.safetensors");
  cr_assert (interp_optim_save (a, path, NULL));
  InterpOptim *b = make_optim (net, INTERP_OPTIM_SGD);
  train_step (net, b, 0);
  cr_assert_gt (interp_optim_n_state (b), 1);
  GError *error = NULL;
  cr_assert (interp_optim_load (b, path, &error), "%s", error ? error->message : "");
  cr_assert_eq (interp_optim_n_state (b), 1);
  cr_assert_eq (interp_optim_steps (b), 0);
  interp_optim_free (a);
  interp_optim_free (b);
  g_free (path);
  interp_net_free (net);
}

