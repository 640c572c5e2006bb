/* Network checkpoints (core/nn/checkpoint.c): bit-exact round trips, and
 * strict loading that leaves everything unchanged on error.  Optimiser
 * state and resuming are tested in test-checkpoint-optim.c, interchange
 * with PyTorch in test-checkpoint-torch.c (one program: test-checkpoint). */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/checkpoint.h>
#include <interp/error.h>
#include <interp/optim.h>

#include "checkpoint-fixture.h"

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


/* normalize(mean, std) -> flatten -> fc(8 -> 3) on 2 x 2 x 2 inputs. */
static InterpNet *
normalized_net (float mean0, float std0, uint64_t seed)
{
  GError *error = NULL;
  InterpNet *net = interp_net_new (2, 2, 2);
  const float mean[2] = { mean0, 0.25f }, std[2] = { std0, 0.5f };
  int x = interp_net_normalize (net, "normalize", 0, mean, std, &error);
  x = interp_net_flatten (net, "flatten", x, &error);
  x = interp_net_linear (net, "fc", x, 3, TRUE, &error);
  cr_assert_geq (x, 0, "%s", error ? error->message : "");
  InterpRng rng;
  interp_rng_seed (&rng, seed);
  interp_net_init (net, &rng);
  return net;
}

static void
logits_of (InterpNet *net, float *out)
{
  InterpTensor *x = interp_tensor_new_4d (2, 2, 2, 2);
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] = (float) i / 16.0f;
  GError *error = NULL;
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  cr_assert (interp_net_forward (net, x, &error), "%s", error ? error->message : "");
  memcpy (out, interp_net_value (net, interp_net_output_node (net))->data, 6 * sizeof (float));
  interp_tensor_free (x);
}

Test (checkpoint, normalisation_travels_with_the_weights)
{
  InterpNet *a = normalized_net (0.3f, 0.2f, 7);
  char *path = tmp_path ("normalized.safetensors");
  GError *error = NULL;
  cr_assert (interp_net_save (a, path, &error), "%s", error ? error->message : "");
  GHashTable *t = interp_safetensors_read (path, NULL, &error);
  cr_assert_not_null (t, "%s", error ? error->message : "");
  InterpTensor *std = g_hash_table_lookup (t, "normalize.std");
  cr_assert (std && std->numel == 2 && std->data[0] == 0.2f && std->data[1] == 0.5f);
  g_hash_table_unref (t);

  /* Built from other statistics (another training split), then loaded. */
  InterpNet *b = normalized_net (0.9f, 3.0f, 8);
  cr_assert (interp_net_load (b, path, &error), "%s", error ? error->message : "");
  float la[6], lb[6];
  logits_of (a, la);
  logits_of (b, lb);
  cr_assert_arr_eq (la, lb, sizeof la, "the loaded net predicts differently");
  interp_net_free (a);
  interp_net_free (b);
  g_free (path);
}

Test (checkpoint, state_dict_without_normalisation_keeps_the_nets)
{
  InterpNet *a = normalized_net (0.3f, 0.2f, 7);
  /* Only the fc layer, as a PyTorch state_dict of the model would have it. */
  const char *names[] = { "fc.weight", "fc.bias" };
  InterpTensor *tensors[] = { interp_net_find_param (a, "fc.weight")->value,
                              interp_net_find_param (a, "fc.bias")->value };
  char *path = tmp_path ("fc-only.safetensors");
  GError *error = NULL;
  cr_assert (interp_safetensors_write (path, names, tensors, 2, NULL, &error), "%s",
             error ? error->message : "");
  InterpNet *b = normalized_net (0.3f, 0.2f, 99);
  cr_assert (interp_net_load (b, path, &error), "%s", error ? error->message : "");
  float la[6], lb[6];
  logits_of (a, la);
  logits_of (b, lb);
  cr_assert_arr_eq (la, lb, sizeof la);
  interp_net_free (a);
  interp_net_free (b);
  g_free (path);
}

Test (checkpoint, unusable_normalisation_is_refused)
{
  InterpNet *a = normalized_net (0.3f, 0.2f, 7);
  interp_net_find_param (a, "normalize.std")->value->data[1] = 0.0f;
  char *path = tmp_path ("zero-std.safetensors");
  GError *error = NULL;
  cr_assert (interp_net_save (a, path, &error), "%s", error ? error->message : "");
  InterpNet *b = normalized_net (0.3f, 0.2f, 8);
  GPtrArray *snap = snapshot (b);
  cr_assert_not (interp_net_load (b, path, &error));
  assert_error (error, INTERP_ERROR_FORMAT, path, "normalize.std");
  cr_assert (strstr (error->message, "element 1"), "%s", error->message);
  assert_same_params (b, snap);
  g_ptr_array_unref (snap);
  g_clear_error (&error);
  interp_net_free (a);
  interp_net_free (b);
  g_free (path);
}

/* A diverged network's file is refused, naming the tensor, the value and
 * its first flat index, and leaves the network unchanged; the flag loads
 * it as it is. */
static void
check_non_finite (const char *tensor, size_t at, float bad, const char *shown)
{
  InterpNet *a = small_net (3, TRUE, 1);
  InterpTensor *t = interp_net_find_param (a, tensor)->value;
  cr_assert_lt (at + 1, t->numel);
  t->data[at] = bad;
  t->data[at + 1] = -bad;          /* only the first bad index is named */
  char *path = tmp_path ("diverged.safetensors");
  GError *error = NULL;
  cr_assert (interp_net_save (a, path, &error), "%s", error ? error->message : "");
  InterpNet *b = small_net (3, TRUE, 2);
  GPtrArray *snap = snapshot (b);
  cr_assert_not (interp_net_load (b, path, &error));
  char *quoted = g_strdup_printf ("'%s'", tensor);
  assert_error (error, INTERP_ERROR_NON_FINITE, path, quoted);
  char *want = g_strdup_printf ("has a non-finite value (%s) at index %zu", shown, at);
  cr_assert (strstr (error->message, want), "%s", error->message);
  g_clear_error (&error);
  assert_same_params (b, snap);

  cr_assert (interp_net_load_flags (b, path, INTERP_LOAD_ALLOW_NON_FINITE, &error), "%s",
             error ? error->message : "");
  const InterpTensor *got = interp_net_find_param (b, tensor)->value;
  cr_assert_eq (memcmp (got->data, t->data, t->numel * sizeof (float)), 0);
  g_free (want);
  g_free (quoted);
  g_ptr_array_unref (snap);
  interp_net_free (a);
  interp_net_free (b);
  g_free (path);
}

Test (checkpoint, nan_weight_is_refused) { check_non_finite ("conv.weight", 16, NAN, "nan"); }
Test (checkpoint, inf_bias_is_refused) { check_non_finite ("fc.bias", 1, INFINITY, "inf"); }
Test (checkpoint, neg_inf_running_var_is_refused)
{
  check_non_finite ("bn.running_var", 0, -INFINITY, "-inf");
}
