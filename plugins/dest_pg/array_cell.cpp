#include "array_cell.hpp"

#include <connhost/sdk/json_slice.hpp>
#include <connhost/sdk/pg_array.hpp>

#include <cctype>

namespace pgdest {

using connhost::sdk::ColumnType;
using connhost::sdk::Field;
using connhost::sdk::FieldKind;

namespace {

// Undoes append_copy_escaped (\\ \n \r \t), giving the text a cell stands for.
void copy_unescape(std::string_view cell, std::string& out) {
    for (size_t i = 0; i < cell.size(); ++i) {
        if (cell[i] != '\\' || i + 1 >= cell.size()) {
            out.push_back(cell[i]);
            continue;
        }
        const char e = cell[++i];
        out.push_back(e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e);
    }
}

// Whether `s` is bytea hex text ("\x00ff").
bool is_bytea_hex(std::string_view s) {
    if (s.size() < 2 || s[0] != '\\' || s[1] != 'x' || s.size() % 2) return false;
    for (size_t i = 2; i < s.size(); ++i)
        if (!std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
}

// Whether the element type reads `text` (an element of a literal, as PostgreSQL printed it).
bool element_text_fits(ColumnType element, std::string_view text) {
    Field f{{}, false, FieldKind::String, text, false};
    switch (element) {
        case ColumnType::String: return true;
        case ColumnType::Binary: return is_bytea_hex(text);
        case ColumnType::Boolean: return text == "t" || text == "f" || text == "true" || text == "false";
        case ColumnType::Integer:
        case ColumnType::Number:
        case ColumnType::Float:
            if (!connhost::sdk::is_special_number(text)) f.kind = FieldKind::Number;
            break;
        default: break;
    }
    OutBuffer scratch;
    return append_cell(scratch, element, f).change == nullptr;
}

CellOutcome append_bounds_literal(OutBuffer& out, ColumnType element, const Field& f) {
    const std::string decoded = f.value_escaped ? connhost::sdk::json_unescape(f.value) : std::string(f.value);
    const bool ok = connhost::sdk::is_pg_array_bounds_literal(
        decoded, [&](std::optional<std::string_view> e) { return !e || element_text_fits(element, *e); });
    if (!ok || decoded.find('\0') != std::string::npos) {
        out += "\\N";
        return {"NULLED", kTypecast};
    }
    append_copy_escaped(out, decoded);
    return {};
}

}  // namespace

CellOutcome append_array_cell(OutBuffer& out, ColumnType type, const Field& f) {
    const ColumnType element = connhost::sdk::array_element(type);
    if (f.kind == FieldKind::String) return append_bounds_literal(out, element, f);
    CellOutcome r;
    const char* refused = kTypecast;  // why an element was refused (its cell's reason)
    std::string literal;
    OutBuffer cell;
    auto problem = connhost::sdk::PgArrayProblem::Malformed;
    if (f.kind == FieldKind::Array) {
        problem = connhost::sdk::append_pg_array(literal, f.value, [&](const Field& e, std::string& text) {
            cell.clear();
            const CellOutcome o = append_cell(cell, element, e);
            if (o.change && std::string_view(o.change) == "NULLED") {
                refused = o.reason;
                return false;
            }
            if (o.change) r = o;  // TRUNCATED: NUL characters removed
            copy_unescape(cell, text);
            return true;
        });
    }
    if (problem != connhost::sdk::PgArrayProblem::None) {
        out += "\\N";
        return {"NULLED", problem == connhost::sdk::PgArrayProblem::Element ? refused : kTypecast};
    }
    append_copy_escaped(out, literal);
    return r;
}

}  // namespace pgdest
