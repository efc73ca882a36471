#include "copy_row.hpp"

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

}  // namespace

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

bool CopyRow::parse(std::string_view line, size_t fields) {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (views_.size() < fields) {
        views_.resize(fields);
        nulls_.resize(fields);
        decoded_.resize(fields);
    }
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
