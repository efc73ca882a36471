// Test destination `dest_fields_probe`: checks, for every record it is given, that the members the host handed over
// with the batch (extension "connhost.record_fields/1", RecordView::fields) are exactly those a scan of the record's
// JSON finds, and fails the write on the first difference. At close it writes to config "report" one line:
// "<records> <records with the host's members>", so a test can tell that the host gave them. It asks for the members
// (Destination::uses_record_fields) unless config "keep" is false; then it counts the records of the batches whose
// members the host kept all the same (Host::batch_fields).
#include <connhost/sdk.hpp>
#include <connhost/sdk/entry.hpp>

#include <fstream>

namespace {

using namespace connhost::sdk;

// "" when `a` and `b` are the same members, else the first difference.
std::string difference(const std::vector<Field>& a, const std::vector<Field>& b) {
    if (a.size() != b.size()) return std::to_string(a.size()) + " members, a scan finds " + std::to_string(b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        const Field &x = a[i], &y = b[i];
        if (x.key.data() != y.key.data() || x.key.size() != y.key.size() || x.key_escaped != y.key_escaped ||
            x.kind != y.kind || x.value.data() != y.value.data() || x.value.size() != y.value.size() ||
            x.value_escaped != y.value_escaped)
            return "member " + std::to_string(i) + " (\"" + std::string(y.key) + "\") differs from a scan's";
    }
    return {};
}

class FieldsProbe final : public Destination {
public:
    using Destination::Destination;
    json::object spec() override {
        return parse_object(R"({"connectionSpecification":{"type":"object","properties":{"report":{"type":"string"}}},
                                "supported_destination_sync_modes":["append","overwrite"]})",
                            "spec");
    }
    void check(const json::object&) override {}
    void open(const json::object& config, const ConfiguredCatalog&) override {
        const auto* report = config.if_contains("report");
        if (!report || !report->is_string()) throw ConfigError("config.report must be the path of the report file");
        report_ = std::string(report->as_string());
        const auto* keep = config.if_contains("keep");  // false: a destination that does not ask for the members
        keep_ = !keep || !keep->is_bool() || keep->as_bool();
    }
    void write_batch(const ConfiguredStream&, const BatchView& batch) override {
        const connhost_field* kept = nullptr;
        const uint64_t* kept_offsets = nullptr;
        if (!keep_ && host().batch_fields(kept, kept_offsets)) with_fields_ += batch.size();  // kept unasked
        for (size_t i = 0; i < batch.size(); ++i) {
            const RecordView rec = batch[i];
            record_fields(rec, given_);
            scan_fields(rec.json, scanned_);
            if (std::string why = difference(given_, scanned_); !why.empty())
                throw Error(CONNHOST_STATUS_INTERNAL, "record " + std::to_string(records_ + 1) + ": the host's " + why);
            ++records_;
            if (rec.fields) ++with_fields_;
        }
    }
    bool uses_record_fields() const override { return keep_; }
    void commit() override {}
    void complete_stream(const ConfiguredStream&) override {}
    void close(bool) override { std::ofstream(report_) << records_ << ' ' << with_fields_ << '\n'; }

private:
    std::string report_;
    bool keep_ = true;
    std::vector<Field> given_, scanned_;
    uint64_t records_ = 0, with_fields_ = 0;
};

}  // namespace

CONNHOST_PLUGIN(FieldsProbe, "dest_fields_probe", "0.0.1",
                "Test destination comparing the host's record members with a scan")
