/* The KIND:NAME table: registering checked descriptors, find, list, lookup
 * and the --list-plugins text.  The contract is in registry.h; files and
 * the search path are loader.c's. */
#define G_LOG_DOMAIN "interp"

#include "config.h"

#include "plugin/registry-private.h"
#include "plugin/kinds.h"
#include "plugin/validate.h"
#include "host/params-private.h"
#include "util/suggest.h"

#include <string.h>

#include <interp/error.h>

/* One registered component.  `pub.component` is the plugin's own, or
 * `component` when its parameter table had to be copied into this
 * interp's InterpParamSpec layout (validate.h). */
typedef struct {
  InterpRegistryEntry pub;   /* first, so an entry pointer is this struct */
  char *path;
  InterpComponent component;
  InterpParamSpec *params;   /* the copied table, or NULL */
} Entry;

gboolean
interp_registry_env_flag (const char *var)
{
  const char *v = g_getenv (var);
  return v && *v && !g_str_equal (v, "0");
}

static void
entry_free (gpointer p)
{
  Entry *e = p;
  g_free (e->path);
  g_free (e->params);
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
  reg->verbose = interp_registry_env_flag ("INTERP_DEBUG_PLUGINS");
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

guint
interp_registry_n_plugins (const InterpRegistry *reg)
{
  return reg->n_plugins;
}

gboolean
interp_registry_register (InterpRegistry *reg, const InterpPluginDescriptor *d,
                          const char *origin, GError **error)
{
  if (!interp_plugin_check_descriptor (origin, d, error))
    return FALSE;

  /* All-or-nothing: find every clash before registering anything. */
  for (guint i = 0; i < d->n_components; i++)
    {
      const InterpComponent *c = d->components[i];
      const char *kind = interp_kind_name (c->kind);
      const Entry *old = g_hash_table_lookup (reg->by_kind[c->kind], c->name);
      if (old)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_DUPLICATE,
                       "%s: %s:%s is already registered by %s (plugin '%s'); "
                       "refusing this second definition (the first one found in the search "
                       "order is used; remove one of the two files to silence this)",
                       origin, kind, c->name, old->path, old->pub.plugin->name);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (d->components[j]->kind == c->kind && g_str_equal (d->components[j]->name, c->name))
          {
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_DUPLICATE,
                         "%s: %s:%s is declared twice in the same plugin", origin, kind,
                         c->name);
            return FALSE;
          }
    }

  for (guint i = 0; i < d->n_components; i++)
    {
      const InterpComponent *c = d->components[i];
      Entry *e = g_new0 (Entry, 1);
      e->path = g_strdup (origin);
      e->params = interp_plugin_params_in_layout (c);
      e->pub.component = c;
      if (e->params)
        {
          /* Only this interp's members are read, whatever the plugin's size. */
          memcpy (&e->component, c, sizeof e->component);
          e->component.params = e->params;
          e->component.param_spec_size = sizeof (InterpParamSpec);
          e->pub.component = &e->component;
        }
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
  return interp_registry_register (reg, desc, origin ? origin : "<builtin>", error);
}

const InterpRegistryEntry *
interp_registry_find (const InterpRegistry *reg, InterpKind kind, const char *name)
{
  g_return_val_if_fail (reg != NULL, NULL);
  if (interp_kind_info (kind) == NULL || name == NULL)
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
  if (interp_kind_info (kind) == NULL)
    return out;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, reg->by_kind[kind]);
  while (g_hash_table_iter_next (&it, NULL, &value))
    g_ptr_array_add (out, &((Entry *) value)->pub);
  g_ptr_array_sort (out, compare_entries);
  return out;
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
                         "'%s' is not KIND:NAME; did you mean %s:%s?", text,
                         interp_kind_name ((InterpKind) k), text);
            return NULL;
          }
      g_autofree char *kinds = interp_kind_names_text ();
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "'%s' is not KIND:NAME (e.g. metric:accuracy; kinds: %s)",
                   text ? text : "(null)", kinds);
      return NULL;
    }

  g_autofree char *kind_text = g_strndup (text, (gsize) (colon - text));
  const char *name = colon + 1;
  int kind = interp_kind_from_name (kind_text);
  if (kind < 0)
    {
      const char *names[INTERP_N_KINDS];
      for (int k = 0; k < INTERP_N_KINDS; k++)
        names[k] = interp_kind_name ((InterpKind) k);
      const char *near = interp_suggest_closest (kind_text, names, INTERP_N_KINDS);
      g_autofree char *kinds = interp_kind_names_text ();
      if (near)
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                     "%s: unknown kind '%s' (did you mean %s:%s?)", text, kind_text, near, name);
      else
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                     "%s: unknown kind '%s' (kinds: %s)", text, kind_text, kinds);
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
                     interp_kind_name ((InterpKind) k), name);
        return NULL;
      }
  const char *near = interp_suggest_closest (name, names, all->len);
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
      g_string_append_printf (out, "%s%s:\n", k ? "\n" : "", interp_kind_name ((InterpKind) k));
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
