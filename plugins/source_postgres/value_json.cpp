#include "value_json.hpp"

#include <connhost/sdk/column_types.hpp>
#include <connhost/sdk/hex.hpp>
#include <connhost/sdk/json.hpp>
#include <connhost/sdk/json_slice.hpp>

namespace pgsource {

using connhost::sdk::append_json_string;
using connhost::sdk::OutBuffer;

namespace {

// Appends the time part of a timestamp ("13:45:00.5+05:30"); with_tz: the offset "+00" as 'Z', "+hh" as "+hh:00".
void append_time_part(OutBuffer& out, std::string_view rest, bool with_tz) {
    // The offset is the last '+' or '-' (the time part holds neither otherwise).
    const size_t sign = with_tz ? rest.find_last_of("+-") : std::string_view::npos;
    if (sign == std::string_view::npos) {
        out.append(rest);
        return;
    }
    const std::string_view off = rest.substr(sign);
    out.append(rest.data(), sign);
    if (off == "+00" || off == "-00" || off == "+00:00") {
        out += 'Z';
        return;
    }
    out.append(off);
    if (off.size() == 3) out += ":00";
}

// "2024-01-31 13:45:00" -> "2024-01-31T13:45:00"; a year past 9999 stays ("294276-12-31T23:59:59"), a BC
// timestamp keeps its suffix ("0044-03-15T12:00:00Z BC"), infinity and -infinity stay as they are.
void append_timestamp(OutBuffer& out, std::string_view t, bool with_tz) {
    constexpr std::string_view kBc = " BC";
    const bool bc = t.size() > kBc.size() && t.substr(t.size() - kBc.size()) == kBc;
    if (bc) t.remove_suffix(kBc.size());
    const size_t space = t.find(' ');
    if (space == std::string_view::npos) {
        append_json_string(out, t);
        return;
    }
    out += '"';
    out.append(t.data(), space);
    out += 'T';
    append_time_part(out, t.substr(space + 1), with_tz);
    if (bc) out.append(kBc);
    out += '"';
}

// The bytes of bytea text in hex format ("\x0a0b"); escape format ("ab\\000") for old servers.
std::string bytea_bytes(std::string_view t) {
    std::string b;
    if (t.size() >= 2 && t[0] == '\\' && t[1] == 'x') {
        b.reserve((t.size() - 2) / 2);
        for (size_t i = 2; i + 1 < t.size(); i += 2)
            b.push_back(static_cast<char>(connhost::sdk::hex_digit(t[i]) * 16 + connhost::sdk::hex_digit(t[i + 1])));
        return b;
    }
    for (size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '\\' && i + 1 < t.size() && t[i + 1] == '\\') {
            b.push_back('\\');
            ++i;
        } else if (t[i] == '\\' && i + 3 < t.size()) {
            b.push_back(static_cast<char>((t[i + 1] - '0') * 64 + (t[i + 2] - '0') * 8 + (t[i + 3] - '0')));
            i += 3;
        } else {
            b.push_back(t[i]);
        }
    }
    return b;
}

// Parses one level of an array's text form at t[i] == '{'; appends a JSON array. False on a malformed text.
bool append_array_level(OutBuffer& out, Kind elem, char delim, std::string_view t, size_t& i) {
    if (i >= t.size() || t[i] != '{') return false;
    ++i;
    out += '[';
    bool first = true;
    std::string item;
    auto skip_ws = [&] {
        while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
    };
    for (;;) {
        skip_ws();
        if (i >= t.size()) return false;
        if (t[i] == '}' && first) {
            ++i;
            break;
        }
        if (!first) out += ',';
        first = false;
        if (t[i] == '{') {
            if (!append_array_level(out, elem, delim, t, i)) return false;
        } else if (t[i] == '"') {
            item.clear();
            for (++i; i < t.size() && t[i] != '"'; ++i) {
                if (t[i] == '\\' && i + 1 < t.size()) ++i;
                item += t[i];
            }
            if (i >= t.size()) return false;
            ++i;
            append_scalar(out, elem, item);
        } else {
            item.clear();
            bool escaped = false;
            for (; i < t.size() && t[i] != delim && t[i] != '}'; ++i) {
                if (t[i] == '\\' && i + 1 < t.size()) {
                    ++i;
                    escaped = true;
                }
                item += t[i];
            }
            while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.pop_back();
            if (!escaped && item.size() == 4 && (item == "NULL" || item == "null" || item == "Null"))
                out += "null";
            else
                append_scalar(out, elem, item);
        }
        skip_ws();
        if (i >= t.size()) return false;
        if (t[i] == delim) {
            ++i;
            continue;
        }
        if (t[i] == '}') {
            ++i;
            break;
        }
        return false;
    }
    out += ']';
    return true;
}

}  // namespace

void append_base64(OutBuffer& out, std::string_view bytes) {
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
        out += tbl[v >> 18];
        out += tbl[(v >> 12) & 63];
        out += tbl[(v >> 6) & 63];
        out += tbl[v & 63];
    }
    if (bytes.size() - i == 1) {
        const unsigned v = p[i] << 16;
        out += tbl[v >> 18];
        out += tbl[(v >> 12) & 63];
        out += "==";
    } else if (bytes.size() - i == 2) {
        const unsigned v = (p[i] << 16) | (p[i + 1] << 8);
        out += tbl[v >> 18];
        out += tbl[(v >> 12) & 63];
        out += tbl[(v >> 6) & 63];
        out += '=';
    }
}

void append_scalar(OutBuffer& out, Kind k, std::string_view t) {
    switch (k) {
        case Kind::Integer: out.append(t); return;
        case Kind::Numeric:
        case Kind::Float:
            if (connhost::sdk::is_special_number(t))
                append_json_string(out, t);
            else
                out.append(t);
            return;
        case Kind::Boolean: out += (t == "t" || t == "true") ? "true" : "false"; return;
        case Kind::Timestamp: append_timestamp(out, t, false); return;
        case Kind::TimestampTz: append_timestamp(out, t, true); return;
        case Kind::Json: append_json_string(out, t); return;  // the exact text: json 'null' is not SQL NULL
        case Kind::Bytea:
            out += '"';
            append_base64(out, bytea_bytes(t));
            out += '"';
            return;
        case Kind::Interval:  // ISO 8601 (IntervalStyle iso_8601)
        case Kind::Array:     // arrays of arrays do not exist in PostgreSQL; an unknown element shape stays text
        case Kind::Date:
        case Kind::Time:
        case Kind::TimeTz:
        case Kind::String: append_json_string(out, t); return;
    }
}

void append_value(OutBuffer& out, const Column& col, std::string_view text) {
    if (col.kind != Kind::Array) {
        append_scalar(out, col.kind, text);
        return;
    }
    // "[0:1]={1,2}": explicit bounds precede the braces; the literal keeps them (the schema's kArrayBoundsPattern).
    size_t i = 0;
    if (!text.empty() && text[0] == '[' && keeps_bounds(col)) {
        append_json_string(out, text);
        return;
    }
    if (!text.empty() && text[0] == '[') {
        const size_t eq = text.find('=');
        i = eq == std::string_view::npos ? text.size() : eq + 1;
    }
    const size_t mark = out.size();
    if (!append_array_level(out, col.elem, col.delim, text, i)) {
        out.truncate(mark);
        append_json_string(out, text);  // not an array text this parser knows: keep it as text
    }
}

}  // namespace pgsource
