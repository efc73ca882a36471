#include "copy_text.hpp"

#include "array_cell.hpp"
#include "temporal.hpp"

#include <connhost/sdk/base64.hpp>
#include <connhost/sdk/hex.hpp>
#include <connhost/sdk/json_slice.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace pgdest {

using connhost::sdk::ColumnType;
using connhost::sdk::Field;
using connhost::sdk::FieldKind;

namespace {

void append_copy_char(OutBuffer& out, char c) {
    switch (c) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: out.push_back(c);
    }
}

// Appends the decoded body of a JSON string literal as COPY text; NULs are dropped (stripped = true).
void append_string_body(OutBuffer& out, std::string_view raw, bool escaped, bool& stripped) {
    if (!escaped) {  // no backslash: valid JSON strings hold no raw tab / newline either
        out.append(raw);
        return;
    }
    for (size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c != '\\' || i + 1 >= raw.size()) {
            out.push_back(c);
            continue;
        }
        const char e = raw[++i];
        switch (e) {
            case 'n': out += "\\n"; break;
            case 'r': out += "\\r"; break;
            case 't': out += "\\t"; break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case '\\': out += "\\\\"; break;
            case 'u': {
                const int cp = connhost::sdk::json_unicode_escape(raw, i);
                if (cp < 0)
                    out += "\\\\u";
                else if (cp == 0)
                    stripped = true;
                else if (cp < 0x80)
                    append_copy_char(out, static_cast<char>(cp));
                else
                    connhost::sdk::append_utf8(out, static_cast<unsigned>(cp));
                break;
            }
            default: out.push_back(e);  // \" \/
        }
    }
}

// Parses JSON number text into the double PostgreSQL's float8in gives; false when float8in refuses it (it overflows,
// or underflows to zero).
bool parse_double(std::string_view text, double& v) {
    const std::string t(text);
    errno = 0;
    char* end = nullptr;
    v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size()) return false;
    return errno != ERANGE || (v != 0.0 && v != HUGE_VAL && v != -HUGE_VAL);
}

// Appends the decoded body of a JSON string literal as it is (binary COPY); NULs are dropped (stripped = true). Valid
// JSON holds no raw NUL, so every NUL in the decoded text came from a \u0000 escape.
void append_string_bytes(OutBuffer& out, std::string_view raw, bool& stripped) {
    const size_t at = out.size();
    connhost::sdk::json_unescape_append(out, raw);
    char* const end = std::remove(out.begin() + at, out.end(), '\0');
    stripped = stripped || end != out.end();
    out.truncate(static_cast<size_t>(end - out.begin()));
}

// Appends a string field's value as a cell of `format`; NULs are dropped (stripped = true).
void append_string_value(OutBuffer& out, const Field& f, CopyFormat format, bool& stripped) {
    if (format == CopyFormat::Text)
        append_string_body(out, f.value, f.value_escaped, stripped);
    else if (!f.value_escaped)
        out.append(f.value);
    else
        append_string_bytes(out, f.value, stripped);
}

// Appends `text` as a cell of `format`: escaped for COPY text, as it is in binary.
void append_raw(OutBuffer& out, std::string_view text, CopyFormat format) {
    if (format == CopyFormat::Text)
        append_copy_escaped(out, text);
    else
        out.append(text);
}

// A finite JSON number within numeric's limits? Returns nullptr or the change reason.
const char* numeric_problem(std::string_view text) {
    const connhost::sdk::DecimalShape d = connhost::sdk::decimal_shape(text);
    if (!d.finite) return kTypecast;
    if (d.exponent > 1000 || d.exponent < -1000 || d.int_digits > 131072 || d.scale > 16383) return kSizeLimit;
    return nullptr;
}

}  // namespace

void append_copy_escaped(OutBuffer& out, std::string_view text) {
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' || c == '\n' || c == '\r' || c == '\t') {
            out.append(text.data() + start, i - start);
            append_copy_char(out, c);
            start = i + 1;
        }
    }
    out.append(text.data() + start, text.size() - start);
}

