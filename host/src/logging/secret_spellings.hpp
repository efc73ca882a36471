// The spellings in which a secret can reach a text: as the encoders of JSON, URLs and HTTP basic authentication write
// it.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace connhost::logging {

// `secret` raw; JSON-escaped; percent-encoded (RFC 3986 unreserved characters kept; upper-case hex, lower-case hex,
// and '+' for space as forms write it); base64 and base64url, with and without padding; and, for each of the three
// byte alignments it can have inside longer base64 text (the password of "user:password" in a basic Authorization
// header), the base64 characters that encode only its own bytes, when there are at least 6 of them. No duplicates.
std::vector<std::string> secret_spellings(std::string_view secret);

// `text` with every %XX escape decoded ('+' kept): user-info as a URL writes it, as a client sends it.
std::string percent_decode(std::string_view text);

// True when `text` can stand inside a JSON string as it is: no '"' or control character, and every '\' starts a
// complete escape.
bool is_json_string_content(std::string_view text) noexcept;

}  // namespace connhost::logging
