/* The bad-input catalogue: every case is a mistake a user makes (in a
 * pipeline, a dataset, a checkpoint, the options or a run folder).  Each
 * must end with exit status 1 (the run failed) or 2 (the input was refused
 * before anything ran), ONE error message naming the file, group, key or
 * byte offset, and an earlier finished run folder byte for byte as it was.
 * The cases' files are generated here (IDX, CIFAR, PNG, safetensors), so
 * the catalogue needs no dataset installed. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <zlib.h>

#include "../test-tree.h"

static char *tmpdir;

/* Tokens replaced in a case's arguments, pipeline text and expected text. */
#define TOK_PIPE "{pipe}"       /* the case's pipeline file */
#define TOK_EARLIER "{earlier}" /* the finished run every case must leave alone */
#define TOK_FRESH "{fresh}"     /* an output folder of the case's own */
#define TOK_DIR "{dir}"         /* the folder of generated files */

typedef struct {
  const char *name;
  const char *pipeline;     /* text with TOK_DIR; NULL: no file (or TOK_PIPE is a path below) */
  const char *argv[10];     /* after interp-run; NULL-terminated */
  int status;
  const char *expect[3];    /* substrings of the message (after TOK_DIR substitution) */
} Case;

#define SMOKE_HEAD                                                                        \
  "[pipeline]\nname = smoke\nseed = 1\n"                                                  \
  "[dataset]\nplugin = synthetic\ntrain-size = 256\ntest-size = 128\nval-split = 0.25\n"
#define SMOKE_MODEL "[model]\nplugin = mlp\nhidden = 16\n"
#define SMOKE_TRAIN "[train]\nepochs = 1\nbatch-size = 32\n"
#define SMOKE_METRIC "[metric:accuracy]\nplugin = accuracy\n"
#define SMOKE SMOKE_HEAD SMOKE_MODEL SMOKE_TRAIN SMOKE_METRIC
#define IDX_PIPE(sub)                                                                     \
  "[pipeline]\nname = idx\n[dataset]\nplugin = mnist\npath = " TOK_DIR "/" sub "\n"          \
  SMOKE_MODEL SMOKE_TRAIN SMOKE_METRIC
#define CKPT_PIPE(file)                                                                   \
  SMOKE_HEAD SMOKE_MODEL "[train]\nepochs = 0\ncheckpoint = " file "\n" SMOKE_METRIC
#define RUN_ARGS { TOK_PIPE, "--output", TOK_FRESH, "-q", NULL }
#define CHECK_ARGS { TOK_PIPE, "--output", TOK_EARLIER, "-q", NULL }

