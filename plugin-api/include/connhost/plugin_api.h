/*
 * connhost plugin ABI, major version 1.
 *
 * This is the only file a connector must include. It is C99 and depends on
 * <stdint.h> and <stddef.h> only, so a connector may be written in any
 * language and built with any compiler and standard library.
 *
 * How it fits together (the pattern of SQLite's sqlite3ext.h and CLAP):
 *
 *   1. The connector library exports exactly one symbol, declared below:
 *        CONNHOST_EXPORT const connhost_plugin* connhost_plugin_entry_v1(void);
 *      It has no side effects and returns a pointer to a static descriptor.
 *   2. The host checks descriptor->struct_size and abi_major, then calls
 *      descriptor->create(host) to get an instance. `host` is a table of
 *      function pointers owned by the host: everything the connector may call
 *      (logging, emitting records and states, pulling input) arrives there. The
 *      connector links nothing from the host.
 *   3. The host calls one operation on the instance (spec, check, discover,
 *      read or write, or an operation of a plugin extension), then destroy().
 *      Results leave through host callbacks, which copy what they are given,
 *      so the connector keeps ownership of its memory and the host of its own.
 *
 * Versioning (every minor of major 1 loads in both directions):
 *   - every struct starts with uint32_t struct_size, set by whoever fills it in
 *     to the sizeof of the struct as compiled;
 *   - a struct only ever grows at its end: fields are added to the end only,
 *     never inserted, moved, retyped or removed. Each field is tagged with the
 *     minor that added it (since 1.0); CONNHOST_<STRUCT>_SIZE_1_<minor> gives the
 *     size of each struct in each minor (LP64 values);
 *   - a reader checks CONNHOST_HAS_FIELD before touching a field added after
 *     1.0, and refuses a struct smaller than its 1.0 size (never compares with
 *     the sizeof of its own, possibly newer, header);
 *   - whoever writes into a struct the other side allocated (the host filling a
 *     plugin's connhost_input) writes only the fields that fit in its struct_size;
 *   - zero / NULL in a field means "absent, old behaviour";
 *   - strings are UTF-8 as pointer + length (not NUL-terminated) unless the
 *     field's comment says otherwise;
 *   - value families are int32_t typedefs (connhost_status, connhost_log_level,
 *     connhost_kind, connhost_msg_type, connhost_input_kind), never C enums.
 *
 * Extensions: optional capabilities are tables reached by a string id, on the
 * host side (host->get_extension) and on the plugin side
 * (descriptor->get_extension). Ids read "connhost.<name>/<version>", version
 * being the extension's integer major; an incompatible change gets a new id,
 * and an extension table grows at its end like every other struct.
 *
 * Threads: each function below says which thread may call it.
 *   "any thread"      : thread-safe: any thread, concurrently with other calls,
 *                       between create() and the return of destroy().
 *   "run thread"      : only the thread on which the host entered the instance's
 *                       current operation (spec, check, discover, read, write,
 *                       or an extension operation such as read_back), and only
 *                       until that operation returns. A plugin using threads of
 *                       its own hands their results to the run thread.
 *   "host serialised" : the host never calls two of these at once on one
 *                       instance; successive calls may come from different threads.
 * A plugin operation "runs on the run thread of the call": the host calls it on
 * a thread of its choosing, which is the run thread until the call returns.
 */
#ifndef CONNHOST_PLUGIN_API_H
#define CONNHOST_PLUGIN_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version this header describes. Majors break, minors only grow structs at their end. */
#define CONNHOST_ABI_MAJOR 1
#define CONNHOST_ABI_MINOR 0

/* Name of the one exported symbol for this major. */
#define CONNHOST_ENTRY_SYMBOL "connhost_plugin_entry_v1"

/* Marks the entry point as exported from a library built with hidden visibility. */
#if defined(_WIN32) || defined(__CYGWIN__)
#define CONNHOST_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define CONNHOST_EXPORT __attribute__((visibility("default")))
#else
#define CONNHOST_EXPORT
#endif

/* True when a struct whose struct_size is (ptr)->struct_size contains FIELD of TYPE: check it before reading or
   writing any field added after 1.0. */
#define CONNHOST_HAS_FIELD(ptr, TYPE, FIELD) ((ptr)->struct_size >= offsetof(TYPE, FIELD) + sizeof(((TYPE*)0)->FIELD))

/* ---- value families: each typedef takes only the constants listed under it ---- */

