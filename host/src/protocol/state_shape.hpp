// Checking that an AirbyteStateMessage has the shape a source can resume from, before the host keeps it.
#pragma once
#include <string>
#include <string_view>

namespace connhost::protocol {

// "" when `state_json` is an AirbyteStateMessage the host can store and hand back: type STREAM with
// stream.stream_descriptor.name, GLOBAL with a global object (each of its stream_states with a name), or
// LEGACY (or no type) with data. Otherwise what is wrong, naming the field ("stream.stream_descriptor.name is
// missing").
std::string state_shape_problem(std::string_view state_json);

}  // namespace connhost::protocol