static const Case cases[] = {
  /* ---- pipeline files ---- */
  { "not a key file", "\x01garbage\n[x", CHECK_ARGS, 2, { "case.ini", "not a valid key file" } },
  { "unknown group", SMOKE "[foo]\nbar = 1\n", CHECK_ARGS, 2, { "case.ini", "[foo]", "unknown group" } },
  { "misspelt key", SMOKE_HEAD SMOKE_MODEL "[train]\nepoch = 1\n" SMOKE_METRIC, CHECK_ARGS, 2,
    { "[train]", "unknown key 'epoch'", "did you mean 'epochs'" } },
  { "not an integer", SMOKE_HEAD SMOKE_MODEL "[train]\nepochs = many\n" SMOKE_METRIC, CHECK_ARGS,
    2, { "[train]", "key 'epochs'", "'many'" } },
  { "out of range", SMOKE_HEAD SMOKE_MODEL "[train]\nepochs = -1\n" SMOKE_METRIC, CHECK_ARGS, 2,
    { "[train]", "key 'epochs'", "out of range" } },
  { "bad choice", SMOKE_HEAD SMOKE_MODEL "[train]\noptimizer = sgdd\n" SMOKE_METRIC, CHECK_ARGS,
    2, { "key 'optimizer'", "'sgdd'", "sgd, adam" } },
  { "missing model", SMOKE_HEAD SMOKE_TRAIN SMOKE_METRIC, CHECK_ARGS, 2,
    { "case.ini", "[model] group is missing" } },
  { "missing plugin key", SMOKE_HEAD "[model]\nhidden = 16\n" SMOKE_TRAIN, CHECK_ARGS, 2,
    { "[model]", "key 'plugin' is missing" } },
  { "unknown plugin", SMOKE_HEAD "[model]\nplugin = mpl\n" SMOKE_TRAIN, CHECK_ARGS, 2,
    { "[model]", "'mpl'", "did you mean 'mlp'" } },
  { "list with a non-number", SMOKE_HEAD "[model]\nplugin = mlp\nhidden = 16, x\n" SMOKE_TRAIN,
    CHECK_ARGS, 2, { "[model]", "key 'hidden'", "'x'" } },
  { "val-split out of range",
    "[pipeline]\nname = v\n[dataset]\nplugin = synthetic\nval-split = 1.5\n" SMOKE_MODEL,
    CHECK_ARGS, 2, { "[dataset]", "key 'val-split'", "1.5" } },
  { "sweep over an unknown key", SMOKE "[sweep]\ntrain.epochz = 1, 2\n", CHECK_ARGS, 2,
    { "[train]", "unknown key 'epochz'" } },
  { "reversed range", SMOKE "[sweep]\npipeline.seed = 5..1\n", CHECK_ARGS, 2,
    { "[sweep]", "key 'pipeline.seed'", "'5..1'" } },
  { "hypothesis without metric",
    SMOKE "[sweep]\npipeline.seed = 1..3\n[hypothesis:h]\ncondition = pipeline.seed=1\n"
          "control = pipeline.seed=2\nexpect = greater\n",
    CHECK_ARGS, 2, { "[hypothesis:h]", "'metric' is missing" } },
  { "hypothesis on an unswept key",
    SMOKE "[sweep]\npipeline.seed = 1..3\n[hypothesis:h]\nmetric = accuracy\n"
          "condition = train.epochs=1\ncontrol = train.epochs=2\nexpect = greater\n",
    CHECK_ARGS, 2, { "[hypothesis:h]", "key 'condition'", "not swept" } },
  { "premise cycle",
    SMOKE "[sweep]\ntrain.learning-rate = 0.1, 0.2\npipeline.seed = 1..3\n"
          "[hypothesis:a]\nmetric = accuracy\ncondition = train.learning-rate=0.1\n"
          "control = train.learning-rate=0.2\nexpect = greater\nrequires = hypothesis:b\n"
          "[hypothesis:b]\nmetric = accuracy\ncondition = train.learning-rate=0.1\n"
          "control = train.learning-rate=0.2\nexpect = less\nrequires = hypothesis:a\n",
    CHECK_ARGS, 2, { "cycle", "a -> b -> a" } },
  { "too few replicates",
    SMOKE "[sweep]\ntrain.learning-rate = 0.1, 0.2\npipeline.seed = 1..2\n"
          "[hypothesis:a]\nmetric = accuracy\ncondition = train.learning-rate=0.1\n"
          "control = train.learning-rate=0.2\nexpect = greater\n",
    CHECK_ARGS, 2, { "[hypothesis:a]", "replicate" } },
  { "layer glob matching nothing",
    SMOKE "[metric:sel]\nplugin = class-selectivity\nlayers = nope*\n", RUN_ARGS, 2,
    { "[metric:sel]", "key 'layers'", "'nope*'" } },
  { "two metrics reporting the same names",
    SMOKE "[metric:a]\nplugin = class-selectivity\n[metric:b]\nplugin = class-selectivity\n",
    CHECK_ARGS, 2, { "[metric:a] and [metric:b]", "prefix" } },
  { "prefix with a comma", SMOKE "[metric:sel]\nplugin = class-selectivity\nprefix = a,b\n",
    CHECK_ARGS, 2, { "[metric:sel] prefix 'a,b'" } },
  { "bad memory limit", SMOKE, { TOK_PIPE, "--max-memory", "12Q", "--output", TOK_EARLIER, NULL }, 2,
    { "[pipeline] max-memory '12Q'" } },
  { "empty file", "", CHECK_ARGS, 2, { "case.ini", "group is missing" } },
  { "missing file", NULL, { TOK_DIR "/nowhere.ini", "--output", TOK_EARLIER, NULL }, 2,
    { "nowhere.ini", "No such file" } },
  { "a folder as the pipeline", NULL, { TOK_DIR, "--output", TOK_EARLIER, NULL }, 2,
    { "not a valid key file" } },
  /* ---- datasets ---- */
  { "dataset folder missing", IDX_PIPE ("none"), RUN_ARGS, 2, { "key 'path'", "none", "folder" } },
  { "IDX gzip truncated", IDX_PIPE ("idx-truncated"), RUN_ARGS, 1,
    { "idx-truncated/t10k-images-idx3-ubyte.gz", "truncated" } },
  { "IDX wrong magic", IDX_PIPE ("idx-magic"), RUN_ARGS, 1,
    { "idx-magic/t10k-labels-idx1-ubyte.gz", "magic number" } },
  { "IDX labels and images disagree", IDX_PIPE ("idx-count"), RUN_ARGS, 1,
    { "idx-count/", "t10k-labels-idx1-ubyte.gz" } },
  { "CIFAR batch not whole records",
    "[pipeline]\nname = c\n[dataset]\nplugin = cifar10\npath = " TOK_DIR "/cifar\n" SMOKE_MODEL
    SMOKE_TRAIN SMOKE_METRIC, RUN_ARGS, 1,
    { "cifar/data_batch_1.bin", "3073-byte records" } },
  { "image folder with a non-image",
    "[pipeline]\nname = i\n[dataset]\nplugin = image-folder\ntrain-path = " TOK_DIR "/images/train\n"
    "test-path = " TOK_DIR "/images/test\n" SMOKE_MODEL SMOKE_TRAIN SMOKE_METRIC, RUN_ARGS, 1,
    { "images/train/a/x.png", "neither a PNG nor a JPEG" } },
  /* ---- checkpoints ---- */
  { "checkpoint missing", CKPT_PIPE (TOK_DIR "/missing.safetensors"), RUN_ARGS, 1,
    { "[train] checkpoint", "missing.safetensors", "No such file" } },
  { "checkpoint truncated", CKPT_PIPE (TOK_DIR "/truncated.safetensors"), RUN_ARGS, 1,
    { "truncated.safetensors", "at byte 0", "truncated" } },
  { "checkpoint header not JSON", CKPT_PIPE (TOK_DIR "/garbage.safetensors"), RUN_ARGS, 1,
    { "garbage.safetensors", "header" } },
  { "checkpoint of another shape",
    SMOKE_HEAD "[model]\nplugin = mlp\nhidden = 17\n[train]\nepochs = 0\ncheckpoint = " TOK_DIR
    "/model.safetensors\n" SMOKE_METRIC, RUN_ARGS, 1,
    { "model.safetensors", "fc1.weight", "[17, 256]" } },
  { "checkpoint with a NaN", CKPT_PIPE (TOK_DIR "/nan.safetensors"), RUN_ARGS, 1,
    { "nan.safetensors", "fc1.weight", "non-finite" } },
  /* ---- options ---- */
  { "unknown option", SMOKE, { TOK_PIPE, "--bogus", NULL }, 2, { "--bogus" } },
  { "two pipelines", SMOKE, { TOK_PIPE, TOK_PIPE, NULL }, 2, { "expected one PIPELINE.ini" } },
  { "malformed --set", SMOKE, { TOK_PIPE, "--set", "train.epochs", "--output", TOK_EARLIER, NULL }, 2,
    { "--set 'train.epochs'", "GROUP.KEY=VALUE" } },
  { "--set of an unknown key", SMOKE, { TOK_PIPE, "--set", "train.epoch=3", "--output", TOK_EARLIER,
                                         NULL }, 2, { "[train]", "'epoch'" } },
  { "-j 0", SMOKE, { TOK_PIPE, "-j", "0", "--output", TOK_EARLIER, NULL }, 2, { "-j 0" } },
  { "--describe unknown", NULL, { "--describe", "metric:nope", NULL }, 2, { "'nope'" } },
  /* ---- run folders ---- */
  { "finished run without --force", SMOKE, { TOK_PIPE, "--output", TOK_EARLIER, NULL }, 2,
    { "{earlier}", "finished run is already there" } },
  { "--resume of a finished run", SMOKE, { TOK_PIPE, "--output", TOK_EARLIER, "--resume", NULL }, 2,
    { "{earlier}", "finished run" } },
  { "output is a file", SMOKE, { TOK_PIPE, "--output", TOK_DIR "/a-file", "--force", NULL }, 2,
    { "a-file", "is a file, not a run folder" } },
  { "output is a folder of other files", SMOKE,
    { TOK_PIPE, "--output", TOK_DIR "/precious", "--force", NULL }, 2,
    { "precious", "not a run folder", "never replaced" } },
  { "report of a missing folder", NULL, { "--report", TOK_DIR "/no-run", NULL }, 1,
    { "no-run", "no such run folder" } },
  { "report with a damaged summary.json", NULL, { "--report", TOK_DIR "/damaged-summary", NULL }, 1,
    { "damaged-summary/summary.json", "2:0" } },
  { "report with a damaged manifest.json", NULL, { "--report", TOK_DIR "/damaged-manifest", NULL }, 1,
    { "damaged-manifest/manifest.json", "1:" } },
};

