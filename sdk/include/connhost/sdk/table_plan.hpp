// TablePlan: where each configured stream of a destination lands, and the overwrite staging every
// destination shares: one naming convention, one collision check, one reserved prefix, one swap and drop rule.
//
// A destination says where a stream goes (a container: schema, folder or "" — and a name in it: table or
// file) and supplies the storage primitives (StagingStore: swap the staging in, drop it); the plan does the rest:
//   - names starting with "_connhost_" (kReservedPrefix) are the destination's own and refused for streams;
//   - two streams that land on one name in one container are refused, naming both;
//   - an overwrite stream is written to staging_name(final) = "_connhost_tmp_<final>" in the same container,
//     created fresh at open; complete() swaps it in; drop_unfinished() (close(false)) drops it, so an
//     unfinished full refresh never replaces the previous data;
//   - generations (Airbyte's refreshes): a stream whose minimum_generation_id is above 0 and that is not an overwrite
//     has its rows of older generations (generation below the minimum; NULL counts as 0) deleted by complete(),
//     after every row of this sync is committed and never before: an unfinished truncate refresh keeps them. A
//     destination that stores no generation (NameRules::generations false) refuses such a stream at planning;
//   - resumable overwrites (the stream carries resumable_overwrite, see resumable_staging.hpp): open_staging() keeps
//     the staging of the same attempt, trimmed to the state the source resumes after, and drops any other;
//     note_state() marks each STATE of the stream; drop_unfinished() keeps such a staging for the next sync.
// Run thread only.
#pragma once
#include <connhost/sdk/catalog.hpp>
#include <connhost/sdk/host.hpp>
#include <connhost/sdk/record_meta.hpp>
#include <connhost/sdk/resumable_staging.hpp>
#include <connhost/sdk/status.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace connhost::sdk {

// The prefix of every table, file or column a destination makes for itself; streams may not use it.
inline constexpr std::string_view kReservedPrefix = "_connhost_";
// The prefix of overwrite staging: an overwrite of `final` is written to "_connhost_tmp_<final>".
inline constexpr std::string_view kStagingPrefix = "_connhost_tmp_";

// `name` with ASCII letters lowered: equal results are one name where case does not count (SQLite identifiers).
inline std::string fold_ascii_case(std::string name) {
    for (char& c : name)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return name;
}

// Where a stream lands: `name` (a table or file name) inside `container` (a schema, a folder, or "").
struct StreamPlace {
    std::string container, name;
};

// How a destination names things; filled in by the destination.
struct NameRules {
    std::string connector;           // "dest_sqlite": for messages
    std::string kind;                // "SQLite table", "file": for messages
    std::string separator = ".";     // between container and name in messages ("/" for files)
    bool fold_case = false;          // names equal ignoring ASCII case are one name (SQLite)
    bool generations = false;        // rows carry _connhost_generation_id: older generations can be deleted
    bool resumes_overwrite = false;  // implements resumable staging (open_staging, note_state, the tag; see below)
    // A name as the store can hold it (PostgreSQL: at most 63 bytes); applied to the final and the staging name.
    std::function<std::string(std::string_view)> fit = [](std::string_view n) { return std::string(n); };
    // Where stream `s` lands (before fit); may throw ConfigError for a name the store cannot hold.
    std::function<StreamPlace(const ConfiguredStream& s)> place;
};

// One stream's target.
struct StreamPlan {
    const ConfiguredStream* stream = nullptr;
    DestinationSyncMode mode = DestinationSyncMode::Append;
    std::string container;
    std::string final_name;    // where the stream's rows end up
    std::string staging_name;  // overwrite: where rows go until complete(); "" otherwise
    bool staged = false;       // rows go to staging_name now (overwrite, not swapped in yet)
    // At completion, delete the rows of generations below the stream's minimum_generation_id (not swapped yet).
    bool drop_older_generations = false;
    StagingTag tag;  // a resumable overwrite's staging: its attempt and marks (tag_dirty: not stored since a change)
    bool tag_dirty = false;

    // Whether this overwrite's staging survives an unfinished sync for the next one to resume.
    bool resumable() const noexcept { return staged && resumes; }
    bool resumes = false;  // the stream has resumable_overwrite and the destination NameRules::resumes_overwrite
    // The name rows are written to now.
    const std::string& target() const noexcept { return staged ? staging_name : final_name; }
};

