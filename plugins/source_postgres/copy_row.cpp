#include "copy_row.hpp"

#include "binary_text.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <utility>

namespace pgsource {

namespace {

// The byte an escape letter stands for (COPY text format), or the letter itself (\\ and any other).
char unescaped(char letter) noexcept {
    switch (letter) {
        case 'b': return '\b';
        case 'f': return '\f';
        case 'n': return '\n';
        case 'r': return '\r';
        case 't': return '\t';
        case 'v': return '\v';
        default: return letter;
    }
}

}  // namespace

std::optional<BinaryCell> binary_cell(std::string_view t) {
    auto sized = [&](std::string_view base, std::string_view tail = {}) {  // base[(n)]tail
        if (t.size() < base.size() + tail.size() || t.substr(0, base.size()) != base ||
            t.substr(t.size() - tail.size()) != tail)
            return false;
        const std::string_view mod = t.substr(base.size(), t.size() - base.size() - tail.size());
        return mod.empty() || (mod.size() > 2 && mod.front() == '(' && mod.back() == ')');
    };
    static constexpr std::pair<std::string_view, BinaryCell> kExact[] = {
        {"smallint", BinaryCell::Int2}, {"integer", BinaryCell::Int4}, {"bigint", BinaryCell::Int8},
        {"boolean", BinaryCell::Bool},  {"text", BinaryCell::Text},    {"date", BinaryCell::Date},
        {"json", BinaryCell::Json},     {"jsonb", BinaryCell::Jsonb},  {"uuid", BinaryCell::Uuid}};
    for (const auto& [name, cell] : kExact)
        if (t == name) return cell;
    if (sized("character varying") || sized("character")) return BinaryCell::Text;
    if (sized("numeric")) return BinaryCell::Numeric;
    if (sized("timestamp", " without time zone")) return BinaryCell::Timestamp;
    if (sized("timestamp", " with time zone")) return BinaryCell::TimestampTz;
    return std::nullopt;
}

bool cut_binary_copy_header(std::string_view& data) {
    static constexpr std::string_view kSignature("PGCOPY\n\377\r\n\0", 11);
    if (data.size() < kSignature.size() + 8 || data.substr(0, kSignature.size()) != kSignature) return false;
    const int64_t extension = big_endian_signed(data.data() + kSignature.size() + 4, 4);
    const size_t header = kSignature.size() + 8 + static_cast<size_t>(extension);
    if (extension < 0 || data.size() < header) return false;
    data.remove_prefix(header);
    return true;
}

bool CopyRow::set_binary_field(size_t i, BinaryCell cell, std::string_view v) {
    connhost::sdk::OutBuffer& out = decoded_[i];
    out.clear();
    bool ok = true;
    switch (cell) {
        case BinaryCell::Text:
        case BinaryCell::Json: views_[i] = v; return true;
        case BinaryCell::Jsonb:
            if (v.empty() || v[0] != 1) return false;  // version 1, then the text
            views_[i] = v.substr(1);
            return true;
        case BinaryCell::Bool: views_[i] = !v.empty() && v[0] ? "t" : "f"; return v.size() == 1;
        case BinaryCell::Int2:
        case BinaryCell::Int4:
        case BinaryCell::Int8: {
            const size_t size = cell == BinaryCell::Int2 ? 2 : cell == BinaryCell::Int4 ? 4 : 8;
            ok = v.size() == size;
            if (ok) {  // the digits written in place: 20 bytes hold any int64
                char* digits = out.extend(20);
                out.truncate(static_cast<size_t>(
                    std::to_chars(digits, digits + 20, big_endian_signed(v.data(), size)).ptr - out.data()));
            }
            break;
        }
        case BinaryCell::Numeric: ok = append_numeric_text(out, v); break;
        case BinaryCell::Date: ok = append_date_text(out, v); break;
        case BinaryCell::Timestamp:
        case BinaryCell::TimestampTz: ok = append_timestamp_text(out, v, cell == BinaryCell::TimestampTz); break;
        case BinaryCell::Uuid: ok = append_uuid_text(out, v); break;
    }
    views_[i] = out;
    return ok;
}

bool CopyRow::parse_binary(std::string_view tuple, const std::vector<BinaryCell>& cells) {
    fit(cells.size());
    if (tuple.size() < 2 || static_cast<size_t>(big_endian_signed(tuple.data(), 2)) != cells.size()) return false;
    size_t at = 2;
    for (size_t i = 0; i < cells.size(); ++i) {
        if (tuple.size() - at < 4) return false;
        const int64_t len = big_endian_signed(tuple.data() + at, 4);
        at += 4;
        nulls_[i] = len < 0;
        if (len < 0) continue;
        if (tuple.size() - at < static_cast<size_t>(len)) return false;
        const std::string_view v = tuple.substr(at, static_cast<size_t>(len));
        if (cells[i] == BinaryCell::Text)
            views_[i] = v;  // set_binary_field's first case, without its call (the commonest cell)
        else if (!set_binary_field(i, cells[i], v))
            return false;
        at += static_cast<size_t>(len);
    }
    return at == tuple.size();
}

void CopyRow::set_field(size_t i, std::string_view raw) {
    nulls_[i] = raw == "\\N";
    if (nulls_[i] || std::memchr(raw.data(), '\\', raw.size()) == nullptr) {
        views_[i] = raw;
        return;
    }
    connhost::sdk::OutBuffer& out = decoded_[i];
    out.clear();
    for (size_t k = 0; k < raw.size(); ++k)
        out.push_back(raw[k] == '\\' && k + 1 < raw.size() ? unescaped(raw[++k]) : raw[k]);
    views_[i] = out;
}

void CopyRow::fit(size_t fields) {
    if (views_.size() >= fields) return;
    views_.resize(fields);
    nulls_.resize(fields);
    decoded_.resize(fields);
}

bool CopyRow::parse(std::string_view line, size_t fields) {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    fit(fields);
    size_t start = 0;
    for (size_t i = 0; i < fields; ++i) {
        const void* tab = std::memchr(line.data() + start, '\t', line.size() - start);
        const size_t end = tab ? static_cast<size_t>(static_cast<const char*>(tab) - line.data()) : line.size();
        if ((i + 1 < fields) != (tab != nullptr)) return false;  // a tab after each field but the last
        set_field(i, line.substr(start, end - start));
        start = end + 1;
    }
    return true;
}

}  // namespace pgsource
