/* libinterp internals: the checks a plugin descriptor passes before the
 * registry takes it (every refusal but duplicates; the list is in
 * registry.h).  Shared by the loader (files) and interp_registry_add. */
#ifndef INTERP_VALIDATE_H
#define INTERP_VALIDATE_H

#include <glib.h>
#include <interp/plugin.h>

G_BEGIN_DECLS

/* TRUE when `d` may be registered as far as it alone can tell; otherwise
 * FALSE with INTERP_ERROR_PLUGIN_ABI or INTERP_ERROR_PLUGIN_INVALID and a
 * message starting with `origin`. */
gboolean interp_plugin_check_descriptor (const char *origin, const InterpPluginDescriptor *d,
                                         GError **error);

/* A checked component's parameter table in this interp's InterpParamSpec
 * layout: NULL when c->params can be used as it is (built with this
 * header's spec, or no table), else a new array (free with g_free) holding
 * each of the plugin's entries cut or zero-padded to this build's
 * sizeof (InterpParamSpec), and a terminator (a plugin built against a
 * newer, longer spec; later also an older, shorter one). */
InterpParamSpec *interp_plugin_params_in_layout (const InterpComponent *c);

G_END_DECLS

#endif
