// json_parse_loop FILE: the parse limit for `run write` — parses every line of FILE into a Boost.JSON DOM
// (reusing the parser and its memory, the fastest fair use of the library) and prints lines and bytes.
#include <boost/json/src.hpp>

#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: json_parse_loop FILE\n");
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "json_parse_loop: cannot read %s\n", argv[1]);
        return 1;
    }
    static unsigned char scratch[1 << 16];
    boost::json::parser p;
    std::string line;
    unsigned long long lines = 0, bytes = 0, objects = 0;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        boost::json::monotonic_resource mr(scratch, sizeof scratch);
        p.reset(&mr);
        boost::system::error_code ec;
        p.write(line, ec);
        if (ec) {
            std::fprintf(stderr, "json_parse_loop: line %llu: %s\n", lines + 1, ec.message().c_str());
            return 1;
        }
        objects += p.release().is_object();
        ++lines;
        bytes += line.size() + 1;
    }
    std::printf("%llu lines, %llu bytes, %llu objects\n", lines, bytes, objects);
    return 0;
}
