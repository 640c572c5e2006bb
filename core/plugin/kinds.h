/* libinterp internals: the table of component kinds.
 *
 * Everything the core knows about a kind is one row of interp_kinds[]
 * (kinds.c): its name, the smallest vtable it accepts and the calls that
 * vtable must provide, its level key, how a pipeline writes its groups and
 * which core keys those groups take besides the component's own.  The
 * loader's checks, KIND:NAME parsing, --list-plugins, --describe, the
 * pipeline parser and its messages all read the table, so adding a kind is
 * one row here, the enum value at the end of InterpKind (plugin.h) and the
 * kind's vtable header.
 */
#ifndef INTERP_KINDS_H
#define INTERP_KINDS_H

#include <glib.h>
#include <stddef.h>
#include <interp/plugin.h>

G_BEGIN_DECLS

/* A vtable member the runner calls without asking: NULL there refuses the
 * component.  `offset` is offsetof (the kind's vtable, member). */
typedef struct {
  const char *name;
  size_t offset;
} InterpKindCall;

/* How a kind's level key (the parameter the runner sweeps) may be typed. */
typedef enum {
  INTERP_LEVEL_NONE = 0,     /* the kind has no level key */
  INTERP_LEVEL_DOUBLES,      /* a DOUBLE_LIST parameter (attacks) */
  INTERP_LEVEL_NUMBERS,      /* an INT_LIST or DOUBLE_LIST parameter (corruptions) */
} InterpLevelKeyType;

/* How a pipeline writes a kind's groups. */
typedef enum {
  INTERP_GROUP_SINGLETON = 0,  /* one [KIND] group: [dataset], [model], [task], [pruner] */
  INTERP_GROUP_INSTANCES,      /* any number of [KIND:NAME] groups, in file order */
} InterpGroupStyle;

typedef struct {
  InterpKind kind;
  const char *name;                /* "attack": KIND in KIND:NAME and in groups */
  const char *plural;              /* "attacks": messages, and plugins/<plural>/ */
  size_t min_vtable_size;          /* the first vtable size ABI 1 accepts; vtables
                                      only grow at their end */
  const InterpKindCall *required;  /* ends with { 0 } */
  const InterpKindCall *required_tables;  /* data members that must be set (the metric's
                                             outputs); NULL or ends with { 0 } */
  InterpLevelKeyType level_type;
  size_t level_key_offset;         /* offsetof (vtable, level_key) unless LEVEL_NONE */
  InterpGroupStyle group;
  gboolean required_in_pipeline;   /* a pipeline without the group is refused */
  const char *example;             /* a plugin name for "e.g. [model] plugin = cnn" */
  int run_order;                   /* position among a pipeline's stages (0 first) */
  const InterpParamSpec *core_params;  /* core keys of every group of this kind
                                          (kept apart from the component's), or NULL */
  const char *core_params_title;   /* their --describe heading */
  /* Appends what --describe says of a component beyond its parameters
   * (a metric: its declared outputs); NULL for nothing. */
  void (*describe) (GString *out, const void *vtable);
} InterpKindInfo;

/* The row of `kind`, or NULL for a value outside the enum. */
const InterpKindInfo *interp_kind_info (InterpKind kind);

/* The kind at `position` (0 .. INTERP_N_KINDS-1) of the pipeline run order
 * (run_order is a permutation of those positions), or NULL. */
const InterpKindInfo *interp_kind_at_run_order (int position);

/* "model, dataset, ..., task": every kind's name in enum order, for
 * messages.  Newly allocated. */
char *interp_kind_names_text (void);

/* The level key of a component (its vtable's), or NULL when its kind has
 * none.  The vtable must have passed the loader's size check. */
const char *interp_kind_level_key (const InterpComponent *c);

/* The name of the first required call that `vtable` (a vtable of `kind`,
 * at least min_vtable_size bytes) leaves NULL, or NULL when none is. */
const char *interp_kind_missing_call (InterpKind kind, const void *vtable);

/* The first required table of the kind's vtable that is NULL, or NULL. */
const char *interp_kind_missing_table (InterpKind kind, const void *vtable);

G_END_DECLS

#endif
