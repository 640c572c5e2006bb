/* Network and optimiser checkpoints: bit-exact round trips, strict loading
 * that leaves everything unchanged on error, and a resumed training run that
 * is bit-identical to an uninterrupted one. */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/checkpoint.h>
#include <interp/error.h>
#include <interp/optim.h>

static char *tmpdir;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("interp-ckpt-XXXXXX", NULL);
  cr_assert_not_null (tmpdir);
}

static void
teardown (void)
{
  GDir *d = g_dir_open (tmpdir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      char *p = g_build_filename (tmpdir, name, NULL);
      g_unlink (p);
      g_free (p);
    }
  if (d)
    g_dir_close (d);
  g_rmdir (tmpdir);
  g_free (tmpdir);
}

TestSuite (checkpoint, .init = setup, .fini = teardown);

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* conv(1 -> 2, 3x3) -> bn -> relu -> flatten -> fc(18 -> n_out); with_fc
 * FALSE stops after the flatten. */
static InterpNet *
small_net (int64_t n_out, gboolean with_fc, uint64_t seed)
{
  InterpNet *net = interp_net_new (1, 3, 3);
  GError *error = NULL;
  int conv = interp_net_conv2d (net, "conv", 0, 2, 3, 1, 1, 1, TRUE, &error);
  int bn = interp_net_batchnorm (net, "bn", conv, 1e-5f, 0.1f, &error);
  int relu = interp_net_relu (net, "relu", bn, &error);
  int flat = interp_net_flatten (net, "flat", relu, &error);
  cr_assert (flat > 0, "%s", error ? error->message : "");
  if (with_fc)
    cr_assert (interp_net_linear (net, "fc", flat, n_out, TRUE, &error) > 0);
  InterpRng rng;
  interp_rng_derive (&rng, seed, "init");
  interp_net_init (net, &rng);
  /* Non-trivial running statistics and biases. */
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      if (p->is_buffer || g_str_has_suffix (p->name, ".bias"))
        for (size_t j = 0; j < p->value->numel; j++)
          p->value->data[j] = (float) interp_rng_uniform (&rng) + 0.5f;
    }
  return net;
}

/* Copies of every parameter value, to compare after a failed load. */
static GPtrArray *
snapshot (InterpNet *net)
{
  GPtrArray *a = g_ptr_array_new_with_free_func ((GDestroyNotify) interp_tensor_free);
  for (int i = 0; i < interp_net_n_params (net); i++)
    g_ptr_array_add (a, interp_tensor_copy (interp_net_param (net, i)->value));
  return a;
}

static void
assert_same_params (InterpNet *net, GPtrArray *snap)
{
  cr_assert_eq ((int) snap->len, interp_net_n_params (net));
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      const InterpTensor *s = g_ptr_array_index (snap, i);
      cr_assert (interp_tensor_same_shape (s, p->value));
      cr_assert_eq (memcmp (s->data, p->value->data, s->numel * sizeof (float)), 0,
                    "%s changed", p->name);
    }
}

static void
assert_error (GError *error, int code, const char *path, const char *tensor)
{
  cr_assert_not_null (error);
  cr_assert_eq (error->code, code, "code %d: %s", error->code, error->message);
  cr_assert_not_null (strstr (error->message, path), "%s", error->message);
  if (tensor)
    cr_assert_not_null (strstr (error->message, tensor), "%s", error->message);
}

/* ---- networks ----------------------------------------------------------------- */

Test (checkpoint, net_round_trip_is_bit_exact)
{
  InterpNet *a = small_net (3, TRUE, 1), *b = small_net (3, TRUE, 2);
  char *path = tmp_path ("net.safetensors");
  GError *error = NULL;
  cr_assert (interp_net_save (a, path, &error));
  GPtrArray *snap = snapshot (a);
  cr_assert (interp_net_load (b, path, &error), "%s", error ? error->message : "");
  assert_same_params (b, snap);

  /* The file holds every parameter and buffer by name, plus the format. */
  GHashTable *meta = NULL;
  GHashTable *t = interp_safetensors_read (path, &meta, NULL);
  cr_assert_eq ((int) g_hash_table_size (t), interp_net_n_params (a));
  cr_assert_not_null (g_hash_table_lookup (t, "bn.running_var"));
  cr_assert_not_null (g_hash_table_lookup (t, "fc.weight"));
  cr_assert_str_eq (g_hash_table_lookup (meta, "format"), "pt");
  g_hash_table_unref (t);
  g_hash_table_unref (meta);

  g_ptr_array_unref (snap);
  g_free (path);
  interp_net_free (a);
  interp_net_free (b);
}

