#include "copy_text.hpp"

#include <connhost/sdk/hex.hpp>
#include <connhost/sdk/json_slice.hpp>

#include <cstring>

namespace pgdest {

using connhost::sdk::ColumnType;
using connhost::sdk::Field;
using connhost::sdk::FieldKind;

namespace {

void append_copy_char(std::string& out, char c) {
    switch (c) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: out.push_back(c);
    }
}

// Appends the decoded body of a JSON string literal as COPY text; NULs are dropped (stripped = true).
void append_string_body(std::string& out, std::string_view raw, bool escaped, bool& stripped) {
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

bool digits(std::string_view s, size_t at, size_t n, int& v) {
    if (at + n > s.size()) return false;
    v = 0;
    for (size_t k = at; k < at + n; ++k) {
        if (s[k] < '0' || s[k] > '9') return false;
        v = v * 10 + (s[k] - '0');
    }
    return true;
}

bool valid_ymd(std::string_view s) {
    int y, m, d;
    if (s.size() < 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' ||
        !digits(s, 8, 2, d))
        return false;
    if (y < 1 || m < 1 || m > 12 || d < 1) return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

// A finite JSON number within numeric's limits? Returns nullptr or the change reason.
const char* numeric_problem(std::string_view text) {
    const connhost::sdk::DecimalShape d = connhost::sdk::decimal_shape(text);
    if (!d.finite) return kTypecast;
    if (d.exponent > 1000 || d.exponent < -1000 || d.int_digits > 131072 || d.scale > 16383) return kSizeLimit;
    return nullptr;
}

}  // namespace

bool valid_date(std::string_view s) { return s.size() == 10 && valid_ymd(s); }

bool valid_timestamp(std::string_view s) {
    if (!valid_ymd(s) || s.size() < 16 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return false;
    int hh, mm, ss = 0;
    if (!digits(s, 11, 2, hh) || s[13] != ':' || !digits(s, 14, 2, mm) || hh > 23 || mm > 59) return false;
    size_t i = 16;
    if (i < s.size() && s[i] == ':') {
        if (!digits(s, i + 1, 2, ss) || ss > 59) return false;
        i += 3;
        if (i < s.size() && s[i] == '.') {
            const size_t f = ++i;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
            if (i == f || i - f > 9) return false;
        }
    }
    if (i == s.size()) return true;
    if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) return true;
    if (s[i] != '+' && s[i] != '-') return false;
    int oh, om = 0;
    if (!digits(s, i + 1, 2, oh) || oh > 15) return false;
    i += 3;
    if (i == s.size()) return true;
    if (s[i] == ':') ++i;
    return digits(s, i, 2, om) && om <= 59 && i + 2 == s.size();
}

void append_copy_escaped(std::string& out, std::string_view text) {
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

const char* append_jsonb_cell(std::string& out, std::string_view json, bool& stripped) {
    const size_t mark = out.size();
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
                            out.append("\\\\u")
                                .append(json.data() + i + 2, 4)
                                .append("\\\\u")
                                .append(json.data() + i + 8, 4);
                            i += 12;
                        } else {
                            out += "\\\\ufffd";
                            i += 6;
                        }
                        continue;
                    }
                    if (cp >= 0xDC00 && cp < 0xE000) {
                        out += "\\\\ufffd";
                        i += 6;
                        continue;
                    }
                }
                out += "\\\\";  // the JSON escape's backslash, escaped for COPY
                if (i + 1 < json.size()) append_copy_char(out, json[i + 1]);  // \\ -> two escaped backslashes
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
                out.resize(mark);
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
const char* append_integer(std::string& out, const Field& f) {
    int64_t v = 0;
    const auto p = f.kind == FieldKind::Number ? connhost::sdk::parse_json_integer(f.value, v)
                                               : connhost::sdk::IntegerText::NotInteger;
    if (p == connhost::sdk::IntegerText::TooLarge) return kSizeLimit;
    if (p != connhost::sdk::IntegerText::Ok) return kTypecast;
    char buf[24];
    const int n = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
    out.append(buf, static_cast<size_t>(n));
    return nullptr;
}

}  // namespace

CellOutcome append_cell(std::string& out, ColumnType type, const Field& f) {
    CellOutcome r;
    auto nulled = [&](const char* reason) {
        out += "\\N";
        r.change = "NULLED";
        r.reason = reason;
        return r;
    };
    if (f.kind == FieldKind::Null) {
        out += "\\N";
        return r;
    }
    switch (type) {
        case ColumnType::Integer:
            if (const char* problem = append_integer(out, f)) return nulled(problem);
            return r;
        case ColumnType::Number: {
            if (f.kind != FieldKind::Number) return nulled(kTypecast);
            const std::string_view t = f.value;
            if (t == "NaN" || t == "Infinity" || t == "-Infinity") {
                out.append(t);
                return r;
            }
            if (const char* problem = numeric_problem(t)) return nulled(problem);
            out.append(t);
            return r;
        }
        case ColumnType::Boolean:
            if (f.kind == FieldKind::True)
                out.push_back('t');
            else if (f.kind == FieldKind::False)
                out.push_back('f');
            else
                return nulled(kTypecast);
            return r;
        case ColumnType::Date:
        case ColumnType::DateTime: {
            if (f.kind != FieldKind::String) return nulled(kTypecast);
            std::string decoded;
            std::string_view s = f.value;
            if (f.value_escaped) s = decoded = connhost::sdk::json_unescape(f.value);
            if (!(type == ColumnType::Date ? valid_date(s) : valid_timestamp(s))) return nulled(kTypecast);
            out.append(s);  // only digits, '-', ':', '.', 'T', ' ', 'Z', '+': nothing to escape
            return r;
        }
        case ColumnType::String:
            if (f.kind == FieldKind::String) {
                bool stripped = false;
                append_string_body(out, f.value, f.value_escaped, stripped);
                if (stripped) r = {"TRUNCATED", kSerialization};
            } else if (f.kind == FieldKind::Object || f.kind == FieldKind::Array) {
                std::string compact;
                connhost::sdk::append_json_compact(compact, f.value);
                append_copy_escaped(out, compact);
            } else {
                out.append(f.value);  // number / true / false text
            }
            return r;
        case ColumnType::Json: {
            bool stripped = false;
            const char* problem;
            if (f.kind == FieldKind::String) {
                // f.value is the body: re-wrap it in its quotes (they precede and follow it in the record text).
                problem = append_jsonb_cell(out, std::string_view(f.value.data() - 1, f.value.size() + 2), stripped);
            } else {
                problem = append_jsonb_cell(out, f.value, stripped);
            }
            if (problem) return nulled(problem);
            if (stripped) r = {"TRUNCATED", kSerialization};
            return r;
        }
    }
    return r;
}

}  // namespace pgdest
