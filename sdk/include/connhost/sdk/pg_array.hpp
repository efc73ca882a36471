// PostgreSQL array literals: a JSON array (nested for several dimensions) as the text PostgreSQL's array input
// reads, and the check of a literal with explicit lower bounds ("[0:1]={1,2}", column_types.hpp kArrayBoundsPattern).
//
// Rendering quotes every element ("a b", "NULL", "", "x,y", "{", "\"" all survive: '"' and '\' get a backslash) and
// writes JSON null as the unquoted NULL, so no element text needs inspecting; every element type reads a quoted
// element. [] is {}; [[1,2],[3,4]] is {{"1","2"},{"3","4"}}. PostgreSQL refuses ragged arrays ([[1],[2,3]]), a level
// mixing arrays with other values ([1,[2]], [[1],null]) and more than 6 dimensions: those are problems here, so a
// COPY never fails on one. The results are literal text: a COPY writer escapes them once more.
#pragma once
#include <connhost/sdk/record_fields.hpp>

#include <climits>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::sdk {

// PostgreSQL's limit on array dimensions (MAXDIM).
inline constexpr int kPgArrayMaxDims = 6;

// Why a value is no PostgreSQL array literal.
enum class PgArrayProblem { None, Element, Ragged, TooDeep, Malformed };

// Converts one scalar element (never null, never an array) into the text of the element type; false when the type
// cannot hold it.
using PgElementText = std::function<bool(const Field& element, std::string& text)>;
// Judges one element of a literal: its decoded text, or nullopt for NULL; false when the element type cannot hold it.
using PgElementCheck = std::function<bool(std::optional<std::string_view> element)>;

// Appends `text` as a quoted array element: "..." with '"' and '\' escaped by a backslash.
inline void append_pg_array_quoted(std::string& out, std::string_view text) {
    out.push_back('"');
    for (const char c : text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
}

namespace detail {

struct PgArrayRender {
    explicit PgArrayRender(const PgElementText& e) : element(e) {}
    const PgElementText& element;
    long length[kPgArrayMaxDims] = {-1, -1, -1, -1, -1, -1};  // elements at each depth (all sub-arrays agree)
    int levels = -1;                                          // depth of the scalars (all must agree)
    bool arrays_at[kPgArrayMaxDims] = {};                     // a depth holding sub-arrays holds nothing else
    std::string text;

    // Appends the literal of array `json` at depth `depth`.
    PgArrayProblem level(std::string& out, std::string_view json, int depth) {
        if (depth >= kPgArrayMaxDims) return PgArrayProblem::TooDeep;
        std::vector<Field> items;
        scan_elements(json, items);
        if (length[depth] >= 0 && length[depth] != static_cast<long>(items.size())) return PgArrayProblem::Ragged;
        length[depth] = static_cast<long>(items.size());
        out.push_back('{');
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) out.push_back(',');
            const Field& f = items[i];
            const bool nested = f.kind == FieldKind::Array;
            if (nested ? levels == depth : (arrays_at[depth] || (levels >= 0 && levels != depth)))
                return PgArrayProblem::Ragged;
            if (nested) {
                arrays_at[depth] = true;
                if (const PgArrayProblem p = level(out, f.value, depth + 1); p != PgArrayProblem::None) return p;
                continue;
            }
            levels = depth;
            if (f.kind == FieldKind::Null) {
                out += "NULL";
                continue;
            }
            text.clear();
            if (!element(f, text)) return PgArrayProblem::Element;
            append_pg_array_quoted(out, text);
        }
        out.push_back('}');
        return PgArrayProblem::None;
    }
};

}  // namespace detail

// Appends the literal of the JSON array `json` (exact text), each scalar element through `element`; on a problem
// `out` is left as it was. Throws std::invalid_argument when `json` is no JSON array.
inline PgArrayProblem append_pg_array(std::string& out, std::string_view json, const PgElementText& element) {
    const size_t mark = out.size();
    detail::PgArrayRender r(element);
    const PgArrayProblem p = r.level(out, json, 0);
    if (p != PgArrayProblem::None) {
        out.resize(mark);
    } else if (r.levels < 0) {  // no element at all ([[], []]): PostgreSQL's empty array
        out.resize(mark);
        out += "{}";
    }
    return p;
}