/* Status of every fallible call: CONNHOST_STATUS_*. */
typedef int32_t connhost_status;
#define CONNHOST_STATUS_OK 0           /* success */
#define CONNHOST_STATUS_CONFIG 1       /* the user's config/catalog/state is wrong: fix the input */
#define CONNHOST_STATUS_TRANSIENT 2    /* temporary failure (network, lock): retrying may succeed */
#define CONNHOST_STATUS_SYSTEM 3       /* the environment failed (disk full, permission, server down) */
#define CONNHOST_STATUS_CANCELLED 4    /* the operation stopped because cancel was requested */
#define CONNHOST_STATUS_UNSUPPORTED 5  /* the connector does not implement this operation */
#define CONNHOST_STATUS_INTERNAL 6     /* a bug in the connector or host */
#define CONNHOST_STATUS_END_OF_INPUT 7 /* next_input only: no more input, not an error */

/* Severity of a log line: CONNHOST_LOG_*. */
typedef int32_t connhost_log_level;
#define CONNHOST_LOG_TRACE 0
#define CONNHOST_LOG_DEBUG 1
#define CONNHOST_LOG_INFO 2
#define CONNHOST_LOG_WARN 3
#define CONNHOST_LOG_ERROR 4
#define CONNHOST_LOG_FATAL 5

/* What a connector is: CONNHOST_KIND_*. */
typedef int32_t connhost_kind;
#define CONNHOST_KIND_SOURCE 1
#define CONNHOST_KIND_DESTINATION 2

/* Type of a message for connhost_host.emit_message: CONNHOST_MSG_*. */
typedef int32_t connhost_msg_type;
#define CONNHOST_MSG_SPEC 1              /* payload: ConnectorSpecification object */
#define CONNHOST_MSG_CONNECTION_STATUS 2 /* payload: AirbyteConnectionStatus object */
#define CONNHOST_MSG_CATALOG 3           /* payload: AirbyteCatalog object */
#define CONNHOST_MSG_TRACE 4             /* payload: AirbyteTraceMessage object */
#define CONNHOST_MSG_CONTROL 5           /* payload: AirbyteControlMessage object */

/* Kind of an item connhost_host.next_input delivers: CONNHOST_INPUT_*. */
typedef int32_t connhost_input_kind;
#define CONNHOST_INPUT_RECORDS 1       /* input.batch holds records of one stream */
#define CONNHOST_INPUT_STATE 2         /* input.json is an AirbyteStateMessage; ack with input.state_id */
#define CONNHOST_INPUT_STREAM_STATUS 3 /* input.json is an AirbyteStreamStatusTraceMessage */
#define CONNHOST_INPUT_IDLE                                                       \
    4 /* nothing arrived within input.wait_ms: commit and ack what you have, then \
         call next_input again (only when the destination set wait_ms) */

/*
 * A batch of records of one stream. Record i is the JSON text of the record's
 * `data` object, bytes data[offsets[i] .. offsets[i+1]). Everything is
 * borrowed: valid only until the call that carries it returns (emit_records)
 * or until the next next_input call (destinations).
 */
typedef struct connhost_record_batch {
    uint32_t struct_size;         /* since 1.0: sizeof(connhost_record_batch) of the writer */
    uint32_t record_count;        /* since 1.0: number of records */
    const char* stream;           /* since 1.0: stream name, UTF-8 */
    size_t stream_size;           /* since 1.0 */
    const char* ns;               /* since 1.0: namespace, UTF-8; NULL when the stream has none */
    size_t ns_size;               /* since 1.0 */
    const char* data;             /* since 1.0: concatenated record JSON texts */
    size_t data_size;             /* since 1.0 */
    const uint64_t* offsets;      /* since 1.0: record_count + 1 offsets into data, offsets[0] == 0 */
    const int64_t* emitted_at;    /* since 1.0: record_count values, ms since epoch; NULL: host stamps "now" */
    const char* meta;             /* since 1.0: concatenated AirbyteRecordMessageMeta JSON texts; NULL: none */
    const uint64_t* meta_offsets; /* since 1.0: record_count + 1 offsets into meta; empty span: no meta */
    size_t meta_size;             /* since 1.0: bytes in meta */
} connhost_record_batch;

/* One item of a destination's input, allocated by the destination and filled by the host in next_input. The
   host writes only the fields that fit in the caller's struct_size and never changes struct_size. */
