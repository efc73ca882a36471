// Arrays in the SDK: the array column types of column_types.hpp, scan_elements (record_fields.hpp), and the
// PostgreSQL array literals of pg_array.hpp (rendering a JSON array, checking a literal with explicit bounds).
#include <connhost/sdk/column_types.hpp>
#include <connhost/sdk/json_slice.hpp>
#include <connhost/sdk/pg_array.hpp>
#include <connhost/sdk/record_fields.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace connhost::sdk;
using T = ColumnType;

namespace {

T type_of(const char* schema) { return column_type_of(boost::json::parse(schema)); }

// Renders `json` with every scalar element as its decoded JSON string body or its text; "bad" is refused.
std::string render(const char* json, PgArrayProblem want = PgArrayProblem::None) {
    std::string out = "<";
    const PgArrayProblem p = append_pg_array(out, json, [](const Field& f, std::string& text) {
        text = f.kind == FieldKind::String && f.value_escaped ? json_unescape(f.value) : std::string(f.value);
        return text != "bad";
    });
    CHECK(p == want);
    return out;
}

bool literal_ok(const char* text) {
    return is_pg_array_bounds_literal(text, [](std::optional<std::string_view> e) { return !e || *e != "bad"; });
}

std::vector<std::string> elements(const char* text) {
    std::vector<std::string> got;
    CHECK(is_pg_array_bounds_literal(text, [&](std::optional<std::string_view> e) {
        got.push_back(e ? "<" + std::string(*e) + ">" : "NULL");
        return true;
    }));
    return got;
}

}  // namespace

TEST_CASE("column types: an array of one scalar type is an array column, other arrays stay Json") {
    CHECK(type_of(R"({"type": "array", "items": {"type": "integer"}})") == array_of(T::Integer));
    CHECK(type_of(R"({"type": ["null", "array"], "items": {"type": ["null", "string"], "format": "date"}})") ==
          array_of(T::Date));
    CHECK(type_of(R"({"type": "array", "items": {"type": "array", "items": {"type": "boolean"}}})") ==
          array_of(T::Boolean));
    // source_postgres: items nest through anyOf, and the literal of other bounds is allowed as a string
    CHECK(type_of(R"({"type": ["null", "array", "string"], "pattern": "^(\\[-?[0-9]+:-?[0-9]+\\])+=\\{",
                      "items": {"anyOf": [{"type": ["null", "number", "string"], "pattern": "^(NaN|Infinity|-Infinity)$"},
                                          {"type": "array", "items": {"type": ["null", "number", "string"],
                                                                      "pattern": "^(NaN|Infinity|-Infinity)$"}}]}})") ==
          array_of(T::Number));
    CHECK(type_of(R"({"type": ["array", "string"], "items": {"type": "integer"}})") == T::Json);  // no pattern
    CHECK(type_of(R"({"type": "array", "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]}})") == T::Json);
    CHECK(type_of(R"({"type": "array", "items": {"type": "object"}})") == T::Json);
    CHECK(type_of(R"({"type": "array", "items": [{"type": "integer"}]})") == T::Json);
    CHECK(type_of(R"({"type": "array"})") == T::Json);
    CHECK(is_array(array_of(T::Float)));
    CHECK(!is_array(T::Json));
    CHECK(array_element(array_of(T::Duration)) == T::Duration);
    CHECK(std::string(to_string(array_of(T::Integer))) == "array of integer");
}

TEST_CASE("column widening: arrays widen by their elements, to text and jsonb, never from scalars") {
    using A = ColumnWidening::Action;
    CHECK(column_widening(array_of(T::Integer), array_of(T::Number)).action == A::Widen);
    CHECK(column_widening(array_of(T::Number), array_of(T::Integer)).action == A::Keep);
    CHECK(column_widening(array_of(T::Integer), array_of(T::String)).type == array_of(T::String));
    CHECK(column_widening(array_of(T::Integer), T::Json).action == A::Widen);
    CHECK(column_widening(T::String, array_of(T::Date)).action == A::Keep);
    CHECK(column_widening(T::Integer, array_of(T::Integer)).action == A::Incompatible);
    CHECK(column_widening(array_of(T::Boolean), array_of(T::Integer)).action == A::Incompatible);
}

