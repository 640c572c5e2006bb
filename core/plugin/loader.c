/* Loading plugin files: dlopen, directories, the search path, and the
 * problems they record.  The contract is in registry.h. */
#define G_LOG_DOMAIN "interp"

#include "config.h"

#include "plugin/registry-private.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <interp/error.h>

#ifndef INTERP_PLUGIN_DIR
#error "INTERP_PLUGIN_DIR must name the installed plugin directory"
#endif

#define INVALID(...) \
  (g_set_error (error, INTERP_ERROR, INTERP_ERROR_PLUGIN_INVALID, __VA_ARGS__), FALSE)

void
interp_registry_record_problem (InterpRegistry *reg, GError *err)
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
  if (!interp_registry_register (reg, describe (), path, error))
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
        interp_registry_record_problem (reg, err);
    }
  return TRUE;
}

/* One entry of the search path: a directory, or a .so file.  `source` says
 * where it came from, for messages.  A directory that does not exist is
 * not a problem (a build tree lists plugins/KIND/.libs for kinds that have
 * no module yet, and an empty folder is no different); one that exists but
 * cannot be read is, when someone asked for it explicitly.  Any other file
 * is a mistake in the path (a plugin's .la, a typo): a problem (IO, as an
 * unreadable folder) that says so, where "cannot read plugin directory: Not
 * a directory" used to leave the reader guessing. */
static void
load_path_entry (InterpRegistry *reg, const char *entry, const char *source, gboolean explicit)
{
  GError *err = NULL;
  if (g_file_test (entry, G_FILE_TEST_IS_REGULAR) && has_so_suffix (entry))
    {
      if (!interp_registry_load_file (reg, entry, &err))
        interp_registry_record_problem (reg, err);
      return;
    }
  if (g_file_test (entry, G_FILE_TEST_EXISTS) && !g_file_test (entry, G_FILE_TEST_IS_DIR))
    {
      interp_registry_record_problem (
        reg, g_error_new (INTERP_ERROR, INTERP_ERROR_IO, "%s entry %s is a file, not a plugin "
                          "folder, and is skipped (a plugin file on the path must end in .so)",
                          source, entry));
      return;
    }
  if (!interp_registry_load_dir (reg, entry, &err))
    {
      if (explicit && !g_error_matches (err, INTERP_ERROR, INTERP_ERROR_NOT_FOUND))
        {
          GError *named = g_error_new (err->domain, err->code, "%s (from %s)", err->message,
                                       source);
          g_error_free (err);
          if (reg->verbose)
            g_message ("%s", named->message);
          interp_registry_record_problem (reg, named);
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

  if (interp_registry_env_flag ("INTERP_NO_SYSTEM_PLUGINS"))
    {
      if (reg->verbose)
        g_message ("INTERP_NO_SYSTEM_PLUGINS is set: not searching %s", INTERP_PLUGIN_DIR);
    }
  else
    load_path_entry (reg, INTERP_PLUGIN_DIR, "installed plugin directory", FALSE);
}

