/* interp: the plugin ABI.
 *
 * A plugin is a shared object exporting one function, interp_plugin_describe,
 * that returns a static InterpPluginDescriptor.  The descriptor lists the
 * plugin's components; each component is (kind, name, description,
 * parameter table, vtable).  One .so may register several components of
 * several kinds.  Define the entry point with INTERP_PLUGIN_DEFINE:
 *
 *   static const InterpComponent my_metric = INTERP_COMPONENT (
 *     .kind = INTERP_KIND_METRIC, .name = "my-metric",
 *     .description = "...", .params = my_params, .vtable = &my_vtable);
 *   static const InterpComponent *const components[] = { &my_metric };
 *   INTERP_PLUGIN_DEFINE (.name = "my-plugin", .version = "1.0",
 *                         .license = "MIT", .description = "...",
 *                         .components = components,
 *                         .n_components = G_N_ELEMENTS (components))
 *
 * Components are referenced through pointers so a plugin built from several
 * files lists each file's component (declared extern) in one array.
 *
 * The loader refuses (with a message naming the file) a plugin whose
 * abi_version differs from INTERP_ABI_VERSION, whose descriptor, component,
 * vtable or parameter-spec struct is shorter than this header's, whose
 * vtable lacks a call its kind requires, whose metadata (name,
 * version, license, description, component names) is missing, or whose
 * KIND:NAME is already registered.  Structs only grow at their end; a host
 * reads a trailing member only when struct_size says the plugin has it.
 */
#ifndef INTERP_PLUGIN_H
#define INTERP_PLUGIN_H

#include <glib.h>
#include <stdint.h>
#include <interp/params.h>

G_BEGIN_DECLS

#define INTERP_ABI_VERSION 1u
#define INTERP_PLUGIN_SYMBOL "interp_plugin_describe"

/* Only grows at the end.  Each kind has its own vtable header (model.h,
 * dataset.h, ..., pruner.h, task.h). */
typedef enum {
  INTERP_KIND_MODEL = 0,
  INTERP_KIND_DATASET,
  INTERP_KIND_REGULARIZER,
  INTERP_KIND_ATTACK,
  INTERP_KIND_CORRUPTION,
  INTERP_KIND_METRIC,
  INTERP_KIND_SALIENCY,
  INTERP_KIND_PRUNER,              /* pruner.h */
  INTERP_KIND_TASK,                /* task.h */
  INTERP_N_KINDS
} InterpKind;

/* "model", "dataset", ...; NULL for an unknown kind. */
const char *interp_kind_name (InterpKind kind);
/* The kind called `name`, or -1. */
int interp_kind_from_name (const char *name);

typedef struct {
  uint32_t struct_size;            /* sizeof (InterpComponent) as built */
  InterpKind kind;
  const char *name;                /* lower-case-with-dashes, unique per kind */
  const char *description;         /* one sentence */
  const InterpParamSpec *params;   /* ends with a { 0 } entry; may be NULL */
  const void *vtable;              /* the kind's vtable (model.h, dataset.h, ...) */
  uint32_t param_spec_size;        /* sizeof (InterpParamSpec) as built: the stride of
                                      `params` (see params.h on how the spec grows) */
} InterpComponent;

typedef struct {
  uint32_t abi_version;            /* INTERP_ABI_VERSION */
  uint32_t struct_size;            /* sizeof (InterpPluginDescriptor) as built */
  const char *name;
  const char *version;
  const char *license;
  const char *description;
  const InterpComponent *const *components;  /* n_components pointers */
  uint32_t n_components;
  const void *reserved[4];
} InterpPluginDescriptor;

typedef const InterpPluginDescriptor *(*InterpPluginDescribeFunc) (void);

#define INTERP_PLUGIN_EXPORT __attribute__ ((visibility ("default")))

/* Defines the entry point returning a descriptor with the given members;
 * fills abi_version and struct_size.  Components need .struct_size too:
 * use INTERP_COMPONENT. */
#define INTERP_PLUGIN_DEFINE(...)                                              \
  static const InterpPluginDescriptor interp_plugin_descriptor_ = {            \
    .abi_version = INTERP_ABI_VERSION,                                         \
    .struct_size = sizeof (InterpPluginDescriptor), __VA_ARGS__ };             \
  INTERP_PLUGIN_EXPORT const InterpPluginDescriptor *interp_plugin_describe (void); \
  INTERP_PLUGIN_EXPORT const InterpPluginDescriptor *interp_plugin_describe (void) \
  { return &interp_plugin_descriptor_; }

/* Fills struct_size and param_spec_size: the loader reads the parameter
 * table with the plugin's own InterpParamSpec size, so it cannot be wrong. */
#define INTERP_COMPONENT(...)                                                  \
  { .struct_size = sizeof (InterpComponent),                                   \
    .param_spec_size = sizeof (InterpParamSpec), __VA_ARGS__ }

/* Every vtable starts with its own struct_size; fill it with this. */
#define INTERP_VTABLE_SIZE(type) .struct_size = sizeof (type)

G_END_DECLS

#endif
