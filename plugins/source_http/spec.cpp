#include "spec.hpp"

namespace source_http {

namespace {

// The SPEC payload, as printed by `spec`.
constexpr const char kSpecJson[] = R"JSON({
  "documentationUrl": "https://connhost.invalid/docs/connectors/source_http",
  "supportsIncremental": true,
  "connectionSpecification": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "HTTP API source",
    "type": "object",
    "required": ["base_url", "streams"],
    "additionalProperties": false,
    "properties": {
      "base_url": {"type": "string", "description": "scheme://host[:port][/prefix] every stream path is appended to"},
      "auth": {
        "type": "object",
        "description": "how requests authenticate",
        "oneOf": [
          {"title": "none", "additionalProperties": false, "properties": {"type": {"const": "none"}}},
          {"title": "bearer", "required": ["type", "token"], "additionalProperties": false,
            "properties": {"type": {"const": "bearer"}, "token": {"type": "string", "airbyte_secret": true}}},
          {"title": "basic", "required": ["type", "username"], "additionalProperties": false,
            "properties": {"type": {"const": "basic"}, "username": {"type": "string"},
                           "password": {"type": "string", "airbyte_secret": true}}},
          {"title": "api_key", "required": ["type", "value"], "additionalProperties": false,
            "properties": {"type": {"const": "api_key"}, "in": {"enum": ["header", "query"], "default": "header"},
            "name": {"type": "string",
                     "description": "header (default X-API-Key) or query parameter (default api_key) name"},
            "prefix": {"type": "string", "description": "put before the key in a header, e.g. \"Token \""},
            "value": {"type": "string", "airbyte_secret": true}}},
          {"title": "oauth2_client_credentials", "required": ["type", "token_url", "client_id", "client_secret"],
            "additionalProperties": false, "properties": {
            "type": {"const": "oauth2_client_credentials"}, "token_url": {"type": "string"},
            "client_id": {"type": "string"},
            "client_secret": {"type": "string", "airbyte_secret": true}, "scope": {"type": "string"},
            "credentials_in": {"enum": ["basic", "body"], "default": "basic"}}}
        ]
      },
      "headers": {"type": "object", "additionalProperties": {"type": "string"},
                  "description": "sent with every request"},
      "requests_per_second": {"type": "number", "minimum": 0, "default": 0,
                              "description": "client-side rate limit (0: none)"},
      "connect_timeout_seconds": {"type": "number", "default": 10},
      "timeout_seconds": {"type": "number", "default": 60, "description": "whole-request timeout of one attempt"},
      "max_attempts": {"type": "integer", "minimum": 1, "default": 5,
                       "description": "attempts per request before giving up"},
      "retry_initial_delay_seconds": {"type": "number", "default": 1,
                                      "description": "first back-off; doubles per attempt, with jitter"},
      "retry_max_delay_seconds": {"type": "number", "default": 60},
      "max_retry_after_seconds": {"type": "number", "default": 600, "description": "longest Retry-After honoured"},
      "follow_redirects": {"type": "boolean", "default": false},
      "user_agent": {"type": "string"},
      "check_path": {"type": "string", "description": "path that check calls (default: the first stream's first page)"},
      "discover_pages": {"type": "integer", "minimum": 1, "default": 1,
                         "description": "pages per stream read to infer the schema"},
      "streams": {
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "object",
          "required": ["name"],
          "additionalProperties": false,
          "properties": {
            "name": {"type": "string"},
            "path": {"type": "string", "description": "appended to base_url"},
            "params": {"type": "object",
              "description":
      "query parameters of every request; a paginator's parameter of the same name replaces one given here or in path"},
            "records_pointer": {"type": "string", "default": "",
              "description":
      "JSON pointer to the records array in a response (matching nothing on the first page logs a WARN)"},
            "primary_key": {"description": "field name, path, or array of paths"},
            "cursor_field": {
              "description": "field name or path of the record field that orders records (enables incremental)"},
            "cursor_param": {"type": "string",
                             "description": "query parameter that asks for records with a cursor at or after a value"},
            "cursor_start": {"description": "cursor value to start from when there is no state"},
            "records_sorted": {"type": "boolean", "default": true,
                               "description": "pages arrive in ascending cursor order (a STATE after every page)"},
            "max_pages": {"type": "integer", "minimum": 0, "default": 0},
            "paginator": {
              "type": "object",
                "description":
      "how to page; a page repeating the previous page's records fails the stream (none re-emitted): add a stop signal",
              "additionalProperties": false,
              "properties": {
                "type": {"enum": ["none", "page_number", "offset_limit", "cursor", "link_header"], "default": "none"},
                "page_param": {"type": "string", "default": "page"},
                "start_page": {"type": "integer", "default": 1},
                "page_size_param": {"type": "string"},
                "page_size": {"type": "integer"},
                "offset_param": {"type": "string", "default": "offset"},
                "limit_param": {"type": "string", "default": "limit"},
                "limit": {"type": "integer", "default": 100},
                "start_offset": {"type": "integer", "minimum": 0, "default": 0},
                "token_pointer": {"type": "string",
                                  "description": "cursor: JSON pointer to the next token (or next URL)"},
                "cursor_param": {"type": "string", "default": "cursor"},
                "has_more_pointer": {"type": "string",
                  "description":
      "JSON pointer to a value ending the walk when false, null or missing (e.g. /has_more, /next in json-server 1.x)"},
                "total_pointer": {"type": "string",
                     "description": "JSON pointer to the total record count: the walk ends once that many records came"}
              }
            }
          }
        }
      }
    }
  }
})JSON";

}  // namespace

const char* spec_json() { return kSpecJson; }

}  // namespace source_http
