/*
 * connhost plugin ABI, major version 1.
 *
 * This is the only file a connector must include. It is C99 and depends on
 * <stdint.h> and <stddef.h> only, so a connector may be written in any
 * language and built with any compiler and standard library.
 *
 * How it fits together (the pattern of SQLite's sqlite3ext.h and CLAP):
 *
 *   1. The connector library exports exactly one symbol,
 *        const connhost_plugin* connhost_plugin_entry_v1(void);
 *      It has no side effects and returns a pointer to a static descriptor.
 *   2. The host checks descriptor->struct_size and abi_major, then calls
 *      descriptor->create(host) to get an instance. `host` is a table of
 *      function pointers owned by the host: everything the connector may call
 *      (logging, emitting records and states, pulling input) arrives there. The
 *      connector links nothing from the host.
 *   3. The host calls one operation on the instance (spec, check, discover,
 *      read or write), then destroy(). Results leave through host callbacks,
 *      which copy what they are given, so the connector keeps ownership of its
 *      memory and the host of its own.
 *
 * Rules every struct follows:
 *   - it starts with uint32_t struct_size, set by whoever fills it in;
 *   - it only ever grows at its end; a reader checks struct_size before
 *     touching a field added in a later minor version (CONNHOST_HAS_FIELD);
 *   - zero / NULL in a field means "absent, old behaviour";
 *   - strings are UTF-8 as pointer + length (not NUL-terminated) unless the
 *     field's comment says otherwise;
 *   - status codes are int32_t values of CONNHOST_STATUS_*, never C enums.
 *
 * Threads: each function below says which thread may call it.
 *   "any thread"      : thread-safe, may be called concurrently.
 *   "run thread"      : only on the thread that entered the current plugin
 *                       operation (spec/check/discover/read/write), during it.
 *   "host serialised" : the host never calls two of these at once on one instance.
 */
#ifndef CONNHOST_PLUGIN_API_H
#define CONNHOST_PLUGIN_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version this header describes. Majors break, minors only grow structs. */
#define CONNHOST_ABI_MAJOR 1
#define CONNHOST_ABI_MINOR 0

/* Name of the one exported symbol for this major. */
#define CONNHOST_ENTRY_SYMBOL "connhost_plugin_entry_v1"

/* True when a struct of the given size contains FIELD of TYPE (for minor-version growth). */
#define CONNHOST_HAS_FIELD(ptr, TYPE, FIELD) \
    ((ptr)->struct_size >= offsetof(TYPE, FIELD) + sizeof(((TYPE*)0)->FIELD))

/* ---- status codes: every fallible call returns one ---------------------- */
#define CONNHOST_STATUS_OK           0 /* success */
#define CONNHOST_STATUS_CONFIG       1 /* the user's config/catalog/state is wrong: fix the input */
#define CONNHOST_STATUS_TRANSIENT    2 /* temporary failure (network, lock): retrying may succeed */
#define CONNHOST_STATUS_SYSTEM       3 /* the environment failed (disk full, permission, server down) */
#define CONNHOST_STATUS_CANCELLED    4 /* the operation stopped because cancel was requested */
#define CONNHOST_STATUS_UNSUPPORTED  5 /* the connector does not implement this operation */
#define CONNHOST_STATUS_INTERNAL     6 /* a bug in the connector or host */
#define CONNHOST_STATUS_END_OF_INPUT 7 /* next_input only: no more input, not an error */

/* ---- log levels ---------------------------------------------------------- */
#define CONNHOST_LOG_TRACE 0
#define CONNHOST_LOG_DEBUG 1
#define CONNHOST_LOG_INFO  2
#define CONNHOST_LOG_WARN  3
#define CONNHOST_LOG_ERROR 4
#define CONNHOST_LOG_FATAL 5

/* ---- connector kinds ----------------------------------------------------- */
#define CONNHOST_KIND_SOURCE      1
#define CONNHOST_KIND_DESTINATION 2

/* ---- message types for connhost_host.emit_message ------------------------ */
#define CONNHOST_MSG_SPEC              1 /* payload: ConnectorSpecification object */
#define CONNHOST_MSG_CONNECTION_STATUS 2 /* payload: AirbyteConnectionStatus object */
#define CONNHOST_MSG_CATALOG           3 /* payload: AirbyteCatalog object */
#define CONNHOST_MSG_TRACE             4 /* payload: AirbyteTraceMessage object */
#define CONNHOST_MSG_CONTROL           5 /* payload: AirbyteControlMessage object */

