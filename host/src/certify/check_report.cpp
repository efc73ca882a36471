#include "certify/check_report.hpp"

#include "runtime/files.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <string_view>

namespace connhost::certify {

namespace {

// `text` safe inside an XML attribute or element: markup characters escaped, other control characters dropped.
std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default:
                if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out += c;
        }
    }
    return out;
}

// The JUnit classname of a check: its id up to the first dot (spec, read...).
std::string group_of(const std::string& id) { return id.substr(0, id.find('.')); }

}  // namespace

const char* verdict_name(Verdict v) noexcept {
    switch (v) {
        case Verdict::Pass: return "pass";
        case Verdict::Fail: return "fail";
        case Verdict::Skip: return "skip";
    }
    return "?";
}

void CheckReport::add(const std::string& id, Verdict v, const std::string& text) {
    static const char* const labels[] = {"PASS", "FAIL", "SKIP"};
    results_.push_back({id, v, text});
    std::string line = text;  // one line per check: a multi-line message is joined
    for (auto& c : line)
        if (c == '\n') c = ' ';
    std::printf("%s  %s  %s\n", labels[static_cast<int>(v)], id.c_str(), line.c_str());
    std::fflush(stdout);
}

void CheckReport::pass(const std::string& id, const std::string& detail) { add(id, Verdict::Pass, detail); }
void CheckReport::fail(const std::string& id, const std::string& why) { add(id, Verdict::Fail, why); }
void CheckReport::skip(const std::string& id, const std::string& why) { add(id, Verdict::Skip, why); }

size_t CheckReport::count(Verdict v) const noexcept {
    size_t n = 0;
    for (const auto& r : results_) n += r.verdict == v;
    return n;
}

bool CheckReport::any_failed() const noexcept { return count(Verdict::Fail) > 0; }

void CheckReport::print_summary() const {
    std::printf("%zu passed, %zu failed, %zu skipped\n", count(Verdict::Pass), count(Verdict::Fail),
                count(Verdict::Skip));
    std::fflush(stdout);
}

void CheckReport::write_junit(const std::string& path) const {
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x += "<testsuite name=\"" + xml_escape(suite_) + "\" tests=\"" + std::to_string(results_.size()) +
        "\" failures=\"" + std::to_string(count(Verdict::Fail)) + "\" skipped=\"" +
        std::to_string(count(Verdict::Skip)) + "\" errors=\"0\">\n";
    for (const auto& r : results_) {
        x += "  <testcase classname=\"" + xml_escape(group_of(r.id)) + "\" name=\"" + xml_escape(r.id) + "\"";
        if (r.verdict == Verdict::Pass) {
            x += "><system-out>" + xml_escape(r.text) + "</system-out></testcase>\n";
            continue;
        }
        const char* tag = r.verdict == Verdict::Fail ? "failure" : "skipped";
        x += ">\n    <" + std::string(tag) + " message=\"" + xml_escape(r.text) + "\"/>\n  </testcase>\n";
    }
    x += "</testsuite>\n";
    runtime::write_file_atomically(path, x);
}

void CheckReport::write_json(const std::string& path) const {
    boost::json::array checks;
    for (const auto& r : results_)
        checks.push_back({{"id", r.id}, {"verdict", verdict_name(r.verdict)}, {"text", r.text}});
    boost::json::object doc{{"suite", suite_},
                            {"checks", std::move(checks)},
                            {"passed", count(Verdict::Pass)},
                            {"failed", count(Verdict::Fail)},
                            {"skipped", count(Verdict::Skip)}};
    runtime::write_file_atomically(path, boost::json::serialize(doc) + "\n");
}

}  // namespace connhost::certify