/* ---- helpers --------------------------------------------------------------- */

static char *
substitute (const char *text, const char *pipe, const char *earlier, const char *fresh)
{
  char *dir = g_build_filename (tmpdir, "files", NULL);
  const char *from[] = { TOK_PIPE, TOK_EARLIER, TOK_FRESH, TOK_DIR };
  const char *to[] = { pipe, earlier, fresh, dir };
  char *s = g_strdup (text);
  for (guint i = 0; i < G_N_ELEMENTS (from); i++)
    {
      char **parts = g_strsplit (s, from[i], -1);
      g_free (s);
      s = g_strjoinv (to[i], parts);
      g_strfreev (parts);
    }
  g_free (dir);
  return s;
}

static int
run_argv (char **argv_in, char **err)
{
  const char *builddir = g_getenv ("INTERP_TEST_BUILDDIR");
  cr_assert_not_null (builddir, "INTERP_TEST_BUILDDIR is not set (run through make check)");
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_build_filename (builddir, "interp-run", NULL));
  for (char **a = argv_in; *a; a++)
    g_ptr_array_add (argv, g_strdup (*a));
  g_ptr_array_add (argv, NULL);
  int status = -1;
  GError *error = NULL;
  cr_assert (g_spawn_sync (tmpdir, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                           NULL, NULL, err, &status, &error),
             "spawn: %s", error ? error->message : "");
  g_ptr_array_unref (argv);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* g_ptr_array_sort hands the comparison pointers to the elements. */