typedef struct connhost_input {
    uint32_t struct_size;               /* since 1.0: set by the caller of next_input to its sizeof */
    connhost_input_kind kind;           /* since 1.0: CONNHOST_INPUT_* */
    const connhost_record_batch* batch; /* since 1.0: RECORDS: the batch; borrowed until the next next_input */
    const char* json;                   /* since 1.0: STATE / STREAM_STATUS: the message JSON; borrowed likewise */
    size_t json_size;                   /* since 1.0 */
    uint64_t state_id;                  /* since 1.0: STATE: pass to ack_state once its records are committed */
    uint32_t wait_ms;                   /* since 1.0: set by the caller: longest wait for input before next_input
                                           returns kind IDLE (the host may wake it sooner); 0 blocks until input */
    uint32_t reserved0;                 /* since 1.0: zero */
} connhost_input;

typedef struct connhost_host connhost_host;

/*
 * Services the host offers to a plugin instance. Handed to create(); valid
 * until destroy() returns. Calls never throw, and copy whatever they are given.
 * Add to the end only.
 */
struct connhost_host {
    uint32_t struct_size; /* since 1.0: sizeof(connhost_host) of the host */
    uint32_t abi_major;   /* since 1.0: the host's CONNHOST_ABI_MAJOR */
    uint32_t abi_minor;   /* since 1.0: the host's CONNHOST_ABI_MINOR */
    uint32_t reserved0;   /* since 1.0: zero */
    void* host_data;      /* since 1.0: opaque to the plugin, owned by the host; plugins never read or write it */

    /* since 1.0. Log one line under the plugin's name. Any thread. Secrets are masked by the host. */
    void (*log)(const connhost_host* host, connhost_log_level level, const char* msg, size_t msg_size);

    /* since 1.0. Set the message explaining the status the current operation is about to return.
       Run thread. Say what failed and what the user can do. Last call wins. */
    void (*set_error)(const connhost_host* host, const char* msg, size_t msg_size);

    /* since 1.0. Non-zero once the host asked the operation to stop. Any thread. Cheap: poll it. */
    int32_t (*is_cancelled)(const connhost_host* host);

    /* since 1.0. Hand over a batch of records (copied). Run thread. May block for back-pressure.
       Returns OK, CONFIG when a record's data is over the host's record size limit (the host
       keeps the error, naming the stream), or CANCELLED when the operation should stop. */
    connhost_status (*emit_records)(const connhost_host* host, const connhost_record_batch* batch);

    /* since 1.0. Source: emit a checkpoint, an AirbyteStateMessage JSON object, after every record it
       covers has been emitted. Run thread. Returns OK, CONFIG (not valid JSON) or CANCELLED. */
    connhost_status (*emit_state)(const connhost_host* host, const char* json, size_t json_size);

    /* since 1.0. Emit a protocol message of type CONNHOST_MSG_* with its payload object (copied).
       Run thread. Returns OK or CONFIG (payload not valid JSON). */
    connhost_status (*emit_message)(const connhost_host* host, connhost_msg_type msg_type, const char* json,
                                    size_t json_size);

    /* since 1.0. Destination: fill *input with the next item, in input order. Run thread. May block.
       Returns OK, END_OF_INPUT (everything delivered), CANCELLED, or CONFIG/SYSTEM when the
       input broke (the host logs where; commit what you have, ack, and return). */
    connhost_status (*next_input)(const connhost_host* host, connhost_input* input);

    /* since 1.0. Destination: every record delivered before the state `state_id` is durably committed.
       Acknowledges that state and all earlier ones, in order. Run thread. Returns OK, or
       CONFIG for an unknown or already acknowledged id. */
    connhost_status (*ack_state)(const connhost_host* host, uint64_t state_id);

    /* since 1.0. Look up a host extension by its NUL-terminated id ("connhost.<name>/<version>"); NULL if
       absent. The table returned is static: valid until the library is unloaded. Any thread. */
    const void* (*get_extension)(const connhost_host* host, const char* id);
};

/* Arguments of read(). Borrowed for the duration of the call. Add to the end only. */
typedef struct connhost_read_args {
    uint32_t struct_size; /* since 1.0 */
    uint32_t reserved0;   /* since 1.0: zero */
    const char* config;   /* since 1.0: config JSON object */
    size_t config_size;   /* since 1.0 */
    const char* catalog;  /* since 1.0: ConfiguredAirbyteCatalog JSON (plain catalogs are converted by the host) */
    size_t catalog_size;  /* since 1.0 */
    const char* state;    /* since 1.0: JSON array of AirbyteStateMessage (legacy state is wrapped); NULL: none */
    size_t state_size;    /* since 1.0 */
} connhost_read_args;

