/* abi2_plugin: exports the v1 entry but its descriptor says ABI 2.0, as a plugin built against a future header might.
 */
#include "stub_ops.h"

static const connhost_plugin descriptor = STUB_DESCRIPTOR(sizeof(connhost_plugin), 2, 0, "abi2_plugin");

EXPORT const connhost_plugin* connhost_plugin_entry_v1(void) { return &descriptor; }
