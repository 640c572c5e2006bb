/* interp-bench: talking to the PyTorch reference (bench/pytorch_reference.py).
 * The check files that let it prove it builds the same functions, running
 * it, and reading its JSON back. */
#include "config.h"

#include "bench.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* ---- architecture check ------------------------------------------------------ */

/* One record of a check file: int32 name length, the name, int32 ndim,
 * int64 dims, float32 data (all little-endian on the machines we run). */
static void
write_record (FILE *f, const char *name, const InterpTensor *t)
{
  int32_t len = (int32_t) strlen (name), ndim = t->ndim;
  fwrite (&len, sizeof len, 1, f);
  fwrite (name, 1, (size_t) len, f);
  fwrite (&ndim, sizeof ndim, 1, f);
  for (int i = 0; i < t->ndim; i++)
    {
      int64_t d = t->shape[i];
      fwrite (&d, sizeof d, 1, f);
    }
  fwrite (t->data, sizeof (float), t->numel, f);
}

/* Writes what pytorch_reference.py --check needs to prove the two
 * architectures are the same function: every parameter and buffer, an
 * input batch x, the train-mode logits, the cross-entropy gradients of
 * every parameter (labels 0..n-1) and the BN running statistics after that
 * step ("after:" + name), and the eval-mode logits. */
gboolean
bench_write_check (InterpNet *net, int64_t c, int64_t h, int64_t w, const char *path,
                   InterpRng *rng, GError **error)
{
  enum { N = 8 };
  FILE *f = fopen (path, "wb");
  if (f == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot write", path);
      return FALSE;
    }
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *p = interp_net_param (net, i);
      write_record (f, p->name, p->value);
    }
  InterpTensor *x = interp_tensor_new_4d (N, c, h, w);
  for (size_t i = 0; i < x->numel; i++)
    x->data[i] = (float) interp_rng_uniform (rng);
  int32_t labels[N];
  for (int i = 0; i < N; i++)
    labels[i] = i % 10;
  write_record (f, "x", x);

  int out = interp_net_output_node (net);
  gboolean ok;
  interp_net_set_mode (net, INTERP_MODE_TRAIN);
  interp_net_zero_param_grad (net);
  ok = interp_net_forward (net, x, error);
  if (ok)
    {
      write_record (f, "train_logits", interp_net_value (net, out));
      interp_net_zero_grad (net);
      interp_softmax_cross_entropy (interp_net_value (net, out), labels, 0.0f,
                                    interp_net_grad (net, out), 1.0f, NULL);
      interp_net_backward (net);
      for (int i = 0; i < interp_net_n_params (net); i++)
        {
          InterpParam *p = interp_net_param (net, i);
          g_autofree char *name = g_strconcat (p->grad ? "grad:" : "after:", p->name, NULL);
          write_record (f, name, p->grad ? p->grad : p->value);
        }
      interp_net_set_mode (net, INTERP_MODE_EVAL);
      ok = interp_net_forward (net, x, error);
    }
  if (ok)
    write_record (f, "eval_logits", interp_net_value (net, out));
  interp_tensor_free (x);
  if (fclose (f) != 0 && ok)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: write failed", path);
      ok = FALSE;
    }
  return ok;
}

/* ---- the PyTorch reference -------------------------------------------------- */

/* Runs the reference script; its parsed JSON, or NULL with a reason. */
JsonNode *
bench_run_reference (const char *python, const char *script, int threads, int warmup, int iters,
                     int train_batch, int infer_batch, const char *const *extra, char **why)
{
  g_autofree char *t = g_strdup_printf ("%d", threads);
  g_autofree char *w = g_strdup_printf ("%d", warmup);
  g_autofree char *n = g_strdup_printf ("%d", iters);
  g_autofree char *tb = g_strdup_printf ("%d", train_batch);
  g_autofree char *ib = g_strdup_printf ("%d", infer_batch);
  const char *base[] = { python, script, "--threads", t, "--warmup", w,
                         "--iters", n, "--train-batch", tb, "--infer-batch", ib };
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  for (size_t i = 0; i < G_N_ELEMENTS (base); i++)
    g_ptr_array_add (argv, (gpointer) base[i]);
  for (; extra && *extra; extra++)
    g_ptr_array_add (argv, (gpointer) *extra);
  g_ptr_array_add (argv, NULL);
  return bench_spawn_json ((char **) argv->pdata, why);
}

JsonNode *
bench_spawn_json (char **argv, char **why)
{
  g_autofree char *out = NULL;
  int status = 0;
  GError *error = NULL;
  fprintf (stderr, "running the PyTorch reference: %s %s\n", argv[0], argv[1]);
  /* The script's progress lines go straight to our stderr. */
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status,
                     &error))
    {
      *why = g_strdup (error->message);
      g_error_free (error);
      return NULL;
    }
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      *why = g_strdup_printf ("%s failed (exit status %d%s)", argv[1],
                              WIFEXITED (status) ? WEXITSTATUS (status) : -1,
                              WIFEXITED (status) && WEXITSTATUS (status) == 3
                              ? ": torch cannot be imported" : "");
      return NULL;
    }
  JsonParser *parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, out, -1, &error))
    {
      *why = g_strdup_printf ("%s printed no JSON: %s", argv[1], error->message);
      g_error_free (error);
      g_object_unref (parser);
      return NULL;
    }
  JsonNode *root = json_node_copy (json_parser_get_root (parser));
  g_object_unref (parser);
  return root;
}

/* A number of the reference's JSON, or NAN: root[key] when section is
 * NULL, root[section][key] or root[section][key][member]. */
double
bench_ref_double (JsonObject *root, const char *section, const char *key, const char *member)
{
  JsonObject *o = root;
  if (section)
    {
      JsonNode *s = json_object_get_member (root, section);
      o = s && JSON_NODE_HOLDS_OBJECT (s) ? json_node_get_object (s) : NULL;
    }
  JsonNode *node = o ? json_object_get_member (o, key) : NULL;
  if (node && member)
    {
      JsonObject *m = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      node = m ? json_object_get_member (m, member) : NULL;
    }
  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : NAN;
}

/* The reference's verdict on the same-weights check (see write_check);
 * FALSE when a model differs or was not checked. */
gboolean
bench_print_check (JsonObject *ref, Model *models, int n_models)
{
  gboolean all_same = TRUE;
  JsonNode *node = json_object_get_member (ref, "check");
  JsonObject *check = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  for (int i = 0; i < n_models; i++)
    {
      JsonNode *m = check ? json_object_get_member (check, models[i].name) : NULL;
      JsonObject *o = m && JSON_NODE_HOLDS_OBJECT (m) ? json_node_get_object (m) : NULL;
      if (o == NULL || !json_object_has_member (o, "same"))
        {
          fprintf (stderr, "interp-bench: WARNING: %s: the reference did not check the "
                   "architecture\n", models[i].name);
          all_same = FALSE;
          continue;
        }
      gboolean same = json_object_get_boolean_member (o, "same");
      fprintf (stderr, "%s %s vs PyTorch with the same weights: logits max |diff| %.2g "
               "(train) %.2g (eval), parameter gradients max relative diff %.2g: %s\n",
               same ? "interp-bench:" : "interp-bench: WARNING:", models[i].name,
               bench_ref_double (o, NULL, "train_logits_max_abs", NULL),
               bench_ref_double (o, NULL, "eval_logits_max_abs", NULL),
               bench_ref_double (o, NULL, "grad_max_rel", NULL),
               same ? "same function" : "THE ARCHITECTURES DIFFER");
      all_same = all_same && same;
    }
  return all_same;
}
