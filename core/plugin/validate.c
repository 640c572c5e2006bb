/* Descriptor, component, vtable and parameter-table checks (validate.h);
 * the refusals are listed in registry.h, the per-kind facts in kinds.c. */
#include "config.h"

#include "plugin/validate.h"
#include "plugin/kinds.h"
#include "host/params-private.h"

#include <string.h>

#include <interp/error.h>

/* The shortest InterpParamSpec ABI 1 accepts: today's.  When the spec grows
 * at its end, this stays at the size before, and older tables are copied
 * into the new layout with the new members zero (params.h). */
#define PARAM_SPEC_MIN_SIZE sizeof (InterpParamSpec)

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

/* Entry i of a table whose entries are `stride` bytes (the plugin's
 * InterpParamSpec size).  Only `key`, the first member, is read through
 * it; everything else reads the copy in this build's layout. */
static const InterpParamSpec *
spec_at (const InterpParamSpec *params, size_t stride, guint i)
{
  return (const InterpParamSpec *) (const void *) ((const char *) params + stride * i);
}

/* `params` is in this build's layout (interp_plugin_params_in_layout). */
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
          const InterpParamSpec one[] = { *s, { 0 } };
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
                 const InterpParamSpec *params, GError **error)
{
  const InterpKindInfo *k = interp_kind_info (c->kind);
  const char *level_key = interp_kind_level_key (c);
  gboolean ints_allowed = k->level_type == INTERP_LEVEL_NUMBERS;
  if (!is_nonempty (level_key))
    return INVALID ("%s: %s: the vtable has no level_key", origin, what);
  const InterpParamSpec *s = interp_param_spec_find (params, level_key);
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

/* The calls the runner makes without asking, then the level key; the
 * vtable is known to be at least the kind's min_vtable_size. */
static gboolean
check_vtable_calls (const char *origin, const char *what, const InterpComponent *c,
                    const InterpParamSpec *params, GError **error)
{
  const char *missing = interp_kind_missing_call (c->kind, c->vtable);
  if (missing)
    return INVALID ("%s: %s: the vtable's required function '%s' is NULL", origin, what,
                    missing);
  missing = interp_kind_missing_table (c->kind, c->vtable);
  if (missing)
    return INVALID ("%s: %s: the vtable's required table '%s' is NULL (a %s declares it: "
                    "include/interp/%s.h)", origin, what, missing,
                    interp_kind_name (c->kind), interp_kind_name (c->kind));
  if (interp_kind_info (c->kind)->level_type == INTERP_LEVEL_NONE)
    return TRUE;
  return check_level_key (origin, what, c, params, error);
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
  const InterpKindInfo *kind = interp_kind_info (c->kind);
  if (kind == NULL)
    return INVALID ("%s: component '%s' has unknown kind %d (this interp knows %d kinds)",
                    origin, c->name, (int) c->kind, (int) INTERP_N_KINDS);

  g_autofree char *what = g_strdup_printf ("component %s:%s", kind->name, c->name);
  if (!is_nonempty (c->description))
    return INVALID ("%s: %s has no description", origin, what);
  if (c->vtable == NULL)
    return INVALID ("%s: %s has no vtable", origin, what);
  /* Every vtable starts with its own size (INTERP_VTABLE_SIZE). */
  uint32_t vsize = *(const uint32_t *) c->vtable;
  if (vsize < kind->min_vtable_size)
    return INVALID ("%s: %s: its %s vtable is %u bytes, shorter than this interp's "
                    "(%zu bytes); rebuild it against the installed headers",
                    origin, what, kind->name, vsize, kind->min_vtable_size);
  if (c->params && c->param_spec_size < PARAM_SPEC_MIN_SIZE)
    return INVALID ("%s: %s: its parameter table's entries are %u bytes, shorter than this "
                    "interp's InterpParamSpec (%zu bytes); declare the component with "
                    "INTERP_COMPONENT and rebuild it against the installed headers",
                    origin, what, c->param_spec_size, PARAM_SPEC_MIN_SIZE);
  g_autofree InterpParamSpec *copy = interp_plugin_params_in_layout (c);
  const InterpParamSpec *params = copy ? copy : c->params;
  return check_params (origin, what, params, error)
    && check_vtable_calls (origin, what, c, params, error);
}

gboolean
interp_plugin_check_descriptor (const char *origin, const InterpPluginDescriptor *d,
                                GError **error)
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

InterpParamSpec *
interp_plugin_params_in_layout (const InterpComponent *c)
{
  if (c->params == NULL || c->param_spec_size == sizeof (InterpParamSpec))
    return NULL;
  guint n = 0;
  while (spec_at (c->params, c->param_spec_size, n)->key)
    n++;
  /* Zeroed: members the plugin's spec does not have read as 0. */
  InterpParamSpec *copy = g_new0 (InterpParamSpec, n + 1);
  size_t take = MIN (c->param_spec_size, sizeof copy[0]);
  for (guint i = 0; i < n; i++)
    memcpy (&copy[i], spec_at (c->params, c->param_spec_size, i), take);
  return copy;
}