static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* SHA-256 over every file under `dir` but its lock (relative names and
 * contents, sorted). */
static void
digest_tree (GChecksum *sum, const char *dir, const char *rel)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  cr_assert_not_null (d, "%s", dir);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *n;
  /* .lock is the folder's lock (docs/pipelines.md): any interp-run on the
   * folder takes it and writes its pid there, a result it is not. */
  while ((n = g_dir_read_name (d)))
    if (strcmp (n, ".lock") != 0)
      g_ptr_array_add (names, g_strdup (n));
  g_dir_close (d);
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      char *path = g_build_filename (dir, name, NULL);
      char *r = g_build_filename (rel, name, NULL);
      g_checksum_update (sum, (const guchar *) r, (gssize) strlen (r) + 1);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        digest_tree (sum, path, r);
      else
        {
          char *text = NULL;
          gsize len = 0;
          cr_assert (g_file_get_contents (path, &text, &len, NULL), "%s", path);
          g_checksum_update (sum, (const guchar *) text, (gssize) len);
          g_free (text);
        }
      g_free (r);
      g_free (path);
    }
  g_ptr_array_unref (names);
}

static char *
tree_digest (const char *dir)
{
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  digest_tree (sum, dir, "");
  char *hex = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
  return hex;
}

static void
put (const char *rel, const void *data, gsize len)
{
  char *path = g_build_filename (tmpdir, "files", rel, NULL);
  char *parent = g_path_get_dirname (path);
  cr_assert_eq (g_mkdir_with_parents (parent, 0755), 0);
  cr_assert (g_file_set_contents (path, data, (gssize) len, NULL), "%s", path);
  g_free (parent);
  g_free (path);
}

