/*
 * The layout gate: the complete ABI 1.0 layout of every released struct of plugin_api.h, field by field,
 * on LP64 (x86_64, aarch64). Compiled as C99 by gcc and clang with -pedantic -Werror (ctest abi.static_asserts.*),
 * together with the header's own CONNHOST_STATIC_ASSERTs.
 *
 * A failure here means a released struct changed: that breaks every connector already built. Add new fields
 * only at a struct's end (then add their offsets below and bump CONNHOST_ABI_MINOR); never edit a line here.
 *
 * Built with -DCONNHOST_GATE_SELF_CHECK it must fail to compile (ctest abi.static_asserts.*.fires), which
 * proves the assertions are live under these flags and not compiled away.
 */
#include <connhost/plugin_api.h>

#if UINTPTR_MAX != 0xFFFFFFFFFFFFFFFFu
#error "the layout gate describes LP64 targets; add the layouts of this target before using it here"
#endif

#define SIZE(T, n) CONNHOST_STATIC_ASSERT(sizeof(T) == (n), "sizeof(" #T ") is not " #n " as in ABI 1.0")
#define OFF(T, f, n) CONNHOST_STATIC_ASSERT(offsetof(T, f) == (n), #T "." #f " is not at offset " #n " as in ABI 1.0")

/* Versions and the entry name are part of the ABI too. */
CONNHOST_STATIC_ASSERT(CONNHOST_ABI_MAJOR == 1, "this gate describes ABI 1");
CONNHOST_STATIC_ASSERT(sizeof(CONNHOST_ENTRY_SYMBOL) == sizeof("connhost_plugin_entry_v1"),
                       "the entry symbol of ABI 1 changed");

/* Status codes, levels, kinds and message types are values on the wire: released values never change. */
CONNHOST_STATIC_ASSERT(CONNHOST_STATUS_OK == 0 && CONNHOST_STATUS_CONFIG == 1 && CONNHOST_STATUS_TRANSIENT == 2 &&
                           CONNHOST_STATUS_SYSTEM == 3 && CONNHOST_STATUS_CANCELLED == 4 &&
                           CONNHOST_STATUS_UNSUPPORTED == 5 && CONNHOST_STATUS_INTERNAL == 6 &&
                           CONNHOST_STATUS_END_OF_INPUT == 7,
                       "a released status code changed");
CONNHOST_STATIC_ASSERT(CONNHOST_LOG_TRACE == 0 && CONNHOST_LOG_DEBUG == 1 && CONNHOST_LOG_INFO == 2 &&
                           CONNHOST_LOG_WARN == 3 && CONNHOST_LOG_ERROR == 4 && CONNHOST_LOG_FATAL == 5,
                       "a released log level changed");
CONNHOST_STATIC_ASSERT(CONNHOST_KIND_SOURCE == 1 && CONNHOST_KIND_DESTINATION == 2,
                       "a released connector kind changed");
CONNHOST_STATIC_ASSERT(CONNHOST_MSG_SPEC == 1 && CONNHOST_MSG_CONNECTION_STATUS == 2 && CONNHOST_MSG_CATALOG == 3 &&
                           CONNHOST_MSG_TRACE == 4 && CONNHOST_MSG_CONTROL == 5,
                       "a released message type changed");
CONNHOST_STATIC_ASSERT(CONNHOST_INPUT_RECORDS == 1 && CONNHOST_INPUT_STATE == 2 && CONNHOST_INPUT_STREAM_STATUS == 3 &&
                           CONNHOST_INPUT_IDLE == 4,
                       "a released input kind changed");

/* sizeof is this header's newest minor; the grown test header (grow_header.py) is never compiled with this file. */
SIZE(connhost_record_batch, 96);
OFF(connhost_record_batch, struct_size, 0);
OFF(connhost_record_batch, record_count, 4);
OFF(connhost_record_batch, stream, 8);
OFF(connhost_record_batch, stream_size, 16);
OFF(connhost_record_batch, ns, 24);
OFF(connhost_record_batch, ns_size, 32);
OFF(connhost_record_batch, data, 40);
OFF(connhost_record_batch, data_size, 48);
OFF(connhost_record_batch, offsets, 56);
OFF(connhost_record_batch, emitted_at, 64);
OFF(connhost_record_batch, meta, 72);
OFF(connhost_record_batch, meta_offsets, 80);
OFF(connhost_record_batch, meta_size, 88);

