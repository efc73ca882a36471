/* named_plugin: one C99 source compiled several times with another descriptor identity, for the plugin lookup
   tests (plugin_lookup_test.py). PLUGIN_NAME and PLUGIN_VERSION are the descriptor's; its spec names PLUGIN_TAG, so
   a test can tell which file answered. */
#include <connhost/plugin_api.h>

#include <stdlib.h>
#include <string.h>

#define LIT(s) s, (sizeof(s) - 1)

struct connhost_instance {
    const connhost_host* host;
};

static connhost_instance* named_create(const connhost_host* host) {
    connhost_instance* inst = (connhost_instance*)malloc(sizeof *inst);
    if (inst) inst->host = host;
    return inst;
}

static void named_destroy(connhost_instance* inst) { free(inst); }

static connhost_status named_spec(connhost_instance* inst) {
    static const char spec[] = "{\"documentationUrl\":\"https://connhost.invalid/" PLUGIN_TAG
                               "\","
                               "\"connectionSpecification\":{\"type\":\"object\",\"properties\":{}}}";
    return inst->host->emit_message(inst->host, CONNHOST_MSG_SPEC, LIT(spec));
}

static const connhost_plugin descriptor = {
    sizeof(connhost_plugin),
    CONNHOST_ABI_MAJOR,
    CONNHOST_ABI_MINOR,
    CONNHOST_KIND_SOURCE,
    PLUGIN_NAME,
    PLUGIN_VERSION,
    "plugin lookup test plugin",
    named_create,
    named_destroy,
    named_spec,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
};

CONNHOST_EXPORT const connhost_plugin* connhost_plugin_entry_v1(void) { return &descriptor; }
