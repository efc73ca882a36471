#include "runtime/sync/state_store.hpp"

#include "protocol/catalog_input.hpp"
#include "protocol/json_member.hpp"
#include "protocol/json_scan.hpp"
#include "protocol/state_shape.hpp"
#include "runtime/files.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <stdexcept>

namespace connhost::runtime::sync {

namespace json = boost::json;

namespace {

// The type of a state message and, for STREAM, its descriptor — read without a DOM so blobs keep their text.
struct StateKind {
    std::string type = "LEGACY";
    std::string name, ns;
};

void read_descriptor(protocol::JsonScanner& s, StateKind& k) {
    s.expect('{', "a stream object");
    s.members([&](std::string_view key) {
        if (key == "stream_descriptor" && s.peek() == '{')
            protocol::read_stream_names(s, k.name, k.ns);
        else
            s.skip_value();
    });
}

StateKind kind_of(std::string_view msg) {
    StateKind k;
    protocol::JsonScanner s(msg);
    s.expect('{', "a state object");
    s.members([&](std::string_view key) {
        if (key == "type" && s.peek() == '"')
            s.read_string(&k.type);
        else if (key == "stream" && s.peek() == '{')
            read_descriptor(s, k);
        else
            s.skip_value();
    });
    return k;
}

}  // namespace

StateStore::StateStore(std::string path) : path_(std::move(path)) {
    if (path_.empty()) return;
    lock_ = std::make_unique<FileLock>(path_, "state file " + path_);
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) return;
    std::string text = read_file(path_, "state file");
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        throw std::runtime_error(
            "state file " + path_ +
            " is empty: connhost replaces it atomically and never leaves it empty, so "
            "something else wrote it. Restore it from a backup, or pass --reset-state to start from scratch");
    load(text);
    dirty_ = false;
}

void StateStore::load(const std::string& text) {
    std::optional<protocol::StateFileParts> parts;
    try {
        parts = protocol::state_file_parts(text);
    } catch (const protocol::JsonSyntaxError&) {
        // normalize_state below names the file, line and fault
    }
    if (parts && !parts->owner.empty()) saved_owner_ = StateOwner::from_json(json::parse(parts->owner), path_);
    if (parts) load_attempts(text);
    std::string arr = protocol::normalize_state(text, "state file " + path_);
    if (arr.empty()) return;
    protocol::JsonScanner s(arr);
    s.expect('[', "an array of states");
    if (s.consume(']')) return;
    size_t i = 0;
    do {
        std::string_view msg = s.skip_value();
        if (std::string why = protocol::state_shape_problem(msg); !why.empty())
            throw std::runtime_error("state file " + path_ + ": state " + std::to_string(i) +
                                     " cannot be resumed from: " + why +
                                     ". Remove that entry, or pass --reset-state to start from scratch");
        apply(msg);
        ++i;
    } while (s.consume(','));
}

// The file's "overwrite_attempts": [{"namespace": "...", "name": "...", "attempt": "..."}]; malformed entries are
// ignored (their streams then start a fresh overwrite).
void StateStore::load_attempts(const std::string& text) {
    json::value v = json::parse(text);
    const json::value* list = v.as_object().if_contains("overwrite_attempts");
    if (!list || !list->is_array()) return;
    for (const auto& e : list->as_array()) {
        const json::object* o = e.if_object();
        if (!o) continue;
        auto str = [&](const char* k) { return protocol::string_member(*o, k); };
        if (!str("attempt").empty()) attempts_[{str("namespace"), str("name")}] = str("attempt");
    }
}

std::string StateStore::stream_state(const std::string& ns, const std::string& name) const {
    auto it = streams_.find({ns, name});
    if (it == streams_.end()) return {};
    json::value v = json::parse(it->second);
    const json::value* st = v.as_object().if_contains("stream");
    const json::value* ss = st && st->is_object() ? st->as_object().if_contains("stream_state") : nullptr;
    return ss ? json::serialize(*ss) : std::string();
}

std::string StateStore::attempt(const std::string& ns, const std::string& name) const {
    auto it = attempts_.find({ns, name});
    return it == attempts_.end() ? std::string() : it->second;
}

void StateStore::set_attempt(const std::string& ns, const std::string& name, const std::string& attempt) {
    if (attempt.empty() ? attempts_.erase({ns, name}) > 0 : attempts_[{ns, name}] != attempt) dirty_ = true;
    if (!attempt.empty()) attempts_[{ns, name}] = attempt;
}

void StateStore::adopt(const StateOwner& owner, bool reset) {
    owner_ = owner;
    if (reset) {
        attempts_.clear();
        streams_.clear();
        global_.reset();
        legacy_.reset();
        dirty_ = true;
        save();
        return;
    }
    if (saved_owner_) check_state_owner(*saved_owner_, owner, path_);
    if (!saved_owner_ || saved_owner_->to_json() != owner.to_json()) dirty_ = dirty_ || !empty();
}

bool StateStore::forget_stream(const std::string& ns, const std::string& name) {
    return streams_.erase({ns, name}) > 0;
}

void StateStore::apply(std::string_view msg) {
    StateKind k = kind_of(msg);
    if (k.type == "STREAM")
        streams_[{k.ns, k.name}] = std::string(msg);
    else if (k.type == "GLOBAL")
        global_ = std::string(msg);
    else
        legacy_ = std::string(msg);
    dirty_ = true;
}

std::string StateStore::to_json() const {
    if (empty()) return {};
    std::string out = "[";
    auto add = [&](const std::string& m) {
        if (out.size() > 1) out += ",\n ";
        out += m;
    };
    if (legacy_) add(*legacy_);
    if (global_) add(*global_);
    for (const auto& [key, m] : streams_) add(m);
    out += "]\n";
    return out;
}

void StateStore::save() {
    if (path_.empty() || !dirty_) return;
    json::object file;
    file["connhost_state_file"] = 1;
    if (owner_) file["owner"] = owner_->to_json();
    std::string text = json::serialize(file);
    text.pop_back();  // the states keep their exact text (numbers, key order): spliced in, not re-serialised
    const std::string states = to_json();
    text += ",\"states\":" + (states.empty() ? std::string("[]") : states.substr(0, states.size() - 1));
    if (!attempts_.empty()) {
        json::array a;
        for (const auto& [key, attempt] : attempts_)
            a.push_back(json::object{{"namespace", key.first}, {"name", key.second}, {"attempt", attempt}});
        text += ",\n\"overwrite_attempts\":" + json::serialize(a);
    }
    text += "}\n";
    write_file_atomically(path_, text);
    dirty_ = false;
}

}  // namespace connhost::runtime::sync