const char* append_jsonb_cell(OutBuffer& out, std::string_view json, bool& stripped, CopyFormat format) {
    const size_t mark = out.size();
    const bool text = format == CopyFormat::Text;
    const std::string_view backslash = text ? "\\\\" : "\\";  // a backslash of the JSON text, in the cell
    if (!text) out.push_back('\1');                           // jsonb's binary format version
    size_t i = 0;
    while (i < json.size()) {
        const char c = json[i];
        if (c == '"') {
            out.push_back('"');
            ++i;
            while (i < json.size() && json[i] != '"') {
                if (json[i] != '\\') {
                    const char* q = static_cast<const char*>(std::memchr(json.data() + i, '"', json.size() - i));
                    const char* b = static_cast<const char*>(std::memchr(json.data() + i, '\\', json.size() - i));
                    const char* stop = !q ? (b ? b : json.data() + json.size()) : (b && b < q ? b : q);
                    out.append(json.data() + i, static_cast<size_t>(stop - (json.data() + i)));
                    i = static_cast<size_t>(stop - json.data());
                    continue;
                }
                if (i + 1 < json.size() && json[i + 1] == 'u') {
                    const int cp = connhost::sdk::read_hex4(json, i + 2);
                    if (cp == 0) {
                        stripped = true;
                        i += 6;
                        continue;
                    }
                    if (cp >= 0xD800 && cp < 0xDC00) {
                        const int lo = (i + 7 < json.size() && json[i + 6] == '\\' && json[i + 7] == 'u')
                            ? connhost::sdk::read_hex4(json, i + 8)
                            : -1;
                        if (lo >= 0xDC00 && lo < 0xE000) {
                            out.append(backslash).append("u").append(json.data() + i + 2, 4);
                            out.append(backslash).append("u").append(json.data() + i + 8, 4);
                            i += 12;
                        } else {
                            out.append(backslash).append("ufffd");
                            i += 6;
                        }
                        continue;
                    }
                    if (cp >= 0xDC00 && cp < 0xE000) {
                        out.append(backslash).append("ufffd");
                        i += 6;
                        continue;
                    }
                }
                out.append(backslash);  // the JSON escape's backslash
                if (i + 1 < json.size()) {
                    if (text)
                        append_copy_char(out, json[i + 1]);  // \\ -> two escaped backslashes
                    else
                        out.push_back(json[i + 1]);
                }
                i += 2;
            }
            out.push_back('"');
            ++i;
        } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            ++i;
        } else if ((c >= '0' && c <= '9') || c == '-' || c == 'N' || c == 'I') {
            size_t j = i;
            while (j < json.size() && (std::strchr("0123456789+-.eEINaifnty", json[j]) != nullptr)) ++j;
            const std::string_view num = json.substr(i, j - i);
            if (const char* problem = numeric_problem(num)) {
                out.truncate(mark);
                return problem;
            }
            out.append(num);
            i = j;
        } else {
            out.push_back(c);
            ++i;
        }
    }
    return nullptr;
}

