// Central logging: one spdlog logger tree ("connhost", "plugin.<name>"), masked, to stderr or as LOG messages.
#pragma once
#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

namespace connhost::protocol {
class MessageWriter;
}

namespace connhost::logging {

// Where log lines go: human text or JSON lines on stderr, or Airbyte LOG messages through a MessageWriter.
enum class LogFormat { Text, Json, Protocol };

// Parses "text" / "json" (and "protocol" when allowed); throws std::invalid_argument naming the allowed values.
LogFormat parse_log_format(const std::string& s, bool allow_protocol = false);
// Parses trace|debug|info|warn|error|off; throws std::invalid_argument naming the allowed values.
spdlog::level::level_enum parse_log_level(const std::string& s);

// (Re)configures every logger. `out` is required for Protocol and must outlive logging.
void init_logging(LogFormat format, spdlog::level::level_enum level, protocol::MessageWriter* out = nullptr);

// True while log lines go to stderr as JSON objects (--log-format json): every other stderr line must be one too.
bool json_on_stderr() noexcept;

// Writes one line {"ts","level","logger","message"<extra>} on stderr, `message` masked; `extra` is "" or
// ","-led JSON members (e.g. `,"records":3`). Any thread.
void write_json_line(spdlog::level::level_enum level, std::string_view logger, std::string_view message,
                     std::string_view extra = {});

// While on, every log line written to stderr first clears the terminal line it starts on: the live
// progress line its owner redraws (SyncProgress). Any thread.
void set_status_line(bool on) noexcept;

// The host's own logger ("connhost").
spdlog::logger& host_log();
// The logger of plugin `name` ("plugin.<name>"), created on first use.
std::shared_ptr<spdlog::logger> plugin_log(const std::string& name);
// Maps a CONNHOST_LOG_* level to spdlog's.
spdlog::level::level_enum from_abi_level(int32_t level) noexcept;

}  // namespace connhost::logging
