// Array cells: a field in a PostgreSQL array column (bigint[], text[], date[]... of stream_table.cpp's sql_type).
//
//   JSON array (nested for several dimensions)  the array literal of connhost/sdk/pg_array.hpp; each element
//                                                checked and converted as a cell of the element type (copy_text.hpp)
//   string "[0:1]={1,2}" (kArrayBoundsPattern)   the literal as it is, once is_pg_array_bounds_literal accepts it and
//                                                each element is text the element type reads
//   anything else, a ragged array, more than 6  NULL, DESTINATION_TYPECAST_ERROR (the whole cell)
//   dimensions, a refused element               (an element's own reason: FIELD_SIZE_LIMITATION for 2^63)
// An element whose NUL characters were removed keeps the rest (TRUNCATED), as in a scalar cell.
#pragma once
#include "copy_text.hpp"

namespace pgdest {

// Appends the cell of `field` in a column of array type `type` (connhost::sdk::is_array) to `out`, COPY-escaped.
CellOutcome append_array_cell(OutBuffer& out, connhost::sdk::ColumnType type, const connhost::sdk::Field& field);

}  // namespace pgdest