SIZE(connhost_input, 48);
OFF(connhost_input, struct_size, 0);
OFF(connhost_input, kind, 4);
OFF(connhost_input, batch, 8);
OFF(connhost_input, json, 16);
OFF(connhost_input, json_size, 24);
OFF(connhost_input, state_id, 32);
OFF(connhost_input, wait_ms, 40);
OFF(connhost_input, reserved0, 44);

SIZE(connhost_host, 96);
OFF(connhost_host, struct_size, 0);
OFF(connhost_host, abi_major, 4);
OFF(connhost_host, abi_minor, 8);
OFF(connhost_host, reserved0, 12);
OFF(connhost_host, host_data, 16);
OFF(connhost_host, log, 24);
OFF(connhost_host, set_error, 32);
OFF(connhost_host, is_cancelled, 40);
OFF(connhost_host, emit_records, 48);
OFF(connhost_host, emit_state, 56);
OFF(connhost_host, emit_message, 64);
OFF(connhost_host, next_input, 72);
OFF(connhost_host, ack_state, 80);
OFF(connhost_host, get_extension, 88);

SIZE(connhost_read_args, 56);
OFF(connhost_read_args, struct_size, 0);
OFF(connhost_read_args, reserved0, 4);
OFF(connhost_read_args, config, 8);
OFF(connhost_read_args, config_size, 16);
OFF(connhost_read_args, catalog, 24);
OFF(connhost_read_args, catalog_size, 32);
OFF(connhost_read_args, state, 40);
OFF(connhost_read_args, state_size, 48);

SIZE(connhost_write_args, 40);
OFF(connhost_write_args, struct_size, 0);
OFF(connhost_write_args, reserved0, 4);
OFF(connhost_write_args, config, 8);
OFF(connhost_write_args, config_size, 16);
OFF(connhost_write_args, catalog, 24);
OFF(connhost_write_args, catalog_size, 32);

SIZE(connhost_plugin, 112);
OFF(connhost_plugin, struct_size, 0);
OFF(connhost_plugin, abi_major, 4);
OFF(connhost_plugin, abi_minor, 8);
OFF(connhost_plugin, kind, 12);
OFF(connhost_plugin, name, 16);
OFF(connhost_plugin, version, 24);
OFF(connhost_plugin, description, 32);
OFF(connhost_plugin, create, 40);
OFF(connhost_plugin, destroy, 48);
OFF(connhost_plugin, spec, 56);
OFF(connhost_plugin, check, 64);
OFF(connhost_plugin, discover, 72);
OFF(connhost_plugin, read, 80);
OFF(connhost_plugin, write, 88);
OFF(connhost_plugin, cancel, 96);
OFF(connhost_plugin, get_extension, 104);

/* Host extension tables, reached by id through connhost_host.get_extension: ids and layouts never change either. */
CONNHOST_STATIC_ASSERT(sizeof(CONNHOST_EXT_SECRETS) == sizeof("connhost.secrets/1"),
                       "the id of the secrets extension changed");
SIZE(connhost_secrets_ext, 16);
OFF(connhost_secrets_ext, struct_size, 0);
OFF(connhost_secrets_ext, reserved0, 4);
OFF(connhost_secrets_ext, add_secret, 8);

CONNHOST_STATIC_ASSERT(sizeof(CONNHOST_EXT_RECORD_REJECT) == sizeof("connhost.record_reject/1"),
                       "the id of the record-reject extension changed");
SIZE(connhost_record_reject_ext, 16);
OFF(connhost_record_reject_ext, struct_size, 0);
OFF(connhost_record_reject_ext, reserved0, 4);
OFF(connhost_record_reject_ext, reject, 8);

CONNHOST_STATIC_ASSERT(sizeof(CONNHOST_EXT_VALUE_CHANGES) == sizeof("connhost.value_changes/1"),
                       "the id of the value-changes extension changed");