Test (checkpoint, missing_tensor_is_refused)
{
  InterpNet *small = small_net (3, FALSE, 1), *full = small_net (3, TRUE, 2);
  char *path = tmp_path ("nofc.safetensors");
  cr_assert (interp_net_save (small, path, NULL));
  GPtrArray *snap = snapshot (full);
  GError *error = NULL;
  cr_assert_not (interp_net_load (full, path, &error));
  assert_error (error, INTERP_ERROR_MISSING, path, "'fc.weight'");
  g_error_free (error);
  assert_same_params (full, snap);
  g_ptr_array_unref (snap);
  g_free (path);
  interp_net_free (small);
  interp_net_free (full);
}

Test (checkpoint, extra_tensor_is_refused)
{
  InterpNet *small = small_net (3, FALSE, 1), *full = small_net (3, TRUE, 2);
  char *path = tmp_path ("full.safetensors");
  cr_assert (interp_net_save (full, path, NULL));
  GPtrArray *snap = snapshot (small);
  GError *error = NULL;
  cr_assert_not (interp_net_load (small, path, &error));
  assert_error (error, INTERP_ERROR_FORMAT, path, "'fc.bias'");
  g_error_free (error);
  assert_same_params (small, snap);
  g_ptr_array_unref (snap);
  g_free (path);
  interp_net_free (small);
  interp_net_free (full);
}

Test (checkpoint, wrong_shape_is_refused)
{
  InterpNet *three = small_net (3, TRUE, 1), *four = small_net (4, TRUE, 2);
  char *path = tmp_path ("three.safetensors");
  cr_assert (interp_net_save (three, path, NULL));
  GPtrArray *snap = snapshot (four);
  GError *error = NULL;
  cr_assert_not (interp_net_load (four, path, &error));
  assert_error (error, INTERP_ERROR_SHAPE, path, "'fc.weight'");
  cr_assert_not_null (strstr (error->message, "[3, 18]"), "%s", error->message);
  g_error_free (error);
  assert_same_params (four, snap);
  g_ptr_array_unref (snap);
  g_free (path);
  interp_net_free (three);
  interp_net_free (four);
}

Test (checkpoint, renamed_tensor_gets_a_hint)
{
  InterpNet *net = small_net (3, TRUE, 1);
  int n = interp_net_n_params (net);
  const char **names = g_new0 (const char *, n);
  InterpTensor **tensors = g_new0 (InterpTensor *, n);
  for (int i = 0; i < n; i++)
    {
      InterpParam *p = interp_net_param (net, i);
      names[i] = g_str_equal (p->name, "fc.bias") ? "fc.bais" : p->name;
      tensors[i] = p->value;
    }
  char *path = tmp_path ("typo.safetensors");
  cr_assert (interp_safetensors_write (path, names, tensors, n, NULL, NULL));
  GError *error = NULL;
  cr_assert_not (interp_net_load (net, path, &error));
  assert_error (error, INTERP_ERROR_MISSING, path, "'fc.bias'");
  cr_assert_not_null (strstr (error->message, "fc.bais"), "%s", error->message);
  g_error_free (error);
  g_free (names);
  g_free (tensors);
  g_free (path);
  interp_net_free (net);
}

Test (checkpoint, malformed_or_missing_file_is_refused)
{
  InterpNet *net = small_net (3, TRUE, 1);
  GPtrArray *snap = snapshot (net);
  char *path = tmp_path ("garbage.safetensors");
  g_file_set_contents (path, "\x05\0\0\0\0\0\0\0{\"a\":", 13, NULL);
  GError *error = NULL;
  cr_assert_not (interp_net_load (net, path, &error));
  assert_error (error, INTERP_ERROR_FORMAT, path, NULL);
  g_clear_error (&error);
  char *absent = tmp_path ("absent.safetensors");
  cr_assert_not (interp_net_load (net, absent, &error));
  assert_error (error, INTERP_ERROR_IO, absent, NULL);
  g_clear_error (&error);
  assert_same_params (net, snap);
  g_ptr_array_unref (snap);
  g_free (absent);
  g_free (path);
  interp_net_free (net);
}