namespace {

// Appends `f` as a bigint cell; returns why it cannot be one (nothing appended), or nullptr.
const char* append_integer(OutBuffer& out, const Field& f, CopyFormat format) {
    int64_t v = 0;
    const auto p = f.kind == FieldKind::Number ? connhost::sdk::parse_json_integer(f.value, v)
                                               : connhost::sdk::IntegerText::NotInteger;
    if (p == connhost::sdk::IntegerText::TooLarge) return kSizeLimit;
    if (p != connhost::sdk::IntegerText::Ok) return kTypecast;
    if (format == CopyFormat::Binary)
        append_be64(out, static_cast<uint64_t>(v));
    else
        connhost::sdk::append_decimal(out, v);  // snprintf cost 12% of a sync
    return nullptr;
}

// A cell that is not binary-capable (binary_copy_type) reached a binary COPY: a bug of dest_pg, never the data's.
[[noreturn]] void not_binary(ColumnType type) {
    throw std::logic_error(std::string("dest_pg: a ") + connhost::sdk::to_string(type) +
                           " column was given to a binary COPY");
}

// Appends a date, timestamp or interval cell of string `s`; false (nothing appended) when the column cannot hold it.
bool append_temporal(OutBuffer& out, ColumnType type, std::string_view s, CopyFormat format) {
    if (type == ColumnType::Duration) {
        if (format == CopyFormat::Binary) not_binary(type);
        if (!valid_duration(s)) return false;
    } else if (type == ColumnType::Date) {
        int32_t days;
        if (!date_days(s, days)) return false;
        if (format == CopyFormat::Binary) append_be32(out, static_cast<uint32_t>(days));
    } else {
        int64_t micros;
        if (!timestamp_micros(s, type == ColumnType::DateTime, micros)) return false;
        if (format == CopyFormat::Binary) append_be64(out, static_cast<uint64_t>(micros));
    }
    // Text: only digits, '-', ':', '.', 'T', ' ', 'Z', '+', "BC", "infinity" and ISO durations: nothing to escape.
    if (format == CopyFormat::Text) out.append(s);
    return true;
}

// A string field holding "NaN", "Infinity" or "-Infinity" (connhost::sdk::kSpecialNumberPattern)?
bool is_special_number_field(const Field& f) {
    return f.kind == FieldKind::String && !f.value_escaped && connhost::sdk::is_special_number(f.value);
}

// Appends `f` as a numeric (or double precision) cell; returns why it cannot be one (nothing appended), or nullptr.
const char* append_number(OutBuffer& out, bool is_double, const Field& f, CopyFormat format) {
    const bool special = is_special_number_field(f);  // NaN / Infinity / -Infinity: both types hold them
    if (!special && f.kind != FieldKind::Number) return kTypecast;
    double v = 0;
    if (is_double) {
        if (special)
            v = f.value == "NaN" ? std::nan("") : f.value[0] == '-' ? -HUGE_VAL : HUGE_VAL;
        else if (!parse_double(f.value, v))
            return kSizeLimit;
    } else if (!special) {
        if (const char* problem = numeric_problem(f.value)) return problem;
    }
    if (format == CopyFormat::Text)
        out.append(f.value);
    else if (is_double)
        append_float8_binary(out, v);
    else
        append_numeric_binary(out, f.value);
    return nullptr;
}

// Is `text` one JSON value PostgreSQL's json type accepts (nested up to 1000 levels)? Boost.JSON decides; the SDK's
// scanner (no DOM, a sixth of the cost) answers first for text without \u escapes (Boost.JSON refuses lone
// surrogates, the scanner does not) nested up to its own limit, where both agree.
bool is_json_text(std::string_view text) {
    if (text.find("\\u") == std::string_view::npos && connhost::sdk::is_valid_json(text)) return true;
    boost::json::parse_options opts;
    opts.max_depth = 1000;
    boost::json::stream_parser p({}, opts);
    boost::system::error_code ec;
    p.write(text.data(), text.size(), ec);
    if (!ec) p.finish(ec);
    return !ec;
}

// Appends a json cell: a string field's text when it is JSON (the exact text, as json keeps it), another
// value's compact JSON text. False (nothing appended) when the string is no JSON text.
bool append_json_text_cell(OutBuffer& out, const Field& f, CopyFormat format) {
    if (f.kind != FieldKind::String) {
        std::string compact;
        connhost::sdk::append_json_compact(compact, f.value);
        append_raw(out, compact, format);
        return true;
    }
    if (format == CopyFormat::Binary) {  // binary json is its text: decoded in place, checked there
        const size_t at = out.size();
        connhost::sdk::json_unescape_append(out, f.value);
        if (is_json_text(std::string_view(out).substr(at))) return true;
        out.truncate(at);
        return false;
    }
    std::string decoded;
    std::string_view s = f.value;
    if (f.value_escaped) s = decoded = connhost::sdk::json_unescape(f.value);
    if (!is_json_text(s)) return false;
    append_raw(out, s, format);
    return true;
}

// Appends a bytea cell ("\\x" and hex digits, the backslash escaped for COPY) of a base64 string field's bytes.
// False (nothing appended) when the field is no base64 string.
bool append_bytea_cell(OutBuffer& out, const Field& f) {
    std::string bytes;
    if (f.kind != FieldKind::String) return false;
    const std::string decoded = f.value_escaped ? connhost::sdk::json_unescape(f.value) : std::string();
    if (!connhost::sdk::base64_decode(f.value_escaped ? std::string_view(decoded) : f.value, bytes)) return false;
    static const char hex[] = "0123456789abcdef";
    out += "\\\\x";
    for (const char c : bytes) {
        out.push_back(hex[static_cast<unsigned char>(c) >> 4]);
        out.push_back(hex[static_cast<unsigned char>(c) & 15]);
    }
    return true;
}

// Appends a text cell of `f`: a string decoded, an object or array as compact JSON, a number or boolean as its text.
CellOutcome append_text_cell(OutBuffer& out, const Field& f, CopyFormat format) {
    CellOutcome r;
    if (f.kind == FieldKind::String) {
        bool stripped = false;
        append_string_value(out, f, format, stripped);
        if (stripped) r = {"TRUNCATED", kSerialization};
    } else if (f.kind == FieldKind::Object || f.kind == FieldKind::Array) {
        std::string compact;
        connhost::sdk::append_json_compact(compact, f.value);
        append_raw(out, compact, format);
    } else {
        out.append(f.value);  // number / true / false text
    }
    return r;
}

// Appends a jsonb cell of `f`; nulled() the reason when jsonb cannot hold it.
template <class Nulled>
CellOutcome append_jsonb_field(OutBuffer& out, const Field& f, CopyFormat format, Nulled nulled) {
    CellOutcome r;
    bool stripped = false;
    // A string's f.value is its body: re-wrap it in its quotes (they precede and follow it in the record text).
    const std::string_view json =
        f.kind == FieldKind::String ? std::string_view(f.value.data() - 1, f.value.size() + 2) : f.value;
    if (const char* problem = append_jsonb_cell(out, json, stripped, format)) return nulled(problem);
    if (stripped) r = {"TRUNCATED", kSerialization};
    return r;
}

}  // namespace

