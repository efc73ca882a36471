// CONNHOST_PLUGIN: generates the exported entry point and the noexcept trampolines for a connector class.
// Include this header in exactly one source file of a connector. It also compiles Boost.JSON into it, unless the
// build links Boost.JSON compiled once for all its connectors (connhost_add_plugin() does, defining
// CONNHOST_SDK_BOOST_JSON_LINKED).
#pragma once
#include <connhost/plugin_api.h>
#include <connhost/sdk/destination.hpp>
#include <connhost/sdk/read_back.hpp>
#include <connhost/sdk/source.hpp>
#include <connhost/sdk/status.hpp>

#ifndef CONNHOST_SDK_BOOST_JSON_LINKED
#include <boost/json/src.hpp>
#endif

#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <type_traits>

namespace connhost::sdk::detail {

// Runs `f`, turning every exception into a status plus a message set on the host.
template <class F>
connhost_status guarded(const connhost_host* host, F&& f) noexcept {
    try {
        return f();
    } catch (const Error& e) {
        host->set_error(host, e.what(), std::char_traits<char>::length(e.what()));
        return e.status();
    } catch (const std::bad_alloc&) {
        static const char msg[] = "out of memory: lower the batch size or free memory, then re-run";
        host->set_error(host, msg, sizeof msg - 1);
        return CONNHOST_STATUS_SYSTEM;
    } catch (const std::exception& e) {
        std::string msg = std::string("internal error in the connector: ") + e.what() + " (report this to its authors)";
        host->set_error(host, msg.data(), msg.size());
        return CONNHOST_STATUS_INTERNAL;
    } catch (...) {
        static const char msg[] = "internal error in the connector: unknown exception (report this to its authors)";
        host->set_error(host, msg, sizeof msg - 1);
        return CONNHOST_STATUS_INTERNAL;
    }
}

// The instance behind a connhost_instance*: the connector object and its host.
template <class C>
struct Instance {
    const connhost_host* host;
    std::unique_ptr<C> impl;
};

template <class C>
Instance<C>* self(connhost_instance* i) noexcept {
    return reinterpret_cast<Instance<C>*>(i);
}

template <class C>
connhost_instance* create(const connhost_host* host) noexcept {
    // Every 1.0 field of the host table is used unchecked; a field of a later minor only after CONNHOST_HAS_FIELD.
    if (!host || host->struct_size < CONNHOST_HOST_SIZE_1_0) return nullptr;
    Instance<C>* inst = nullptr;
    int32_t st = guarded(host, [&] {
        inst = new Instance<C>{host, std::make_unique<C>(Host(host))};
        return CONNHOST_STATUS_OK;
    });
    return st == CONNHOST_STATUS_OK ? reinterpret_cast<connhost_instance*>(inst) : nullptr;
}

template <class C>
void destroy(connhost_instance* i) noexcept {
    try {
        delete self<C>(i);
    } catch (...) {}
}

template <class C>
connhost_status spec(connhost_instance* i) noexcept {
    auto* s = self<C>(i);
    return guarded(s->host, [&] {
        Host(s->host).emit_message(CONNHOST_MSG_SPEC, json::serialize(s->impl->spec()));
        return CONNHOST_STATUS_OK;
    });
}

template <class C>
connhost_status check(connhost_instance* i, const char* config, size_t size) noexcept {
    auto* s = self<C>(i);
    return guarded(s->host, [&] {
        json::object status;
        try {
            s->impl->check(parse_object({config, size}, "config"));
            status["status"] = "SUCCEEDED";
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception& e) {
            status["status"] = "FAILED";
            status["message"] = e.what();
        }
        Host(s->host).emit_message(CONNHOST_MSG_CONNECTION_STATUS, json::serialize(status));
        return CONNHOST_STATUS_OK;
    });
}

template <class C>
connhost_status discover(connhost_instance* i, const char* config, size_t size) noexcept {
    auto* s = self<C>(i);
    return guarded(s->host, [&]() -> int32_t {
        if constexpr (std::is_base_of_v<Source, C>) {
            json::object cat;
            cat["streams"] = s->impl->discover(parse_object({config, size}, "config"));
            Host(s->host).emit_message(CONNHOST_MSG_CATALOG, json::serialize(cat));
            return CONNHOST_STATUS_OK;
        } else {
            (void)config, (void)size;
            throw Unsupported("discover is an operation of sources; this connector is a destination");
        }
    });
}

template <class C>
connhost_status read(connhost_instance* i, const connhost_read_args* a) noexcept {
    auto* s = self<C>(i);
    return guarded(s->host, [&]() -> int32_t {
        if constexpr (std::is_base_of_v<Source, C>) {
            json::object config = parse_object({a->config, a->config_size}, "config");
            ConfiguredCatalog catalog = ConfiguredCatalog::parse({a->catalog, a->catalog_size});
            StateMap state = StateMap::parse(a->state ? std::string_view(a->state, a->state_size) : std::string_view());
            s->impl->read(config, catalog, state);
            return CONNHOST_STATUS_OK;
        } else {
            (void)a;
            throw Unsupported("read is an operation of sources; this connector is a destination");
        }
    });
}

template <class C>
connhost_status write(connhost_instance* i, const connhost_write_args* a) noexcept {
    auto* s = self<C>(i);
    return guarded(s->host, [&]() -> int32_t {
        if constexpr (std::is_base_of_v<Destination, C>) {
            json::object config = parse_object({a->config, a->config_size}, "config");
            ConfiguredCatalog catalog = ConfiguredCatalog::parse({a->catalog, a->catalog_size});
            return run_destination(*s->impl, config, catalog);
        } else {
            (void)a;
            throw Unsupported("write is an operation of destinations; this connector is a source");
        }
    });
}

template <class C>
void cancel(connhost_instance* i) noexcept {
    self<C>(i)->impl->on_cancel();
}

template <class C>
connhost_status read_back(connhost_instance* i, const connhost_write_args* a) noexcept {
    auto* s = self<C>(i);
    return guarded(s->host, [&]() -> int32_t {
        json::object config = parse_object({a->config, a->config_size}, "config");
        ConfiguredCatalog catalog = ConfiguredCatalog::parse({a->catalog, a->catalog_size});
        s->impl->read_back(config, catalog);
        return CONNHOST_STATUS_OK;
    });
}

// The plugin extensions of connector class C: "connhost.read_back/1" when C derives from ReadBack. The tables are
// static, so they outlive every instance.
template <class C>
const void* get_extension(connhost_instance* i, const char* id) noexcept {
    (void)i;
    if constexpr (std::is_base_of_v<ReadBack, C>) {
        static const connhost_read_back_ext read_back_ext = {sizeof(connhost_read_back_ext), 0, &read_back<C>};
        if (id && std::strcmp(id, CONNHOST_EXT_READ_BACK) == 0) return &read_back_ext;
    }
    (void)id;
    return nullptr;
}

// The static descriptor for connector class C.
template <class C>
const connhost_plugin* descriptor(const char* name, const char* version, const char* description) noexcept {
    static_assert(std::is_base_of_v<Source, C> || std::is_base_of_v<Destination, C>,
                  "CONNHOST_PLUGIN needs a class derived from connhost::sdk::Source or connhost::sdk::Destination");
    static const connhost_plugin d = {
        sizeof(connhost_plugin),
        CONNHOST_ABI_MAJOR,
        CONNHOST_ABI_MINOR,
        C::kind,
        name,
        version,
        description,
        &create<C>,
        &destroy<C>,
        &spec<C>,
        &check<C>,
        &discover<C>,
        &read<C>,
        &write<C>,
        &cancel<C>,
        &get_extension<C>,
    };
    return &d;
}

}  // namespace connhost::sdk::detail

// Exports connhost_plugin_entry_v1 for connector class CLASS. Use once, at namespace scope, in one file.
#define CONNHOST_PLUGIN(CLASS, NAME, VERSION, DESCRIPTION)                             \
    extern "C" CONNHOST_EXPORT const connhost_plugin* connhost_plugin_entry_v1(void) { \
        return ::connhost::sdk::detail::descriptor<CLASS>(NAME, VERSION, DESCRIPTION); \
    }
