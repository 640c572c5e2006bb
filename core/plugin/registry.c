/* The plugin loader and the KIND:NAME registry; the contract is in registry.h. */
#define G_LOG_DOMAIN "interp"

#include "config.h"

#include "plugin/registry.h"
#include "host/params-private.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <interp/attack.h>
#include <interp/corruption.h>
#include <interp/dataset.h>
#include <interp/error.h>
#include <interp/metric.h>
#include <interp/model.h>
#include <interp/regularizer.h>
#include <interp/saliency.h>

#ifndef INTERP_PLUGIN_DIR
#error "INTERP_PLUGIN_DIR must name the installed plugin directory"
#endif

/* Indexed by InterpKind; only grows at the end, as the enum does. */
static const char *const kind_names[INTERP_N_KINDS] = {
  "model", "dataset", "regularizer", "attack", "corruption", "metric", "saliency",
};

/* The smallest vtable each kind accepts.  Vtables only grow at their end:
 * when one grows, its entry here stays the size of the first version that
 * the current ABI accepts, and the host reads new members only when the
 * plugin's struct_size covers them. */
static const size_t vtable_min_size[INTERP_N_KINDS] = {
  sizeof (InterpModelVTable),
  sizeof (InterpDatasetVTable),
  sizeof (InterpRegularizerVTable),
  sizeof (InterpAttackVTable),
  sizeof (InterpCorruptionVTable),
  sizeof (InterpMetricVTable),
  sizeof (InterpSaliencyVTable),
};

typedef struct {
  InterpRegistryEntry pub;   /* first, so an entry pointer is this struct */
  char *path;
} Entry;

struct InterpRegistry {
  GHashTable *by_kind[INTERP_N_KINDS];  /* name (borrowed from the component) -> Entry* */
  GHashTable *tried;                    /* real paths of files already tried */
  GPtrArray *problems;                  /* char * */
  GPtrArray *problem_errors;            /* GError * */
  guint n_plugins;
  gboolean verbose;
};

const char *
interp_kind_name (InterpKind kind)
{
  if ((guint) kind >= INTERP_N_KINDS)
    return NULL;
  return kind_names[kind];
}

int
interp_kind_from_name (const char *name)
{
  for (int k = 0; name && k < INTERP_N_KINDS; k++)
    if (g_str_equal (name, kind_names[k]))
      return k;
  return -1;
}

static gboolean
env_flag (const char *var)
{
  const char *v = g_getenv (var);
  return v && *v && !g_str_equal (v, "0");
}

static void
entry_free (gpointer p)
{
  Entry *e = p;
  g_free (e->path);
  g_free (e);
}

InterpRegistry *
interp_registry_new (void)
{
  InterpRegistry *reg = g_new0 (InterpRegistry, 1);
  for (int k = 0; k < INTERP_N_KINDS; k++)
    reg->by_kind[k] = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  reg->tried = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  reg->problems = g_ptr_array_new_with_free_func (g_free);
  reg->problem_errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  reg->verbose = env_flag ("INTERP_DEBUG_PLUGINS");
  return reg;
}

void
interp_registry_free (InterpRegistry *reg)
{
  if (reg == NULL)
    return;
  for (int k = 0; k < INTERP_N_KINDS; k++)
    g_hash_table_unref (reg->by_kind[k]);
  g_hash_table_unref (reg->tried);
  g_ptr_array_unref (reg->problems);
  g_ptr_array_unref (reg->problem_errors);
  g_free (reg);
}

static void
record_problem (InterpRegistry *reg, GError *err)
{
  g_ptr_array_add (reg->problems, g_strdup (err->message));
  g_ptr_array_add (reg->problem_errors, err);
}

const GPtrArray *
interp_registry_problems (const InterpRegistry *reg)
{
  return reg->problems;
}

const GPtrArray *
interp_registry_problem_errors (const InterpRegistry *reg)
{
  return reg->problem_errors;
}

guint
interp_registry_n_plugins (const InterpRegistry *reg)
{
  return reg->n_plugins;
}

/* ---- validation --------------------------------------------------------- */