/* Arguments of write() (and of read_back()). Borrowed for the duration of the call. Add to the end only. */
typedef struct connhost_write_args {
    uint32_t struct_size; /* since 1.0 */
    uint32_t reserved0;   /* since 1.0: zero */
    const char* config;   /* since 1.0: config JSON object */
    size_t config_size;   /* since 1.0 */
    const char* catalog;  /* since 1.0: ConfiguredAirbyteCatalog JSON (plain catalogs are converted by the host) */
    size_t catalog_size;  /* since 1.0 */
} connhost_write_args;

/* Opaque per-instance handle owned by the plugin. */
typedef struct connhost_instance connhost_instance;

/* The descriptor returned by the entry point. Static, immutable, valid until the library is unloaded.
   Add to the end only. NULL operations mean "not supported" (the host answers UNSUPPORTED for them);
   name, create and destroy are required. */
typedef struct connhost_plugin {
    uint32_t struct_size;    /* since 1.0: sizeof(connhost_plugin) of the plugin */
    uint32_t abi_major;      /* since 1.0: CONNHOST_ABI_MAJOR the plugin was built against */
    uint32_t abi_minor;      /* since 1.0: CONNHOST_ABI_MINOR the plugin was built against */
    connhost_kind kind;      /* since 1.0: CONNHOST_KIND_* */
    const char* name;        /* since 1.0: NUL-terminated, static: short name, e.g. "dest_jsonl" */
    const char* version;     /* since 1.0: NUL-terminated, static: connector version, e.g. "1.2.0" */
    const char* description; /* since 1.0: NUL-terminated, static: one line */

    /* since 1.0. Create an instance bound to `host` (kept until destroy). Host serialised.
       Returns NULL on failure after calling host->set_error. */
    connhost_instance* (*create)(const connhost_host* host);

    /* since 1.0. Destroy an instance; no call on it may be in progress. Host serialised. */
    void (*destroy)(connhost_instance* instance);

    /* since 1.0. Emit the ConnectorSpecification (CONNHOST_MSG_SPEC). Host serialised; runs on the run thread
       of the call. */
    connhost_status (*spec)(connhost_instance* instance);

    /* since 1.0. Validate config and reachability; emit CONNHOST_MSG_CONNECTION_STATUS. Returns OK when the
       check ran, whatever its verdict. Host serialised; runs on the run thread of the call. */
    connhost_status (*check)(connhost_instance* instance, const char* config, size_t config_size);

    /* since 1.0. Source: emit the AirbyteCatalog (CONNHOST_MSG_CATALOG). Host serialised; runs on the run
       thread of the call. */
    connhost_status (*discover)(connhost_instance* instance, const char* config, size_t config_size);

    /* since 1.0. Source: emit records and states for the configured streams. Host serialised; runs on the run
       thread of the call. */
    connhost_status (*read)(connhost_instance* instance, const connhost_read_args* args);

    /* since 1.0. Destination: pull input with next_input until END_OF_INPUT, commit, ack states.
       Host serialised; runs on the run thread of the call. */
    connhost_status (*write)(connhost_instance* instance, const connhost_write_args* args);

    /* since 1.0. Optional (NULL: the plugin only polls host->is_cancelled). Ask a running operation to stop
       soon (it then returns CANCELLED). Any thread; may come before the operation starts. */
    void (*cancel)(connhost_instance* instance);

    /* since 1.0. Optional (NULL: no plugin extensions). Look up a plugin extension of `instance` by its
       NUL-terminated id ("connhost.<name>/<version>"); NULL if absent. The table returned stays valid until
       destroy(instance). Any thread. */
    const void* (*get_extension)(connhost_instance* instance, const char* id);
} connhost_plugin;

/* The entry point's type. The exported function has no side effects. */
typedef const connhost_plugin* (*connhost_plugin_entry_fn)(void);

/* The entry point every connector defines (with CONNHOST_EXPORT): declared here so that a definition with
   another signature fails to compile. Returns the static descriptor; no side effects. */
CONNHOST_EXPORT const connhost_plugin* connhost_plugin_entry_v1(void);

/* ---- host extensions: host->get_extension(host, id) returns the table or NULL ---- */

