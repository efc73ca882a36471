#include "copy_row.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

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

// The big-endian signed integer of the `n` bytes at `p`.
int64_t big_endian(const char* p, size_t n) noexcept {
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v = (v << 8) | static_cast<unsigned char>(p[k]);
    const unsigned bits = static_cast<unsigned>(n * 8);
    if (bits < 64 && (v >> (bits - 1)) != 0) v |= ~uint64_t{0} << bits;  // sign-extend
    return static_cast<int64_t>(v);
}

}  // namespace

std::optional<BinaryCell> binary_cell(std::string_view t) {
    auto sized = [&](std::string_view base) {  // base, or base(n)
        return t == base ||
            (t.size() > base.size() + 2 && t.substr(0, base.size()) == base && t[base.size()] == '(' &&
             t.back() == ')');
    };
    if (t == "smallint") return BinaryCell::Int2;
    if (t == "integer") return BinaryCell::Int4;
    if (t == "bigint") return BinaryCell::Int8;
    if (t == "boolean") return BinaryCell::Bool;
    if (t == "text" || sized("character varying") || sized("character")) return BinaryCell::Text;
    return std::nullopt;
}

bool cut_binary_copy_header(std::string_view& data) {
    static constexpr std::string_view kSignature("PGCOPY\n\377\r\n\0", 11);
    if (data.size() < kSignature.size() + 8 || data.substr(0, kSignature.size()) != kSignature) return false;
    const int64_t extension = big_endian(data.data() + kSignature.size() + 4, 4);
    const size_t header = kSignature.size() + 8 + static_cast<size_t>(extension);
    if (extension < 0 || data.size() < header) return false;
    data.remove_prefix(header);
    return true;
}

bool CopyRow::set_binary_field(size_t i, BinaryCell cell, std::string_view v) {
    static constexpr size_t kSize[] = {2, 4, 8, 1};
    if (cell != BinaryCell::Text && v.size() != kSize[static_cast<int>(cell)]) return false;
    switch (cell) {
        case BinaryCell::Text: views_[i] = v; return true;
        case BinaryCell::Bool: views_[i] = v[0] ? "t" : "f"; return true;
        default: {
            std::string& out = decoded_[i];
            out.resize(24);
            const auto r = std::to_chars(out.data(), out.data() + out.size(), big_endian(v.data(), v.size()));
            out.resize(static_cast<size_t>(r.ptr - out.data()));
            views_[i] = out;
            return true;
        }
    }
}

bool CopyRow::parse_binary(std::string_view tuple, const std::vector<BinaryCell>& cells) {
    fit(cells.size());
    if (tuple.size() < 2 || static_cast<size_t>(big_endian(tuple.data(), 2)) != cells.size()) return false;
    size_t at = 2;
    for (size_t i = 0; i < cells.size(); ++i) {
        if (tuple.size() - at < 4) return false;
        const int64_t len = big_endian(tuple.data() + at, 4);
        at += 4;
        nulls_[i] = len < 0;
        if (len < 0) continue;
        if (tuple.size() - at < static_cast<size_t>(len) ||
            !set_binary_field(i, cells[i], tuple.substr(at, static_cast<size_t>(len))))
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
    std::string& out = decoded_[i];
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
