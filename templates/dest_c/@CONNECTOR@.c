/*
 * @CONNECTOR@: a destination connector in plain C99, made by `connhost new destination @NAME@ --lang c`.
 *
 * It uses connhost/plugin_api.h alone: no SDK, no C++. Each configured stream is written to
 * <destination_path>/[<namespace>/]<stream>.jsonl, one record's data a line. It pulls its input with host->next_input
 * and acknowledges a STATE only after an fdatasync made every record before it durable (the checkpoint rule). Append
 * adds to the file; an overwrite goes to _connhost_tmp_<stream>.jsonl, renamed over the file only when the stream
 * completes, so a failed sync keeps the previous data.
 *
 * JSON input (config, catalog, stream status) is read with naive helpers, enough for this example; a real connector
 * parses it with a JSON library (cJSON, yyjson, jansson).
 */
#define _POSIX_C_SOURCE 200809L
#include <connhost/plugin_api.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CONNECTOR_VERSION
#define CONNECTOR_VERSION "0.1.0"
#endif
#define LIT(s) s, (sizeof(s) - 1)
#define MAX_STREAMS 64
#define NAME_MAX_BYTES 200

/* One configured stream and its open file. */
typedef struct {
    char name[NAME_MAX_BYTES];
    char ns[NAME_MAX_BYTES]; /* namespace; "" when none */
    int overwrite;           /* destination_sync_mode overwrite: written to the staging file until complete */
    int fd;                  /* -1 once complete */
    off_t synced_size;       /* bytes durable at the last commit */
} out_stream;

struct connhost_instance {
    const connhost_host* host;
    char root[4096];
    out_stream streams[MAX_STREAMS];
    int stream_count;
};

/* ---- naive JSON reading ---- */

/* Copies the first string member "key" at or after `from` (up to `end`) into out[size], without unescaping.
   Returns a pointer past the value, or NULL when there is none. */
static const char* string_after(const char* from, const char* end, const char* key, char* out, size_t size) {
    size_t klen = strlen(key), n = 0;
    const char* p;
    for (p = from; p + klen + 2 < end; ++p) {
        const char* v = p + klen + 2;
        if (*p != '"' || strncmp(p + 1, key, klen) != 0 || p[klen + 1] != '"') continue;
        while (v < end && (*v == ' ' || *v == ':' || *v == '\n' || *v == '\t')) ++v;
        if (v >= end || *v != '"') continue;
        for (++v; v < end && *v != '"' && n + 1 < size; ++v) out[n++] = *v;
        out[n] = 0;
        return v;
    }
    return NULL;
}

/* ---- files ---- */

static connhost_status fail_errno(const connhost_host* h, const char* what, const char* path) {
    char msg[4400];
    snprintf(msg, sizeof msg, "@CONNECTOR@: cannot %s %s: %s; check the folder's permissions and space", what, path,
             strerror(errno));
    h->set_error(h, msg, strlen(msg));
    return CONNHOST_STATUS_SYSTEM;
}

/* <root>/[<ns>/]<name>.jsonl, or the staging file _connhost_tmp_<name>.jsonl next to it. */
static void path_of(const connhost_instance* inst, const out_stream* s, int staging, char* out, size_t size) {
    snprintf(out, size, "%s/%s%s%s%s.jsonl", inst->root, s->ns, s->ns[0] ? "/" : "", staging ? "_connhost_tmp_" : "",
             s->name);
}

/* The folder of stream s: <root> or <root>/<ns>. */
static void folder_of(const connhost_instance* inst, const out_stream* s, char* out, size_t size) {
    snprintf(out, size, "%s%s%s", inst->root, s->ns[0] ? "/" : "", s->ns);
}

static connhost_status open_stream(connhost_instance* inst, out_stream* s) {
    char path[4400];
    folder_of(inst, s, path, sizeof path);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) return fail_errno(inst->host, "create the folder", path);
    path_of(inst, s, s->overwrite, path, sizeof path);
    s->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | (s->overwrite ? O_TRUNC : 0), 0644);
    if (s->fd < 0) return fail_errno(inst->host, "open", path);
    s->synced_size = lseek(s->fd, 0, SEEK_END);
    return CONNHOST_STATUS_OK;
}

