#include "config.h"

#include "util/json.h"

const char *
interp_json_get_string (JsonObject *o, const char *name, const char *fallback)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    return json_node_get_string (n);
  return fallback;
}