#define INVALID(...) \
  (g_set_error (error, INTERP_ERROR, INTERP_ERROR_PLUGIN_INVALID, __VA_ARGS__), FALSE)

static gboolean
is_nonempty (const char *s)
{
  return s != NULL && *s != '\0';
}

/* lower-case-with-dashes; '.' and '_' are tolerated, ':' and spaces never
 * (they would break KIND:NAME and pipeline keys). */
static gboolean
is_component_name (const char *s)
{
  if (!g_ascii_islower (s[0]) && !g_ascii_isdigit (s[0]))
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

static gboolean
check_params (const char *origin, const char *what, const InterpParamSpec *params,
              GError **error)
{
  for (const InterpParamSpec *s = params; s && s->key; s++)
    {
      if (!*s->key)
        return INVALID ("%s: %s: a parameter has an empty key", origin, what);
      for (const InterpParamSpec *t = params; t < s; t++)
        if (g_str_equal (t->key, s->key))
          return INVALID ("%s: %s: parameter '%s' is declared twice", origin, what, s->key);
      if ((guint) s->type > INTERP_PARAM_STRING_LIST)
        return INVALID ("%s: %s: parameter '%s' has unknown type %d", origin, what, s->key,
                        (int) s->type);
      if (s->type == INTERP_PARAM_CHOICE && !is_nonempty (s->choices))
        return INVALID ("%s: %s: choice parameter '%s' declares no choices", origin, what,
                        s->key);
      if (s->default_value)
        {
          /* Parse the default alone, as the pipeline parser would. */
          const InterpParamSpec one[] = { *s, { NULL } };
          g_autofree char *where = g_strdup_printf ("%s: %s: default value", origin, what);
          GError *sub = NULL;
          InterpParams *p = interp_params_new (one, where, &s->key, &s->default_value, 1, &sub);
          if (p == NULL)
            {
              g_set_error_literal (error, INTERP_ERROR, INTERP_ERROR_PLUGIN_INVALID,
                                   sub->message);
              g_error_free (sub);
              return FALSE;
            }
          interp_params_free (p);
        }
    }
  return TRUE;
}

/* The key swept by an attack or corruption must be a declared list. */
static gboolean
check_level_key (const char *origin, const char *what, const InterpComponent *c,
                 const char *level_key, gboolean ints_allowed, GError **error)
{
  if (!is_nonempty (level_key))
    return INVALID ("%s: %s: the vtable has no level_key", origin, what);
  const InterpParamSpec *s = interp_param_spec_find (c->params, level_key);
  if (s == NULL)
    return INVALID ("%s: %s: level_key '%s' is not a declared parameter", origin, what,
                    level_key);
  if (s->type != INTERP_PARAM_DOUBLE_LIST
      && !(ints_allowed && s->type == INTERP_PARAM_INT_LIST))
    return INVALID ("%s: %s: level_key '%s' must be a %s parameter, not %s", origin, what,
                    level_key, ints_allowed ? "int list or double list" : "double list",
                    interp_param_type_name (s->type));
  return TRUE;
}

#define REQUIRE(fn) \
  do { if (!(v)->fn) missing = #fn; } while (0)

/* Checks the calls the runner makes without asking; the vtable is known to
 * be at least vtable_min_size[kind] bytes. */
static gboolean
check_vtable_calls (const char *origin, const char *what, const InterpComponent *c,
                    GError **error)
{
  const char *missing = NULL;
  switch (c->kind)
    {
    case INTERP_KIND_MODEL:
      {
        const InterpModelVTable *v = c->vtable;
        REQUIRE (build);
        break;
      }
    case INTERP_KIND_DATASET:
      {
        const InterpDatasetVTable *v = c->vtable;
        REQUIRE (read); REQUIRE (size); REQUIRE (info); REQUIRE (close); REQUIRE (open);
        break;
      }
    case INTERP_KIND_REGULARIZER:
      {
        const InterpRegularizerVTable *v = c->vtable;
        REQUIRE (apply); REQUIRE (destroy); REQUIRE (create);
        break;
      }
    case INTERP_KIND_ATTACK:
      {
        const InterpAttackVTable *v = c->vtable;
        REQUIRE (perturb); REQUIRE (destroy); REQUIRE (create);
        if (!missing && !check_level_key (origin, what, c, v->level_key, FALSE, error))
          return FALSE;
        break;
      }
    case INTERP_KIND_CORRUPTION:
      {
        const InterpCorruptionVTable *v = c->vtable;
        REQUIRE (apply); REQUIRE (destroy); REQUIRE (create);
        if (!missing && !check_level_key (origin, what, c, v->level_key, TRUE, error))
          return FALSE;
        break;
      }
    case INTERP_KIND_METRIC:
      {
        const InterpMetricVTable *v = c->vtable;
        REQUIRE (finish); REQUIRE (update); REQUIRE (destroy); REQUIRE (create);
        break;
      }
    case INTERP_KIND_SALIENCY:
      {
        const InterpSaliencyVTable *v = c->vtable;
        REQUIRE (attribute); REQUIRE (destroy); REQUIRE (create);
        break;
      }
    case INTERP_N_KINDS:
    default:
      break;
    }
  if (missing)
    return INVALID ("%s: %s: the vtable's required function '%s' is NULL", origin, what,
                    missing);
  return TRUE;
}

static gboolean
check_component (const char *origin, guint i, const InterpComponent *c, GError **error)
{
  if (c == NULL)
    return INVALID ("%s: component %u is NULL", origin, i);
  if (c->struct_size < sizeof (InterpComponent))
    return INVALID ("%s: component %u is %u bytes, shorter than this interp's "
                    "InterpComponent (%zu bytes); rebuild it against the installed headers",
                    origin, i, c->struct_size, sizeof (InterpComponent));
  if (!is_nonempty (c->name))
    return INVALID ("%s: component %u has no name", origin, i);
  if (!is_component_name (c->name))
    return INVALID ("%s: component %u: name '%s' is not lower-case-with-dashes", origin, i,
                    c->name);
  if ((guint) c->kind >= INTERP_N_KINDS)
    return INVALID ("%s: component '%s' has unknown kind %d (this interp knows %d kinds)",
                    origin, c->name, (int) c->kind, (int) INTERP_N_KINDS);

  g_autofree char *what = g_strdup_printf ("component %s:%s", kind_names[c->kind], c->name);
  if (!is_nonempty (c->description))
    return INVALID ("%s: %s has no description", origin, what);
  if (c->vtable == NULL)
    return INVALID ("%s: %s has no vtable", origin, what);
  /* Every vtable starts with its own size (INTERP_VTABLE_SIZE). */
  uint32_t vsize = *(const uint32_t *) c->vtable;
  if (vsize < vtable_min_size[c->kind])
    return INVALID ("%s: %s: its %s vtable is %u bytes, shorter than this interp's "
                    "(%zu bytes); rebuild it against the installed headers",
                    origin, what, kind_names[c->kind], vsize, vtable_min_size[c->kind]);
  return check_params (origin, what, c->params, error)
    && check_vtable_calls (origin, what, c, error);
}

/* Everything but duplicates against the registry. */
static gboolean
check_descriptor (const char *origin, const InterpPluginDescriptor *d, GError **error)
{
  if (d == NULL)
    return INVALID ("%s: %s() returned NULL", origin, INTERP_PLUGIN_SYMBOL);
  /* The ABI version is checked before anything else is trusted: another ABI
   * may lay out the rest of the descriptor differently. */
  if (d->abi_version != INTERP_ABI_VERSION)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_PLUGIN_ABI,
                   "%s: plugin built for interp plugin ABI %u, but this interp uses ABI %u; "
                   "rebuild it against the installed headers",
                   origin, d->abi_version, INTERP_ABI_VERSION);
      return FALSE;
    }
  if (d->struct_size < sizeof (InterpPluginDescriptor))
    return INVALID ("%s: plugin descriptor is %u bytes, shorter than this interp's "
                    "InterpPluginDescriptor (%zu bytes); rebuild it against the installed "
                    "headers", origin, d->struct_size, sizeof (InterpPluginDescriptor));
  static const char *const fields[] = { "name", "version", "license", "description" };
  const char *values[] = { d->name, d->version, d->license, d->description };
  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    if (!is_nonempty (values[f]))
      return INVALID ("%s: plugin descriptor has no %s", origin, fields[f]);
  if (d->n_components == 0 || d->components == NULL)
    return INVALID ("%s: plugin '%s' declares no components", origin, d->name);
  for (guint i = 0; i < d->n_components; i++)
    if (!check_component (origin, i, d->components[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
register_descriptor (InterpRegistry *reg, const InterpPluginDescriptor *d, const char *origin,
                     GError **error)
{
  if (!check_descriptor (origin, d, error))
    return FALSE;

  /* All-or-nothing: find every clash before registering anything. */
  for (guint i = 0; i < d->n_components; i++)
    {
      const InterpComponent *c = d->components[i];
      const Entry *old = g_hash_table_lookup (reg->by_kind[c->kind], c->name);
      if (old)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_DUPLICATE,
                       "%s: %s:%s is already registered by %s (plugin '%s'); "
                       "refusing this second definition (the first one found in the search "
                       "order is used; remove one of the two files to silence this)",
                       origin, kind_names[c->kind], c->name, old->path, old->pub.plugin->name);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (d->components[j]->kind == c->kind && g_str_equal (d->components[j]->name, c->name))
          {
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_DUPLICATE,
                         "%s: %s:%s is declared twice in the same plugin", origin,
                         kind_names[c->kind], c->name);
            return FALSE;
          }
    }

  for (guint i = 0; i < d->n_components; i++)
    {
      const InterpComponent *c = d->components[i];
      Entry *e = g_new0 (Entry, 1);
      e->path = g_strdup (origin);
      e->pub.component = c;
      e->pub.plugin = d;
      e->pub.path = e->path;
      g_hash_table_insert (reg->by_kind[c->kind], (gpointer) c->name, e);
    }
  reg->n_plugins++;
  if (reg->verbose)
    g_message ("loaded %s: plugin '%s' %s, %u component(s)", origin, d->name, d->version,
               d->n_components);
  return TRUE;
}

gboolean
interp_registry_add (InterpRegistry *reg, const InterpPluginDescriptor *desc,
                     const char *origin, GError **error)
{
  g_return_val_if_fail (reg != NULL, FALSE);
  return register_descriptor (reg, desc, origin ? origin : "<builtin>", error);
}

/* ---- loading files ------------------------------------------------------ */

/* dlopen() maps segments beyond the end of a truncated file without
 * complaint, and touching them later raises SIGBUS; so before dlopen, check
 * that a file of this host's ELF class is as long as its headers say.  Files
 * that are not ELF of our class are left to dlopen, whose message is clear. */
static gboolean
check_elf_complete (const char *path, const char *real, GError **error)
{
  FILE *f = fopen (real, "rb");
  if (f == NULL)
    {
      int e = errno;
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot open plugin: %s", path,
                   g_strerror (e));
      return FALSE;
    }
  guint64 size = 0, need = 0;
  ElfW (Ehdr) eh = { 0 };
  size_t got = fread (&eh, 1, sizeof eh, f);
  gboolean ours = got >= EI_NIDENT && memcmp (eh.e_ident, ELFMAG, SELFMAG) == 0
    && eh.e_ident[EI_CLASS] == (sizeof (void *) == 8 ? ELFCLASS64 : ELFCLASS32)
    && eh.e_ident[EI_DATA] == (G_BYTE_ORDER == G_LITTLE_ENDIAN ? ELFDATA2LSB : ELFDATA2MSB);
  gboolean ok = TRUE;
  if (ours && fseek (f, 0, SEEK_END) == 0)
    {
      long end = ftell (f);
      size = end > 0 ? (guint64) end : 0;
      need = sizeof eh;
      if (got == sizeof eh)
        {
          need = MAX (need, (guint64) eh.e_phoff + (guint64) eh.e_phnum * eh.e_phentsize);
          if (eh.e_shoff)
            need = MAX (need, (guint64) eh.e_shoff + (guint64) eh.e_shnum * eh.e_shentsize);
        }
      if (need <= size && eh.e_phentsize == sizeof (ElfW (Phdr)))
        for (guint i = 0; i < eh.e_phnum; i++)
          {
            ElfW (Phdr) ph;
            if (fseek (f, (long) (eh.e_phoff + (guint64) i * sizeof ph), SEEK_SET) != 0
                || fread (&ph, sizeof ph, 1, f) != 1)
              break;
            if (ph.p_type == PT_LOAD)
              need = MAX (need, (guint64) ph.p_offset + (guint64) ph.p_filesz);
          }
      ok = need <= size;
    }
  fclose (f);
  if (!ok)
    return INVALID ("%s: cannot load plugin: the file is truncated (%" G_GUINT64_FORMAT
                    " bytes, its ELF headers need %" G_GUINT64_FORMAT ")", path, size, need);
  return TRUE;
}

static gboolean
load_file (InterpRegistry *reg, const char *path, GError **error)
{

  char real[PATH_MAX];
  if (realpath (path, real) == NULL)
    {
      int e = errno;
      g_set_error (error, INTERP_ERROR,
                   e == ENOENT || e == ENOTDIR ? INTERP_ERROR_NOT_FOUND : INTERP_ERROR_IO,
                   "%s: cannot open plugin: %s", path, g_strerror (e));
      return FALSE;
    }
  if (g_hash_table_contains (reg->tried, real))
    {
      if (reg->verbose)
        g_message ("skipping %s: %s was already tried", path, real);
      return TRUE;
    }
  g_hash_table_add (reg->tried, g_strdup (real));

  if (!check_elf_complete (path, real, error))
    return FALSE;

  /* dlopen the real path: a name without '/' would search the library path. */
  dlerror ();
  void *handle = dlopen (real, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL)
    {
      const char *why = dlerror ();
      return INVALID ("%s: cannot load plugin: %s", path, why ? why : "unknown dlopen error");
    }

  dlerror ();
  void *sym = dlsym (handle, INTERP_PLUGIN_SYMBOL);
  if (sym == NULL)
    {
      dlclose (handle);
      return INVALID ("%s: no %s symbol: not an interp plugin, or the entry point was not "
                      "defined with INTERP_PLUGIN_DEFINE", path, INTERP_PLUGIN_SYMBOL);
    }
  InterpPluginDescribeFunc describe = (InterpPluginDescribeFunc) sym;
  if (!register_descriptor (reg, describe (), path, error))
    {
      /* Nothing of a refused plugin is referenced. */
      dlclose (handle);
      return FALSE;
    }
  /* Loaded plugins are never closed: the registry's entries point into them. */
  return TRUE;
}

gboolean
interp_registry_load_file (InterpRegistry *reg, const char *path, GError **error)
{
  g_return_val_if_fail (reg != NULL && path != NULL, FALSE);
  if (!reg->verbose)
    return load_file (reg, path, error);

  g_message ("trying plugin %s", path);
  GError *err = NULL;
  if (load_file (reg, path, &err))
    return TRUE;
  g_message ("plugin refused: %s", err->message);
  g_propagate_error (error, err);
  return FALSE;
}

static gboolean
has_so_suffix (const char *name)
{
  return g_str_has_suffix (name, ".so") && strlen (name) > 3;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

gboolean
interp_registry_load_dir (InterpRegistry *reg, const char *dir, GError **error)
{
  g_return_val_if_fail (reg != NULL && dir != NULL, FALSE);
  if (reg->verbose)
    g_message ("searching plugin directory %s", dir);

  if (!g_file_test (dir, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "%s: no such plugin directory", dir);
      return FALSE;
    }
  GError *sub = NULL;
  GDir *d = g_dir_open (dir, 0, &sub);
  if (d == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot read plugin directory: %s",
                   dir, sub->message);
      g_error_free (sub);
      return FALSE;
    }
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (const char *n; (n = g_dir_read_name (d)) != NULL;)
    if (has_so_suffix (n))
      g_ptr_array_add (names, g_strdup (n));
  g_dir_close (d);
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      GError *err = NULL;
      if (!interp_registry_load_file (reg, path, &err))
        record_problem (reg, err);
    }
  return TRUE;
}

