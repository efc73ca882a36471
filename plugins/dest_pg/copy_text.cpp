#include "copy_text.hpp"

#include "array_cell.hpp"

#include <connhost/sdk/base64.hpp>
#include <connhost/sdk/hex.hpp>
#include <connhost/sdk/json_slice.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
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

bool digits(std::string_view s, size_t at, size_t n, long& v) {
    if (at + n > s.size()) return false;
    v = 0;
    for (size_t k = at; k < at + n; ++k) {
        if (s[k] < '0' || s[k] > '9') return false;
        v = v * 10 + (s[k] - '0');
    }
    return true;
}

// PostgreSQL's range of dates and timestamps: 4714-11-24 BC up to year 5874897 (date) / 294276 (timestamp).
constexpr long kMaxDateYear = 5874897, kMaxTimestampYear = 294276, kMinBcYear = 4714;

// Parses "Y[YYYYYY]-MM-DD" (4 to 7 year digits) at the start of `s` into a real day of PostgreSQL's range;
// `bc`: the year counts back from 1 BC. Returns the length parsed, or 0.
size_t parse_ymd(std::string_view s, bool bc, long max_year) {
    size_t n = 0;
    while (n < s.size() && n < 8 && s[n] >= '0' && s[n] <= '9') ++n;
    long y, m, d;
    if (n < 4 || n > 7 || !digits(s, 0, n, y) || n + 6 > s.size() || s[n] != '-' || !digits(s, n + 1, 2, m) ||
        s[n + 3] != '-' || !digits(s, n + 4, 2, d))
        return 0;
    if (y < 1 || m < 1 || m > 12 || d < 1 || (!bc && y > max_year) || (bc && y > kMinBcYear)) return 0;
    if (bc && y == kMinBcYear && (m < 11 || (m == 11 && d < 24))) return 0;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const long astro = bc ? 1 - y : y;  // 1 BC is year 0, a leap year
    const bool leap = (astro % 4 == 0 && astro % 100 != 0) || astro % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0) ? n + 6 : 0;
}

// Removes a trailing " BC" from `s`; true when there was one.
bool strip_bc(std::string_view& s) {
    constexpr std::string_view kBc = " BC";
    if (s.size() <= kBc.size() || s.substr(s.size() - kBc.size()) != kBc) return false;
    s.remove_suffix(kBc.size());
    return true;
}

bool is_infinity(std::string_view s) { return s == "infinity" || s == "-infinity"; }

// "HH:MM[:SS[.fraction]][Z|+-HH[:MM]]" from s[i] to the end.
bool valid_time_of_day(std::string_view s, size_t i) {
    long hh, mm, ss = 0;
    if (!digits(s, i, 2, hh) || i + 2 >= s.size() || s[i + 2] != ':' || !digits(s, i + 3, 2, mm) || hh > 23 || mm > 59)
        return false;
    i += 5;
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
    long oh, om = 0;
    if (!digits(s, i + 1, 2, oh) || oh > 15) return false;
    i += 3;
    if (i == s.size()) return true;
    if (s[i] == ':') ++i;
    return digits(s, i, 2, om) && om <= 59 && i + 2 == s.size();
}

// Parses an optionally signed integer of at most 18 digits at s[i] (i moves past it); `neg`: it had a '-'.
bool signed_integer(std::string_view s, size_t& i, long long& v, bool& neg) {
    neg = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const size_t start = i;
    v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 18) v = v * 10 + (s[i++] - '0');
    if (i == start || (i < s.size() && s[i] >= '0' && s[i] <= '9')) return false;
    if (neg) v = -v;
    return true;
}

// The microseconds of a fraction of a second ".5" at s[i] (i moves past it), rounded down past 6 digits.
bool fraction_micros(std::string_view s, size_t& i, long long& micros) {
    const size_t start = ++i;  // past '.'
    micros = 0;
    for (long long scale = 100000; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10)
        micros += (s[i] - '0') * scale;
    return i > start;
}

// How many months, days or microseconds one unit of a duration designator adds, and to which of the three.
bool duration_unit(char unit, bool in_time, int& slot, __int128& scale) {
    static constexpr struct {
        char unit;
        bool time;
        int slot;
        long long scale;
    } kUnits[] = {{'Y', false, 0, 12},      {'M', false, 0, 1},           {'W', false, 1, 7},
                  {'D', false, 1, 1},       {'H', true, 2, 3600000000LL}, {'M', true, 2, 60000000LL},
                  {'S', true, 2, 1000000LL}};
    for (const auto& u : kUnits)
        if (u.unit == unit && u.time == in_time) {
            slot = u.slot;
            scale = u.scale;
            return true;
        }
    return false;
}

// A JSON number text double precision can hold (PostgreSQL's float8in: out of range only when it overflows or
// underflows to zero)?
bool fits_double(std::string_view text) {
    const std::string t(text);
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size()) return false;
    return errno != ERANGE || (v != 0.0 && v != HUGE_VAL && v != -HUGE_VAL);
}

// A finite JSON number within numeric's limits? Returns nullptr or the change reason.
const char* numeric_problem(std::string_view text) {
    const connhost::sdk::DecimalShape d = connhost::sdk::decimal_shape(text);
    if (!d.finite) return kTypecast;
    if (d.exponent > 1000 || d.exponent < -1000 || d.int_digits > 131072 || d.scale > 16383) return kSizeLimit;
    return nullptr;
}

}  // namespace

