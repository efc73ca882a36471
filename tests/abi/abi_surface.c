/*
 * The ABI surface: a shared library whose exported functions reach every public type of plugin_api.h, so that
 * `abidw` records their complete layout (fields, offsets, sizes, function-pointer signatures) from DWARF.
 * ctest abi.abidiff compares that record with the committed baseline/plugin_api.abi; see CMakeLists.txt.
 *
 * Built with -DCONNHOST_ABI_SURFACE_SELF_CHECK, connhost_write_args has grown a field at its end (what the next
 * minor version might do); abidiff must report that against the baseline (ctest abi.abidiff.detects_growth),
 * which proves the gate can fail. Built with -DCONNHOST_ABI_SURFACE_SELF_CHECK_MIDDLE, connhost_read_args has a field
 * inserted in its middle (a break of every connector built): abi.abidiff.detects_insertion.
 */
#if defined(CONNHOST_ABI_SURFACE_SELF_CHECK)
#define connhost_write_args connhost_write_args_1_0
#elif defined(CONNHOST_ABI_SURFACE_SELF_CHECK_MIDDLE)
#define connhost_read_args connhost_read_args_1_0
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
#ifdef CONNHOST_ABI_SURFACE_SELF_CHECK_MIDDLE
#undef connhost_read_args
typedef struct connhost_read_args {
    uint32_t struct_size;
    uint32_t reserved0;
    const char* config;
    size_t config_size;
    uint64_t inserted_in_the_middle;
    const char* catalog;
    size_t catalog_size;
    const char* state;
    size_t state_size;
} connhost_read_args;
#endif

#define EXPORT CONNHOST_EXPORT

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
EXPORT uint32_t connhost_abi_surface_read_back_ext(const connhost_read_back_ext* e) { return e->struct_size; }
EXPORT uint32_t connhost_abi_surface_record_reject_ext(const connhost_record_reject_ext* e) { return e->struct_size; }
EXPORT uint32_t connhost_abi_surface_value_changes_ext(const connhost_value_changes_ext* e) { return e->struct_size; }
EXPORT uint32_t connhost_abi_surface_partition_ext(const connhost_partition_ext* e) { return e->struct_size; }
EXPORT uint32_t connhost_abi_surface_record_fields_ext(const connhost_record_fields_ext* e) { return e->struct_size; }
EXPORT connhost_field_kind connhost_abi_surface_field(const connhost_field* f) { return f->kind; }
/* The value families by name: a typedef renamed or retyped shows in the report. */
EXPORT connhost_status connhost_abi_surface_values(connhost_log_level l, connhost_kind k, connhost_msg_type m,
                                                   connhost_input_kind i) {
    return l + k + m + i;
}