/* ---- input kinds for connhost_host.next_input ---------------------------- */
#define CONNHOST_INPUT_RECORDS       1 /* input.batch holds records of one stream */
#define CONNHOST_INPUT_STATE         2 /* input.json is an AirbyteStateMessage; ack with input.state_id */
#define CONNHOST_INPUT_STREAM_STATUS 3 /* input.json is an AirbyteStreamStatusTraceMessage */
#define CONNHOST_INPUT_IDLE          4 /* nothing arrived within input.wait_ms: commit and ack what you have, then
                                          call next_input again (only when the destination set wait_ms) */

/*
 * A batch of records of one stream. Record i is the JSON text of the record's
 * `data` object, bytes data[offsets[i] .. offsets[i+1]). Everything is
 * borrowed: valid only until the call that carries it returns (emit_records)
 * or until the next next_input call (destinations).
 */
typedef struct connhost_record_batch {
    uint32_t struct_size;       /* sizeof(connhost_record_batch) of the writer */
    uint32_t record_count;      /* number of records */
    const char* stream;         /* stream name, UTF-8 */
    size_t stream_size;
    const char* ns;             /* namespace, UTF-8; NULL when the stream has none */
    size_t ns_size;
    const char* data;           /* concatenated record JSON texts */
    size_t data_size;
    const uint64_t* offsets;    /* record_count + 1 offsets into data, offsets[0] == 0 */
    const int64_t* emitted_at;  /* record_count values, ms since epoch; NULL: host stamps "now" */
    const char* meta;           /* concatenated AirbyteRecordMessageMeta JSON texts; NULL: none */
    const uint64_t* meta_offsets; /* record_count + 1 offsets into meta; empty span: no meta */
    size_t meta_size;           /* bytes in meta; meta is ignored when this field is absent */
} connhost_record_batch;

/* One item of a destination's input (filled by the host in next_input). The host writes only the fields that
   fit in the caller's struct_size. */
typedef struct connhost_input {
    uint32_t struct_size;              /* set by the caller of next_input to its sizeof */
    int32_t kind;                      /* CONNHOST_INPUT_* */
    const connhost_record_batch* batch; /* RECORDS: the batch; borrowed until the next next_input */
    const char* json;                  /* STATE / STREAM_STATUS: the message JSON; borrowed likewise */
    size_t json_size;
    uint64_t state_id;                 /* STATE: pass to ack_state once its records are committed */
    uint32_t wait_ms;                  /* set by the caller: longest wait for input before next_input returns
                                          kind IDLE (the host may wake it sooner); 0 blocks until input comes */
    uint32_t reserved0;                /* zero */
} connhost_input;

typedef struct connhost_host connhost_host;

/*
 * Services the host offers to a plugin instance. Handed to create(); valid
 * until destroy() returns. Calls never throw, and copy whatever they are given.
 */
struct connhost_host {
    uint32_t struct_size;  /* sizeof(connhost_host) of the host */
    uint32_t abi_major;    /* the host's CONNHOST_ABI_MAJOR */
    uint32_t abi_minor;    /* the host's CONNHOST_ABI_MINOR */
    uint32_t reserved0;    /* zero */
    void* host_data;       /* opaque to the plugin: pass `host` back unchanged */

    /* Log one line under the plugin's name. Any thread. Secrets are masked by the host. */
    void (*log)(const connhost_host* host, int32_t level, const char* msg, size_t msg_size);

    /* Set the message explaining the status the current operation is about to return.
       Run thread. Say what failed and what the user can do. Last call wins. */
    void (*set_error)(const connhost_host* host, const char* msg, size_t msg_size);

    /* Non-zero once the host asked the operation to stop. Any thread. Cheap: poll it. */
    int32_t (*is_cancelled)(const connhost_host* host);

    /* Source: hand over a batch of records (copied). Run thread. May block for back-pressure.
       Returns OK, CONFIG when a record's data is over the host's record size limit (the host
       keeps the error, naming the stream), or CANCELLED when the operation should stop. */
    int32_t (*emit_records)(const connhost_host* host, const connhost_record_batch* batch);

    /* Source: emit a checkpoint, an AirbyteStateMessage JSON object, after every record it
       covers has been emitted. Run thread. Returns OK, CONFIG (not valid JSON) or CANCELLED. */
    int32_t (*emit_state)(const connhost_host* host, const char* json, size_t json_size);

