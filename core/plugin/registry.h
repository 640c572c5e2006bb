/* libinterp internals: the plugin loader and component registry.
 *
 * Files: kinds.c (the table of kinds), validate.c (the checks below),
 * loader.c (dlopen, directories, search path, problems), registry.c (the
 * KIND:NAME table and its queries), describe.c (--describe).
 *
 * The registry maps KIND:NAME to a component declared by a plugin (a .so
 * loaded with dlopen, or a descriptor compiled into the caller, "<builtin>").
 * It is the one place in interp with process-wide effects: a loaded plugin is
 * never dlclose()d, because components, parameter tables and vtables point
 * into it and instances may outlive any registry.  A refused plugin is closed.
 *
 * Search order (interp_registry_load_search_path):
 *   1. the directories passed in (--plugin-path, in order);
 *   2. INTERP_PLUGIN_PATH, colon-separated, in order (empty entries skipped);
 *   3. INTERP_PLUGIN_DIR, the installed plugin directory (a compile-time
 *      define), unless the environment variable INTERP_NO_SYSTEM_PLUGINS is
 *      set (tests set it so nothing installed leaks into the build tree).
 * In a directory only regular files whose names end in ".so" are tried, in
 * strcmp() order so that loading is deterministic.  An entry of the path that
 * is itself a .so file is loaded directly; any other file is skipped and is
 * a problem (INTERP_ERROR_IO) naming it and where it came from, which
 * interp-run prints as a warning.
 *
 * Duplicates: a KIND:NAME is registered once.  The first plugin to claim it
 * (the earliest in the search order) keeps it; a later plugin claiming it is
 * refused as a whole with INTERP_ERROR_DUPLICATE, and the message names both
 * files.  A plugin is registered all-or-nothing: either every component it
 * declares is registered or none is.  The same file reached twice (by the
 * same real path, e.g. through a symlink or a directory listed twice) is
 * loaded once and is not a duplicate.
 *
 * Refusals (every message starts with the file's path):
 *   - dlopen() fails (not an ELF, truncated, missing dependency):
 *     INTERP_ERROR_PLUGIN_INVALID with dlerror()'s text;
 *   - no interp_plugin_describe symbol, or it returns NULL:
 *     INTERP_ERROR_PLUGIN_INVALID;
 *   - abi_version != INTERP_ABI_VERSION: INTERP_ERROR_PLUGIN_ABI, naming both
 *     versions;
 *   - a descriptor, component or vtable whose struct_size is smaller than this
 *     build's struct (vtables: the kind's min_vtable_size in kinds.c), or a
 *     parameter table whose param_spec_size is smaller than this build's
 *     InterpParamSpec; missing or empty name, version, license, description
 *     or component name/description; a component name that is not
 *     lower-case-with-dashes ([a-z0-9] first, then [a-z0-9._-]); a kind out of
 *     range; a NULL vtable or a NULL required vtable function (the kind's
 *     `required` calls in kinds.c); a kind with a level key (attack,
 *     corruption) whose level_key is not a declared list parameter; a
 *     parameter table with an empty or repeated key, an unknown type, a
 *     CHOICE without choices or a default that does not pass its own spec:
 *     INTERP_ERROR_PLUGIN_INVALID;
 *   - a KIND:NAME already registered: INTERP_ERROR_DUPLICATE.
 * A broken plugin never keeps the others from loading: the search-path loader
 * records the refusal (see interp_registry_problems) and goes on.
 *
 * Verbose loading: with INTERP_DEBUG_PLUGINS set (to anything but "0" or ""),
 * every directory and file tried, and the outcome, is logged with g_message.
 *
 * Not thread-safe: build the registry first, then only read it.
 */
#ifndef INTERP_REGISTRY_H
#define INTERP_REGISTRY_H

#include <glib.h>
#include <interp/plugin.h>

G_BEGIN_DECLS

typedef struct InterpRegistry InterpRegistry;

/* One registered component.  Owned by the registry; valid until
 * interp_registry_free. */
