/* Memory: the estimate of a network's buffers by hand, sizes as users write
 * them, and a layer too large for memory refused at build time with an error
 * (before, its allocation aborted the process). */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include <interp/error.h>
#include <interp/nn.h>

#include "base/memory.h"
#include "nn/net-memory.h"

/* input 4 -> fc1 (3) -> relu -> drop (p 0.5) -> fc2 (2) */
static InterpNet *
small_mlp (void)
{
  InterpNet *net = interp_net_new (4, 1, 1);
  GError *error = NULL;
  int x = interp_net_linear (net, "fc1", 0, 3, TRUE, &error);
  x = interp_net_relu (net, "relu", x, &error);
  x = interp_net_dropout (net, "drop", x, 0.5f, &error);
  x = interp_net_linear (net, "fc2", x, 2, TRUE, &error);
  cr_assert_geq (x, 0, "%s", error ? error->message : "");
  return net;
}

Test (memory, estimate_by_hand)
{
  InterpNet *net = small_mlp ();
  InterpNetMemory m;
  interp_net_memory_estimate (net, 10, 1, &m);
  /* Per sample, floats of value + gradient: input 4, fc1 3, relu 3, drop 3,
   * fc2 2 = 15 x 2 x 4 bytes = 120; dropout's mask 3 x 4 = 12 more: 132,
   * times 10 samples = 1320.  Parameters: fc1 4*3 + 3 = 15, fc2 3*2 + 2 = 8,
   * 23 floats x (value, gradient, one momentum) x 4 bytes = 276. */
  cr_assert_float_eq (m.parameters, 276.0, 0.0);
  cr_assert_float_eq (m.total, 1320.0 + 276.0, 0.0);
  /* The largest node: drop's 3 x (2 + 1) x 4 x 10 = 360 bytes. */
  cr_assert_str_eq (interp_net_node_name (net, m.largest), "drop");
  cr_assert_float_eq (m.largest_bytes, 360.0, 0.0);
  /* Evaluation: no optimiser state, 23 x 2 x 4. */
  interp_net_memory_estimate (net, 10, 0, &m);
  cr_assert_float_eq (m.parameters, 184.0, 0.0);
  interp_net_free (net);
}

Test (memory, a_layer_too_large_for_memory_is_an_error_not_an_abort)
{
  guint64 available = interp_memory_available ();
  cr_assert_gt (available, 0, "this test needs /proc/meminfo or sysconf");
  InterpNet *net = interp_net_new (1, 1, 1);
  GError *error = NULL;
  /* More weights than bytes available, whatever the machine: 8 bytes each. */
  int64_t out = (int64_t) (available / 8 / 1000 + 1);
  cr_assert_lt (interp_net_linear (net, "huge", 0, 1000 * out, TRUE, &error), 0);
  cr_assert_eq (error->code, INTERP_ERROR_NO_MEMORY, "%s", error->message);
  cr_assert (strstr (error->message, "node 'huge' (linear)")
               && strstr (error->message, "of memory available"), "%s", error->message);
  g_clear_error (&error);
  /* The network is left as it was: the same name can be built, small. */
  cr_assert_geq (interp_net_linear (net, "huge", 0, 3, TRUE, &error), 0, "%s",
                 error ? error->message : "");
  interp_net_free (net);
}

Test (memory, sizes_as_users_write_them)
{
  static const struct {
    const char *text;
    guint64 bytes;
  } good[] = {
    { "1", 1 }, { "1073741824", 1073741824u }, { "512M", 512u << 20 }, { "512m", 512u << 20 },
    { "1.5G", 3u << 29 }, { "2GiB", 2ull << 30 }, { "8GB", 8ull << 30 }, { "1T", 1ull << 40 },
    { "4K", 4096 }, { "10 kB", 10240 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      guint64 v = 0;
      cr_assert (interp_memory_parse (good[i].text, &v), "'%s' refused", good[i].text);
      cr_assert_eq (v, good[i].bytes, "'%s': %" G_GUINT64_FORMAT, good[i].text, v);
    }
  const char *bad[] = { "", "G", "12Q", "-1", "0", "0.5", "nan", "1e30", "8 G B", NULL };
  for (const char *const *b = bad; *b; b++)
    {
      guint64 v = 0;
      cr_assert_not (interp_memory_parse (*b, &v), "'%s' accepted as %" G_GUINT64_FORMAT, *b, v);
    }
  char *s = interp_memory_format (154618822656.0);
  cr_assert_str_eq (s, "154.6 GB");
  g_free (s);
  s = interp_memory_format (999.0);
  cr_assert_str_eq (s, "999 bytes");
  g_free (s);
}
