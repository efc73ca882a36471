// ReadBack: the opt-in of a destination to the plugin extension "connhost.read_back/1" (`connhost run read-back`).
#pragma once
#include <connhost/sdk/catalog.hpp>
#include <connhost/sdk/json.hpp>

#include <cstdio>
#include <string>
#include <string_view>

namespace connhost::sdk {

// A Destination that can list what it holds also derives from ReadBack; CONNHOST_PLUGIN then offers the extension.
class ReadBack {
public:
    virtual ~ReadBack() = default;
    // Emits (RecordBatchWriter over host()) every record held for each stream of `catalog`, stream by stream, each
    // stream's records in stored order, as stored, without the destination's own metadata; a stream never written
    // is empty. Emits no state. Run thread; a separate operation (no open/close around it). Throws Error.
    virtual void read_back(const json::object& config, const ConfiguredCatalog& catalog) = 0;
};

// StoredObject: builds the data object of one read-back record from a store's cells, member by member, for
// read_back() implementations over typed columns. Not thread-safe; reuse one per stream (clear() between rows).
class StoredObject {
public:
    void clear() { text_.assign(1, '{'); }
    // A member whose value is JSON text as stored (a number's exact text, a JSON column), copied as it is.
    void raw(std::string_view field, std::string_view json_text) {
        key(field);
        text_.append(json_text);
    }
    // A member whose value is the string `text` (UTF-8), escaped here.
    void string(std::string_view field, std::string_view text) {
        key(field);
        quoted(text);
    }
    void boolean(std::string_view field, bool v) { raw(field, v ? "true" : "false"); }
    // The object's JSON text; valid until the next clear().
    std::string_view finish() {
        text_.push_back('}');
        return text_;
    }

private:
    void key(std::string_view field) {
        if (text_.size() > 1) text_.push_back(',');
        quoted(field);
        text_.push_back(':');
    }
    void quoted(std::string_view s) {
        text_.push_back('"');
        for (char c : s) {
            if (c == '"' || c == '\\') {
                text_.push_back('\\');
                text_.push_back(c);
            } else if (static_cast<unsigned char>(c) < 0x20) {
                char esc[8];
                std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
                text_.append(esc);
            } else {
                text_.push_back(c);
            }
        }
        text_.push_back('"');
    }

    std::string text_ = "{";
};

}  // namespace connhost::sdk