/* "connhost.secrets/1": secrets the plugin learns while it runs (an OAuth2 access token it fetched, a signed
   URL). The host masks each registered string, and its JSON-escaped, percent-encoded and base64 spellings, in
   every log line, message, record and state from then on, as it does for the config fields the spec marks
   airbyte_secret. Register a secret before using it, so that nothing echoing it can get out first. */
#define CONNHOST_EXT_SECRETS "connhost.secrets/1"
typedef struct connhost_secrets_ext {
    uint32_t struct_size; /* since 1.0: sizeof(connhost_secrets_ext) of the host */
    uint32_t reserved0;   /* since 1.0: zero */
    /* since 1.0. Masks `secret` from now on; strings shorter than 2 bytes are ignored. Any thread. */
    void (*add_secret)(const connhost_host* host, const char* secret, size_t secret_size);
} connhost_secrets_ext;

/* "connhost.record_reject/1": a destination sets one record aside without failing its batch (what Kafka Connect's
   errors.tolerance and Airbyte's per-record changes give): a value its target cannot store in any form, a row the
   database refuses. Under `--error-tolerance all` the host writes the record to the dead-letter file, counts it in
   destinationStats.rejectedRecordCount of the next acknowledged state instead of recordCount, and the write goes on
   (under `--isolate` too: the child process reports it to the host); under `none` (the default) reject answers
   UNSUPPORTED and the destination fails as it would without the extension. A value the target can hold changed
   (NULLed, truncated) is not a rejection: record it in the record's meta changes instead. */
#define CONNHOST_EXT_RECORD_REJECT "connhost.record_reject/1"
typedef struct connhost_record_reject_ext {
    uint32_t struct_size; /* since 1.0: sizeof(connhost_record_reject_ext) of the host */
    uint32_t reserved0;   /* since 1.0: zero */
    /* since 1.0. Record `record_index` (0-based) of the RECORDS batch the last next_input delivered will not be
       written; `reason` (UTF-8) says why, naming the field. Call it before the next next_input, and write nothing of
       the record. Run thread. Returns OK (the host took the record), UNSUPPORTED (bad records fail this run: fail
       as without the extension) or CONFIG (no RECORDS batch is current, or the index is outside it). */
    connhost_status (*reject)(const connhost_host* host, uint32_t record_index, const char* reason, size_t reason_size);
} connhost_record_reject_ext;

/* "connhost.value_changes/1": a destination tells the host how many values it changed to fit its target (NULLed,
   truncated: what it records in the record's meta changes, Airbyte's AirbyteRecordMessageMetaChange), so that the
   host counts them per stream in its summaries (`connhost sync`'s table and JSON summary, `run write`'s last line).
   The records themselves are written; a record the target cannot hold in any form is rejected instead (above). */
#define CONNHOST_EXT_VALUE_CHANGES "connhost.value_changes/1"
typedef struct connhost_value_changes_ext {
    uint32_t struct_size; /* since 1.0: sizeof(connhost_value_changes_ext) of the host */
    uint32_t reserved0;   /* since 1.0: zero */
    /* since 1.0. `value_count` values of records of the RECORDS batch the last next_input delivered were changed to
       fit the target (counted once per value, added to what earlier calls for the batch reported). Call it before
       the next next_input. Run thread. Returns OK, or CONFIG when no RECORDS batch is current. */
    connhost_status (*changed)(const connhost_host* host, uint64_t value_count);
} connhost_value_changes_ext;

/* "connhost.partition/1": a partitioned sync (`connhost sync --partition I/N`, one worker of N, e.g. a Kubernetes
   Indexed Job) asks the source for one slice of each stream it can split. A source marks such a stream in discover
   with "connhost_splittable": true on its AirbyteStream; the host then gives that stream to every worker, and each
   worker's source reads slice `index` of `count` of it (the N slices together hold every record exactly once, and
   a saved position of a slice stays inside it). A stream not so marked goes to one worker alone, whole. A source
   that marks a stream splittable must call `slice` for it before emitting its records: the host fails a run that
   emits records of a split stream whose slice was never asked for (every worker would read all of it). */
