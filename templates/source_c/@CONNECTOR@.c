/*
 * @CONNECTOR@: a source connector in plain C99, made by `connhost new source @NAME@ --lang c`.
 *
 * It uses connhost/plugin_api.h alone: no SDK, no C++. One stream, "events", of generated records (replace
 * record_at() with calls to your API), incremental on the cursor updated_at: a STATE is emitted after the records
 * it covers, and a read given that state starts after its cursor. The config's api_key is marked airbyte_secret in
 * the spec, so the host masks its value everywhere; never log it or put it in an error yourself all the same.
 *
 * JSON input (config, catalog, state) is read with the few naive helpers below, enough for this example; a real
 * connector parses it with a JSON library (cJSON, yyjson, jansson).
 */
#include <connhost/plugin_api.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CONNECTOR_VERSION
#define CONNECTOR_VERSION "0.1.0"
#endif
#define LIT(s) s, (sizeof(s) - 1)
#define EPOCH 1704067200L /* 2024-01-01T00:00:00Z, updated_at of record 0; records are a minute apart */

struct connhost_instance {
    const connhost_host* host;
};

/* ---- naive JSON reading: `json` is NUL-terminated ---- */

/* The value after the first member "key" of `json` whose value starts with `first` ('"' for a string, 0 for
   any), or NULL. */
static const char* member(const char* json, const char* key, char first) {
    size_t klen = strlen(key);
    const char* p = json;
    while ((p = strchr(p, '"')) != NULL) {
        const char* v = p + 1 + klen;
        if (strncmp(p + 1, key, klen) == 0 && *v == '"') {
            ++v;
            while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r') ++v;
            if (*v == ':') {
                ++v;
                while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r') ++v;
                if (!first || *v == first) return v;
            }
        }
        ++p;
    }
    return NULL;
}

/* Copies the string member "key" (without unescaping) into out[size]; returns its length, or -1 when absent. */
static int string_member(const char* json, const char* key, char* out, size_t size) {
    const char* v = member(json, key, '"');
    size_t n = 0;
    if (!v) return -1;
    for (++v; *v && *v != '"' && n + 1 < size; ++v) out[n++] = *v;
    out[n] = 0;
    return (int)n;
}

/* The integer member "key", or `dflt` when absent. */
static long integer_member(const char* json, const char* key, long dflt) {
    const char* v = member(json, key, 0);
    return v && (*v == '-' || (*v >= '0' && *v <= '9')) ? strtol(v, NULL, 10) : dflt;
}

/* A NUL-terminated copy of text[0..size), or NULL (out of memory). Free it. */
static char* terminated(const char* text, size_t size) {
    char* s = (char*)malloc(size + 1);
    if (!s) return NULL;
    if (size) memcpy(s, text, size);
    s[size] = 0;
    return s;
}

/* ---- the connector ---- */

static connhost_instance* src_create(const connhost_host* host) {
    connhost_instance* inst;
    if (host->struct_size < CONNHOST_HOST_SIZE_1_0) return NULL;
    inst = (connhost_instance*)malloc(sizeof *inst);
    if (!inst) {
        host->set_error(host, LIT("@CONNECTOR@: out of memory"));
        return NULL;
    }
    inst->host = host;
    return inst;
}

static void src_destroy(connhost_instance* inst) { free(inst); }

static connhost_status src_spec(connhost_instance* inst) {
    static const char spec[] =
        "{\"documentationUrl\":\"https://example.invalid/docs/@CONNECTOR@\",\"supportsIncremental\":true,"
        "\"connectionSpecification\":{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
        "\"title\":\"@NAME@ source\",\"type\":\"object\",\"required\":[\"api_key\"],\"properties\":{"
        "\"api_key\":{\"type\":\"string\",\"airbyte_secret\":true,\"description\":\"key for the API\"},"
        "\"count\":{\"type\":\"integer\",\"minimum\":0,\"default\":100,\"description\":\"records in the stream\"},"
        "\"state_interval\":{\"type\":\"integer\",\"minimum\":1,\"default\":10,"
        "\"description\":\"emit a STATE every N records\"}}}}";
    return inst->host->emit_message(inst->host, CONNHOST_MSG_SPEC, LIT(spec));
}