SIZE(connhost_value_changes_ext, 16);
OFF(connhost_value_changes_ext, struct_size, 0);
OFF(connhost_value_changes_ext, reserved0, 4);
OFF(connhost_value_changes_ext, changed, 8);

CONNHOST_STATIC_ASSERT(sizeof(CONNHOST_EXT_PARTITION) == sizeof("connhost.partition/1"),
                       "the id of the partition extension changed");
SIZE(connhost_partition_ext, 16);
OFF(connhost_partition_ext, struct_size, 0);
OFF(connhost_partition_ext, reserved0, 4);
OFF(connhost_partition_ext, slice, 8);

CONNHOST_STATIC_ASSERT(sizeof(CONNHOST_EXT_RECORD_FIELDS) == sizeof("connhost.record_fields/1"),
                       "the id of the record-fields extension changed");
SIZE(connhost_record_fields_ext, 24);
OFF(connhost_record_fields_ext, struct_size, 0);
OFF(connhost_record_fields_ext, reserved0, 4);
OFF(connhost_record_fields_ext, keep, 8);
OFF(connhost_record_fields_ext, batch_fields, 16);
SIZE(connhost_field, 20);
OFF(connhost_field, key_offset, 0);
OFF(connhost_field, key_size, 4);
OFF(connhost_field, value_offset, 8);
OFF(connhost_field, value_size, 12);
OFF(connhost_field, kind, 16);
OFF(connhost_field, flags, 17);
OFF(connhost_field, reserved0, 18);
CONNHOST_STATIC_ASSERT(CONNHOST_FIELD_STRING == 1 && CONNHOST_FIELD_NUMBER == 2 && CONNHOST_FIELD_TRUE == 3 &&
                           CONNHOST_FIELD_FALSE == 4 && CONNHOST_FIELD_NULL == 5 && CONNHOST_FIELD_OBJECT == 6 &&
                           CONNHOST_FIELD_ARRAY == 7 && CONNHOST_FIELD_KEY_ESCAPED == 1 &&
                           CONNHOST_FIELD_VALUE_ESCAPED == 2,
                       "a record field kind or flag changed its value");

/* Plugin extension tables, reached by id through connhost_plugin.get_extension. */
CONNHOST_STATIC_ASSERT(sizeof(CONNHOST_EXT_READ_BACK) == sizeof("connhost.read_back/1"),
                       "the id of the read-back extension changed");
SIZE(connhost_read_back_ext, 16);
OFF(connhost_read_back_ext, struct_size, 0);
OFF(connhost_read_back_ext, reserved0, 4);
OFF(connhost_read_back_ext, read_back, 8);

/* The published 1.0 sizes never change, whatever later minors add. */
CONNHOST_STATIC_ASSERT(CONNHOST_RECORD_BATCH_SIZE_1_0 == 96 && CONNHOST_INPUT_SIZE_1_0 == 48 &&
                           CONNHOST_HOST_SIZE_1_0 == 96 && CONNHOST_READ_ARGS_SIZE_1_0 == 56 &&
                           CONNHOST_WRITE_ARGS_SIZE_1_0 == 40 && CONNHOST_PLUGIN_SIZE_1_0 == 112 &&
                           CONNHOST_SECRETS_EXT_SIZE_1_0 == 16 && CONNHOST_READ_BACK_EXT_SIZE_1_0 == 16,
                       "a published 1.0 size changed");

/* The value families are int32_t: a signature's type says which constants it takes, its size never changes. */
CONNHOST_STATIC_ASSERT(sizeof(connhost_status) == 4 && sizeof(connhost_log_level) == 4 && sizeof(connhost_kind) == 4 &&
                           sizeof(connhost_msg_type) == 4 && sizeof(connhost_input_kind) == 4,
                       "a value family is no longer 32 bits");

#ifdef CONNHOST_GATE_SELF_CHECK
CONNHOST_STATIC_ASSERT(sizeof(connhost_plugin) == 1, "connhost gate self-check: this assertion must fail");
#endif

/* ISO C forbids an empty translation unit; give the object one symbol. */
int connhost_layout_gate_compiled(void);
int connhost_layout_gate_compiled(void) { return 1; }
