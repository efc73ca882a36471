/*
 * plain_c_source: a source connector in plain C99 with no SDK, only plugin_api.h.
 *
 * It proves a third party can write a connector against the C ABI alone. Stream "greetings"
 * (namespace "plain_c") has three records, emitted as a batch of two and a batch of one, each
 * followed by a STATE. Record 3 carries a 40-digit number that must reach the output unchanged.
 * check fails unless the config has a "greeting" member; read logs the state it was given.
 */
#include <connhost/plugin_api.h>

#include <stdlib.h>
#include <string.h>

#define LIT(s) s, (sizeof(s) - 1)

struct connhost_instance {
    const connhost_host* host;
};

static connhost_instance* plain_create(const connhost_host* host) {
    connhost_instance* inst;
    if (host->struct_size < CONNHOST_HOST_SIZE_1_0 || host->abi_major != CONNHOST_ABI_MAJOR) return NULL;
    inst = (connhost_instance*)malloc(sizeof *inst);
    if (!inst) {
        host->set_error(host, LIT("plain_c_source: out of memory"));
        return NULL;
    }
    inst->host = host;
    return inst;
}

static void plain_destroy(connhost_instance* inst) { free(inst); }

static connhost_status plain_spec(connhost_instance* inst) {
    static const char spec[] =
        "{\"documentationUrl\":\"https://connhost.invalid/docs/plain_c_source\","
        "\"connectionSpecification\":{\"type\":\"object\",\"required\":[\"greeting\"],"
        "\"properties\":{\"greeting\":{\"type\":\"string\"},\"token\":{\"type\":\"string\",\"airbyte_secret\":true}}}}";
    return inst->host->emit_message(inst->host, CONNHOST_MSG_SPEC, LIT(spec));
}

/* A naive member test is enough for a test connector: a real one parses its config. */
static int has_greeting(const char* config, size_t size) {
    static const char key[] = "\"greeting\"";
    size_t i;
    for (i = 0; i + sizeof key - 1 <= size; ++i)
        if (memcmp(config + i, key, sizeof key - 1) == 0) return 1;
    return 0;
}

static connhost_status plain_check(connhost_instance* inst, const char* config, size_t config_size) {
    static const char ok[] = "{\"status\":\"SUCCEEDED\"}";
    static const char failed[] = "{\"status\":\"FAILED\",\"message\":\"config has no \\\"greeting\\\": add one\"}";
    if (has_greeting(config, config_size))
        return inst->host->emit_message(inst->host, CONNHOST_MSG_CONNECTION_STATUS, LIT(ok));
    return inst->host->emit_message(inst->host, CONNHOST_MSG_CONNECTION_STATUS, LIT(failed));
}

static connhost_status plain_discover(connhost_instance* inst, const char* config, size_t config_size) {
    static const char catalog[] =
        "{\"streams\":[{\"name\":\"greetings\",\"namespace\":\"plain_c\",\"supported_sync_modes\":[\"full_refresh\"],"
        "\"json_schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"text\":{\"type\":"
        "\"string\"}}}}]}";
    (void)config;
    (void)config_size;
    return inst->host->emit_message(inst->host, CONNHOST_MSG_CATALOG, LIT(catalog));
}

static connhost_status emit_batch(connhost_instance* inst, const char* data, const uint64_t* offsets,
                                  const int64_t* emitted_at, uint32_t count) {
    connhost_record_batch b;
    memset(&b, 0, sizeof b);
    b.struct_size = sizeof b;
    b.record_count = count;
    b.stream = "greetings";
    b.stream_size = 9;
    b.ns = "plain_c";
    b.ns_size = 7;
    b.data = data;
    b.data_size = (size_t)offsets[count];
    b.offsets = offsets;
    b.emitted_at = emitted_at;
    return inst->host->emit_records(inst->host, &b);
}

#define REC1 "{\"id\":1,\"text\":\"hello\"}"
#define REC2 "{\"id\":2,\"text\":\"h\\u00e9llo \\\"world\\\"\"}"
#define REC3 "{\"id\":3,\"text\":\"big\",\"n\":1234567890123456789012345678901234567890}"
#define STATE_AT(id)                                                                                             \
    "{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"greetings\",\"namespace\":\"plain_c\"}," \
    "\"stream_state\":{\"id\":" id "}}}"

