#include "logging/log_setup.hpp"

#include "logging/secret_masker.hpp"
#include "protocol/json_text.hpp"
#include "protocol/message_writer.hpp"

#include <connhost/plugin_api.h>
#include <spdlog/sinks/base_sink.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <stdexcept>

namespace connhost::logging {

namespace {

const char* airbyte_level(spdlog::level::level_enum l) {
    switch (l) {
        case spdlog::level::trace: return "TRACE";
        case spdlog::level::debug: return "DEBUG";
        case spdlog::level::info: return "INFO";
        case spdlog::level::warn: return "WARN";
        case spdlog::level::err: return "ERROR";
        default: return "FATAL";
    }
}

std::atomic<bool> g_status_line{false};
std::atomic<bool> g_json_on_stderr{false};

// "2024-01-31T13:45:00.250Z" for `t`.
std::string utc_timestamp(std::chrono::system_clock::time_point t) {
    auto secs = std::chrono::system_clock::to_time_t(t);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char ts[64];
    std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return ts;
}

// One JSON log line (with its newline); `text` is already masked.
std::string json_line(const std::string& ts, spdlog::level::level_enum level, std::string_view logger,
                      std::string_view text, std::string_view extra) {
    return R"({"ts":")" + ts + R"(","level":")" + airbyte_level(level) + R"(","logger":)" +
        protocol::json_string(logger) + R"(,"message":)" + protocol::json_string(text) + std::string(extra) + "}\n";
}

// The one sink: masks secrets, then formats for the chosen destination.
class ConnhostSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    ConnhostSink(LogFormat f, protocol::MessageWriter* out) : format_(f), out_(out) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        std::string text = secrets().mask(std::string_view(msg.payload.data(), msg.payload.size()));
        std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
        if (format_ == LogFormat::Protocol && out_) {
            out_->log(airbyte_level(msg.level), "[" + std::string(logger) + "] " + text);
            return;
        }
        const std::string ts = utc_timestamp(msg.time);
        std::string line = g_status_line.load(std::memory_order_relaxed) ? "\r\033[K" : "";
        if (format_ == LogFormat::Json)
            line += json_line(ts, msg.level, logger, text, {});
        else
            line += ts + " " + airbyte_level(msg.level) + " [" + std::string(logger) + "] " + text + "\n";
        std::fwrite(line.data(), 1, line.size(), stderr);
    }
    void flush_() override { std::fflush(stderr); }

private:
    LogFormat format_;
    protocol::MessageWriter* out_;
};

struct State {
    std::mutex mu;
    std::shared_ptr<ConnhostSink> sink = std::make_shared<ConnhostSink>(LogFormat::Text, nullptr);
    spdlog::level::level_enum level = spdlog::level::info;
};

State& state() {
    static State* s = new State();
    return *s;
}

std::shared_ptr<spdlog::logger> make_logger(const std::string& name) {
    auto l = std::make_shared<spdlog::logger>(name, state().sink);
    l->set_level(state().level);
    l->flush_on(spdlog::level::warn);
    spdlog::register_logger(l);
    return l;
}

}  // namespace

void set_status_line(bool on) noexcept { g_status_line.store(on, std::memory_order_relaxed); }

bool json_on_stderr() noexcept { return g_json_on_stderr.load(std::memory_order_relaxed); }

void write_json_line(spdlog::level::level_enum level, std::string_view logger, std::string_view message,
                     std::string_view extra) {
    const std::string line =
        json_line(utc_timestamp(std::chrono::system_clock::now()), level, logger, secrets().mask(message), extra);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

LogFormat parse_log_format(const std::string& s, bool allow_protocol) {
    if (s == "text") return LogFormat::Text;
    if (s == "json") return LogFormat::Json;
    if (allow_protocol && s == "protocol") return LogFormat::Protocol;
    throw std::invalid_argument(std::string("--log-format must be ") +
                                (allow_protocol ? "protocol, text or json" : "text or json") + ", got \"" + s + "\"");
}

spdlog::level::level_enum parse_log_level(const std::string& s) {
    for (auto [name, lvl] : {std::pair{"trace", spdlog::level::trace},
                             {"debug", spdlog::level::debug},
                             {"info", spdlog::level::info},
                             {"warn", spdlog::level::warn},
                             {"error", spdlog::level::err},
                             {"off", spdlog::level::off}})
        if (s == name) return lvl;
    throw std::invalid_argument("--log-level must be one of trace, debug, info, warn, error, off; got \"" + s + "\"");
}

void init_logging(LogFormat format, spdlog::level::level_enum level, protocol::MessageWriter* out) {
    State& st = state();
    std::lock_guard<std::mutex> lock(st.mu);
    st.sink = std::make_shared<ConnhostSink>(format, out);
    g_json_on_stderr.store(format == LogFormat::Json, std::memory_order_relaxed);
    st.level = level;
    spdlog::apply_all([&](std::shared_ptr<spdlog::logger> l) {
        l->sinks().assign(1, st.sink);
        l->set_level(level);
    });
}

spdlog::logger& host_log() {
    State& st = state();
    std::lock_guard<std::mutex> lock(st.mu);
    static std::shared_ptr<spdlog::logger> l;
    if (!l) l = make_logger("connhost");
    return *l;
}

std::shared_ptr<spdlog::logger> plugin_log(const std::string& name) {
    State& st = state();
    std::lock_guard<std::mutex> lock(st.mu);
    std::string full = "plugin." + name;
    if (auto l = spdlog::get(full)) return l;
    return make_logger(full);
}

spdlog::level::level_enum from_abi_level(int32_t level) noexcept {
    switch (level) {
        case CONNHOST_LOG_TRACE: return spdlog::level::trace;
        case CONNHOST_LOG_DEBUG: return spdlog::level::debug;
        case CONNHOST_LOG_INFO: return spdlog::level::info;
        case CONNHOST_LOG_WARN: return spdlog::level::warn;
        case CONNHOST_LOG_ERROR: return spdlog::level::err;
        default: return spdlog::level::critical;
    }
}

}  // namespace connhost::logging