/* NULL when `config` is usable, else what is wrong with it (never its secret). A real connector also calls an
   authenticated endpoint here. */
static const char* config_problem(const char* config) {
    char key[256];
    if (string_member(config, "api_key", key, sizeof key) <= 0)
        return "config.api_key is missing or empty: set it to your API key";
    if (integer_member(config, "count", 100) < 0) return "config.count must be 0 or more";
    if (integer_member(config, "state_interval", 10) < 1) return "config.state_interval must be 1 or more";
    return NULL;
}

static connhost_status src_check(connhost_instance* inst, const char* config, size_t config_size) {
    const connhost_host* h = inst->host;
    char msg[512];
    const char* problem;
    char* cfg = terminated(config, config_size);
    if (!cfg) return CONNHOST_STATUS_SYSTEM;
    problem = config_problem(cfg);
    free(cfg);
    if (!problem) return h->emit_message(h, CONNHOST_MSG_CONNECTION_STATUS, LIT("{\"status\":\"SUCCEEDED\"}"));
    snprintf(msg, sizeof msg, "{\"status\":\"FAILED\",\"message\":\"%s\"}", problem);
    return h->emit_message(h, CONNHOST_MSG_CONNECTION_STATUS, msg, strlen(msg));
}

static connhost_status src_discover(connhost_instance* inst, const char* config, size_t config_size) {
    static const char catalog[] =
        "{\"streams\":[{\"name\":\"events\",\"supported_sync_modes\":[\"full_refresh\",\"incremental\"],"
        "\"source_defined_cursor\":true,\"default_cursor_field\":[\"updated_at\"],"
        "\"source_defined_primary_key\":[[\"id\"]],\"json_schema\":{\"type\":\"object\",\"properties\":{"
        "\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"value\":{\"type\":\"number\"},"
        "\"updated_at\":{\"type\":\"string\",\"format\":\"date-time\"}}}}]}";
    (void)config, (void)config_size;
    return inst->host->emit_message(inst->host, CONNHOST_MSG_CATALOG, LIT(catalog));
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), and back: H. Hinnant's civil-date algorithms. */
static long days_from_civil(long y, long m, long d) {
    long era, yoe, doy;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void civil_from_days(long z, long* y, long* m, long* d) {
    long era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/* updated_at of record `index`, ISO 8601 UTC, into out[32]. */
static void updated_at(long index, char* out) {
    long t = EPOCH + 60L * index, y, m, d;
    civil_from_days(t / 86400, &y, &m, &d);
    snprintf(out, 32, "%04ld-%02ld-%02ldT%02ld:%02ld:%02ldZ", y, m, d, t % 86400 / 3600, t % 3600 / 60, t % 60);
}

/* Appends the JSON of record `index` to buf at *len (buf has room for 256 more bytes). Your API goes here. */
static void record_at(long index, char* buf, size_t* len) {
    char when[32];
    updated_at(index, when);
    *len += (size_t)sprintf(buf + *len, "{\"id\":%ld,\"name\":\"event %ld\",\"value\":%ld.%ld,\"updated_at\":\"%s\"}",
                            index + 1, index + 1, (index * 37 % 1000) / 10, (index * 37 % 1000) % 10, when);
}

/* The first index after the cursor of a STATE text like {..."updated_at":"2024-01-01T00:09:00Z"...}; 0 without
   one. Returns -1 when the cursor is not such a time. */
static long first_index(const char* state) {
    char cursor[64];
    long y, mo, d, h, mi, s, t;
    if (!state || string_member(state, "updated_at", cursor, sizeof cursor) <= 0) return 0;
    if (sscanf(cursor, "%ld-%ld-%ldT%ld:%ld:%ld", &y, &mo, &d, &h, &mi, &s) != 6) return -1;
    t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return t < EPOCH ? 0 : (t - EPOCH) / 60 + 1;
}

/* Emits records[from, to) as one batch. */
static connhost_status emit_events(const connhost_host* h, long from, long to) {
    connhost_record_batch b;
    connhost_status st;
    size_t len = 0, n = (size_t)(to - from), i;
    char* data = (char*)malloc(n * 256 + 1);
    uint64_t* offsets = (uint64_t*)malloc((n + 1) * sizeof *offsets);
    if (!data || !offsets) {
        free(data), free(offsets);
        h->set_error(h, LIT("@CONNECTOR@: out of memory"));
        return CONNHOST_STATUS_SYSTEM;
    }
    offsets[0] = 0;
    for (i = 0; i < n; ++i) {
        record_at(from + (long)i, data, &len);
        offsets[i + 1] = len;
    }
    memset(&b, 0, sizeof b);
    b.struct_size = sizeof b;
    b.record_count = (uint32_t)n;
    b.stream = "events";
    b.stream_size = 6;
    b.data = data;
    b.data_size = len;
    b.offsets = offsets;
    st = h->emit_records(h, &b); /* copied by the host: free ours */
    free(data), free(offsets);
    return st;
}

/* Emits the STATE covering every record up to `last_index`, after those records. */
static connhost_status emit_cursor(const connhost_host* h, long last_index) {
    char when[32], state[256];
    updated_at(last_index, when);
    snprintf(state, sizeof state,
             "{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"events\"},"
             "\"stream_state\":{\"updated_at\":\"%s\"}}}",
             when);
    return h->emit_state(h, state, strlen(state));
}

/* Reads the stream: batches of state_interval records, each followed by its STATE. */
static connhost_status read_events(const connhost_host* h, const char* config, long start) {
    long count = integer_member(config, "count", 100), every = integer_member(config, "state_interval", 10), i;
    char msg[128];
    snprintf(msg, sizeof msg, "@CONNECTOR@: reading events from index %ld", start);
    h->log(h, CONNHOST_LOG_INFO, msg, strlen(msg));
    for (i = start; i < count; i += every) {
        long to = i + every < count ? i + every : count;
        connhost_status st = emit_events(h, i, to);
        if (st == CONNHOST_STATUS_OK) st = emit_cursor(h, to - 1);
        if (st != CONNHOST_STATUS_OK) return st;
        if (h->is_cancelled(h)) return CONNHOST_STATUS_CANCELLED;
    }
    return CONNHOST_STATUS_OK;
}

static connhost_status src_read(connhost_instance* inst, const connhost_read_args* args) {
    const connhost_host* h = inst->host;
    connhost_status st = CONNHOST_STATUS_OK;
    char* config = terminated(args->config, args->config_size);
    char* catalog = terminated(args->catalog, args->catalog_size);
    char* state = args->state ? terminated(args->state, args->state_size) : NULL;
    const char* problem = config ? config_problem(config) : "out of memory";
    long start = 0;
    if (problem) {
        h->set_error(h, problem, strlen(problem));
        st = CONNHOST_STATUS_CONFIG;
    } else if (catalog && member(catalog, "name", '"') && strstr(catalog, "\"events\"")) {
        /* Incremental resumes from the state's cursor; full refresh reads everything. */
        if (strstr(catalog, "\"incremental\"")) start = first_index(state);
        if (start < 0) {
            h->set_error(h, LIT("state: events.updated_at is not a time such as 2024-01-01T00:00:00Z"));
            st = CONNHOST_STATUS_CONFIG;
        } else {
            st = read_events(h, config, start);
        }
    }
    free(config), free(catalog), free(state);
    return st;
}

static const connhost_plugin descriptor = {
    sizeof(connhost_plugin),
    CONNHOST_ABI_MAJOR,
    CONNHOST_ABI_MINOR,
    CONNHOST_KIND_SOURCE,
    "@CONNECTOR@",
    CONNECTOR_VERSION,
    "@NAME@ source made by connhost new",
    src_create,
    src_destroy,
    src_spec,
    src_check,
    src_discover,
    src_read,
    NULL, /* write: sources do not write */
    NULL, /* cancel: read polls is_cancelled */
    NULL, /* get_extension: none */
};

CONNHOST_EXPORT const connhost_plugin* connhost_plugin_entry_v1(void) { return &descriptor; }