#define CONNHOST_EXT_PARTITION "connhost.partition/1"
typedef struct connhost_partition_ext {
    uint32_t struct_size; /* since 1.0: sizeof(connhost_partition_ext) of the host */
    uint32_t reserved0;   /* since 1.0: zero */
    /* since 1.0. Source: the slice of stream (ns, stream) this run reads: *index of *count (0 <= *index < *count).
       *count 1 (index 0): read the whole stream (no partition, or a stream the catalog does not mark
       connhost_splittable). Slices are decided by the source (key ranges, record indexes) and must depend only on
       index, count and what every worker sees alike. `ns` may be NULL for a stream without namespace. Run thread.
       Returns OK, or CONFIG when the stream is not in the catalog of this read. */
    connhost_status (*slice)(const connhost_host* host, const char* ns, size_t ns_size, const char* stream,
                             size_t stream_size, uint32_t* index, uint32_t* count);
} connhost_partition_ext;

/* "connhost.record_fields/1": the top-level members of each record's data object, as the host found them while it
   checked the record's JSON, so that a destination mapping fields to columns does not scan the text a second time.
   The host keeps them (20 bytes a member while a batch waits) only for a destination that asks with `keep`, and
   only for the batches whose records it checked whole (not for a record too large to copy). */
#define CONNHOST_EXT_RECORD_FIELDS "connhost.record_fields/1"

/* Kind of a record field's value: CONNHOST_FIELD_*. */
typedef uint8_t connhost_field_kind;
#define CONNHOST_FIELD_STRING 1
#define CONNHOST_FIELD_NUMBER 2
#define CONNHOST_FIELD_TRUE 3
#define CONNHOST_FIELD_FALSE 4
#define CONNHOST_FIELD_NULL 5
#define CONNHOST_FIELD_OBJECT 6
#define CONNHOST_FIELD_ARRAY 7

/* connhost_field.flags: CONNHOST_FIELD_*_ESCAPED, set when that text holds a backslash (decode its escapes). */
#define CONNHOST_FIELD_KEY_ESCAPED 1
#define CONNHOST_FIELD_VALUE_ESCAPED 2

/* One top-level member of a record's data object. Offsets count bytes from the record's first byte. An element of
   an array, so it has no struct_size: it never changes; another layout would come with a new extension id. */
typedef struct connhost_field {
    uint32_t key_offset;      /* since 1.0: the member name's text between its quotes, escapes not decoded */
    uint32_t key_size;        /* since 1.0 */
    uint32_t value_offset;    /* since 1.0: a string's text between its quotes; any other value's exact text */
    uint32_t value_size;      /* since 1.0 */
    connhost_field_kind kind; /* since 1.0: CONNHOST_FIELD_STRING ... ARRAY */
    uint8_t flags;            /* since 1.0: CONNHOST_FIELD_KEY_ESCAPED | CONNHOST_FIELD_VALUE_ESCAPED */
    uint16_t reserved0;       /* since 1.0: zero */
} connhost_field;

typedef struct connhost_record_fields_ext {
    uint32_t struct_size; /* since 1.0: sizeof(connhost_record_fields_ext) of the host */
    uint32_t reserved0;   /* since 1.0: zero */
    /* since 1.0. Destination: keep the members of the records for batch_fields. Call it once, before the first
       next_input: then every batch the host can give them for has them; a later call counts from then on. Run
       thread. Returns OK. */
    connhost_status (*keep)(const connhost_host* host);
    /* since 1.0. Destination: the members of every record of the RECORDS batch the last next_input delivered,
       record i's in (*fields)[(*field_offsets)[i]] up to [(*field_offsets)[i + 1]], in input order (duplicates kept);
       both borrowed like the batch. Run thread. Returns OK, UNSUPPORTED when the host has none for this batch (scan
       the records' JSON yourself) or CONFIG when no RECORDS batch is current. */
    connhost_status (*batch_fields)(const connhost_host* host, const connhost_field** fields,
                                    const uint64_t** field_offsets);
} connhost_record_fields_ext;

/* ---- plugin extensions: descriptor->get_extension(instance, id) returns the table or NULL ---- */

/* "connhost.read_back/1": a destination reads back what it holds (what Airbyte's destination tests call
   retrieveRecords), so a test suite can compare it with what was written. */
#define CONNHOST_EXT_READ_BACK "connhost.read_back/1"
typedef struct connhost_read_back_ext {
    uint32_t struct_size; /* since 1.0: sizeof(connhost_read_back_ext) of the plugin */
    uint32_t reserved0;   /* since 1.0: zero */
    /* since 1.0. Emits through host->emit_records every record the destination holds for each stream of
       args->catalog, stream by stream in catalog order, each stream's records in their stored order: the record
       data as stored, without the destination's own metadata. Emits no state. Returns OK (a stream never
       written is empty), CONFIG (bad config/catalog) or SYSTEM. Host serialised; runs on the run thread of the
       call, as an operation of its own between create and destroy. */
    connhost_status (*read_back)(connhost_instance* instance, const connhost_write_args* args);
} connhost_read_back_ext;