/* A PyTorch BatchNorm state_dict carries an int64 num_batches_tracked. */
Test (checkpoint, torch_num_batches_tracked_is_ignored)
{
  InterpNet *net = interp_net_new (3, 1, 1);
  cr_assert (interp_net_linear (net, "fc", 0, 2, TRUE, NULL) > 0);
  const char *header =
    "{\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
    "\"fc.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]},"
    "\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[32,40]}}";
  GByteArray *b = g_byte_array_new ();
  guint64 n = strlen (header);
  for (int i = 0; i < 8; i++)
    {
      guint8 c = (guint8) (n >> (8 * i));
      g_byte_array_append (b, &c, 1);
    }
  g_byte_array_append (b, (const guint8 *) header, (guint) n);
  for (int i = 0; i < 8; i++)
    {
      float f = (float) i - 3.5f;
      guint32 u;
      memcpy (&u, &f, 4);
      u = GUINT32_TO_LE (u);
      g_byte_array_append (b, (const guint8 *) &u, 4);
    }
  guint64 count = GUINT64_TO_LE (1234);
  g_byte_array_append (b, (const guint8 *) &count, 8);
  char *path = tmp_path ("torch.safetensors");
  g_file_set_contents (path, (const char *) b->data, b->len, NULL);
  g_byte_array_unref (b);

  GError *error = NULL;
  cr_assert (interp_net_load (net, path, &error), "%s", error ? error->message : "");
  InterpParam *w = interp_net_find_param (net, "fc.weight"), *bias = interp_net_find_param (net, "fc.bias");
  for (int i = 0; i < 6; i++)
    cr_assert_eq (w->value->data[i], (float) i - 3.5f);
  cr_assert_eq (bias->value->data[1], 3.5f);

  /* The generic reader is strict about the dtype and says which. */
  cr_assert_null (interp_safetensors_read (path, NULL, &error));
  assert_error (error, INTERP_ERROR_FORMAT, path, "I64");
  cr_assert_not_null (strstr (error->message, "bn.num_batches_tracked"));
  g_error_free (error);
  g_free (path);
  interp_net_free (net);
}

Test (checkpoint, load_applies_masks)
{
  InterpNet *a = small_net (3, TRUE, 1), *b = small_net (3, TRUE, 2);
  char *path = tmp_path ("m.safetensors");
  cr_assert (interp_net_save (a, path, NULL));
  InterpTensor *mask = interp_tensor_new_2d (3, 18);
  interp_tensor_fill (mask, 1.0f);
  mask->data[5] = 0.0f;
  cr_assert (interp_net_set_mask (b, "fc.weight", mask, NULL));
  cr_assert (interp_net_load (b, path, NULL));
  const InterpTensor *wa = interp_net_find_param (a, "fc.weight")->value;
  const InterpTensor *wb = interp_net_find_param (b, "fc.weight")->value;
  cr_assert_neq (wa->data[5], 0.0f);
  cr_assert_eq (wb->data[5], 0.0f);
  cr_assert_eq (wb->data[6], wa->data[6]);
  interp_tensor_free (mask);
  g_free (path);
  interp_net_free (a);
  interp_net_free (b);
}

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

/* ---- PyTorch interchange ------------------------------------------------------ */

