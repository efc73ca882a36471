// PluginRunner: one `connhost run --plugin P <op> ...` step of test-plugin, run as a child of this executable so
// that a crashing plugin costs a FAIL line and its raw stderr (a side channel the host cannot mask) is seen.
#pragma once
#include "runtime/child_spawn.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace connhost::certify {

// What one step runs: `connhost run --plugin P <op> [--config F] [--catalog F] [--state F] [--isolate] [extra]`.
struct RunArgs {
    std::string op;  // spec, check, discover, read, write, read-back
    std::optional<std::filesystem::path> config, catalog, state;
    std::vector<std::string> extra;                   // appended after the options above
    std::string stdin_text;                           // fed to the child's stdin (then closed) by run()
    std::optional<std::filesystem::path> stdin_file;  // when set, its content is fed instead of stdin_text
    double timeout_seconds = 120;                     // run(): the child is killed (SIGKILL) after this long

    // The arguments of a step running `op` and nothing else set.
    static RunArgs of(std::string op) {
        RunArgs a;
        a.op = std::move(op);
        return a;
    }
};

// How a step ended, with everything it wrote.
struct RunResult {
    std::string out, err;    // the child's whole stdout and stderr
    int exit_code = -1;      // when it exited; -1 when a signal ended it
    int signal = 0;          // the signal that ended it, 0 when it exited
    bool timed_out = false;  // killed by us after the timeout
    double seconds = 0;      // wall time from start to reaped

    bool ok() const noexcept { return signal == 0 && exit_code == 0; }
    // "exit 0", "exit 1", "killed by signal 11 (Segmentation fault)", with " after the timeout" when ours.
    std::string describe() const;
    // stdout split into lines (no '\n'), empty lines dropped.
    std::vector<std::string> out_lines() const;
};

// A started step whose stdout is read line by line as it arrives (incremental stdin, signals, timed waits).
class StreamingRun {
public:
    StreamingRun(std::vector<std::string> argv, const std::string& stdin_text, bool keep_stdin_open);
    StreamingRun(const StreamingRun&) = delete;
    StreamingRun& operator=(const StreamingRun&) = delete;
    ~StreamingRun();  // kills (SIGKILL) and reaps a child not waited for

    // The next stdout line (no '\n'), waiting at most `timeout_seconds`; nothing on end of stdout or timeout
    // (timed_out_reading() tells which). Stderr is collected meanwhile.
    std::optional<std::string> next_line(double timeout_seconds);
    bool timed_out_reading() const noexcept { return read_timed_out_; }
    // Writes `data` to the child's stdin (kept open by keep_stdin_open), reading its output meanwhile; false when
    // the child closed its stdin or did not take all of `data` within `timeout_seconds` (stdin is then closed).
    bool write_stdin(std::string_view data, double timeout_seconds = 120);
    void close_stdin() noexcept;
    // Sends `sig` to the child (the connhost process that runs the plugin).
    void send_signal(int sig) noexcept;
    // Waits at most `timeout_seconds` for the child to end (then kills it with SIGKILL and sets timed_out), reading
    // the rest of its output. The result's `out` holds every stdout line, also those next_line() returned.
    RunResult wait(double timeout_seconds);
    pid_t pid() const noexcept { return child_.pid(); }

private:
    // One poll round over stdout, stderr and (when `to_write` is not empty) stdin, at most `timeout_ms`; writes part
    // of `to_write` and removes what was written. Returns false once stdout and stderr are both closed.
    bool pump(int timeout_ms, std::string_view* to_write);
    void drain_pipes(int timeout_ms);

    runtime::SpawnedChild child_;
    std::chrono::steady_clock::time_point started_;
    std::string out_, err_;
    size_t line_start_ = 0;  // where the next line not yet returned by next_line() starts in out_
    bool read_timed_out_ = false;
    bool stdin_broken_ = false;
};

// Runs steps of one plugin.
class PluginRunner {
public:
    // `plugin` as `connhost run --plugin` takes it (best a resolved path); `isolate` adds --isolate to every step.
    PluginRunner(std::string plugin, bool isolate);

    // Runs one step to its end (or its timeout), stdin fed from args.stdin_file or args.stdin_text.
    RunResult run(const RunArgs& args) const;
    // Starts one step; its stdin gets args.stdin_text, then stays open when `keep_stdin_open` (feed it with
    // write_stdin, end it with close_stdin), else is closed.
    std::unique_ptr<StreamingRun> start(const RunArgs& args, bool keep_stdin_open = false) const;
    // The command line a step runs (argv[0] is this executable), for messages.
    std::vector<std::string> command(const RunArgs& args) const;

private:
    std::string plugin_;
    bool isolate_;
};

}  // namespace connhost::certify