bool valid_duration(std::string_view s) {
    if (s.size() < 2 || s[0] != 'P') return false;
    __int128 sums[3] = {0, 0, 0};  // months, days, microseconds
    bool in_time = false, any = false;
    char last = 0;
    for (size_t i = 1; i < s.size();) {
        if (s[i] == 'T') {
            if (in_time || ++i == s.size()) return false;
            in_time = true;
            last = 0;
            continue;
        }
        long long v, micros = 0;
        bool neg;
        if (!signed_integer(s, i, v, neg)) return false;
        if (in_time && i < s.size() && s[i] == '.' && !fraction_micros(s, i, micros)) return false;
        int slot;
        __int128 scale;
        if (i >= s.size() || !duration_unit(s[i], in_time, slot, scale)) return false;
        if (micros && s[i] != 'S') return false;  // a fraction only on seconds
        const std::string_view order = in_time ? "HMS" : "YMWD";
        if (last && order.find(s[i]) <= order.find(last)) return false;  // each designator once, in order
        last = s[i++];
        sums[slot] += v * scale + (neg ? -micros : micros);
        any = true;
    }
    const __int128 i32 = 2147483647, i64 = 9223372036854775807LL;
    return any && sums[0] <= i32 && sums[0] >= -i32 && sums[1] <= i32 && sums[1] >= -i32 && sums[2] <= i64 &&
        sums[2] >= -i64;
}

bool valid_date(std::string_view s) {
    if (is_infinity(s)) return true;
    const bool bc = strip_bc(s);
    return s.size() >= 10 && parse_ymd(s, bc, kMaxDateYear) == s.size();
}

bool valid_timestamp(std::string_view s) {
    if (is_infinity(s)) return true;
    const bool bc = strip_bc(s);
    const size_t n = parse_ymd(s, bc, kMaxTimestampYear);
    if (n == 0 || n >= s.size() || (s[n] != 'T' && s[n] != 't' && s[n] != ' ')) return false;
    return valid_time_of_day(s, n + 1);
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
    connhost::sdk::append_decimal(out, v);  // snprintf cost 12% of a sync
    return nullptr;
}

bool valid_temporal(ColumnType type, std::string_view s) {
    if (type == ColumnType::Date) return valid_date(s);
    if (type == ColumnType::Duration) return valid_duration(s);
    return valid_timestamp(s);
}

// A string field holding "NaN", "Infinity" or "-Infinity" (connhost::sdk::kSpecialNumberPattern)?
bool is_special_number_field(const Field& f) {
    return f.kind == FieldKind::String && !f.value_escaped && connhost::sdk::is_special_number(f.value);
}

// Appends `f` as a numeric (or double precision) cell; returns why it cannot be one (nothing appended), or nullptr.
const char* append_number(std::string& out, bool is_double, const Field& f) {
    if (is_special_number_field(f)) {
        out.append(f.value);  // NaN / Infinity / -Infinity: numeric and double precision hold them
        return nullptr;
    }
    if (f.kind != FieldKind::Number) return kTypecast;
    if (const char* problem = is_double ? (fits_double(f.value) ? nullptr : kSizeLimit) : numeric_problem(f.value))
        return problem;
    out.append(f.value);
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
bool append_json_text_cell(std::string& out, const Field& f) {
    if (f.kind != FieldKind::String) {
        std::string compact;
        connhost::sdk::append_json_compact(compact, f.value);
        append_copy_escaped(out, compact);
        return true;
    }
    std::string decoded;
    std::string_view s = f.value;
    if (f.value_escaped) s = decoded = connhost::sdk::json_unescape(f.value);
    if (!is_json_text(s)) return false;
    append_copy_escaped(out, s);
    return true;
}

// Appends a bytea cell ("\\x" and hex digits, the backslash escaped for COPY) of a base64 string field's bytes.
// False (nothing appended) when the field is no base64 string.
bool append_bytea_cell(std::string& out, const Field& f) {
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
    if (connhost::sdk::is_array(type)) return append_array_cell(out, type, f);
    switch (type) {
        case ColumnType::Integer:
            if (const char* problem = append_integer(out, f)) return nulled(problem);
            return r;
        case ColumnType::Number:
        case ColumnType::Float:
            if (const char* problem = append_number(out, type == ColumnType::Float, f)) return nulled(problem);
            return r;
        case ColumnType::Boolean:
            if (f.kind == FieldKind::True)
                out.push_back('t');
            else if (f.kind == FieldKind::False)
                out.push_back('f');
            else
                return nulled(kTypecast);
            return r;
        case ColumnType::Date:
        case ColumnType::DateTime:
        case ColumnType::DateTimeLocal:
        case ColumnType::Duration: {
            if (f.kind != FieldKind::String) return nulled(kTypecast);
            std::string decoded;
            std::string_view s = f.value;
            if (f.value_escaped) s = decoded = connhost::sdk::json_unescape(f.value);
            if (!valid_temporal(type, s)) return nulled(kTypecast);
            out.append(s);  // only digits, '-', ':', '.', 'T', ' ', 'Z', '+', "BC", "infinity": nothing to escape
            return r;
        }
        case ColumnType::JsonText:
            if (!append_json_text_cell(out, f)) return nulled(kTypecast);
            return r;
        case ColumnType::Binary:
            if (!append_bytea_cell(out, f)) return nulled(kTypecast);
            return r;
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

CellOutcome append_json_text_as_jsonb(std::string& out, const Field& f) {
    if (f.kind != FieldKind::String) return append_cell(out, ColumnType::Json, f);
    const std::string decoded = f.value_escaped ? connhost::sdk::json_unescape(f.value) : std::string(f.value);
    CellOutcome r;
    bool stripped = false;
    const char* problem = is_json_text(decoded) ? append_jsonb_cell(out, decoded, stripped) : kTypecast;
    if (problem) {
        out += "\\N";
        return {"NULLED", problem};
    }
    if (stripped) r = {"TRUNCATED", kSerialization};
    return r;
}

}  // namespace pgdest
