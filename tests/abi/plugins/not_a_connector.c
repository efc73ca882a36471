/* not_a_connector: an ordinary shared library that exports functions but no connhost entry point. */
__attribute__((visibility("default"))) int not_a_connector_answer(void);
__attribute__((visibility("default"))) int not_a_connector_answer(void) { return 42; }
