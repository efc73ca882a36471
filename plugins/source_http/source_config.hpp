// The source_http config: the API (base URL, auth, headers, HTTP robustness) and its streams, parsed and checked.
#pragma once
#include <connhost/sdk/http.hpp>
#include <connhost/sdk/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace source_http {

namespace sdk = connhost::sdk;
namespace json = boost::json;

// One stream of the API: where its records are and how to page through them.
struct StreamConfig {
    std::string name;
    std::string path;             // appended to base_url (or an absolute URL)
    sdk::QueryParams params;      // sent with every page request
    std::string records_pointer;  // JSON pointer to the records array ("" = the whole body)
    std::vector<std::vector<std::string>> primary_key;
    std::vector<std::string> cursor_field;  // empty: no incremental sync
    std::string cursor_pointer;             // cursor_field as a JSON pointer into a record
    std::string cursor_param;  // request parameter that asks for records newer than a value ("" = filter client-side)
    std::optional<std::string> cursor_start;  // the value to ask from when there is no state
    bool records_sorted = true;               // pages come in ascending cursor order: a STATE after each page is safe
    json::object paginator;                   // paginator config (make_paginator)
    int64_t max_pages = 0;                    // 0: no limit

    // The key of the cursor in the state blob: the cursor field path joined with '.'.
    std::string cursor_key() const;
};

// The whole config.
struct SourceConfig {
    std::string base_url;
    json::object auth;           // make_authenticator config ({} = none)
    sdk::HttpHeaders headers;    // sent with every request
    sdk::HttpOptions http;       // timeouts, retries, rate limit, secrets to mask
    std::string check_path;      // "" = check fetches the first stream's first page
    int64_t discover_pages = 1;  // pages per stream that discover reads to infer the schema
    std::vector<StreamConfig> streams;

    // The stream named `name`, or nullptr.
    const StreamConfig* find(const std::string& name) const;
};

// Parses and validates `config`; throws sdk::ConfigError naming the field and the fix.
SourceConfig parse_config(const json::object& config);

}  // namespace source_http
