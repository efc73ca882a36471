// source_http: any paginated JSON API, described by config alone (no code per API).
// check fetches one page, discover infers schemas from sample pages, read emits each record as the exact
// JSON text it arrived in, with an incremental cursor per stream and a STATE after every page.
#include "cursor_tracker.hpp"
#include "schema_inference.hpp"
#include "source_config.hpp"
#include "spec.hpp"
#include "stream_pages.hpp"

#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>
#include <connhost/sdk/http.hpp>
#include <connhost/sdk/http_auth.hpp>
#include <connhost/sdk/json_slice.hpp>

#include <memory>

namespace {

using namespace connhost::sdk;
using source_http::CursorTracker;
using source_http::Page;
using source_http::SchemaInference;
using source_http::SourceConfig;
using source_http::StreamConfig;
using source_http::StreamPages;

class HttpSource final : public Source {
public:
    using Source::Source;

    json::object spec() override { return parse_object(source_http::spec_json(), "spec"); }

    void check(const json::object& config) override {
        SourceConfig cfg = source_http::parse_config(config);
        auto client = make_client(cfg);
        if (!cfg.check_path.empty()) {
            HttpRequest req;
            req.url = url_join(cfg.base_url, cfg.check_path);
            req.headers = cfg.headers;
            client->send(req);
            return;
        }
        const StreamConfig& s = cfg.streams.front();
        StreamPages pages(*client, cfg, s);
        Page page;
        pages.next(page);
        if (!page.records_found)
            throw ConfigError(
                "stream " + s.name + ": records_pointer \"" + s.records_pointer + "\" is not in the response of " +
                client->mask_url_text(page.response.url) +
                "; the body starts: " + client->mask(connhost::sdk::detail::body_start(page.response.body)));
    }

    json::array discover(const json::object& config) override {
        SourceConfig cfg = source_http::parse_config(config);
        auto client = make_client(cfg);
        json::array streams;
        for (const StreamConfig& s : cfg.streams) {
            SchemaInference schema;
            StreamPages pages(*client, cfg, s);
            Page page;
            for (int64_t i = 0; i < cfg.discover_pages && pages.next(page); ++i)
                for (std::string_view rec : page.records)
                    schema.add(json::parse(json::string_view(rec.data(), rec.size())));
            host().info("stream " + s.name + ": schema inferred from " + std::to_string(schema.records()) + " records");
            json::object o;
            o["name"] = s.name;
            o["json_schema"] = schema.schema();
            json::array modes{"full_refresh"};
            if (!s.cursor_field.empty()) {
                modes.push_back("incremental");
                o["source_defined_cursor"] = true;
                o["default_cursor_field"] = path_json(s.cursor_field);
            }
            o["supported_sync_modes"] = std::move(modes);
            if (!s.primary_key.empty()) {
                json::array pk;
                for (const auto& p : s.primary_key) pk.push_back(path_json(p));
                o["source_defined_primary_key"] = std::move(pk);
            }
            streams.push_back(std::move(o));
        }
        return streams;
    }

    void read(const json::object& config, const ConfiguredCatalog& catalog, const StateMap& state) override {
        SourceConfig cfg = source_http::parse_config(config);
        auto client = make_client(cfg);
        for (const ConfiguredStream& cs : catalog.streams()) {
            const StreamConfig* s = cfg.find(cs.name);
            if (!s) {
                std::string names;
                for (const auto& x : cfg.streams) names += (names.empty() ? "" : ", ") + x.name;
                throw ConfigError("catalog names stream \"" + cs.name +
                                  "\", which the source_http config does not define (it has: " + names + ")");
            }
            read_stream(*client, cfg, *s, cs, state);
        }
    }

private:
    static json::array path_json(const std::vector<std::string>& path) {
        json::array a;
        for (const auto& p : path) a.push_back(json::string(p));
        return a;
    }

    std::unique_ptr<HttpClient> make_client(SourceConfig& cfg) {
        auto client = std::make_unique<HttpClient>(host(), cfg.http);
        json::object auth = cfg.auth;
        if (auto t = auth.find("token_url"); t != auth.end() && t->value().is_string())
            t->value() =
                url_join(cfg.base_url, std::string(t->value().as_string()));  // relative token_url: under base_url
        client->set_authenticator(make_authenticator(*client, auth));
        return client;
    }

    void read_stream(HttpClient& client, const SourceConfig& cfg, const StreamConfig& s, const ConfiguredStream& cs,
                     const StateMap& state) {
        const std::string ns = cs.ns.value_or("");
        std::optional<CursorTracker> cursor;
        if (cs.incremental()) {
            if (s.cursor_field.empty())
                throw ConfigError("stream " + s.name +
                                  " is configured incremental, but the source_http config gives it no cursor_field");
            cursor.emplace(s.cursor_key(), state.stream(cs.name, ns), s.cursor_start, host(), cs.display_name());
        }
        QueryParams extra;
        if (cursor && cursor->since() && !s.cursor_param.empty()) extra.emplace_back(s.cursor_param, *cursor->since());

        emit_stream_status(host(), cs.name, ns, "STARTED");
        RecordBatchWriter w(host(), cs.name, ns);
        StreamPages pages(client, cfg, s, extra);
        Page page;
        std::string compact;
        uint64_t skipped = 0;
        int pages_read = 0;
        while (pages.next(page)) {
            ++pages_read;
            const int64_t emitted_at = RecordBatchWriter::now_ms();
            for (std::string_view rec : page.records) {
                if (cursor && !cursor->observe(json_find(rec, s.cursor_pointer))) {
                    ++skipped;
                    continue;
                }
                compact.clear();
                append_json_compact(compact, rec);  // one line; number and string text untouched
                w.add(compact, emitted_at);
            }
            w.flush();  // one batch per page
            if (cursor && s.records_sorted) host().emit_state(stream_state_message(cs.name, ns, cursor->blob()));
            host().throw_if_cancelled();
        }
        w.flush();
        if (!cursor || !s.records_sorted)
            host().emit_state(stream_state_message(cs.name, ns, cursor ? cursor->blob() : json::object()));
        host().info(
            "stream " + s.name + ": " + std::to_string(w.total()) + " records from " + std::to_string(pages_read) +
            " pages" +
            (skipped ? " (" + std::to_string(skipped) + " older than the saved cursor skipped)" : std::string()));
        emit_stream_status(host(), cs.name, ns, "COMPLETE");
    }
};

}  // namespace

CONNHOST_PLUGIN(HttpSource, "source_http", "0.1.0", "Any paginated JSON HTTP API, configured declaratively")
