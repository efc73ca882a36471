// Singer input without a catalog: spool the lines to an unlinked temp file while collecting SCHEMAs, then replay.
#pragma once
#include "protocol/line_reader.hpp"

#include <optional>
#include <string>

namespace connhost::runtime {

// The spooled input and the catalog its SCHEMA messages describe.
struct SpooledInput {
    int fd = -1;              // read from the start; the file is already unlinked, closing it frees the space
    std::string catalog;      // configured catalog built from the SCHEMA messages (possibly without streams)
    bool has_schema = false;  // a SCHEMA message was seen (valid or not)
    std::optional<protocol::LineTooLong> too_long;  // the line over the record size limit where spooling stopped
};

// Copies every line of `lines` into a temp file (in $TMPDIR or /tmp) and builds the catalog from the SCHEMAs
// seen before the first invalid line (the replay reports that line). A line over the limit of `lines` ends the
// spool before it (kept in too_long for the replay to report). Memory stays flat; throws on I/O errors.
SpooledInput spool_singer_input(protocol::LineReader& lines);

}  // namespace connhost::runtime