static connhost_status plain_read(connhost_instance* inst, const connhost_read_args* args) {
    static const char first[] = REC1 REC2;
    static const uint64_t first_offsets[] = {0, sizeof REC1 - 1, sizeof REC1 - 1 + sizeof REC2 - 1};
    static const int64_t first_times[] = {1700000000001, 1700000000002};
    static const char second[] = REC3;
    static const uint64_t second_offsets[] = {0, sizeof REC3 - 1};
    static const char state1[] = STATE_AT("2");
    static const char state2[] = STATE_AT("3");
    const connhost_host* h = inst->host;
    connhost_status st;

    if (args->struct_size < CONNHOST_READ_ARGS_SIZE_1_0) {
        h->set_error(h, LIT("plain_c_source: read arguments from a host older than ABI 1.0"));
        return CONNHOST_STATUS_INTERNAL;
    }
    h->log(h, CONNHOST_LOG_INFO, LIT("plain_c_source: reading greetings"));
#if CONNHOST_ABI_MINOR >= 1 /* built against tests/abi's grown 1.1 header: a 1.1 host field is read only when present \
                             */
    if (CONNHOST_HAS_FIELD(h, connhost_host, connhost_test_1_1))
        h->log(h, CONNHOST_LOG_INFO, LIT("plain_c_source: the host table has the 1.1 field"));
    else
        h->log(h, CONNHOST_LOG_INFO, LIT("plain_c_source: the host table ends before the 1.1 field"));
#endif
    if (args->state) {
        static const char prefix[] = "plain_c_source: resuming from ";
        char* msg = (char*)malloc(sizeof prefix - 1 + args->state_size);
        if (msg) {
            memcpy(msg, prefix, sizeof prefix - 1);
            memcpy(msg + sizeof prefix - 1, args->state, args->state_size);
            h->log(h, CONNHOST_LOG_INFO, msg, sizeof prefix - 1 + args->state_size);
            free(msg);
        }
    }
    if ((st = emit_batch(inst, first, first_offsets, first_times, 2)) != CONNHOST_STATUS_OK) return st;
    if ((st = h->emit_state(h, LIT(state1))) != CONNHOST_STATUS_OK) return st;
    if (h->is_cancelled(h)) return CONNHOST_STATUS_CANCELLED;
    /* emitted_at NULL: the host stamps these records with the current time. */
    if ((st = emit_batch(inst, second, second_offsets, NULL, 1)) != CONNHOST_STATUS_OK) return st;
    return h->emit_state(h, LIT(state2));
}

static connhost_status plain_write(connhost_instance* inst, const connhost_write_args* args) {
    (void)args;
    inst->host->set_error(inst->host, LIT("plain_c_source is a source: it cannot write"));
    return CONNHOST_STATUS_UNSUPPORTED;
}

static void plain_cancel(connhost_instance* inst) { (void)inst; /* read polls is_cancelled */ }

static const void* plain_get_extension(connhost_instance* inst, const char* id) {
    (void)inst, (void)id;
    return NULL;
}

#ifndef PLAIN_C_FUTURE_MINOR
static const connhost_plugin plain_descriptor = {
    sizeof(connhost_plugin),
    CONNHOST_ABI_MAJOR,
    CONNHOST_ABI_MINOR,
    CONNHOST_KIND_SOURCE,
    "plain_c_source",
    "0.0.1",
    "A source written in plain C99 without the SDK (ABI test)",
    plain_create,
    plain_destroy,
    plain_spec,
    plain_check,
    plain_discover,
    plain_read,
    plain_write,
    plain_cancel,
    plain_get_extension,
};
#define PLAIN_DESCRIPTOR (&plain_descriptor)
#else
/* The same connector as built against a future minor of the header: the descriptor has grown at its end
   (DESIGN.md §2.3), struct_size says so, and abi_minor is newer than the host's. The host must load it. */
typedef struct {
    connhost_plugin v1_0;
    uint64_t field_of_a_later_minor;
    const char* another_later_field;
} future_descriptor;
static const future_descriptor plain_descriptor = {
    {sizeof(future_descriptor), CONNHOST_ABI_MAJOR, CONNHOST_ABI_MINOR + 7, CONNHOST_KIND_SOURCE, "future_minor_source",
     "0.0.1", "plain_c_source as built against a later ABI minor (ABI test)", plain_create, plain_destroy, plain_spec,
     plain_check, plain_discover, plain_read, plain_write, plain_cancel, plain_get_extension},
    42,
    "later",
};
#define PLAIN_DESCRIPTOR (&plain_descriptor.v1_0)
#endif

CONNHOST_EXPORT const connhost_plugin* connhost_plugin_entry_v1(void) { return PLAIN_DESCRIPTOR; }
