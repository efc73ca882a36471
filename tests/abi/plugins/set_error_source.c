/* set_error_source: a plain C source whose read fails with a transient status and says why through set_error. */
#include <connhost/plugin_api.h>

#include <stdlib.h>

#define LIT(s) s, (sizeof(s) - 1)

struct connhost_instance {
    const connhost_host* host;
};

static connhost_instance* create(const connhost_host* host) {
    connhost_instance* inst = (connhost_instance*)malloc(sizeof *inst);
    if (inst) inst->host = host;
    return inst;
}
static void destroy(connhost_instance* inst) { free(inst); }
static connhost_status spec(connhost_instance* inst) {
    return inst->host->emit_message(inst->host, CONNHOST_MSG_SPEC,
                                    LIT("{\"connectionSpecification\":{\"type\":\"object\"}}"));
}
static connhost_status check(connhost_instance* inst, const char* config, size_t size) {
    (void)config, (void)size;
    return inst->host->emit_message(inst->host, CONNHOST_MSG_CONNECTION_STATUS, LIT("{\"status\":\"SUCCEEDED\"}"));
}
static connhost_status discover(connhost_instance* inst, const char* config, size_t size) {
    (void)config, (void)size;
    return inst->host->emit_message(inst->host, CONNHOST_MSG_CATALOG, LIT("{\"streams\":[]}"));
}
static connhost_status do_read(connhost_instance* inst, const connhost_read_args* args) {
    (void)args;
    /* The first message is replaced: the last set_error before returning wins. */
    inst->host->set_error(inst->host, LIT("a message that must not be shown"));
    inst->host->set_error(inst->host,
                          LIT("upstream API answered 503 Service Unavailable: wait a minute and re-run the sync"));
    return CONNHOST_STATUS_TRANSIENT;
}
static connhost_status do_write(connhost_instance* inst, const connhost_write_args* args) {
    (void)inst, (void)args;
    return CONNHOST_STATUS_UNSUPPORTED;
}
static void cancel(connhost_instance* inst) { (void)inst; }
static const void* get_extension(connhost_instance* inst, const char* id) {
    (void)inst, (void)id;
    return NULL;
}

static const connhost_plugin descriptor = {
    sizeof(connhost_plugin),
    CONNHOST_ABI_MAJOR,
    CONNHOST_ABI_MINOR,
    CONNHOST_KIND_SOURCE,
    "set_error_source",
    "0.0.1",
    "A source whose read fails with a message (ABI test)",
    create,
    destroy,
    spec,
    check,
    discover,
    do_read,
    do_write,
    cancel,
    get_extension,
};

CONNHOST_EXPORT const connhost_plugin* connhost_plugin_entry_v1(void) { return &descriptor; }
