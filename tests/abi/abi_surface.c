/*
 * The ABI surface: a shared library whose exported functions reach every public type of plugin_api.h, so that
 * `abidw` records their complete layout (fields, offsets, sizes, function-pointer signatures) from DWARF.
 * ctest abi.abidiff compares that record with the committed baseline/plugin_api.abi; see CMakeLists.txt.
 *
 * Built with -DCONNHOST_ABI_SURFACE_SELF_CHECK, connhost_write_args has grown a field at its end (what the next
 * minor version might do); abidiff must report that against the baseline (ctest abi.abidiff.detects_growth),
 * which proves the gate can fail.
 */
#ifdef CONNHOST_ABI_SURFACE_SELF_CHECK
#define connhost_write_args connhost_write_args_1_0
#endif
#include <connhost/plugin_api.h>
#ifdef CONNHOST_ABI_SURFACE_SELF_CHECK
#undef connhost_write_args
typedef struct connhost_write_args {
    uint32_t struct_size;
    uint32_t reserved0;
    const char* config;
    size_t config_size;
    const char* catalog;
    size_t catalog_size;
    uint64_t added_in_a_later_minor;
} connhost_write_args;
#endif

#define EXPORT __attribute__((visibility("default")))

/* One function per public type; each touches the type so nothing is optimised away. */
EXPORT uint32_t connhost_abi_surface_record_batch(const connhost_record_batch* b) { return b->struct_size; }
EXPORT uint32_t connhost_abi_surface_input(const connhost_input* in) { return in->struct_size; }
EXPORT uint32_t connhost_abi_surface_host(const connhost_host* h) { return h->struct_size; }
EXPORT uint32_t connhost_abi_surface_read_args(const connhost_read_args* a) { return a->struct_size; }
EXPORT uint32_t connhost_abi_surface_write_args(const connhost_write_args* a) { return a->struct_size; }
EXPORT uint32_t connhost_abi_surface_plugin(const connhost_plugin* p) { return p->struct_size; }
EXPORT const connhost_plugin* connhost_abi_surface_entry(connhost_plugin_entry_fn entry) { return entry(); }
EXPORT void connhost_abi_surface_instance(connhost_instance* inst, const connhost_plugin* p) { p->destroy(inst); }
EXPORT uint32_t connhost_abi_surface_secrets_ext(const connhost_secrets_ext* e) { return e->struct_size; }
