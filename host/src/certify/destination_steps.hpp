// The steps the destination checks of `connhost test-plugin` share: streams test-plugin owns, their catalogs, write
// runs (whole, or killed once a state is echoed) and read-back runs.
#pragma once
#include "certify/certify_context.hpp"
#include "certify/exact_json.hpp"
#include "certify/protocol_output.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::certify {

// One stream of a catalog test-plugin writes; its schema is kValueSchema.
struct CertifyStream {
    std::string name;
    std::string mode = "append";  // destination_sync_mode
    bool keyed = false;           // primary key ["id"], cursor ["seq"]
};

// The schema of test-plugin's own streams: every JSON type, a nullable field and a cursor.
extern const char* const kValueSchema;

// A RECORD line of `stream` with data `data_json` (copied as it is: number text stays exact).
std::string record_line(std::string_view stream, std::string_view data_json, int64_t emitted_at);
// A STREAM state line for `stream` holding {"n": n}.
std::string state_line(std::string_view stream, int n);
// A TRACE STREAM_STATUS line for `stream` with `status` (STARTED, COMPLETE...).
std::string status_line(std::string_view stream, std::string_view status);

// The outcome of a write fed until its first STATE echo, then killed with SIGKILL.
struct KilledWrite {
    bool echoed = false;
    double seconds = 0;  // from the start until the echo (or the limit)
    RunResult run;
};

// What read-back printed for one stream.
struct ReadBackResult {
    bool ok = false;
    std::vector<std::string> records;  // the data texts, in the order printed
    std::string error;                 // when !ok: why, with the step's outcome
};

// Runs the steps of one certification, with the user's --config. Not thread-safe.
class DestinationSteps {
public:
    explicit DestinationSteps(CertifyContext& ctx) : ctx_(ctx) {}

    // "certify_<pid>_<what>": a stream name no user's data has.
    std::string stream_name(std::string_view what) const;
    // Writes a configured catalog of `streams` to the scratch file `file`; returns its path.
    std::filesystem::path catalog(const std::vector<CertifyStream>& streams, const std::string& file) const;
    // `run write` with the user's config, `catalog` and `input` on stdin (then closed); `extra` options appended.
    RunResult write(const std::filesystem::path& catalog, const std::string& input,
                    std::vector<std::string> extra = {}) const;
    // `run write` with --idle-commit-seconds 1 and stdin kept open after `input`: waits at most `limit` seconds for
    // the first STATE on stdout (or, with `wait_full`, the whole `limit`), then kills the run (SIGKILL, as a crash or a
    // power cut would).
    KilledWrite write_until_state_echo(const std::filesystem::path& catalog, const std::string& input, double limit,
                                       bool wait_full = false) const;
    // `run read-back` over `catalog`; the records of `stream`.
    ReadBackResult read_back(const std::filesystem::path& catalog, const std::string& stream) const;

private:
    CertifyContext& ctx_;
};

// Nothing when `got` holds the same records as `want` (canonical_json with top-level nulls dropped, in any order);
// else what differs, quoting a record.
std::optional<std::string> record_set_problem(const std::vector<std::string>& got,
                                              const std::vector<std::string>& want);

// The last lines of a step's stderr, for a failure's text.
std::string stderr_tail(const RunResult& r);

}  // namespace connhost::certify
