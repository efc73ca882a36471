/* static_crash_plugin: aborts in a static constructor, as the library is loaded and before any entry is called,
   as a connector with a broken global initialiser would. With --isolate the host must survive it. */
#include "stub_ops.h"

#include <stdlib.h>

__attribute__((constructor)) static void crash_on_load(void) { abort(); }

static const connhost_plugin descriptor =
    STUB_DESCRIPTOR(sizeof(connhost_plugin), CONNHOST_ABI_MAJOR, CONNHOST_ABI_MINOR, "static_crash_plugin");

EXPORT const connhost_plugin* connhost_plugin_entry_v1(void) { return &descriptor; }
