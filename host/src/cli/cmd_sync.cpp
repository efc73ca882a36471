#include "cli/commands.hpp"

#include <cstdio>

namespace connhost::cli {

int cmd_sync(int, char**) {
    std::fprintf(stderr, "connhost sync: not available in this build yet; pipe `connhost run ... read` into `connhost run ... write`\n");
    return 2;
}

}  // namespace connhost::cli