static gboolean
have_torch (void)
{
  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  char *argv[] = { "/usr/bin/python3", "-c", "import torch, numpy", NULL };
  int status = 1;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* The same conv -> bn -> relu -> flatten -> fc model in torch; safetensors
 * read and written with json + struct (the reference layout), so the test
 * needs no safetensors package. */
static const char torch_script[] =
  "import json, struct, sys, torch\n"
  "from torch import nn\n"
  "class M(nn.Module):\n"
  "    def __init__(s):\n"
  "        super().__init__()\n"
  "        s.conv = nn.Conv2d(1, 2, 3, padding=1)\n"
  "        s.bn = nn.BatchNorm2d(2)\n"
  "        s.fc = nn.Linear(18, 3)\n"
  "    def forward(s, x):\n"
  "        return s.fc(torch.relu(s.bn(s.conv(x))).flatten(1))\n"
  "def load(path):\n"
  "    b = open(path, 'rb').read()\n"
  "    n = struct.unpack('<Q', b[:8])[0]\n"
  "    h = json.loads(b[8:8 + n])\n"
  "    d = b[8 + n:]\n"
  "    sd = {}\n"
  "    for k, e in h.items():\n"
  "        if k == '__metadata__': continue\n"
  "        assert e['dtype'] == 'F32'\n"
  "        s, t = e['data_offsets']\n"
  "        sd[k] = torch.frombuffer(bytearray(d[s:t]), dtype=torch.float32).reshape(e['shape'])\n"
  "    return sd\n"
  "def save(sd, path):\n"
  "    hdr = {'__metadata__': {'format': 'pt'}}\n"
  "    off = 0\n"
  "    blobs = []\n"
  "    for k in sorted(sd):\n"
  "        t = sd[k].contiguous()\n"
  "        raw = t.numpy().tobytes()\n"
  "        dt = {torch.float32: 'F32', torch.int64: 'I64'}[t.dtype]\n"
  "        hdr[k] = {'dtype': dt, 'shape': list(t.shape), 'data_offsets': [off, off + len(raw)]}\n"
  "        off += len(raw)\n"
  "        blobs.append(raw)\n"
  "    j = json.dumps(hdr, separators=(',', ':')).encode()\n"
  "    j += b' ' * ((8 - len(j) % 8) % 8)\n"
  "    open(path, 'wb').write(struct.pack('<Q', len(j)) + j + b''.join(blobs))\n"
  "x = torch.arange(18, dtype=torch.float32).sub(9).div(8).reshape(2, 1, 3, 3)\n"
  "m = M().eval()\n"
  "r = m.load_state_dict(load(sys.argv[1]), strict=False)\n"
  "assert not r.unexpected_keys, r\n"
  "assert all(k.endswith('num_batches_tracked') for k in r.missing_keys), r\n"
  "with torch.no_grad():\n"
  "    print(' '.join(repr(v) for v in m(x).flatten().tolist()))\n"
  "torch.manual_seed(0)\n"
  "m2 = M()\n"
  "with torch.no_grad():\n"
  "    m2.bn.running_mean.uniform_(-0.5, 0.5)\n"
  "    m2.bn.running_var.uniform_(0.5, 1.5)\n"
  "    m2.bn.weight.uniform_(0.5, 1.5)\n"
  "    m2.bn.bias.uniform_(-0.5, 0.5)\n"
  "m2.bn.num_batches_tracked += 7\n"
  "m2.eval()\n"
  "save(m2.state_dict(), sys.argv[2])\n"
  "with torch.no_grad():\n"
  "    print(' '.join(repr(v) for v in m2(x).flatten().tolist()))\n";

static void
assert_outputs (InterpNet *net, const char *line, const char *what)
{
  InterpTensor *x = interp_tensor_new_4d (2, 1, 3, 3);
  for (int i = 0; i < 18; i++)
    x->data[i] = ((float) i - 9.0f) / 8.0f;
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  cr_assert (interp_net_forward (net, x, NULL));
  const InterpTensor *y = interp_net_value (net, interp_net_output_node (net));
  char **vals = g_strsplit (line, " ", -1);
  cr_assert_eq (g_strv_length (vals), y->numel, "%s: %s", what, line);
  for (size_t i = 0; i < y->numel; i++)
    {
      double ref = g_ascii_strtod (vals[i], NULL);
      cr_assert (fabs (y->data[i] - ref) <= 1e-5 * (1 + fabs (ref)),
                 "%s: output %zu ours %.9g torch %.9g", what, i, (double) y->data[i], ref);
    }
  g_strfreev (vals);
  interp_tensor_free (x);
}

Test (checkpoint, weights_move_to_and_from_torch)
{
  if (!have_torch ())
    cr_skip_test ("python3 with torch and numpy not installed");
  InterpNet *ours = small_net (3, TRUE, 5);
  char *to_torch = tmp_path ("to-torch.safetensors");
  char *from_torch = tmp_path ("from-torch.safetensors");
  cr_assert (interp_net_save (ours, to_torch, NULL));

  char *argv[] = { "/usr/bin/python3", "-c", (char *) torch_script, to_torch, from_torch, NULL };
  char *out = NULL, *err = NULL;
  int status = 0;
  cr_assert (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                           &status, NULL));
  cr_assert (g_spawn_check_wait_status (status, NULL), "python: %s", err);
  char **lines = g_strsplit (g_strstrip (out), "\n", -1);
  cr_assert_eq (g_strv_length (lines), 2, "%s", out);

  assert_outputs (ours, lines[0], "interp weights in torch");

  InterpNet *loaded = small_net (3, TRUE, 6);
  GError *error = NULL;
  cr_assert (interp_net_load (loaded, from_torch, &error), "%s", error ? error->message : "");
  assert_outputs (loaded, lines[1], "torch weights in interp");

  g_strfreev (lines);
  g_free (out);
  g_free (err);
  g_free (to_torch);
  g_free (from_torch);
  interp_net_free (ours);
  interp_net_free (loaded);
}
