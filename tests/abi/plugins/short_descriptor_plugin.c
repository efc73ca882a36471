/* short_descriptor_plugin: an ABI 1 descriptor whose struct_size is smaller than ABI 1.0's connhost_plugin. */
#include "stub_ops.h"

static const connhost_plugin descriptor =
    STUB_DESCRIPTOR(offsetof(connhost_plugin, create), 1, 0, "short_descriptor_plugin");

EXPORT const connhost_plugin* connhost_plugin_entry_v1(void) { return &descriptor; }