/* ---- sizes of every struct in each minor (LP64; on other targets, the end of the minor's last field) ---- */
#define CONNHOST_SIZE_THROUGH(TYPE, FIELD) (offsetof(TYPE, FIELD) + sizeof(((TYPE*)0)->FIELD))
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
#define CONNHOST_RECORD_BATCH_SIZE_1_0 96
#define CONNHOST_INPUT_SIZE_1_0 48
#define CONNHOST_HOST_SIZE_1_0 96
#define CONNHOST_READ_ARGS_SIZE_1_0 56
#define CONNHOST_WRITE_ARGS_SIZE_1_0 40
#define CONNHOST_PLUGIN_SIZE_1_0 112
#define CONNHOST_SECRETS_EXT_SIZE_1_0 16
#define CONNHOST_READ_BACK_EXT_SIZE_1_0 16
#define CONNHOST_RECORD_REJECT_EXT_SIZE_1_0 16
#define CONNHOST_VALUE_CHANGES_EXT_SIZE_1_0 16
#define CONNHOST_PARTITION_EXT_SIZE_1_0 16
#define CONNHOST_RECORD_FIELDS_EXT_SIZE_1_0 24
#define CONNHOST_FIELD_SIZE 20
#else
#define CONNHOST_RECORD_BATCH_SIZE_1_0 CONNHOST_SIZE_THROUGH(connhost_record_batch, meta_size)
#define CONNHOST_INPUT_SIZE_1_0 CONNHOST_SIZE_THROUGH(connhost_input, reserved0)
#define CONNHOST_HOST_SIZE_1_0 CONNHOST_SIZE_THROUGH(connhost_host, get_extension)
#define CONNHOST_READ_ARGS_SIZE_1_0 CONNHOST_SIZE_THROUGH(connhost_read_args, state_size)
#define CONNHOST_WRITE_ARGS_SIZE_1_0 CONNHOST_SIZE_THROUGH(connhost_write_args, catalog_size)
#define CONNHOST_PLUGIN_SIZE_1_0 CONNHOST_SIZE_THROUGH(connhost_plugin, get_extension)
#define CONNHOST_SECRETS_EXT_SIZE_1_0 CONNHOST_SIZE_THROUGH(connhost_secrets_ext, add_secret)
#define CONNHOST_READ_BACK_EXT_SIZE_1_0 CONNHOST_SIZE_THROUGH(connhost_read_back_ext, read_back)
#define CONNHOST_RECORD_REJECT_EXT_SIZE_1_0 CONNHOST_SIZE_THROUGH(connhost_record_reject_ext, reject)
#define CONNHOST_VALUE_CHANGES_EXT_SIZE_1_0 CONNHOST_SIZE_THROUGH(connhost_value_changes_ext, changed)
#define CONNHOST_PARTITION_EXT_SIZE_1_0 CONNHOST_SIZE_THROUGH(connhost_partition_ext, slice)
#define CONNHOST_RECORD_FIELDS_EXT_SIZE_1_0 CONNHOST_SIZE_THROUGH(connhost_record_fields_ext, batch_fields)
#define CONNHOST_FIELD_SIZE 20
#endif

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

/* CONNHOST_ASSERT_ENDS_AT: a minor's size is where its last field ends. CONNHOST_ASSERT_SIZE: sizeof is the size
   in the newest minor, this header's. */
