#include "faker_streams.hpp"

#include <cstdio>
#include <ctime>

namespace faker {

namespace {

constexpr int64_t kEpoch = 1577836800;  // 2020-01-01T00:00:00Z, the updated_at of record 0

const char* kFirst[] = {"Ada",     "Grace", "Alan",     "Edsger",  "Barbara", "Donald",
                        "Frances", "Ken",   "Margaret", "Niklaus", "Radia",   "Tim"};
const char* kLast[] = {"Lovelace", "Hopper",   "Turing",   "Dijkstra", "Liskov",  "Knuth",
                       "Allen",    "Thompson", "Hamilton", "Wirth",    "Perlman", "Berners-Lee"};
const char* kCity[] = {"Zürich", "Lisboa", "Kraków",  "Montréal", "São Paulo",
                       "Tōkyō",  "Oslo",   "Nairobi", "Austin",   "Reykjavík"};
const char* kCategory[] = {"books", "garden", "tools", "music", "toys", "kitchen", "sports", "office"};
const char* kProduct[] = {"Widget",    "Gadget",      "Sprocket", "Gizmo",
                          "Doohickey", "Thingamajig", "Whatsit",  "Contraption"};

uint64_t splitmix(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

uint64_t stream_salt(std::string_view s) {
    uint64_t h = 1469598103934665603ull;
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return h;
}

template <size_t N>
const char* pick(const char* (&arr)[N], uint64_t r) {
    return arr[r % N];
}

void iso(char* buf, size_t n, int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    std::strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

}  // namespace

const std::vector<std::string>& stream_names() {
    static const std::vector<std::string> names = {"users", "products", "purchases"};
    return names;
}

std::string stream_schema(std::string_view stream) {
    if (stream == "users")
        return R"({"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string"},)"
               R"("email":{"type":"string"},)"
               R"("age":{"type":"integer"},"active":{"type":"boolean"},"score":{"type":"number"},)"
               R"("address":{"type":"object","properties":{"city":{"type":"string"},"zip":{"type":"string"}}},)"
               R"("created_at":{"type":"string","format":"date-time"},)"
               R"("updated_at":{"type":"string","format":"date-time"}}})";
    if (stream == "products")
        return R"({"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string"},)"
               R"("category":{"type":"string"},)"
               R"("price":{"type":"number"},"in_stock":{"type":"boolean"},)"
               R"("tags":{"type":"array","items":{"type":"string"}},)"
               R"("updated_at":{"type":"string","format":"date-time"}}})";
    return R"({"type":"object","properties":{"id":{"type":"integer"},"user_id":{"type":"integer"},)"
           R"("product_id":{"type":"integer"},)"
           R"("quantity":{"type":"integer"},"purchased_at":{"type":"string","format":"date-time"},)"
           R"("updated_at":{"type":"string","format":"date-time"}}})";
}

std::string updated_at(uint64_t index) {
    char buf[32];
    iso(buf, sizeof buf, kEpoch + static_cast<int64_t>(index));
    return buf;
}

std::optional<uint64_t> first_index_after(std::string_view cursor) {
    std::tm tm{};
    std::string s(cursor);
    if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                    &tm.tm_sec) != 6)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int64_t t = static_cast<int64_t>(timegm(&tm));
    return t < kEpoch ? uint64_t{0} : static_cast<uint64_t>(t - kEpoch + 1);
}

void append_record(std::string& out, std::string_view stream, uint64_t seed, uint64_t index) {
    uint64_t r = splitmix(seed ^ stream_salt(stream) ^ splitmix(index));
    uint64_t r2 = splitmix(r);
    char upd[32], created[32], buf[512];
    iso(upd, sizeof upd, kEpoch + static_cast<int64_t>(index));
    int n;
    if (stream == "users") {
        iso(created, sizeof created, kEpoch - static_cast<int64_t>(r2 % (86400ull * 3650)));
        const char* first = pick(kFirst, r);
        const char* last = pick(kLast, r >> 8);
        n = std::snprintf(
            buf, sizeof buf,
            R"({"id":%llu,"name":"%s %s","email":"%s.%s%llu@example.com","age":%llu,"active":%s,"score":%llu.%02llu,)"
            R"("address":{"city":"%s","zip":"%05llu"},"created_at":"%s","updated_at":"%s"})",
            static_cast<unsigned long long>(index + 1), first, last, first, last,
            static_cast<unsigned long long>(index + 1), static_cast<unsigned long long>(18 + (r >> 16) % 70),
            ((r >> 24) & 1) ? "true" : "false", static_cast<unsigned long long>((r2 >> 8) % 1000),
            static_cast<unsigned long long>(r2 % 100), pick(kCity, r >> 32),
            static_cast<unsigned long long>((r2 >> 20) % 100000), created, upd);
    } else if (stream == "products") {
        n = std::snprintf(buf, sizeof buf,
                          R"({"id":%llu,"name":"%s %llu","category":"%s","price":%llu.%02llu,)"
                          R"("in_stock":%s,"tags":["%s","%s"],"updated_at":"%s"})",
                          static_cast<unsigned long long>(index + 1), pick(kProduct, r),
                          static_cast<unsigned long long>(r2 % 1000), pick(kCategory, r >> 8),
                          static_cast<unsigned long long>(1 + (r >> 16) % 500),
                          static_cast<unsigned long long>(r2 % 100), ((r >> 40) & 1) ? "true" : "false",
                          pick(kCategory, r >> 20), pick(kCategory, r >> 28), upd);
    } else {
        iso(created, sizeof created, kEpoch + static_cast<int64_t>(index) - static_cast<int64_t>(r2 % 86400));
        n = std::snprintf(
            buf, sizeof buf,
            R"({"id":%llu,"user_id":%llu,"product_id":%llu,"quantity":%llu,"purchased_at":"%s","updated_at":"%s"})",
            static_cast<unsigned long long>(index + 1), static_cast<unsigned long long>(1 + r % 1000),
            static_cast<unsigned long long>(1 + (r >> 16) % 1000), static_cast<unsigned long long>(1 + (r >> 32) % 9),
            created, upd);
    }
    out.append(buf, static_cast<size_t>(n));
}

}  // namespace faker
