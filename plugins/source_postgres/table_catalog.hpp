// The tables and views source_postgres exposes: their columns (with a value kind per PostgreSQL type),
// primary keys, and the AirbyteStream each becomes.
#pragma once
#include "pg_session.hpp"

#include <boost/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace pgsource {

// How a column's text value becomes JSON (see value_json.hpp).
enum class Kind {
    Integer,
    Numeric,
    Float,
    Boolean,
    String,
    Date,
    Time,
    TimeTz,
    Timestamp,
    TimestampTz,
    Json,
    Bytea,
    Interval,
    Array
};

struct Column {
    std::string name;
    std::string sql_type;  // format_type(), e.g. "numeric(12,2)", "text[]"
    Kind kind = Kind::String;
    Kind elem = Kind::String;  // element kind of an Array
    char delim = ',';          // element delimiter of an Array's text form
    bool not_null = false;
};

struct Table {
    std::string schema, name;
    std::vector<Column> columns;
    std::vector<std::string> primary_key;
    std::string relkind;  // pg_class.relkind: "r" table, "p" partitioned, "v" view, "m" materialized view, "f" foreign

    const Column* column(std::string_view n) const {
        for (const auto& c : columns)
            if (c.name == n) return &c;
        return nullptr;
    }
};

// The kind of a (base, non-array) type by its pg_type.typname; anything unknown is String.
Kind kind_of(std::string_view typname);
// Whether an array column's values with lower bounds other than 1 travel as their literal text (all arrays but
// those of types whose delimiter is not ',', such as box).
bool keeps_bounds(const Column& c);
// Columns that can order an incremental read: integers, dates, timestamps.
bool is_cursor_candidate(const Column& c);
// Every table, partitioned table, view, materialized view and foreign table in `schemas` the
// connected user may SELECT from (partitions are read through their parent), ordered by schema, name.
std::vector<Table> load_tables(PgSession& db, const std::vector<std::string>& schemas);
// The AirbyteStream for `t`: namespace = schema, JSON-schema types, primary key, cursor candidates, is_resumable.
boost::json::object stream_json(const Table& t);
// `items` as a PostgreSQL text[] literal.
std::string text_array_literal(const std::vector<std::string>& items);

}  // namespace pgsource
