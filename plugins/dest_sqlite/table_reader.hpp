// Read-back of one stream's table: its rows as the data objects they were written from (`connhost run read-back`).
//
// Rows come in rowid order, which is insertion order (rowids only grow: a row inserted after a delete gets a
// larger one; an overwrite's staging table keeps its rowids when renamed). The metadata columns are left out; a
// renamed column (_connhost_columns) comes back under its field's name. Cells become JSON by the column's kind
// (column_kind.hpp): INTEGER and NUMBER_TEXT as the number's text (NUMBER_TEXT exactly as it came), BOOLEAN as
// true / false, JSON_TEXT as the JSON stored, TEXT as a string (a non-string value the schema typed as string was
// stored as its JSON text and comes back as that string). A NULL cell is left out of the object: a null field, an
// absent one and a value NULLed for its column's type are stored alike.
#pragma once
#include "database.hpp"

#include <connhost/sdk/batch_writer.hpp>

#include <string>

namespace sqlitedest {

// Emits every row of `table` through `out`; a table that does not exist emits nothing. Throws SystemError.
void read_table(Database& db, const std::string& table, connhost::sdk::RecordBatchWriter& out);

}  // namespace sqlitedest
