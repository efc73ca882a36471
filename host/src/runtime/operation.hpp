// Operation: the operations of `connhost run`, parsed once where the command line enters.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

namespace connhost::runtime {

enum class Operation { Spec, Check, Discover, Read, Write, ReadBack };

// The command-line word of `op` ("read-back").
inline const char* operation_name(Operation op) noexcept {
    switch (op) {
        case Operation::Spec: return "spec";
        case Operation::Check: return "check";
        case Operation::Discover: return "discover";
        case Operation::Read: return "read";
        case Operation::Write: return "write";
        case Operation::ReadBack: return "read-back";
    }
    return "?";
}

// Parses an operation word; throws std::invalid_argument naming the word and the choices.
inline Operation parse_operation(std::string_view word) {
    for (Operation op : {Operation::Spec, Operation::Check, Operation::Discover, Operation::Read, Operation::Write,
                         Operation::ReadBack})
        if (word == operation_name(op)) return op;
    throw std::invalid_argument("unknown operation \"" + std::string(word) +
                                "\": use spec, check, discover, read, write or read-back");
}

// True when the plugin's side of `op` takes a catalog (`connhost run write` may derive it from its input).
inline bool operation_takes_catalog(Operation op) noexcept {
    return op == Operation::Read || op == Operation::Write || op == Operation::ReadBack;
}

}  // namespace connhost::runtime