// How to open a stream's staging (TablePlan::open_staging).
struct StagingOpening {
    bool keep = false;          // write on into the existing staging; else drop it and create a fresh one
    uint64_t keep_through = 0;  // keep: delete the rows numbered above this; number new rows from it + 1
};

// The storage primitives of overwrite staging and generation clean-up; the destination implements them.
class StagingStore {
public:
    // Replaces plan.final_name by plan.staging_name durably (drop the old, rename the staging).
    virtual void swap_in(StreamPlan& plan) = 0;
    // Drops plan.staging_name if it exists; the previous data stays untouched.
    virtual void drop_staging(StreamPlan& plan) = 0;
    // Deletes durably, in one transaction, the rows of plan.final_name whose generation is below the stream's
    // minimum_generation_id (older_generations_sql). Called only when NameRules::generations is true.
    virtual void delete_older_generations(StreamPlan& plan) { (void)plan; }

protected:
    ~StagingStore() = default;
};

class TablePlan {
public:
    TablePlan() = default;
    // Plans every stream of `catalog`; throws ConfigError for a reserved name or two streams on one name.
    TablePlan(const ConfiguredCatalog& catalog, const NameRules& rules) : rules_(rules) {
        std::map<std::pair<std::string, std::string>, const ConfiguredStream*> owner;  // (container, folded name)
        for (const auto& s : catalog.streams()) {
            StreamPlan p = plan_of(s);
            auto [it, fresh] = owner.emplace(std::make_pair(p.container, folded(p.final_name)), &s);
            if (!fresh)
                throw ConfigError("streams " + it->second->display_name() + " and " + s.display_name() +
                                  " map to the same " + rules_.kind + " " + shown(p) +
                                  (rules_.fold_case ? " (names differing only in ASCII case are one name here)" : "") +
                                  ": rename one or give them different namespaces");
            plans_.emplace(&s, std::move(p));
        }
    }

    StreamPlan& at(const ConfiguredStream& s) { return plans_.at(&s); }
    std::map<const ConfiguredStream*, StreamPlan>& plans() noexcept { return plans_; }
    // Whether a resumable staging's tag changed since it was stored (a state marked it): the next commit stores it,
    // even when no row came since.
    bool tags_to_store() const noexcept {
        for (const auto& [s, p] : plans_)
            if (p.resumable() && p.tag_dirty) return true;
        return false;
    }

    // The stream completed: an overwrite's staging is swapped in (once), later rows go to the final name; rows of
    // generations below the stream's minimum are deleted (once).
    void complete(const ConfiguredStream& s, StagingStore& store) {
        StreamPlan& p = at(s);
        if (p.staged) {
            store.swap_in(p);
            p.staged = false;
        }
        if (p.drop_older_generations) {
            store.delete_older_generations(p);
            p.drop_older_generations = false;
        }
    }

    // The keep-or-drop rule of an overwrite's staging, given the tag text `found` on its existing staging (nullopt:
    // no staging exists). Keeps it only when the stream resumes rows (resume_rows) and `found` names the same
    // attempt and marks resume_state; then p.tag holds the marks up to that one. Otherwise a fresh staging, tagged
    // with the stream's attempt when it is resumable. Throws ConfigError when rows must be resumed but cannot be.
    StagingOpening open_staging(StreamPlan& p, const std::optional<std::string>& found) const {
        p.tag = {};
        p.tag_dirty = p.resumable();
        if (!p.resumable()) return {};
        const ResumableOverwrite& r = *p.stream->resumable_overwrite;
        p.tag.attempt = r.attempt;
        if (!r.resume_rows) return {};
        std::optional<StagingTag> t = found ? StagingTag::parse(*found) : std::nullopt;
        auto refuse = [&](const std::string& why) {
            return ConfigError(
                "stream " + p.stream->display_name() + ": cannot resume its interrupted overwrite (attempt " +
                r.attempt + ") in " + rules_.kind + " " + p.staging_name + ": " + why +
                "; the previous data is untouched. Run the sync with --reset-state to refresh from the start");
        };
        if (!found) throw refuse("the staging is gone (dropped by someone else, or swapped in already)");
        if (!t || t->attempt != r.attempt)
            throw refuse("the staging belongs to " + (t ? "attempt " + t->attempt : std::string("no attempt")));
        for (size_t i = t->marks.size(); i-- > 0;)
            if (t->marks[i].state == r.resume_state) {
                t->marks.resize(i + 1);
                p.tag = std::move(*t);
                return {true, p.tag.marks.back().seq};
            }
        throw refuse("the staging holds no mark of the saved state " + r.resume_state);
    }

