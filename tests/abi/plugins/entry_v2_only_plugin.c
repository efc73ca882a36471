/* entry_v2_only_plugin: exports only connhost_plugin_entry_v2, the entry a future ABI 2 connector would have. */
#include "stub_ops.h"

static const connhost_plugin descriptor = STUB_DESCRIPTOR(sizeof(connhost_plugin), 2, 0, "entry_v2_only_plugin");

EXPORT const connhost_plugin* connhost_plugin_entry_v2(void);
EXPORT const connhost_plugin* connhost_plugin_entry_v2(void) { return &descriptor; }