/* One entry of the search path: a directory, or a .so file.  `source` says
 * where it came from, for messages; a missing entry is a problem only when
 * someone asked for it explicitly. */
static void
load_path_entry (InterpRegistry *reg, const char *entry, const char *source, gboolean explicit)
{
  GError *err = NULL;
  if (g_file_test (entry, G_FILE_TEST_IS_REGULAR) && has_so_suffix (entry))
    {
      if (!interp_registry_load_file (reg, entry, &err))
        record_problem (reg, err);
      return;
    }
  if (!interp_registry_load_dir (reg, entry, &err))
    {
      if (explicit)
        {
          GError *named = g_error_new (err->domain, err->code, "%s (from %s)", err->message,
                                       source);
          g_error_free (err);
          if (reg->verbose)
            g_message ("%s", named->message);
          record_problem (reg, named);
        }
      else
        {
          if (reg->verbose)
            g_message ("%s", err->message);
          g_error_free (err);
        }
    }
}

void
interp_registry_load_search_path (InterpRegistry *reg, const char *const *extra_dirs)
{
  g_return_if_fail (reg != NULL);
  for (const char *const *dir = extra_dirs; dir && *dir; dir++)
    if (**dir)
      load_path_entry (reg, *dir, "--plugin-path", TRUE);

  const char *env = g_getenv ("INTERP_PLUGIN_PATH");
  if (env && *env)
    {
      g_auto (GStrv) parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
      for (char **p = parts; *p; p++)
        if (**p)
          load_path_entry (reg, *p, "INTERP_PLUGIN_PATH", TRUE);
    }

  if (env_flag ("INTERP_NO_SYSTEM_PLUGINS"))
    {
      if (reg->verbose)
        g_message ("INTERP_NO_SYSTEM_PLUGINS is set: not searching %s", INTERP_PLUGIN_DIR);
    }
  else
    load_path_entry (reg, INTERP_PLUGIN_DIR, "installed plugin directory", FALSE);
}

