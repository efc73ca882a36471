/* needs_missing_lib_plugin: a valid descriptor, but the library it links is not installed, so dlopen fails. */
#include "stub_ops.h"

int abi_missing_dep_answer(void);

/* Not static, so the call stays and libabi_missing_dep.so is a real dependency; hidden, so not exported. */
int needs_missing_lib_uses_dep(void);
int needs_missing_lib_uses_dep(void) { return abi_missing_dep_answer(); }

static const connhost_plugin descriptor = STUB_DESCRIPTOR(sizeof(connhost_plugin), 1, 0, "needs_missing_lib_plugin");

EXPORT const connhost_plugin* connhost_plugin_entry_v1(void) { return &descriptor; }
