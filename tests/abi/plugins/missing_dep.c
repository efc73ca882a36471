/* missing_dep: a library that needs_missing_lib_plugin links, kept out of every directory the loader searches. */
__attribute__((visibility("default"))) int abi_missing_dep_answer(void);
__attribute__((visibility("default"))) int abi_missing_dep_answer(void) { return 42; }
