/*
 * The entry point as a connector defines it, compiled by ctest abi.entry_signature.*: plugin_api.h declares
 * connhost_plugin_entry_v1, so only the exact signature compiles. ENTRY_RIGHT must compile; each other variant
 * must fail, or a connector with a wrong entry point would build and then misbehave at load time.
 */
#include <connhost/plugin_api.h>

static const connhost_plugin descriptor = {CONNHOST_PLUGIN_SIZE_1_0,
                                           CONNHOST_ABI_MAJOR,
                                           CONNHOST_ABI_MINOR,
                                           CONNHOST_KIND_SOURCE,
                                           "entry_signature",
                                           "0.0.1",
                                           "ABI test",
                                           0,
                                           0,
                                           0,
                                           0,
                                           0,
                                           0,
                                           0,
                                           0,
                                           0};

#if defined(ENTRY_RIGHT)
CONNHOST_EXPORT const connhost_plugin* connhost_plugin_entry_v1(void) { return &descriptor; }
#elif defined(ENTRY_NOT_CONST)
CONNHOST_EXPORT connhost_plugin* connhost_plugin_entry_v1(void) { return (connhost_plugin*)&descriptor; }
#elif defined(ENTRY_TAKES_INT)
CONNHOST_EXPORT const connhost_plugin* connhost_plugin_entry_v1(int version) { return version ? &descriptor : 0; }
#elif defined(ENTRY_RETURNS_INT)
CONNHOST_EXPORT int connhost_plugin_entry_v1(void) { return descriptor.abi_major; }
#else
#error "define ENTRY_RIGHT or one of the wrong variants"
#endif
