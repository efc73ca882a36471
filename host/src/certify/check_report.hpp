// CheckReport: the outcome of each check of `connhost test-plugin`, printed as it comes and written as JUnit or JSON.
#pragma once
#include <string>
#include <vector>

namespace connhost::certify {

enum class Verdict { Pass, Fail, Skip };

// One check's outcome. `id` is dotted (spec.*, check.*, discover.*, read.*, incremental.*, sigterm.*, write.*,
// conformance.*, readback.*); `text` is the detail of a pass, or why it failed or was skipped.
struct CheckResult {
    std::string id;
    Verdict verdict = Verdict::Pass;
    std::string text;
};

// Collects check results in order. Not thread-safe: checks run one after the other.
class CheckReport {
public:
    // Each records one result and prints it at once on stdout: "PASS  <id>  <detail>" (FAIL, SKIP alike).
    void pass(const std::string& id, const std::string& detail);
    void fail(const std::string& id, const std::string& why);
    void skip(const std::string& id, const std::string& why);

    // Prints "N passed, M failed, K skipped" on stdout.
    void print_summary() const;
    // Writes a JUnit XML file (one testcase per check, <failure>/<skipped> elements); throws std::runtime_error
    // naming the file when it cannot be written.
    void write_junit(const std::string& path) const;
    // Writes {"checks": [{"id", "verdict": "pass"|"fail"|"skip", "text"}...], "passed", "failed", "skipped"}.
    void write_json(const std::string& path) const;

    bool any_failed() const noexcept;
    size_t count(Verdict v) const noexcept;
    const std::vector<CheckResult>& results() const noexcept { return results_; }
    // The suite name used in the JUnit file (the plugin's name); "connhost-test-plugin" unless set.
    void set_suite_name(std::string name) { suite_ = std::move(name); }

private:
    void add(const std::string& id, Verdict v, const std::string& text);
    std::vector<CheckResult> results_;
    std::string suite_ = "connhost-test-plugin";
};

// "pass", "fail" or "skip".
const char* verdict_name(Verdict v) noexcept;

}  // namespace connhost::certify
