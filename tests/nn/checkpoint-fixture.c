/* Fixtures of the checkpoint tests: see checkpoint-fixture.h. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include <glib/gstdio.h>

#include "checkpoint-fixture.h"

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

/* The one declaration of the suite: it applies to the tests of every source
 * file of the program. */
TestSuite (checkpoint, .init = setup, .fini = teardown);

char *
tmp_path (const char *name)
{
  cr_assert_not_null (tmpdir, "the checkpoint suite's .init did not run");
  return g_build_filename (tmpdir, name, NULL);
}

InterpNet *
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

GPtrArray *
snapshot (InterpNet *net)
{
  GPtrArray *a = g_ptr_array_new_with_free_func ((GDestroyNotify) interp_tensor_free);
  for (int i = 0; i < interp_net_n_params (net); i++)
    g_ptr_array_add (a, interp_tensor_copy (interp_net_param (net, i)->value));
  return a;
}

void
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

void
assert_error (GError *error, int code, const char *path, const char *tensor)
{
  cr_assert_not_null (error);
  cr_assert_eq (error->code, code, "code %d: %s", error->code, error->message);
  cr_assert_not_null (strstr (error->message, path), "%s", error->message);
  if (tensor)
    cr_assert_not_null (strstr (error->message, tensor), "%s", error->message);
}