CellOutcome append_cell(OutBuffer& out, ColumnType type, const Field& f, CopyFormat format) {
    CellOutcome r;
    auto nulled = [&](const char* reason) {
        if (format == CopyFormat::Text) out += "\\N";
        r.change = "NULLED";
        r.reason = reason;
        r.null = true;
        return r;
    };
    if (f.kind == FieldKind::Null) {
        if (format == CopyFormat::Text) out += "\\N";
        r.null = true;
        return r;
    }
    const bool binary = format == CopyFormat::Binary;
    if (connhost::sdk::is_array(type)) {
        if (binary) not_binary(type);
        return append_array_cell(out, type, f);
    }
    switch (type) {
        case ColumnType::Integer:
            if (const char* problem = append_integer(out, f, format)) return nulled(problem);
            return r;
        case ColumnType::Number:
        case ColumnType::Float:
            if (const char* problem = append_number(out, type == ColumnType::Float, f, format)) return nulled(problem);
            return r;
        case ColumnType::Boolean:
            if (f.kind != FieldKind::True && f.kind != FieldKind::False) return nulled(kTypecast);
            if (binary)
                out.push_back(f.kind == FieldKind::True ? '\1' : '\0');
            else
                out.push_back(f.kind == FieldKind::True ? 't' : 'f');
            return r;
        case ColumnType::Date:
        case ColumnType::DateTime:
        case ColumnType::DateTimeLocal:
        case ColumnType::Duration: {
            if (f.kind != FieldKind::String) return nulled(kTypecast);
            std::string decoded;
            std::string_view s = f.value;
            if (f.value_escaped) s = decoded = connhost::sdk::json_unescape(f.value);
            if (!append_temporal(out, type, s, format)) return nulled(kTypecast);
            return r;
        }
        case ColumnType::JsonText:
            if (!append_json_text_cell(out, f, format)) return nulled(kTypecast);
            return r;
        case ColumnType::Binary:
            if (binary) not_binary(type);
            if (!append_bytea_cell(out, f)) return nulled(kTypecast);
            return r;
        case ColumnType::String: return append_text_cell(out, f, format);
        case ColumnType::Json: return append_jsonb_field(out, f, format, nulled);
    }
    return r;
}

CellOutcome append_json_text_as_jsonb(OutBuffer& out, const Field& f, CopyFormat format) {
    if (f.kind != FieldKind::String) return append_cell(out, ColumnType::Json, f, format);
    const std::string decoded = f.value_escaped ? connhost::sdk::json_unescape(f.value) : std::string(f.value);
    CellOutcome r;
    bool stripped = false;
    const char* problem = is_json_text(decoded) ? append_jsonb_cell(out, decoded, stripped, format) : kTypecast;
    if (problem) {
        if (format == CopyFormat::Text) out += "\\N";
        return {"NULLED", problem, true};
    }
    if (stripped) r = {"TRUNCATED", kSerialization};
    return r;
}

}  // namespace pgdest