typedef struct {
  const InterpComponent *component;
  const InterpPluginDescriptor *plugin;
  const char *path;   /* the .so as it was reached, or the origin given to
                         interp_registry_add (e.g. "<builtin>") */
} InterpRegistryEntry;

InterpRegistry *interp_registry_new (void);
/* Frees the registry's tables; loaded plugins stay mapped. */
void interp_registry_free (InterpRegistry *reg);

/* Loads every plugin along the search order above.  extra_dirs: NULL or a
 * NULL-terminated array.  Never fails: every refusal, and every directory
 * given explicitly (extra_dirs or INTERP_PLUGIN_PATH) that exists but cannot
 * be read, is appended to interp_registry_problems.  A directory that does
 * not exist or holds no .so is not a problem (a build tree's path lists
 * plugins/KIND/.libs for kinds without a module yet); INTERP_DEBUG_PLUGINS
 * logs it. */
void interp_registry_load_search_path (InterpRegistry *reg, const char *const *extra_dirs);

/* Loads every .so in one directory (sorted), recording refusals as problems.
 * FALSE with INTERP_ERROR_NOT_FOUND / INTERP_ERROR_IO if the directory cannot
 * be read (that is not recorded). */
gboolean interp_registry_load_dir (InterpRegistry *reg, const char *dir, GError **error);

/* Loads one plugin file.  Returns FALSE and sets `error` (codes above) when
 * the plugin is refused; does NOT record the refusal as a problem.  Loading
 * a file whose real path was already tried returns TRUE and does nothing. */
gboolean interp_registry_load_file (InterpRegistry *reg, const char *path, GError **error);

/* Registers a descriptor that is already in memory (a plugin compiled into
 * the caller, or a test).  `origin` names it in messages and in entry->path.
 * The descriptor must stay valid for the registry's lifetime.  Same checks and
 * errors as for a file. */
gboolean interp_registry_add (InterpRegistry *reg, const InterpPluginDescriptor *desc,
                              const char *origin, GError **error);

/* The refusals recorded by the search-path and directory loaders, in order:
 * messages (char *, each naming the file), and the same refusals as GErrors
 * (so callers can tell the codes apart).  Both borrowed. */
const GPtrArray *interp_registry_problems (const InterpRegistry *reg);
const GPtrArray *interp_registry_problem_errors (const InterpRegistry *reg);

/* The component KIND:NAME, or NULL.  Borrowed. */
const InterpRegistryEntry *interp_registry_find (const InterpRegistry *reg, InterpKind kind,
                                                 const char *name);

/* The components of one kind, sorted by name: a new array of borrowed
 * InterpRegistryEntry pointers (free it with g_ptr_array_unref). */
GPtrArray *interp_registry_list (const InterpRegistry *reg, InterpKind kind);

/* Number of plugins (files or added descriptors) registered. */
guint interp_registry_n_plugins (const InterpRegistry *reg);

/* Parses "KIND:NAME" and finds it.  Errors: INTERP_ERROR_INVALID_ARGUMENT for
 * text that is not KIND:NAME; INTERP_ERROR_NOT_FOUND for an unknown kind or
 * name, suggesting the closest kind or registered name, or the other kind
 * that has the name. */
const InterpRegistryEntry *interp_registry_lookup (const InterpRegistry *reg,
                                                   const char *kind_colon_name,
                                                   GError **error);

/* Text for `interp-run --list-plugins`: every kind in enum order, each
 * component with its description and its plugin's name and version.  Newly
 * allocated; ends with a newline. */
char *interp_registry_list_text (const InterpRegistry *reg);

/* Text for `interp-run --describe KIND:NAME` (describe.c): the
 * component's KIND:NAME and description, its plugin's name, version,
 * license and file, and a table of parameters (key, type, default or
 * "required", allowed range or choices, help).  Newly allocated; ends with a
 * newline. */
char *interp_describe_component (const InterpRegistryEntry *entry);

/* Appends "\n<title>:\n" and the aligned table of a parameter table (or
 * "<title>: none") to out: the --describe text of core groups too. */
void interp_describe_params (GString *out, const char *title, const InterpParamSpec *params);

G_END_DECLS

#endif
