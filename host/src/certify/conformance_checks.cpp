#include "certify/conformance_checks.hpp"

#include "certify/destination_steps.hpp"
#include "certify/write_expectations.hpp"
#include "runtime/files.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>

namespace connhost::certify {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// The Singer files a target must refuse, with the line that makes them wrong (see conformance/README.md).
const std::map<std::string, size_t> kSingerRejected = {
    {"invalid_schema", 1}, {"record_before_schema", 1}, {"record_missing_key_property", 2}};

bool is_airbyte_messages(const std::string& name) {
    for (const char* suffix : {"_messages.txt", "_message.txt", "_messages_in.txt"})
        if (name.size() > std::string(suffix).size() && name.ends_with(suffix)) return true;
    return false;
}

// The catalog beside an Airbyte messages file (<prefix>_configured_catalog.json or <prefix>_catalog.json), or a
// schemaless one written to the scratch folder, with every stream the file's records use (append).
fs::path catalog_for(const CertifyContext& ctx, const fs::path& file, const std::string& content) {
    const std::string name = file.filename().string();
    for (const char* suffix : {"_messages_in.txt", "_messages.txt", "_message.txt"}) {
        if (!name.ends_with(suffix)) continue;
        const std::string prefix = name.substr(0, name.size() - std::string(suffix).size());
        for (const char* cat : {"_configured_catalog.json", "_catalog.json"})
            if (fs::exists(file.parent_path() / (prefix + cat))) return file.parent_path() / (prefix + cat);
    }
    json::array streams;
    for (const auto& [key, records] : records_by_stream(content)) {
        json::object s{{"name", key.second},
                       {"json_schema", json::object{{"type", "object"}}},
                       {"supported_sync_modes", json::array{"full_refresh"}}};
        if (!key.first.empty()) s["namespace"] = key.first;
        streams.emplace_back(std::move(s));
    }
    return ctx.scratch.write(name + ".catalog.json", json::serialize(json::object{{"streams", std::move(streams)}}));
}

// The destination sync mode the configured catalog `catalog` of a file needs beyond `modes`, or "" (none is needed
// without a catalog: the host fits the modes of a Singer stream's streams to the destination).
std::string missing_mode(const fs::path& catalog, const std::vector<std::string>& modes) {
    const auto lacks = [&](const std::string& m) { return std::find(modes.begin(), modes.end(), m) == modes.end(); };
    if (catalog.empty()) return "";
    const json::value cat = json::parse(runtime::read_file(catalog.string(), "catalog"));
    if (const json::value* streams = cat.as_object().if_contains("streams"); streams && streams->is_array())
        for (const json::value& s : streams->as_array())
            if (const json::value* m = s.as_object().if_contains("destination_sync_mode"); m && m->is_string())
                if (lacks(std::string(m->as_string()))) return std::string(m->as_string());
    return "";
}

// Judges one write of `file`: `must_refuse` is the line that must make it fail, if any.
// `singer`: the input is a Singer stream, so the output is a Singer target's (bare state values; the error on
// stderr).
void judge(CheckReport& report, const std::string& id, const RunResult& r, const InputShape& shape,
           std::optional<size_t> must_refuse, bool singer) {
    if (r.signal != 0 || r.timed_out) return report.fail(id, "the write was " + r.describe() + stderr_tail(r));
    const ProtocolOutput out = parse_protocol_output(r.out);
    const auto state_problem = [&] {
        return singer ? singer_state_problem(r.out_lines(), shape.state_counts.size())
                      : state_echo_problem(out, shape.state_counts);
    };
    if (must_refuse) {
        const std::string error = singer ? r.err : error_message(out);
        if (r.exit_code != 1)
            return report.fail(id,
                               "line " + std::to_string(*must_refuse) + " must be refused (exit 1), but the write " +
                                   r.describe() + stderr_tail(r));
        if (!names_line(error, *must_refuse))
            return report.fail(
                id,
                "refused, but the error does not name line " + std::to_string(*must_refuse) + ": \"" + error + "\"");
        if (auto why = state_problem())
            return report.fail(id, "refused line " + std::to_string(*must_refuse) + ", but before it: " + *why);
        return report.pass(id, "refused as it must be: " + error);
    }
    if (r.exit_code != 0)
        return report.fail(id, "the write " + r.describe() + ": " + error_message(out) + stderr_tail(r));
    if (auto why = state_problem()) return report.fail(id, *why);
    report.pass(id,
                std::to_string(shape.records) + " records, " + std::to_string(shape.state_counts.size()) +
                    " states echoed in order with their recordCount");
}

void check_file(CertifyContext& ctx, CheckReport& report, const fs::path& file, bool singer,
                const std::vector<std::string>& modes) {
    const std::string id = "conformance." + file.stem().string();
    std::string content;
    try {
        content = runtime::read_file(file.string(), "conformance file");
    } catch (const std::exception& e) {
        return report.fail(id, e.what());
    }
    const InputShape shape = shape_of_input(content);
    RunArgs a;
    a.op = "write";
    a.config = ctx.options.config;
    a.stdin_file = file;
    std::optional<size_t> must_refuse = shape.bad_line;
    if (singer) {
        if (auto r = kSingerRejected.find(file.stem().string()); r != kSingerRejected.end()) must_refuse = r->second;
    } else {
        try {
            a.catalog = catalog_for(ctx, file, content);
        } catch (const std::exception& e) {  // a file without a catalog whose RECORD lines are not all JSON
            return report.fail(id, "cannot build a catalog for " + file.string() + ": " + e.what());
        }
    }
    try {
        if (const std::string mode = missing_mode(a.catalog.value_or(fs::path()), modes); !mode.empty())
            return report.skip(id,
                               "needs the destination sync mode " + mode +
                                   ", which the spec's supported_destination_sync_modes lacks");
    } catch (const std::exception& e) {
        return report.fail(id, "cannot read the catalog of " + file.string() + ": " + e.what());
    }
    judge(report, id, ctx.runner.run(a), shape, must_refuse, singer);
}

std::vector<fs::path> files_in(const fs::path& dir, bool singer) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (singer ? e.path().extension() == ".singer" : is_airbyte_messages(name)) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

fs::path conformance_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return (exe.parent_path() / ".." / "share" / "connhost" / "conformance").lexically_normal();
}

void check_conformance(CertifyContext& ctx, const std::vector<std::string>& modes, CheckReport& report) {
    const fs::path dir = conformance_dir();
    const std::vector<fs::path> airbyte = files_in(dir / "airbyte", false), singer = files_in(dir / "singer", true);
    if (airbyte.empty() || singer.empty())
        return report.fail("conformance.data",
                           "no conformance data at " + dir.string() +
                               " (airbyte/*_messages.txt, singer/*.singer): install connhost-dev, "
                               "which puts it beside the connhost executable");
    for (const fs::path& f : airbyte) check_file(ctx, report, f, false, modes);
    for (const fs::path& f : singer) check_file(ctx, report, f, true, modes);
}

}  // namespace connhost::certify