/* ---- queries ------------------------------------------------------------ */

const InterpRegistryEntry *
interp_registry_find (const InterpRegistry *reg, InterpKind kind, const char *name)
{
  g_return_val_if_fail (reg != NULL, NULL);
  if ((guint) kind >= INTERP_N_KINDS || name == NULL)
    return NULL;
  const Entry *e = g_hash_table_lookup (reg->by_kind[kind], name);
  return e ? &e->pub : NULL;
}

static gint
compare_entries (gconstpointer a, gconstpointer b)
{
  const InterpRegistryEntry *x = *(const InterpRegistryEntry *const *) a;
  const InterpRegistryEntry *y = *(const InterpRegistryEntry *const *) b;
  return strcmp (x->component->name, y->component->name);
}

GPtrArray *
interp_registry_list (const InterpRegistry *reg, InterpKind kind)
{
  g_return_val_if_fail (reg != NULL, NULL);
  GPtrArray *out = g_ptr_array_new ();
  if ((guint) kind >= INTERP_N_KINDS)
    return out;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, reg->by_kind[kind]);
  while (g_hash_table_iter_next (&it, NULL, &value))
    g_ptr_array_add (out, &((Entry *) value)->pub);
  g_ptr_array_sort (out, compare_entries);
  return out;
}