TEST_CASE("scan_elements: each element's exact text, strings raw between their quotes") {
    std::vector<Field> f;
    scan_elements(R"([1, "a\"b", null, [2, {"x": 3}], true, -1.50e3])", f);
    REQUIRE(f.size() == 6);
    CHECK(f[0].kind == FieldKind::Number);
    CHECK(f[1].value == R"(a\"b)");
    CHECK(f[1].value_escaped);
    CHECK(f[2].kind == FieldKind::Null);
    CHECK(f[3].kind == FieldKind::Array);
    CHECK(f[3].value == R"([2, {"x": 3}])");
    CHECK(f[5].value == "-1.50e3");
    scan_elements(" [ ] ", f);
    CHECK(f.empty());
    CHECK_THROWS_AS(scan_elements("{}", f), std::invalid_argument);
    CHECK_THROWS_AS(scan_elements("[1,", f), std::invalid_argument);
}

TEST_CASE("PostgreSQL array literal: every element quoted, quotes and backslashes escaped, null unquoted") {
    CHECK(render("[]") == "<{}");
    CHECK(render("[1, null, 3]") == R"(<{"1",NULL,"3"})");
    CHECK(render(R"(["", " sp ", "NULL", "a,b", "{x}", "q\"uote", "back\\slash", "tab\t"])") ==
          "<{\"\",\" sp \",\"NULL\",\"a,b\",\"{x}\",\"q\\\"uote\",\"back\\\\slash\",\"tab\t\"}");
    CHECK(render("[[1, 2], [null, 4]]") == R"(<{{"1","2"},{NULL,"4"}})");
    CHECK(render("[[[1]], [[2]]]") == R"(<{{{"1"}},{{"2"}}})");
    CHECK(render("[[], []]") == "<{}");  // no element at all: PostgreSQL's empty array
}

TEST_CASE("PostgreSQL array literal: what PostgreSQL refuses is a problem, and nothing is appended") {
    CHECK(render("[[1], [2, 3]]", PgArrayProblem::Ragged) == "<");
    CHECK(render("[1, [2]]", PgArrayProblem::Ragged) == "<");
    CHECK(render("[[1], 2]", PgArrayProblem::Ragged) == "<");
    CHECK(render("[[1], null]", PgArrayProblem::Ragged) == "<");
    CHECK(render("[[1], []]", PgArrayProblem::Ragged) == "<");
    CHECK(render("[[[1]], [2]]", PgArrayProblem::Ragged) == "<");
    CHECK(render("[1, \"bad\"]", PgArrayProblem::Element) == "<");
    CHECK(render("[[[[[[1]]]]]]") == R"(<{{{{{{"1"}}}}}})");
    CHECK(render("[[[[[[[1]]]]]]]", PgArrayProblem::TooDeep) == "<");
}

TEST_CASE("array literal with bounds: dimensions match the braces, elements decoded") {
    CHECK(literal_ok("[0:1]={1,2}"));
    CHECK(literal_ok("[-3:-2][1:1]={{5},{6}}"));
    CHECK(literal_ok("[0:2]={a,\"b c\",NULL}"));
    CHECK(literal_ok("[1:1]= { 1 } "));
    CHECK(!literal_ok("[0:1]={1}"));        // two declared, one given
    CHECK(!literal_ok("[0:1]={{1},{2}}"));  // one dimension declared, two given
    CHECK(!literal_ok("[1:0]={}"));
    CHECK(!literal_ok("{1,2}"));
    CHECK(!literal_ok("[0:1]={1,2"));
    CHECK(!literal_ok("[0:1]={\"1,2}"));
    CHECK(!literal_ok("[0:1]={1,2}x"));
    CHECK(!literal_ok("[0:1]={1,bad}"));
    CHECK(!literal_ok("[0:99999999999]={1}"));
    CHECK(!literal_ok("[0:0][0:0][0:0][0:0][0:0][0:0][0:0]={{{{{{{1}}}}}}}"));
    CHECK(elements(R"([0:3]={"a\"b",NULL,"NULL",c\,d})") ==
          std::vector<std::string>{"<a\"b>", "NULL", "<NULL>", "<c,d>"});
}
