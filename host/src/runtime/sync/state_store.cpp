#include "runtime/sync/state_store.hpp"

#include "protocol/catalog_input.hpp"
#include "protocol/json_scan.hpp"
#include "runtime/files.hpp"

#include <filesystem>
#include <stdexcept>

namespace connhost::runtime::sync {

namespace {

// The type of a state message and, for STREAM, its descriptor — read without a DOM so blobs keep their text.
struct StateKind {
    std::string type = "LEGACY";
    std::string name, ns;
};

void read_descriptor(protocol::JsonScanner& s, StateKind& k) {
    s.expect('{', "a stream object");
    s.members([&](std::string_view key) {
        if (key == "stream_descriptor" && s.peek() == '{') {
            s.expect('{', "'{'");
            s.members([&](std::string_view dk) {
                if (dk == "name" && s.peek() == '"') s.read_string(&k.name);
                else if (dk == "namespace" && s.peek() == '"') s.read_string(&k.ns);
                else s.skip_value();
            });
        } else {
            s.skip_value();
        }
    });
}

StateKind kind_of(std::string_view msg) {
    StateKind k;
    protocol::JsonScanner s(msg);
    s.expect('{', "a state object");
    s.members([&](std::string_view key) {
        if (key == "type" && s.peek() == '"') s.read_string(&k.type);
        else if (key == "stream" && s.peek() == '{') read_descriptor(s, k);
        else s.skip_value();
    });
    return k;
}

}  // namespace

StateStore::StateStore(std::string path) : path_(std::move(path)) {
    std::error_code ec;
    if (path_.empty() || !std::filesystem::exists(path_, ec)) return;
    std::string arr = protocol::normalize_state(read_file(path_, "state file"), "state file " + path_);
    if (arr.empty()) return;
    protocol::JsonScanner s(arr);
    s.expect('[', "an array of states");
    if (s.consume(']')) return;
    do {
        apply(s.skip_value());
    } while (s.consume(','));
    dirty_ = false;
}

void StateStore::apply(std::string_view msg) {
    StateKind k = kind_of(msg);
    if (k.type == "STREAM") streams_[{k.ns, k.name}] = std::string(msg);
    else if (k.type == "GLOBAL") global_ = std::string(msg);
    else legacy_ = std::string(msg);
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
    write_file_atomically(path_, to_json());
    dirty_ = false;
}

}  // namespace connhost::runtime::sync
