#include "protocol/record_fields.hpp"

#include <cstdint>
#include <string>

namespace connhost::protocol {

static_assert(int(internal::ValueKind::String) == CONNHOST_FIELD_STRING &&
                  int(internal::ValueKind::Array) == CONNHOST_FIELD_ARRAY,
              "ValueKind numbers its kinds as CONNHOST_FIELD_*");

std::string_view read_record_fields(JsonScanner& s, const char* base, std::vector<connhost_field>& out) {
    s.peek();
    const char* const start = s.position();
    // The members gather in a block on the stack that joins `out` a block at a time: a push_back per member (a call
    // GCC keeps out of line, copying a struct just stored a byte at a time) had cost 6% of a sync's host CPU.
    constexpr size_t kBlock = 32;
    connhost_field block[kBlock];
    size_t n = 0;
    s.object_members([&](std::string_view key, bool key_escaped, char first, std::string_view value, bool value_escaped)
                         __attribute__((always_inline)) {  // a call per member had cost a quarter of the scan
                             if (n == kBlock) [[unlikely]] {
                                 out.insert(out.end(), block, block + n);
                                 n = 0;
                             }
                             connhost_field& f = block[n++];
                             f.key_offset = static_cast<uint32_t>(key.data() - base);
                             f.key_size = static_cast<uint32_t>(key.size());
                             f.value_offset = static_cast<uint32_t>(value.data() - base);
                             f.value_size = static_cast<uint32_t>(value.size());
                             f.kind = static_cast<connhost_field_kind>(internal::value_kind(first));
                             f.flags = static_cast<uint8_t>((key_escaped ? CONNHOST_FIELD_KEY_ESCAPED : 0) |
                                                            (value_escaped ? CONNHOST_FIELD_VALUE_ESCAPED : 0));
                             f.reserved0 = 0;
                         });
    out.insert(out.end(), block, block + n);
    return {start, static_cast<size_t>(s.position() - start)};
}

namespace {

std::string syntax_problem(const JsonSyntaxError& e) {
    return std::string(e.what()) + " at byte " + std::to_string(e.offset());
}

}  // namespace

std::string json_problem(std::string_view text) {
    try {
        JsonScanner s(text);
        s.skip_value();
        s.expect_end();
        return {};
    } catch (const JsonSyntaxError& e) {
        return syntax_problem(e);
    }
}

std::string object_problem(std::string_view text) {
    std::string why = json_problem(text);
    if (why.empty() && text[text.find_first_not_of(" \t\r\n")] != '{') return "not a JSON object";  // valid: not blank
    return why;
}

std::string record_object_problem(std::string_view text, std::vector<connhost_field>& out, bool& has_fields) {
    const size_t before = out.size();
    has_fields = false;
    if (JsonScanner(text).peek() != '{' || text.size() > kMaxFieldsRecordBytes) return object_problem(text);
    try {
        JsonScanner s(text);
        read_record_fields(s, text.data(), out);
        s.expect_end();
        has_fields = true;
        return {};
    } catch (const JsonSyntaxError& e) {
        out.resize(before);
        return syntax_problem(e);
    }
}

}  // namespace connhost::protocol
