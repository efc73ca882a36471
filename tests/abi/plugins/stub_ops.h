/* Do-nothing operations for the test plugins that must never get as far as being run. C99. */
#ifndef CONNHOST_TEST_STUB_OPS_H
#define CONNHOST_TEST_STUB_OPS_H
#include <connhost/plugin_api.h>

static connhost_instance* stub_create(const connhost_host* host) {
    (void)host;
    return NULL;
}
static void stub_destroy(connhost_instance* inst) { (void)inst; }
static connhost_status stub_spec(connhost_instance* inst) {
    (void)inst;
    return CONNHOST_STATUS_INTERNAL;
}
static connhost_status stub_config_op(connhost_instance* inst, const char* config, size_t size) {
    (void)inst, (void)config, (void)size;
    return CONNHOST_STATUS_INTERNAL;
}
static connhost_status stub_read(connhost_instance* inst, const connhost_read_args* args) {
    (void)inst, (void)args;
    return CONNHOST_STATUS_INTERNAL;
}
static connhost_status stub_write(connhost_instance* inst, const connhost_write_args* args) {
    (void)inst, (void)args;
    return CONNHOST_STATUS_INTERNAL;
}
static void stub_cancel(connhost_instance* inst) { (void)inst; }
static const void* stub_get_extension(connhost_instance* inst, const char* id) {
    (void)inst, (void)id;
    return NULL;
}

/* A complete descriptor literal with the given header fields. */
#define STUB_DESCRIPTOR(size, major, minor, name)                                                                     \
    {                                                                                                                 \
        (size), (major), (minor), CONNHOST_KIND_SOURCE, (name), "0.0.1", "ABI test plugin that must not load",        \
            stub_create, stub_destroy, stub_spec, stub_config_op, stub_config_op, stub_read, stub_write, stub_cancel, \
            stub_get_extension                                                                                        \
    }

#define EXPORT CONNHOST_EXPORT
#endif
