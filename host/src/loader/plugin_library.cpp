#include "loader/plugin_library.hpp"

#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>

#include <mutex>
#include <vector>

namespace connhost::loader {

bool valid_plugin_name(std::string_view name) noexcept {
    if (name.empty()) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

const char* PluginInfo::kind_name() const noexcept {
    switch (kind) {
        case CONNHOST_KIND_SOURCE: return "source";
        case CONNHOST_KIND_DESTINATION: return "destination";
        default: return "unknown";
    }
}

namespace {

// Libraries are never unloaded: code or data from them may be referenced until exit (DESIGN §2.2).
boost::dll::shared_library& keep_forever(boost::dll::shared_library&& lib) {
    static std::mutex mu;
    static auto* libs = new std::vector<boost::dll::shared_library*>();
    std::lock_guard<std::mutex> lock(mu);
    libs->push_back(new boost::dll::shared_library(std::move(lib)));
    return *libs->back();
}

// Refuses a descriptor whose name is not [a-z0-9_]+ or whose version is empty: names must be usable as file,
// logger and package names, and a version is what a user reports.
void check_identity(const connhost_plugin* d, const std::string& where) {
    if (!valid_plugin_name(d->name))
        throw PluginLoadError("plugin " + where + ": its descriptor name \"" + std::string(d->name) +
                              "\" is invalid: a connector name is lower-case letters, digits and _ only "
                              "(for example source_weather); report it to its authors");
    if (!d->version || !*d->version)
        throw PluginLoadError("plugin " + where + " (\"" + std::string(d->name) +
                              "\"): its descriptor has an empty version; report it to its authors");
}

// Names an entry symbol of another ABI major the library exports, or returns 0.
unsigned other_major_entry(const boost::dll::shared_library& lib) {
    for (unsigned major = 2; major <= 16; ++major)
        if (lib.has("connhost_plugin_entry_v" + std::to_string(major))) return major;
    return 0;
}

}  // namespace

LoadedPlugin load_plugin(const std::filesystem::path& path) {
    const std::string where = path.string();
    std::error_code fec;
    if (!std::filesystem::exists(path, fec))
        throw PluginLoadError("plugin file " + where +
                              " does not exist: check the path, or pass a short name such as dest_jsonl");
    if (!std::filesystem::is_regular_file(path, fec))
        throw PluginLoadError("plugin " + where + " is not a regular file: point --plugin at the connector's .so file");

    boost::dll::shared_library lib;
    boost::dll::fs::error_code ec;
    ::dlerror();  // clear any earlier message
    lib.load(boost::dll::fs::path(where), boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
    if (ec || !lib.is_loaded()) {
        // Boost.DLL reports every dlopen failure as "Bad file descriptor"; dlerror() says what actually failed
        // ("invalid ELF header", "libpq.so.5: cannot open shared object file", "undefined symbol: ...").
        const char* why = ::dlerror();
        throw PluginLoadError(
            "cannot load plugin " + where + ": " + (why ? std::string(why) : ec.message()) +
            " (is it a shared library built for this machine, with its dependencies installed? `ldd " + where +
            "` shows missing ones)");
    }
    if (!lib.has(CONNHOST_ENTRY_SYMBOL)) {
        if (unsigned major = other_major_entry(lib))
            throw PluginLoadError(
                "plugin " + where + " was built for connhost plugin ABI " + std::to_string(major) +
                " (it exports connhost_plugin_entry_v" + std::to_string(major) + "), but this host speaks ABI " +
                std::to_string(CONNHOST_ABI_MAJOR) + ": install a version of the plugin built for ABI " +
                std::to_string(CONNHOST_ABI_MAJOR) + ", or a connhost that supports ABI " + std::to_string(major));
        throw PluginLoadError("plugin " + where +
                              " does not export " CONNHOST_ENTRY_SYMBOL
                              ": it is not a connhost connector (connectors are built with the SDK's "
                              "connhost_add_plugin(), or export that symbol from C)");
    }
    auto entry = lib.get<const connhost_plugin*()>(CONNHOST_ENTRY_SYMBOL);
    const connhost_plugin* d = entry();
    if (!d)
        throw PluginLoadError("plugin " + where +
                              ": " CONNHOST_ENTRY_SYMBOL
                              " returned NULL; the connector is broken, report it to its authors");
    if (d->struct_size < offsetof(connhost_plugin, abi_minor) + sizeof d->abi_minor)
        throw PluginLoadError("plugin " + where + ": its descriptor is too small (struct_size " +
                              std::to_string(d->struct_size) +
                              ") to say which ABI it speaks; rebuild it against plugin_api.h");
    if (d->abi_major != CONNHOST_ABI_MAJOR)
        throw PluginLoadError("plugin " + where + " speaks connhost plugin ABI " + std::to_string(d->abi_major) + "." +
                              std::to_string(d->abi_minor) + ", but this host speaks ABI " +
                              std::to_string(CONNHOST_ABI_MAJOR) + "." + std::to_string(CONNHOST_ABI_MINOR) +
                              ": install a build of the plugin for ABI " + std::to_string(CONNHOST_ABI_MAJOR));
    if (d->struct_size < kMinDescriptorSize)
        throw PluginLoadError("plugin " + where + ": its descriptor is " + std::to_string(d->struct_size) +
                              " bytes, smaller than the " + std::to_string(kMinDescriptorSize) +
                              " bytes of ABI 1.0; it was built against a broken plugin_api.h");
    if (!d->name || !d->create || !d->destroy ||
        (d->kind != CONNHOST_KIND_SOURCE && d->kind != CONNHOST_KIND_DESTINATION))
        throw PluginLoadError(
            "plugin " + where +
            ": its descriptor lacks a name, create/destroy or a valid kind; report it to its authors");

    check_identity(d, where);
    keep_forever(std::move(lib));
    LoadedPlugin p;
    p.descriptor = d;
    p.info.name = d->name;
    p.info.version = d->version ? d->version : "";
    p.info.description = d->description ? d->description : "";
    p.info.kind = d->kind;
    p.info.abi_major = d->abi_major;
    p.info.abi_minor = d->abi_minor;
    p.info.path = std::filesystem::absolute(path);
    return p;
}

}  // namespace connhost::loader