    // A STATE arrived (its AirbyteStateMessage JSON): a STREAM state of a resumable staging is marked with
    // last_seq(plan), the number of the last row written to it before the state. Other states change nothing.
    template <class LastSeq>
    void note_state(std::string_view state_json, LastSeq&& last_seq) {
        bool any = false;
        for (auto& [s, p] : plans_) any = any || p.resumable();
        if (!any) return;
        std::optional<StreamStateOf> st = stream_state_of(state_json);
        if (!st) return;
        for (auto& [s, p] : plans_)
            if (p.resumable() && s->name == st->name && s->ns.value_or("") == st->ns) {
                p.tag.mark(std::move(st->state), last_seq(p));
                p.tag_dirty = true;
                return;
            }
    }

    // close(false): drops every staging not swapped in, except resumable ones (kept for the next sync); a failure
    // to drop is logged (the next sync re-creates it).
    void drop_unfinished(StagingStore& store, Host host) noexcept {
        for (auto& [s, p] : plans_) {
            if (!p.staged) continue;
            if (p.resumable()) {
                host.info("the staging " + rules_.kind + " " + p.staging_name + " of stream " + s->display_name() +
                          " is kept: the next sync resumes the overwrite");
                continue;
            }
            try {
                store.drop_staging(p);
            } catch (const std::exception& e) {
                host.warn("could not drop the staging " + rules_.kind + " " + p.staging_name + " of stream " +
                          s->display_name() + " (the next sync of the stream drops it): " + e.what());
            }
        }
    }

private:
    StreamPlan plan_of(const ConfiguredStream& s) const {
        StreamPlace place = rules_.place(s);
        StreamPlan p;
        p.stream = &s;
        p.mode = s.destination_sync_mode;
        p.container = std::move(place.container);
        p.final_name = rules_.fit(place.name);
        if (folded(p.final_name).compare(0, kReservedPrefix.size(), kReservedPrefix) == 0)
            throw ConfigError("stream " + s.display_name() + " maps to " + rules_.kind + " " + shown(p) +
                              ": names starting with " + std::string(kReservedPrefix) + " are reserved by " +
                              rules_.connector + ": rename the stream or give it a namespace");
        if (p.mode == DestinationSyncMode::Overwrite) {
            p.staging_name = rules_.fit(std::string(kStagingPrefix) + p.final_name);
            p.staged = true;
            p.resumes = rules_.resumes_overwrite && s.resumable_overwrite.has_value();
        }
        p.drop_older_generations = drops_older_generations(s);
        return p;
    }

    // Whether stream `s` is a truncate refresh that completion finishes by deleting older generations; throws
    // ConfigError for generation ids that contradict each other or a destination that stores no generation.
    bool drops_older_generations(const ConfiguredStream& s) const {
        if (s.minimum_generation_id <= 0) return false;
        if (s.generation_id < s.minimum_generation_id)
            throw ConfigError("stream " + s.display_name() + ": generation_id " + std::to_string(s.generation_id) +
                              " is below minimum_generation_id " + std::to_string(s.minimum_generation_id) +
                              ", so completing it would delete its own rows: fix the configured catalog");
        if (s.destination_sync_mode == DestinationSyncMode::Overwrite) return false;  // the swap replaces every row
        if (!rules_.generations)
            throw ConfigError("stream " + s.display_name() + " asks to delete generations below " +
                              std::to_string(s.minimum_generation_id) + " (minimum_generation_id), but " +
                              rules_.connector + " stores no generation: use destination_sync_mode overwrite");
        return true;
    }

    std::string folded(std::string name) const { return rules_.fold_case ? fold_ascii_case(std::move(name)) : name; }

    std::string shown(const StreamPlan& p) const {
        return "\"" + (p.container.empty() ? p.final_name : p.container + rules_.separator + p.final_name) + "\"";
    }

    NameRules rules_;
    std::map<const ConfiguredStream*, StreamPlan> plans_;
};

// The statement deleting the rows of generations below `minimum` from `quoted_table` (PostgreSQL and SQLite): rows
// without a generation (NULL: written before generations were stored) count as generation 0.
inline std::string older_generations_sql(const std::string& quoted_table, int64_t minimum) {
    return "DELETE FROM " + quoted_table + " WHERE COALESCE(\"" + std::string(kMetaColumns[kGenerationIdColumn]) +
        "\", 0) < " + std::to_string(minimum);
}

}  // namespace connhost::sdk