/* The end of the JSON value (object, array or string) starting at p, or NULL when it does not end before `end`. */
static const char* value_end(const char* p, const char* end) {
    int depth = 0, in_string = 0;
    for (; p < end; ++p) {
        if (in_string) {
            if (*p == '\\')
                ++p;
            else if (*p == '"')
                in_string = 0;
            if (!in_string && depth == 0) return p + 1;
        } else if (*p == '"') {
            in_string = 1;
        } else if (*p == '{' || *p == '[') {
            ++depth;
        } else if ((*p == '}' || *p == ']') && --depth == 0) {
            return p + 1;
        }
    }
    return NULL;
}

static int valid_component(const char* s) { return !strchr(s, '/') && strcmp(s, ".") && strcmp(s, ".."); }

/* Every stream of the configured catalog: its name, namespace and mode, read from its own element of "streams". */
static connhost_status plan_streams(connhost_instance* inst, const char* catalog, size_t size) {
    const char *end = catalog + size, *p = strstr(catalog, "\"streams\""), *elem_end;
    char mode[32];
    p = p ? strchr(p, '[') : NULL;
    for (p = p ? p + 1 : end; p < end && inst->stream_count < MAX_STREAMS; p = elem_end) {
        out_stream* s = &inst->streams[inst->stream_count];
        while (p < end && *p != '{' && *p != ']') ++p;
        if (p >= end || *p == ']' || !(elem_end = value_end(p, end))) break;
        if (!string_after(p, elem_end, "name", s->name, sizeof s->name)) continue;
        if (!string_after(p, elem_end, "namespace", s->ns, sizeof s->ns)) s->ns[0] = 0;
        if (!s->name[0] || !valid_component(s->name) || !valid_component(s->ns)) {
            inst->host->set_error(inst->host,
                                  LIT("@CONNECTOR@: a stream name or namespace cannot be a file name "
                                      "(empty, \".\", \"..\" or with a '/'): rename it"));
            return CONNHOST_STATUS_CONFIG;
        }
        if (!string_after(p, elem_end, "destination_sync_mode", mode, sizeof mode)) strcpy(mode, "append");
        if (strcmp(mode, "append") != 0 && strcmp(mode, "overwrite") != 0) {
            inst->host->set_error(inst->host,
                                  LIT("@CONNECTOR@ supports the destination sync modes append and "
                                      "overwrite only: configure the stream with one of them"));
            return CONNHOST_STATUS_CONFIG;
        }
        s->overwrite = strcmp(mode, "overwrite") == 0;
        s->fd = -1;
        ++inst->stream_count;
    }
    return CONNHOST_STATUS_OK;
}

/* fdatasyncs every open file: after it, everything delivered so far is durable. */
static connhost_status commit(connhost_instance* inst) {
    int i;
    for (i = 0; i < inst->stream_count; ++i) {
        out_stream* s = &inst->streams[i];
        if (s->fd < 0) continue;
        if (fdatasync(s->fd) != 0) return fail_errno(inst->host, "sync the file of stream", s->name);
        s->synced_size = lseek(s->fd, 0, SEEK_END);
    }
    return CONNHOST_STATUS_OK;
}

/* The stream is complete: close its file and move an overwrite's staging over the final file. */
static connhost_status complete(connhost_instance* inst, out_stream* s) {
    char from[4400], to[4400];
    int dir;
    if (s->fd < 0) return CONNHOST_STATUS_OK;
    close(s->fd);
    s->fd = -1;
    if (!s->overwrite) return CONNHOST_STATUS_OK;
    path_of(inst, s, 1, from, sizeof from);
    path_of(inst, s, 0, to, sizeof to);
    if (rename(from, to) != 0) return fail_errno(inst->host, "rename the staging file to", to);
    folder_of(inst, s, from, sizeof from);
    if ((dir = open(from, O_RDONLY)) >= 0) fsync(dir), close(dir);
    return CONNHOST_STATUS_OK;
}

/* After a failure: drop what was not committed and the overwrite staging; the previous data stays. */
static void abandon(connhost_instance* inst) {
    int i;
    for (i = 0; i < inst->stream_count; ++i) {
        out_stream* s = &inst->streams[i];
        char path[4400];
        if (s->fd < 0) continue;
        if (ftruncate(s->fd, s->synced_size) != 0) { /* the next sync re-sends these records anyway */
        }
        close(s->fd);
        s->fd = -1;
        path_of(inst, s, 1, path, sizeof path);
        if (s->overwrite) unlink(path);
    }
}

