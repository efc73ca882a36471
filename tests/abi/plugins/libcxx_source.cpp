// libcxx_source: an SDK source built by clang++ against libc++ (not the host's libstdc++), loaded by the gcc-built
// host. Each record names the standard library it was compiled with, so the test sees which one actually ran.
#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

#include <map>
#include <string>

#ifndef _LIBCPP_VERSION
#error "libcxx_source must be compiled with -stdlib=libc++"
#endif

namespace {

using namespace connhost::sdk;

class LibcxxSource final : public Source {
public:
    using Source::Source;

    json::object spec() override {
        return parse_object(
            R"({"connectionSpecification":{"type":"object","properties":{"count":{"type":"integer"}}}})", "spec");
    }
    void check(const json::object& config) override { count(config); }
    json::array discover(const json::object&) override {
        json::object s;
        s["name"] = "squares";
        s["json_schema"] = json::object{{"type", "object"}};
        s["supported_sync_modes"] = json::array{"full_refresh"};
        return json::array{s};
    }
    void read(const json::object& config, const ConfiguredCatalog& catalog, const StateMap&) override {
        const int64_t n = count(config);
        for (const auto& cs : catalog.streams()) {
            if (cs.name != "squares")
                throw ConfigError("libcxx_source has only the stream \"squares\", not \"" + cs.name + "\"");
            // Standard-library containers and strings on this side of the boundary are libc++'s.
            std::map<int64_t, std::string> rows;
            for (int64_t i = 1; i <= n; ++i) rows[i] = std::to_string(i * i);
            RecordBatchWriter w(host(), cs.name, {}, 1 << 20, 2);
            for (const auto& [i, square] : rows) {
                json::object r;
                r["i"] = i;
                r["square"] = square;
                r["stdlib"] = "libc++ " + std::to_string(_LIBCPP_VERSION);
                w.add(r);
            }
            w.flush();
            host().emit_state(
                R"({"type":"STREAM","stream":{"stream_descriptor":{"name":"squares"},"stream_state":{"done":true}}})");
        }
    }

private:
    static int64_t count(const json::object& config) {
        auto it = config.find("count");
        if (it == config.end() || !it->value().is_int64() || it->value().as_int64() < 0)
            throw ConfigError("config.count must be a non-negative integer");
        return it->value().as_int64();
    }
};

}  // namespace

CONNHOST_PLUGIN(LibcxxSource, "libcxx_source", "0.0.1", "An SDK source built with clang++ and libc++ (ABI test)")
