// Exceptions a connector throws inside the SDK, and the ABI status each becomes at the boundary.
#pragma once
#include <connhost/plugin_api.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace connhost::sdk {

// An error carrying an ABI status code; its what() is the message the user sees.
class Error : public std::runtime_error {
public:
    Error(int32_t status, const std::string& message) : std::runtime_error(message), status_(status) {}
    int32_t status() const noexcept { return status_; }  // one of CONNHOST_STATUS_*

private:
    int32_t status_;
};

// The user's config, catalog or state is wrong; the message says which field and how to fix it.
struct ConfigError : Error {
    explicit ConfigError(const std::string& m) : Error(CONNHOST_STATUS_CONFIG, m) {}
};
// A temporary failure (network, lock); a retry may succeed.
struct TransientError : Error {
    explicit TransientError(const std::string& m) : Error(CONNHOST_STATUS_TRANSIENT, m) {}
};
// The environment failed (disk, permissions, server down).
struct SystemError : Error {
    explicit SystemError(const std::string& m) : Error(CONNHOST_STATUS_SYSTEM, m) {}
};
// The host asked the operation to stop.
struct Cancelled : Error {
    Cancelled() : Error(CONNHOST_STATUS_CANCELLED, "cancelled") {}
};
// The connector does not implement the operation.
struct Unsupported : Error {
    explicit Unsupported(const std::string& m) : Error(CONNHOST_STATUS_UNSUPPORTED, m) {}
};

// Throws the Error matching a non-OK status returned by a host callback.
inline void throw_if_failed(int32_t status, const char* what) {
    if (status == CONNHOST_STATUS_OK) return;
    if (status == CONNHOST_STATUS_CANCELLED) throw Cancelled();
    throw Error(status, std::string(what) + " was refused by the host (status " + std::to_string(status) + ")");
}

}  // namespace connhost::sdk