/* The closest of `candidates` to `word` by edit distance, ties broken by
 * the candidates' order, or NULL when none is within half the word. */
static const char *
closest_word (const char *word, const char *const *candidates, guint n)
{
  const char *best = NULL;
  guint best_d = G_MAXUINT;
  for (guint i = 0; i < n; i++)
    {
      guint d = interp_edit_distance (word, candidates[i]);
      if (d < best_d)
        {
          best_d = d;
          best = candidates[i];
        }
    }
  if (best && best_d <= MAX (2u, (guint) strlen (word) / 2))
    return best;
  return NULL;
}

const InterpRegistryEntry *
interp_registry_lookup (const InterpRegistry *reg, const char *text, GError **error)
{
  g_return_val_if_fail (reg != NULL, NULL);
  const char *colon = text ? strchr (text, ':') : NULL;
  if (colon == NULL || colon == text || colon[1] == '\0')
    {
      /* A bare name that exists under some kind gets a precise hint. */
      for (int k = 0; text && !colon && k < INTERP_N_KINDS; k++)
        if (g_hash_table_contains (reg->by_kind[k], text))
          {
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                         "'%s' is not KIND:NAME; did you mean %s:%s?", text, kind_names[k],
                         text);
            return NULL;
          }
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "'%s' is not KIND:NAME (e.g. metric:accuracy; kinds: model, dataset, "
                   "regularizer, attack, corruption, metric, saliency)", text ? text : "(null)");
      return NULL;
    }

  g_autofree char *kind_text = g_strndup (text, (gsize) (colon - text));
  const char *name = colon + 1;
  int kind = interp_kind_from_name (kind_text);
  if (kind < 0)
    {
      const char *near = closest_word (kind_text, kind_names, INTERP_N_KINDS);
      if (near)
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                     "%s: unknown kind '%s' (did you mean %s:%s?)", text, kind_text, near, name);
      else
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                     "%s: unknown kind '%s' (kinds: model, dataset, regularizer, attack, "
                     "corruption, metric, saliency)", text, kind_text);
      return NULL;
    }

  const InterpRegistryEntry *e = interp_registry_find (reg, (InterpKind) kind, name);
  if (e)
    return e;

  g_autoptr (GPtrArray) all = interp_registry_list (reg, (InterpKind) kind);
  g_autofree const char **names = g_new (const char *, all->len + 1);
  for (guint i = 0; i < all->len; i++)
    names[i] = ((const InterpRegistryEntry *) all->pdata[i])->component->name;
  /* The exact name under another kind is a better hint than a near name. */
  for (int k = 0; k < INTERP_N_KINDS; k++)
    if (g_hash_table_contains (reg->by_kind[k], name))
      {
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                     "no %s named '%s' is loaded, but there is %s:%s", kind_text, name,
                     kind_names[k], name);
        return NULL;
      }
  const char *near = closest_word (name, names, all->len);
  if (near)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "no %s named '%s' is loaded (did you mean %s:%s?)", kind_text, name,
                   kind_text, near);
      return NULL;
    }
  if (all->len == 0)
    g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                 "no %s named '%s' is loaded: no %s plugins were found (see --plugin-path, "
                 "INTERP_PLUGIN_PATH and interp-run --list-plugins)", kind_text, name, kind_text);
  else
    g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                 "no %s named '%s' is loaded (see interp-run --list-plugins)", kind_text, name);
  return NULL;
}

char *
interp_registry_list_text (const InterpRegistry *reg)
{
  g_return_val_if_fail (reg != NULL, NULL);
  GString *out = g_string_new (NULL);
  int width = 0;
  for (int k = 0; k < INTERP_N_KINDS; k++)
    {
      GHashTableIter it;
      gpointer key;
      g_hash_table_iter_init (&it, reg->by_kind[k]);
      while (g_hash_table_iter_next (&it, &key, NULL))
        width = MAX (width, (int) strlen (key));
    }

  for (int k = 0; k < INTERP_N_KINDS; k++)
    {
      g_autoptr (GPtrArray) list = interp_registry_list (reg, (InterpKind) k);
      g_string_append_printf (out, "%s%s:\n", k ? "\n" : "", kind_names[k]);
      if (list->len == 0)
        g_string_append (out, "  (none)\n");
      for (guint i = 0; i < list->len; i++)
        {
          const InterpRegistryEntry *e = list->pdata[i];
          g_string_append_printf (out, "  %-*s  %s  [%s %s]\n", width, e->component->name,
                                  e->component->description, e->plugin->name,
                                  e->plugin->version);
        }
    }
  return g_string_free (out, FALSE);
}