namespace detail {

// A parser of one literal's braces, checking each level's element count against the declared bounds.
struct PgLiteralParse {
    std::string_view t;
    size_t i = 0;
    char delim = ',';
    std::vector<long> lengths;  // elements per dimension, from the bounds
    const PgElementCheck& check;
    std::string item;

    void skip_ws() {
        while (i < t.size() &&
               (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r' || t[i] == '\v' || t[i] == '\f'))
            ++i;
    }
    // One element (quoted or not) at t[i]; false when malformed or refused.
    bool element() {
        item.clear();
        bool quoted = false, escaped = false;
        if (t[i] == '"') {
            quoted = true;
            for (++i; i < t.size() && t[i] != '"'; ++i) {
                if (t[i] == '\\' && ++i >= t.size()) return false;
                item += t[i];
            }
            if (i++ >= t.size()) return false;
        } else {
            for (; i < t.size() && t[i] != delim && t[i] != '}' && t[i] != '{' && t[i] != '"'; ++i) {
                if (t[i] == '\\' && ++i >= t.size()) return false;
                escaped = escaped || t[i - 1] == '\\';
                item += t[i];
            }
            while (!item.empty() &&
                   (item.back() == ' ' || item.back() == '\t' || item.back() == '\n' || item.back() == '\r'))
                item.pop_back();
            if (item.empty()) return false;
        }
        const bool null = !quoted && !escaped && item.size() == 4 && (item[0] | 0x20) == 'n' &&
            (item[1] | 0x20) == 'u' && (item[2] | 0x20) == 'l' && (item[3] | 0x20) == 'l';
        return check(null ? std::nullopt : std::optional<std::string_view>(item));
    }
    // The braces of dimension `dim` at t[i] == '{'.
    bool level(size_t dim) {
        if (i >= t.size() || t[i] != '{' || dim >= lengths.size()) return false;
        ++i;
        long n = 0;
        for (;;) {
            skip_ws();
            if (i >= t.size()) return false;
            if (dim + 1 < lengths.size() ? !level(dim + 1) : (t[i] == '{' || !element())) return false;
            ++n;
            skip_ws();
            if (i < t.size() && t[i] == delim) {
                ++i;
                continue;
            }
            if (i < t.size() && t[i] == '}') break;
            return false;
        }
        ++i;
        return n == lengths[dim];
    }
};

// Parses "[lo:hi]" repeated then '=' from t[i]; the element count of each dimension into `lengths`.
inline bool parse_pg_bounds(std::string_view t, size_t& i, std::vector<long>& lengths) {
    auto number = [&](long long& v) {
        const bool neg = i < t.size() && t[i] == '-';
        if (neg) ++i;
        const size_t start = i;
        v = 0;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9' && i - start < 11) v = v * 10 + (t[i++] - '0');
        if (neg) v = -v;
        return i > start && v >= INT_MIN && v <= INT_MAX;
    };
    while (i < t.size() && t[i] == '[') {
        long long lo, hi;
        ++i;
        if (!number(lo) || i >= t.size() || t[i++] != ':' || !number(hi) || i >= t.size() || t[i++] != ']')
            return false;
        if (hi < lo || hi - lo + 1 > INT_MAX || static_cast<int>(lengths.size()) >= kPgArrayMaxDims) return false;
        lengths.push_back(static_cast<long>(hi - lo + 1));
    }
    return !lengths.empty() && i < t.size() && t[i++] == '=';
}

}  // namespace detail

// Whether `text` is an array literal with explicit bounds that PostgreSQL reads ("[0:1]={1,2}",
// "[1:2][0:0]={{a},{b}}"): the bounds' element counts match the braces, quotes and escapes close, and `check` accepts
// each element (decoded text, nullopt for NULL). `delim` is the element type's delimiter (',' for all but box).
inline bool is_pg_array_bounds_literal(std::string_view text, const PgElementCheck& check, char delim = ',') {
    detail::PgLiteralParse p{text, 0, delim, {}, check, {}};
    if (!detail::parse_pg_bounds(text, p.i, p.lengths)) return false;
    p.skip_ws();
    if (!p.level(0)) return false;
    p.skip_ws();
    return p.i == text.size();
}

}  // namespace connhost::sdk
