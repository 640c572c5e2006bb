/* Checkpoints move weights to and from PyTorch (skipped when python3 with
 * torch and numpy is not installed). */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/checkpoint.h>
#include <interp/error.h>
#include <interp/optim.h>

#include "checkpoint-fixture.h"

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
