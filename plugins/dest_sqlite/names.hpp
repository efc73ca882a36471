// Table and column names: the namespace prefix rule, identifier quoting, SQLite's case folding.
//
// The table rule (documented in docs/connectors/dest_sqlite.md):
//   stream without namespace (or with ""):       <stream>            if <stream> has no "__"
//                                                 __<stream>          otherwise
//   stream in namespace N:                       <esc(N)>__<stream>
//   esc(N) = N when N has no "__", does not end in "_" and has no "%"; otherwise N with every
//            "%" written "%25" and every "_" written "%5F".
// esc(N) is never empty, never holds "__" and never ends in "_", so the first "__" of a name
// marks where the namespace ends; names starting with "__" are exactly the escaped stream names
// without namespace; escaped and unescaped namespaces differ ("%" in one, not in the other).
// So distinct (namespace, stream) pairs always give distinct table names.
// SQLite compares identifiers ignoring ASCII case, so two streams whose tables differ only in
// ASCII case are refused (in one catalog, or against a table already in the file). Names starting with
// "_connhost_" (any case) are reserved, and overwrite staging is named, by the SDK's TablePlan (table_plan.hpp).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace sqlitedest {

// `name` as an SQL identifier: in double quotes, inner double quotes doubled.
std::string quote(std::string_view name);
// The table of stream `stream` in namespace `ns` (see the rule above).
std::string table_name(const std::optional<std::string>& ns, std::string_view stream);
// `name` with ASCII letters lowered: equal keys mean the same SQLite identifier.
std::string fold(std::string_view name);

}  // namespace sqlitedest
