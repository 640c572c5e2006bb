/* libinterp internals: the registry's own state, shared by registry.c (the
 * KIND:NAME table and its queries) and loader.c (files, directories, the
 * search path and the problems it records).  Nothing outside core/plugin
 * includes this. */
#ifndef INTERP_REGISTRY_PRIVATE_H
#define INTERP_REGISTRY_PRIVATE_H

#include "plugin/registry.h"

G_BEGIN_DECLS

struct InterpRegistry {
  GHashTable *by_kind[INTERP_N_KINDS];  /* name (borrowed from the component) -> entry */
  GHashTable *tried;                    /* real paths of files already tried */
  GPtrArray *problems;                  /* char * */
  GPtrArray *problem_errors;            /* GError * */
  guint n_plugins;
  gboolean verbose;                     /* INTERP_DEBUG_PLUGINS */
};

/* Checks `d` (validate.h) and registers all its components or none;
 * INTERP_ERROR_DUPLICATE for a KIND:NAME already there or declared twice. */
gboolean interp_registry_register (InterpRegistry *reg, const InterpPluginDescriptor *d,
                                   const char *origin, GError **error);

/* Appends a refusal to the problems; takes `err`. */
void interp_registry_record_problem (InterpRegistry *reg, GError *err);

/* TRUE when the environment variable is set to anything but "" or "0". */
gboolean interp_registry_env_flag (const char *var);

G_END_DECLS

#endif