    /* Emit a protocol message of type CONNHOST_MSG_* with its payload object (copied).
       Run thread. Returns OK or CONFIG (payload not valid JSON). */
    int32_t (*emit_message)(const connhost_host* host, int32_t msg_type, const char* json, size_t json_size);

    /* Destination: fill *input with the next item, in input order. Run thread. May block.
       Returns OK, END_OF_INPUT (everything delivered), CANCELLED, or CONFIG/SYSTEM when the
       input broke (the host logs where; commit what you have, ack, and return). */
    int32_t (*next_input)(const connhost_host* host, connhost_input* input);

    /* Destination: every record delivered before the state `state_id` is durably committed.
       Acknowledges that state and all earlier ones, in order. Run thread. Returns OK, or
       CONFIG for an unknown or already acknowledged id. */
    int32_t (*ack_state)(const connhost_host* host, uint64_t state_id);

    /* Look up an optional host capability by id ("connhost.xyz/1"); NULL if absent. Any thread. */
    const void* (*get_extension)(const connhost_host* host, const char* id_nul_terminated);
};

/* Arguments of read(). Borrowed for the duration of the call. */
typedef struct connhost_read_args {
    uint32_t struct_size;
    uint32_t reserved0;
    const char* config;      /* config JSON object */
    size_t config_size;
    const char* catalog;     /* ConfiguredAirbyteCatalog JSON (plain catalogs are converted by the host) */
    size_t catalog_size;
    const char* state;       /* JSON array of AirbyteStateMessage (legacy state is wrapped); NULL: none */
    size_t state_size;
} connhost_read_args;

/* Arguments of write(). Borrowed for the duration of the call. */
typedef struct connhost_write_args {
    uint32_t struct_size;
    uint32_t reserved0;
    const char* config;      /* config JSON object */
    size_t config_size;
    const char* catalog;     /* ConfiguredAirbyteCatalog JSON (plain catalogs are converted by the host) */
    size_t catalog_size;
} connhost_write_args;

/* Opaque per-instance handle owned by the plugin. */
typedef struct connhost_instance connhost_instance;

/* The descriptor returned by the entry point. Static, immutable, valid until the library is unloaded. */
typedef struct connhost_plugin {
    uint32_t struct_size;     /* sizeof(connhost_plugin) of the plugin */
    uint32_t abi_major;       /* CONNHOST_ABI_MAJOR the plugin was built against */
    uint32_t abi_minor;       /* CONNHOST_ABI_MINOR the plugin was built against */
    int32_t kind;             /* CONNHOST_KIND_* */
    const char* name;         /* NUL-terminated, static: short name, e.g. "dest_jsonl" */
    const char* version;      /* NUL-terminated, static: connector version, e.g. "1.2.0" */
    const char* description;  /* NUL-terminated, static: one line */

    /* Create an instance bound to `host` (kept until destroy). Host serialised.
       Returns NULL on failure after calling host->set_error. */
    connhost_instance* (*create)(const connhost_host* host);

    /* Destroy an instance; no call on it may be in progress. Host serialised. */
    void (*destroy)(connhost_instance* instance);

    /* Emit the ConnectorSpecification (CONNHOST_MSG_SPEC). Run thread of the call. */
    int32_t (*spec)(connhost_instance* instance);

    /* Validate config and reachability; emit CONNHOST_MSG_CONNECTION_STATUS. Returns OK when the
       check ran, whatever its verdict. Run thread of the call. */
    int32_t (*check)(connhost_instance* instance, const char* config, size_t config_size);

    /* Source: emit the AirbyteCatalog (CONNHOST_MSG_CATALOG). Run thread of the call. */
    int32_t (*discover)(connhost_instance* instance, const char* config, size_t config_size);

    /* Source: emit records and states for the configured streams. Run thread of the call. */
    int32_t (*read)(connhost_instance* instance, const connhost_read_args* args);

    /* Destination: pull input with next_input until END_OF_INPUT, commit, ack states.
       Run thread of the call. */
    int32_t (*write)(connhost_instance* instance, const connhost_write_args* args);

    /* Ask a running operation to stop soon (it then returns CANCELLED). Any thread. */
    void (*cancel)(connhost_instance* instance);

    /* Look up an optional plugin capability by id ("connhost.xyz/1"); NULL if absent. Any thread. */
    const void* (*get_extension)(const char* id_nul_terminated);
} connhost_plugin;

/* The entry point's type. The exported function has no side effects. */
typedef const connhost_plugin* (*connhost_plugin_entry_fn)(void);