/* inst->root from config.destination_path, created if missing (one level). */
static connhost_status read_root(connhost_instance* inst, const char* config, size_t size) {
    if (!string_after(config, config + size, "destination_path", inst->root, sizeof inst->root) || !inst->root[0]) {
        inst->host->set_error(inst->host, LIT("config.destination_path is missing: set it to the output folder"));
        return CONNHOST_STATUS_CONFIG;
    }
    if (mkdir(inst->root, 0755) != 0 && errno != EEXIST) return fail_errno(inst->host, "create the folder", inst->root);
    return CONNHOST_STATUS_OK;
}

static out_stream* stream_named(connhost_instance* inst, const char* name, size_t size, const char* ns,
                                size_t ns_size) {
    int i;
    for (i = 0; i < inst->stream_count; ++i) {
        const out_stream* s = &inst->streams[i];
        if (strlen(s->name) == size && memcmp(s->name, name, size) == 0 && strlen(s->ns) == ns_size &&
            (ns_size == 0 || memcmp(s->ns, ns, ns_size) == 0))
            return &inst->streams[i];
    }
    return NULL;
}

static connhost_status write_batch(connhost_instance* inst, const connhost_record_batch* b) {
    out_stream* s = stream_named(inst, b->stream, b->stream_size, b->ns, b->ns ? b->ns_size : 0);
    uint32_t i;
    if (!s || s->fd < 0) {
        inst->host->set_error(inst->host,
                              LIT("@CONNECTOR@: records arrived for a stream that is not in the "
                                  "configured catalog (or already complete): add it to the catalog"));
        return CONNHOST_STATUS_CONFIG;
    }
    for (i = 0; i < b->record_count; ++i) {
        const char* rec = b->data + b->offsets[i];
        size_t len = (size_t)(b->offsets[i + 1] - b->offsets[i]);
        if (write(s->fd, rec, len) != (ssize_t)len || write(s->fd, "\n", 1) != 1)
            return fail_errno(inst->host, "write the file of stream", s->name);
    }
    return CONNHOST_STATUS_OK;
}

/* Commits, then acknowledges the pending state (if any). */
static connhost_status commit_and_ack(connhost_instance* inst, uint64_t* pending, int* have_pending) {
    connhost_status st = commit(inst);
    if (st == CONNHOST_STATUS_OK && *have_pending) st = inst->host->ack_state(inst->host, *pending);
    *have_pending = 0;
    return st;
}

/* One input item; a STREAM_STATUS COMPLETE completes its stream. */
static connhost_status on_input(connhost_instance* inst, const connhost_input* in, uint64_t* pending, int* have) {
    char name[NAME_MAX_BYTES], ns[NAME_MAX_BYTES], status[32];
    connhost_status st = CONNHOST_STATUS_OK;
    out_stream* s;
    if (in->kind == CONNHOST_INPUT_RECORDS) return write_batch(inst, in->batch);
    if (in->kind == CONNHOST_INPUT_STATE) { /* a real destination commits less often: every few MB or seconds */
        *pending = in->state_id, *have = 1;
        return commit_and_ack(inst, pending, have);
    }
    if (in->kind == CONNHOST_INPUT_IDLE) return commit_and_ack(inst, pending, have);
    if (in->kind != CONNHOST_INPUT_STREAM_STATUS) return CONNHOST_STATUS_OK;
    if (!string_after(in->json, in->json + in->json_size, "status", status, sizeof status) ||
        strcmp(status, "COMPLETE") != 0 || !string_after(in->json, in->json + in->json_size, "name", name, sizeof name))
        return CONNHOST_STATUS_OK;
    if (!string_after(in->json, in->json + in->json_size, "namespace", ns, sizeof ns)) ns[0] = 0;
    if (!(s = stream_named(inst, name, strlen(name), ns, strlen(ns)))) return CONNHOST_STATUS_OK;
    if ((st = commit_and_ack(inst, pending, have)) != CONNHOST_STATUS_OK) return st;
    return complete(inst, s);
}

