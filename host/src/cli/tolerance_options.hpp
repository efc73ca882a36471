// The bad-record options of `run write` and `sync`: --error-tolerance and --dead-letter.
#pragma once
#include "runtime/error_tolerance.hpp"

#include <boost/program_options.hpp>

#include <string>

namespace connhost::cli {

struct ToleranceArgs {
    std::string tolerance = "none", dead_letter;
};

// Adds --error-tolerance and --dead-letter to `desc`; `default_dead_letter` says where a sync puts it when not given.
void add_tolerance_options(boost::program_options::options_description& desc, ToleranceArgs& a,
                           const char* default_dead_letter);

// Sets `t` from the options given on the command line (they win over a connection file's). Throws
// std::invalid_argument naming a bad value.
void apply_tolerance_options(const boost::program_options::variables_map& vm, const ToleranceArgs& a,
                             runtime::ToleranceOptions& t);

}  // namespace connhost::cli