/* An IDX file, gzip-compressed: magic, dimensions (big-endian), bytes. */
static void
put_idx_gz (const char *rel, guint32 magic, const guint32 *dims, int ndims, gsize truncate)
{
  gsize n = 1;
  for (int i = 0; i < ndims; i++)
    n *= dims[i];
  gsize raw_len = 4 + 4 * (gsize) ndims + n;
  guint8 *raw = g_malloc0 (raw_len);
  guint32 be = GUINT32_TO_BE (magic);
  memcpy (raw, &be, 4);
  for (int i = 0; i < ndims; i++)
    {
      be = GUINT32_TO_BE (dims[i]);
      memcpy (raw + 4 + 4 * i, &be, 4);
    }
  for (gsize i = 0; i < n; i++)
    raw[4 + 4 * ndims + i] = (guint8) (ndims == 1 ? i % 10 : (i * 7) % 256);
  uLongf gz_cap = compressBound ((uLong) raw_len) + 64;
  guint8 *gz = g_malloc (gz_cap);
  z_stream z = { 0 };
  cr_assert_eq (deflateInit2 (&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  z.next_in = raw;
  z.avail_in = (uInt) raw_len;
  z.next_out = gz;
  z.avail_out = (uInt) gz_cap;
  cr_assert_eq (deflate (&z, Z_FINISH), Z_STREAM_END);
  gsize gz_len = z.total_out;
  deflateEnd (&z);
  put (rel, gz, truncate ? MIN (truncate, gz_len) : gz_len);
  g_free (gz);
  g_free (raw);
}

/* An MNIST-format folder; `flaw` spoils one file. */
static void
put_idx_set (const char *sub, const char *flaw)
{
  const char *files[] = { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                          "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" };
  for (int f = 0; f < 4; f++)
    {
      char *rel = g_build_filename (sub, files[f], NULL);
      gboolean labels = f % 2 == 1;
      guint32 count = f < 2 ? 40 : 20;
      if (g_strcmp0 (flaw, "count") == 0 && f == 3)
        count = 19;
      guint32 dims[3] = { count, 28, 28 };
      guint32 magic = labels ? 0x801 : 0x803;
      if (g_strcmp0 (flaw, "magic") == 0 && f == 3)
        magic = 0x901;
      gsize truncate = g_strcmp0 (flaw, "truncated") == 0 && f == 2 ? 200 : 0;
      put_idx_gz (rel, magic, dims, labels ? 1 : 3, truncate);
      g_free (rel);
    }
}

static void
make_files (const char *earlier)
{
  put_idx_set ("idx-truncated", "truncated");
  put_idx_set ("idx-magic", "magic");
  put_idx_set ("idx-count", "count");
  const char *batches[] = { "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                            "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin" };
  guint8 *zeros = g_malloc0 (3000);
  for (guint i = 0; i < G_N_ELEMENTS (batches); i++)
    {
      char *rel = g_build_filename ("cifar", batches[i], NULL);
      put (rel, zeros, 3000);
      g_free (rel);
    }
  g_free (zeros);
  const char *images[] = { "images/train/a/x.png", "images/train/b/y.png", "images/test/a/x.png",
                           "images/test/b/y.png" };
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    put (images[i], "not a png", 9);
  /* Checkpoints: the earlier run's model, a copy cut short, a header that
   * is no JSON, and one with a NaN in fc1.weight (the first tensor's data
   * starts right after the header, and the header is sorted by name). */
  char *model = g_build_filename (earlier, "trials", "trial-000", "model.safetensors", NULL);
  char *bytes = NULL;
  gsize len = 0;
  cr_assert (g_file_get_contents (model, &bytes, &len, NULL), "%s", model);
  put ("model.safetensors", bytes, len);
  put ("truncated.safetensors", bytes, 100);
  guint64 hlen;
  memcpy (&hlen, bytes, 8);
  hlen = GUINT64_FROM_LE (hlen);
  char *header = g_strndup (bytes + 8, hlen);
  char *at = strstr (header, "\"fc1.weight\"");
  cr_assert_not_null (at, "%s", header);
  char *offsets = strstr (at, "\"data_offsets\":[");
  cr_assert_not_null (offsets);
  guint64 first = g_ascii_strtoull (offsets + strlen ("\"data_offsets\":["), NULL, 10);
  float nan = NAN;
  memcpy (bytes + 8 + hlen + first + 4 * 5, &nan, 4);
  put ("nan.safetensors", bytes, len);
  g_free (header);
  g_free (bytes);
  g_free (model);
  const char garbage[] = "\x10\0\0\0\0\0\0\0{not json at all}";
  put ("garbage.safetensors", garbage, sizeof garbage - 1);
  put ("a-file", "", 0);
  put ("precious/keep.txt", "keep", 4);
  /* Damaged copies of the earlier run for --report. */
  const char *damaged[] = { "damaged-summary", "damaged-manifest" };
  for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      char *dst = g_build_filename (tmpdir, "files", damaged[i], NULL);
      char *cmd = g_strdup_printf ("cp -r '%s' '%s'", earlier, dst);
      cr_assert_eq (system (cmd), 0);
      g_free (cmd);
      g_free (dst);
    }
  put ("damaged-summary/summary.json", "{\"rows\": [\n", 11);
  put ("damaged-manifest/manifest.json", "xx", 2);
}

Test (bad_input, every_case_fails_with_one_message_and_damages_nothing, .timeout = 600)
{
  tmpdir = g_dir_make_tmp ("interp-bad-XXXXXX", NULL);
  /* The earlier run every case must leave alone. */
  char *earlier = g_build_filename (tmpdir, "earlier", NULL);
  char *smoke = g_build_filename (tmpdir, "smoke.ini", NULL);
  cr_assert (g_file_set_contents (smoke, SMOKE, -1, NULL));
  char *argv0[] = { smoke, "--output", earlier, "-q", NULL };
  char *err = NULL;
  cr_assert_eq (run_argv (argv0, &err), 0, "%s", err);
  g_free (err);
  make_files (earlier);
  char *before = tree_digest (earlier);
  cr_assert_geq (G_N_ELEMENTS (cases), 40);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      const Case *k = &cases[c];
      char *pipe = g_build_filename (tmpdir, "case.ini", NULL);
      char *fresh = g_strdup_printf ("%s/fresh-%u", tmpdir, c);
      if (k->pipeline)
        {
          char *text = substitute (k->pipeline, pipe, earlier, fresh);
          cr_assert (g_file_set_contents (pipe, text, -1, NULL));
          g_free (text);
        }
      GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
      for (const char *const *a = k->argv; *a; a++)
        g_ptr_array_add (argv, substitute (*a, pipe, earlier, fresh));
      g_ptr_array_add (argv, NULL);
      int status = run_argv ((char **) argv->pdata, &err);
      cr_assert_eq (status, k->status, "case '%s': exit %d, expected %d: %s", k->name, status,
                    k->status, err);
      /* One message: one non-empty line on stderr. */
      char *trimmed = g_strstrip (g_strdup (err));
      cr_assert (*trimmed && !strchr (trimmed, '\n'), "case '%s': not one message:\n%s", k->name,
                 err);
      g_free (trimmed);
      for (guint e = 0; e < G_N_ELEMENTS (k->expect) && k->expect[e]; e++)
        {
          char *want = substitute (k->expect[e], pipe, earlier, fresh);
          cr_assert (strstr (err, want), "case '%s': no '%s' in: %s", k->name, want, err);
          g_free (want);
        }
      char *after = tree_digest (earlier);
      cr_assert_str_eq (after, before, "case '%s' changed the earlier run folder", k->name);
      g_free (after);
      g_free (err);
      g_ptr_array_unref (argv);
      g_free (fresh);
      g_free (pipe);
    }
  char *keep = g_build_filename (tmpdir, "files", "precious", "keep.txt", NULL);
  cr_assert (g_file_test (keep, G_FILE_TEST_EXISTS), "--force removed a folder of other files");
  g_free (keep);
  g_free (before);
  g_free (smoke);
  g_free (earlier);
  test_remove_tree (tmpdir);
  g_free (tmpdir);
}
