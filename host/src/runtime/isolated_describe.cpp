#include "runtime/isolated_describe.hpp"

#include "runtime/child_spawn.hpp"

#include <boost/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

namespace connhost::runtime {

namespace {

namespace json = boost::json;

// Everything the child prints on stdout (a single short JSON line).
std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return out;
        out.append(buf, static_cast<size_t>(n));
    }
}

loader::PluginInfo info_from_json(const json::object& o, const std::filesystem::path& path) {
    loader::PluginInfo info;
    info.name = json::value_to<std::string>(o.at("name"));
    info.version = json::value_to<std::string>(o.at("version"));
    info.description = json::value_to<std::string>(o.at("description"));
    info.kind = json::value_to<int32_t>(o.at("kind"));
    info.abi_major = json::value_to<uint32_t>(o.at("abi_major"));
    info.abi_minor = json::value_to<uint32_t>(o.at("abi_minor"));
    info.path = path;
    return info;
}

}  // namespace

std::string plugin_info_json(const loader::PluginInfo& info) {
    return json::serialize(json::object{{"name", info.name},
                                        {"version", info.version},
                                        {"description", info.description},
                                        {"kind", info.kind},
                                        {"abi_major", info.abi_major},
                                        {"abi_minor", info.abi_minor}});
}

loader::PluginInfo describe_in_child(const std::filesystem::path& path) {
    std::string said;
    int wstatus = 0;
    try {
        SpawnedChild child({this_executable(), "describe-plugin", path.string()}, {}, false);
        said = read_all(child.stdout_fd());
        child.close_stdout();
        wstatus = child.wait();
    } catch (const std::exception& e) {
        throw loader::PluginLoadError("cannot load plugin " + path.string() + " in a child process: " + e.what());
    }
    if (WIFSIGNALED(wstatus)) {
        int sig = WTERMSIG(wstatus);
        throw loader::PluginLoadError("plugin " + path.string() + " crashed while being loaded (signal " +
                                      std::to_string(sig) + ": " + strsignal(sig) +
                                      "), before any operation ran: code in the library that runs when it is loaded "
                                      "failed; the host is unaffected. Report it to the connector's authors");
    }
    try {
        json::object o = json::parse(said).as_object();
        if (auto* err = o.if_contains("error")) throw loader::PluginLoadError(json::value_to<std::string>(*err));
        return info_from_json(o, path);
    } catch (const loader::PluginLoadError&) {
        throw;
    } catch (const std::exception& e) {
        throw loader::PluginLoadError("cannot load plugin " + path.string() + ": its child process (exit status " +
                                      std::to_string(WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1) +
                                      ") did not describe it: " + e.what());
    }
}

int describe_plugin_command(const std::filesystem::path& path) {
    try {
        std::string line = plugin_info_json(loader::load_plugin(path).info);
        std::printf("%s\n", line.c_str());
        return 0;
    } catch (const std::exception& e) {
        std::printf("%s\n", json::serialize(json::object{{"error", e.what()}}).c_str());
        return 1;
    }
}

}  // namespace connhost::runtime