#define CONNHOST_ASSERT_ENDS_AT(T, FIELD, SIZE) \
    CONNHOST_STATIC_ASSERT(CONNHOST_SIZE_THROUGH(T, FIELD) == (SIZE), #T "." #FIELD " does not end at " #SIZE)
#define CONNHOST_ASSERT_SIZE(T, SIZE) CONNHOST_STATIC_ASSERT(sizeof(T) == (SIZE), "sizeof(" #T ") is not " #SIZE)
#define CONNHOST_ASSERT_OFFSET(T, FIELD, N) CONNHOST_STATIC_ASSERT(offsetof(T, FIELD) == (N), #T "." #FIELD " moved")

#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu /* LP64 / LLP64 layouts */
CONNHOST_ASSERT_ENDS_AT(connhost_record_batch, meta_size, CONNHOST_RECORD_BATCH_SIZE_1_0);
CONNHOST_ASSERT_ENDS_AT(connhost_input, reserved0, CONNHOST_INPUT_SIZE_1_0);
CONNHOST_ASSERT_ENDS_AT(connhost_host, get_extension, CONNHOST_HOST_SIZE_1_0);
CONNHOST_ASSERT_ENDS_AT(connhost_read_args, state_size, CONNHOST_READ_ARGS_SIZE_1_0);
CONNHOST_ASSERT_ENDS_AT(connhost_write_args, catalog_size, CONNHOST_WRITE_ARGS_SIZE_1_0);
CONNHOST_ASSERT_ENDS_AT(connhost_plugin, get_extension, CONNHOST_PLUGIN_SIZE_1_0);
CONNHOST_ASSERT_ENDS_AT(connhost_secrets_ext, add_secret, CONNHOST_SECRETS_EXT_SIZE_1_0);
CONNHOST_ASSERT_ENDS_AT(connhost_read_back_ext, read_back, CONNHOST_READ_BACK_EXT_SIZE_1_0);
CONNHOST_ASSERT_ENDS_AT(connhost_record_reject_ext, reject, CONNHOST_RECORD_REJECT_EXT_SIZE_1_0);
CONNHOST_ASSERT_ENDS_AT(connhost_value_changes_ext, changed, CONNHOST_VALUE_CHANGES_EXT_SIZE_1_0);
CONNHOST_ASSERT_ENDS_AT(connhost_partition_ext, slice, CONNHOST_PARTITION_EXT_SIZE_1_0);
CONNHOST_ASSERT_ENDS_AT(connhost_record_fields_ext, batch_fields, CONNHOST_RECORD_FIELDS_EXT_SIZE_1_0);
CONNHOST_ASSERT_SIZE(connhost_record_batch, CONNHOST_RECORD_BATCH_SIZE_1_0);
CONNHOST_ASSERT_SIZE(connhost_input, CONNHOST_INPUT_SIZE_1_0);
CONNHOST_ASSERT_SIZE(connhost_host, CONNHOST_HOST_SIZE_1_0);
CONNHOST_ASSERT_SIZE(connhost_read_args, CONNHOST_READ_ARGS_SIZE_1_0);
CONNHOST_ASSERT_SIZE(connhost_write_args, CONNHOST_WRITE_ARGS_SIZE_1_0);
CONNHOST_ASSERT_SIZE(connhost_plugin, CONNHOST_PLUGIN_SIZE_1_0);
CONNHOST_ASSERT_SIZE(connhost_secrets_ext, CONNHOST_SECRETS_EXT_SIZE_1_0);
CONNHOST_ASSERT_SIZE(connhost_read_back_ext, CONNHOST_READ_BACK_EXT_SIZE_1_0);
CONNHOST_ASSERT_SIZE(connhost_record_reject_ext, CONNHOST_RECORD_REJECT_EXT_SIZE_1_0);
CONNHOST_ASSERT_SIZE(connhost_value_changes_ext, CONNHOST_VALUE_CHANGES_EXT_SIZE_1_0);
CONNHOST_ASSERT_SIZE(connhost_partition_ext, CONNHOST_PARTITION_EXT_SIZE_1_0);
CONNHOST_ASSERT_SIZE(connhost_record_fields_ext, CONNHOST_RECORD_FIELDS_EXT_SIZE_1_0);
CONNHOST_ASSERT_SIZE(connhost_field, CONNHOST_FIELD_SIZE);
CONNHOST_ASSERT_OFFSET(connhost_field, kind, 16);
CONNHOST_ASSERT_OFFSET(connhost_record_batch, stream, 8);
CONNHOST_ASSERT_OFFSET(connhost_record_batch, data, 40);
CONNHOST_ASSERT_OFFSET(connhost_record_batch, meta_offsets, 80);
CONNHOST_ASSERT_OFFSET(connhost_input, batch, 8);
CONNHOST_ASSERT_OFFSET(connhost_input, state_id, 32);
CONNHOST_ASSERT_OFFSET(connhost_input, wait_ms, 40);
CONNHOST_ASSERT_OFFSET(connhost_host, host_data, 16);
CONNHOST_ASSERT_OFFSET(connhost_host, log, 24);
CONNHOST_ASSERT_OFFSET(connhost_plugin, name, 16);
CONNHOST_ASSERT_OFFSET(connhost_plugin, create, 40);
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CONNHOST_PLUGIN_API_H */