static connhost_status dst_write(connhost_instance* inst, const connhost_write_args* args) {
    connhost_input in;
    connhost_status st, input_status;
    uint64_t pending = 0;
    int have_pending = 0, i;
    inst->stream_count = 0;
    if ((st = read_root(inst, args->config, args->config_size)) != CONNHOST_STATUS_OK) return st;
    if ((st = plan_streams(inst, args->catalog, args->catalog_size)) != CONNHOST_STATUS_OK) return st;
    for (i = 0; i < inst->stream_count; ++i)
        if ((st = open_stream(inst, &inst->streams[i])) != CONNHOST_STATUS_OK) return abandon(inst), st;
    for (;;) {
        memset(&in, 0, sizeof in);
        in.struct_size = sizeof in;
        in.wait_ms = 1000; /* with no input for a second, commit and acknowledge what is held */
        input_status = inst->host->next_input(inst->host, &in);
        if (input_status != CONNHOST_STATUS_OK) break;
        if ((st = on_input(inst, &in, &pending, &have_pending)) != CONNHOST_STATUS_OK) return abandon(inst), st;
    }
    /* END_OF_INPUT: commit, ack, complete every stream. Broken or cancelled input: commit and ack what arrived,
       keep the previous data of unfinished overwrites, and return the input's status. */
    if ((st = commit_and_ack(inst, &pending, &have_pending)) != CONNHOST_STATUS_OK) return abandon(inst), st;
    if (input_status != CONNHOST_STATUS_END_OF_INPUT) return abandon(inst), input_status;
    for (i = 0; i < inst->stream_count; ++i)
        if ((st = complete(inst, &inst->streams[i])) != CONNHOST_STATUS_OK) return abandon(inst), st;
    return CONNHOST_STATUS_OK;
}

static connhost_instance* dst_create(const connhost_host* host) {
    connhost_instance* inst;
    if (host->struct_size < CONNHOST_HOST_SIZE_1_0) return NULL;
    inst = (connhost_instance*)calloc(1, sizeof *inst);
    if (!inst) host->set_error(host, LIT("@CONNECTOR@: out of memory"));
    if (inst) inst->host = host;
    return inst;
}

static void dst_destroy(connhost_instance* inst) { free(inst); }

static connhost_status dst_spec(connhost_instance* inst) {
    static const char spec[] =
        "{\"documentationUrl\":\"https://example.invalid/docs/@CONNECTOR@\","
        "\"supported_destination_sync_modes\":[\"append\",\"overwrite\"],"
        "\"connectionSpecification\":{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
        "\"title\":\"@NAME@ destination\",\"type\":\"object\",\"required\":[\"destination_path\"],"
        "\"properties\":{\"destination_path\":{\"type\":\"string\","
        "\"description\":\"folder that receives <stream>.jsonl files\"}}}}";
    return inst->host->emit_message(inst->host, CONNHOST_MSG_SPEC, LIT(spec));
}

/* SUCCEEDED when the folder can be created and written to. */
static connhost_status dst_check(connhost_instance* inst, const char* config, size_t config_size) {
    const connhost_host* h = inst->host;
    char probe[4200];
    int fd = -1;
    if (read_root(inst, config, config_size) == CONNHOST_STATUS_OK) {
        snprintf(probe, sizeof probe, "%s/.@CONNECTOR@-check", inst->root);
        fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    if (fd >= 0) {
        close(fd);
        unlink(probe);
        return h->emit_message(h, CONNHOST_MSG_CONNECTION_STATUS, LIT("{\"status\":\"SUCCEEDED\"}"));
    }
    return h->emit_message(h, CONNHOST_MSG_CONNECTION_STATUS,
                           LIT("{\"status\":\"FAILED\",\"message\":\"cannot write into config.destination_path: "
                               "check that it names a folder you may write to\"}"));
}

static const connhost_plugin descriptor = {
    sizeof(connhost_plugin),
    CONNHOST_ABI_MAJOR,
    CONNHOST_ABI_MINOR,
    CONNHOST_KIND_DESTINATION,
    "@CONNECTOR@",
    CONNECTOR_VERSION,
    "@NAME@ destination made by connhost new",
    dst_create,
    dst_destroy,
    dst_spec,
    dst_check,
    NULL, /* discover: destinations have no catalog */
    NULL, /* read: destinations do not read */
    dst_write,
    NULL, /* cancel: next_input returns CANCELLED */
    NULL, /* get_extension: none */
};

CONNHOST_EXPORT const connhost_plugin* connhost_plugin_entry_v1(void) { return &descriptor; }
