#include "cli/tolerance_options.hpp"

namespace po = boost::program_options;

namespace connhost::cli {

void add_tolerance_options(po::options_description& desc, ToleranceArgs& a, const char* default_dead_letter) {
    desc.add_options()  //
        ("error-tolerance", po::value(&a.tolerance)->default_value(a.tolerance),
         "none: a record that cannot be written (data not an object, over the record size limit, a value the "
         "destination rejects, a stream not in the catalog) fails the run; all: it goes to the --dead-letter file "
         "and the run goes on")  //
        ("dead-letter", po::value(&a.dead_letter),
         (std::string("with --error-tolerance all: append the records that cannot be written to this file, one JSON "
                      "object a line {line, stream, namespace, reason, record}; ") +
          default_dead_letter)
             .c_str());
}

void apply_tolerance_options(const po::variables_map& vm, const ToleranceArgs& a, runtime::ToleranceOptions& t) {
    if (!vm["error-tolerance"].defaulted())
        t.tolerance = runtime::parse_error_tolerance(a.tolerance, "--error-tolerance");
    if (vm.count("dead-letter")) t.dead_letter = a.dead_letter;
}

}  // namespace connhost::cli
