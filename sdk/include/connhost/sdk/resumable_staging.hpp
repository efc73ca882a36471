// Resumable overwrite staging: the tag a table destination keeps on an overwrite's staging table so that a later
// sync of the same attempt can go on writing into it (see TablePlan::open_staging in table_plan.hpp).
//
// A stream the host may resume carries ConfiguredStream::resumable_overwrite (attempt, resume_rows, resume_state).
// Its staging table holds rows whose _connhost_raw_id are numbered in write order (UuidGenerator::sequence_from),
// and a tag: the attempt that wrote it and its latest marks, each the stream_state of a STATE of the stream with the
// number of the last row written before that STATE. Rows numbered above a mark came after its state: a sync resuming
// after that state drops them, committed or not, so no row is ever written twice.
#pragma once
#include <connhost/sdk/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connhost::sdk {

// A STATE of the stream and the number of the last row written before it.
struct StagingMark {
    std::string state;  // the stream_state, serialized
    uint64_t seq = 0;
};

// What a resumable staging table carries about itself (a table comment, a bookkeeping row).
struct StagingTag {
    // Marks of older commits are forgotten: the host saves the last state of each commit, so its saved position
    // lags the committed rows by one commit (killed between the commit and the save).
    static constexpr size_t kMaxMarks = 16;
    std::string attempt;
    std::vector<StagingMark> marks;  // oldest first: the last mark of each commit, then the latest one since
    bool unsealed = false;           // marks.back() came after the last seal(): a later mark replaces it

    // The tag as stored: {"connhost_attempt": "...", "marks": [[state, seq], ...]}.
    std::string text() const {
        json::array m;
        for (const auto& k : marks) m.push_back(json::array{json::parse(k.state), k.seq});
        return json::serialize(json::object{{"connhost_attempt", attempt}, {"marks", std::move(m)}});
    }

    // The tag in `text`, or nullopt when it is not one (a comment someone else wrote, a broken tag).
    static std::optional<StagingTag> parse(std::string_view text) {
        boost::system::error_code ec;
        json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
        if (ec || !v.is_object()) return std::nullopt;
        const json::object& o = v.as_object();
        auto a = o.find("connhost_attempt");
        auto m = o.find("marks");
        if (a == o.end() || !a->value().is_string() || m == o.end() || !m->value().is_array()) return std::nullopt;
        StagingTag t;
        t.attempt = a->value().as_string();
        for (const auto& e : m->value().as_array()) {
            if (!e.is_array() || e.as_array().size() != 2 || !e.as_array()[1].is_number()) return std::nullopt;
            t.marks.push_back({json::serialize(e.as_array()[0]), e.as_array()[1].to_number<uint64_t>()});
        }
        return t;
    }

    // Adds a mark (replacing the one since the last seal), forgetting the oldest beyond kMaxMarks.
    void mark(std::string state, uint64_t seq) {
        if (unsealed) marks.pop_back();
        marks.push_back({std::move(state), seq});
        unsealed = true;
        if (marks.size() > kMaxMarks) marks.erase(marks.begin());
    }
    // The marks are being stored with a commit: the latest stays as that commit's mark.
    void seal() noexcept { unsealed = false; }
};

// The stream_state of an AirbyteStateMessage of type STREAM with its descriptor's name and namespace; nullopt for
// another type or a malformed message.
struct StreamStateOf {
    std::string name, ns, state;  // state serialized
};
inline std::optional<StreamStateOf> stream_state_of(std::string_view state_json) {
    boost::system::error_code ec;
    json::value v = json::parse(json::string_view(state_json.data(), state_json.size()), ec);
    if (ec || !v.is_object()) return std::nullopt;
    const json::object& o = v.as_object();
    auto type = o.find("type");
    auto stream = o.find("stream");
    if (type == o.end() || type->value() != "STREAM" || stream == o.end() || !stream->value().is_object())
        return std::nullopt;
    const json::object& so = stream->value().as_object();
    auto d = so.find("stream_descriptor");
    auto st = so.find("stream_state");
    if (d == so.end() || !d->value().is_object() || st == so.end()) return std::nullopt;
    StreamStateOf out;
    const json::object& desc = d->value().as_object();
    if (auto n = desc.find("name"); n != desc.end() && n->value().is_string()) out.name = n->value().as_string();
    if (auto n = desc.find("namespace"); n != desc.end() && n->value().is_string()) out.ns = n->value().as_string();
    out.state = json::serialize(st->value());
    return out;
}

}  // namespace connhost::sdk