/* ---- host extensions: host->get_extension(host, id) returns the table or NULL ---- */

/* "connhost.secrets/1": secrets the plugin learns while it runs (an OAuth2 access token it fetched, a signed
   URL). The host masks each registered string, and its JSON-escaped, percent-encoded and base64 spellings, in
   every log line, message, record and state from then on, as it does for the config fields the spec marks
   airbyte_secret. Register a secret before using it, so that nothing echoing it can get out first. */
#define CONNHOST_EXT_SECRETS "connhost.secrets/1"
typedef struct connhost_secrets_ext {
    uint32_t struct_size; /* sizeof(connhost_secrets_ext) of the host */
    uint32_t reserved0;   /* zero */
    /* Masks `secret` from now on; strings shorter than 2 bytes are ignored. Any thread. */
    void (*add_secret)(const connhost_host* host, const char* secret, size_t secret_size);
} connhost_secrets_ext;

/* ---- layout gates: released structs never change size or offsets -------- */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define CONNHOST_STATIC_ASSERT(c, m) _Static_assert(c, m)
#elif defined(__cplusplus) && __cplusplus >= 201103L
#define CONNHOST_STATIC_ASSERT(c, m) static_assert(c, m)
#elif defined(__GNUC__)
#define CONNHOST_STATIC_ASSERT(c, m) __extension__ _Static_assert(c, m)
#else
#define CONNHOST_STATIC_ASSERT(c, m)
#endif

#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu /* LP64 / LLP64 layouts of ABI 1.0 */
CONNHOST_STATIC_ASSERT(sizeof(connhost_record_batch) == 96, "connhost_record_batch layout changed");
CONNHOST_STATIC_ASSERT(offsetof(connhost_record_batch, stream) == 8, "connhost_record_batch.stream moved");
CONNHOST_STATIC_ASSERT(offsetof(connhost_record_batch, data) == 40, "connhost_record_batch.data moved");
CONNHOST_STATIC_ASSERT(offsetof(connhost_record_batch, meta_offsets) == 80, "connhost_record_batch.meta_offsets moved");
CONNHOST_STATIC_ASSERT(offsetof(connhost_record_batch, meta_size) == 88, "connhost_record_batch.meta_size moved");
CONNHOST_STATIC_ASSERT(sizeof(connhost_input) == 48, "connhost_input layout changed");
CONNHOST_STATIC_ASSERT(offsetof(connhost_input, batch) == 8, "connhost_input.batch moved");
CONNHOST_STATIC_ASSERT(offsetof(connhost_input, state_id) == 32, "connhost_input.state_id moved");
CONNHOST_STATIC_ASSERT(offsetof(connhost_input, wait_ms) == 40, "connhost_input.wait_ms moved");
CONNHOST_STATIC_ASSERT(sizeof(connhost_host) == 96, "connhost_host layout changed");
CONNHOST_STATIC_ASSERT(offsetof(connhost_host, host_data) == 16, "connhost_host.host_data moved");
CONNHOST_STATIC_ASSERT(offsetof(connhost_host, log) == 24, "connhost_host.log moved");
CONNHOST_STATIC_ASSERT(offsetof(connhost_host, get_extension) == 88, "connhost_host.get_extension moved");
CONNHOST_STATIC_ASSERT(sizeof(connhost_read_args) == 56, "connhost_read_args layout changed");
CONNHOST_STATIC_ASSERT(offsetof(connhost_read_args, state_size) == 48, "connhost_read_args.state_size moved");
CONNHOST_STATIC_ASSERT(sizeof(connhost_write_args) == 40, "connhost_write_args layout changed");
CONNHOST_STATIC_ASSERT(sizeof(connhost_plugin) == 112, "connhost_plugin layout changed");
CONNHOST_STATIC_ASSERT(offsetof(connhost_plugin, name) == 16, "connhost_plugin.name moved");
CONNHOST_STATIC_ASSERT(offsetof(connhost_plugin, create) == 40, "connhost_plugin.create moved");
CONNHOST_STATIC_ASSERT(offsetof(connhost_plugin, get_extension) == 104, "connhost_plugin.get_extension moved");
CONNHOST_STATIC_ASSERT(sizeof(connhost_secrets_ext) == 16, "connhost_secrets_ext layout changed");
CONNHOST_STATIC_ASSERT(offsetof(connhost_secrets_ext, add_secret) == 8, "connhost_secrets_ext.add_secret moved");
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CONNHOST_PLUGIN_API_H */
