// runtime::BatchBuffer: an owned batch of one stream, filled record by record and seen through the ABI struct.
#include "runtime/batch_buffer.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using connhost::runtime::BatchBuffer;

namespace {

std::string_view record(const connhost_record_batch& b, uint32_t i) {
    return {b.data + b.offsets[i], static_cast<size_t>(b.offsets[i + 1] - b.offsets[i])};
}

}  // namespace

TEST_CASE("records, times and the stream appear in the view") {
    BatchBuffer buf;
    CHECK(buf.empty());
    buf.reset("users", false, "ignored");
    buf.add(R"({"id":1})", 1000);
    buf.add(R"({"id":2,"n":1.50})", 2000);
    CHECK(buf.size() == 2);
    CHECK(buf.bytes() == 25);
    const connhost_record_batch& b = buf.view();
    CHECK(b.struct_size == sizeof(connhost_record_batch));
    CHECK(b.record_count == 2);
    CHECK(std::string_view(b.stream, b.stream_size) == "users");
    CHECK(b.ns == nullptr);
    CHECK(b.ns_size == 0);
    CHECK(b.offsets[0] == 0);
    CHECK(b.data_size == 25);
    CHECK(record(b, 0) == R"({"id":1})");
    CHECK(record(b, 1) == R"({"id":2,"n":1.50})");
    CHECK(b.emitted_at[0] == 1000);
    CHECK(b.emitted_at[1] == 2000);
    CHECK(b.meta == nullptr);
    CHECK(b.meta_offsets == nullptr);
}

TEST_CASE("meta is carried per record; a record without meta has an empty span") {
    BatchBuffer buf;
    buf.reset("s", true, "ns");
    buf.add("{}", 1, R"({"changes":[]})");
    buf.add("{}", 2);
    const connhost_record_batch& b = buf.view();
    CHECK(std::string_view(b.ns, b.ns_size) == "ns");
    REQUIRE(b.meta != nullptr);
    REQUIRE(b.meta_offsets != nullptr);
    CHECK(std::string_view(b.meta + b.meta_offsets[0], b.meta_offsets[1] - b.meta_offsets[0]) == R"({"changes":[]})");
    CHECK(b.meta_offsets[2] == b.meta_offsets[1]);
}

TEST_CASE("same_stream compares name and namespace; an empty namespace is not no namespace") {
    BatchBuffer buf;
    buf.reset("s", true, "");
    CHECK(buf.same_stream("s", true, ""));
    CHECK_FALSE(buf.same_stream("s", false, ""));
    CHECK_FALSE(buf.same_stream("t", true, ""));
    buf.reset("s", false, "x");
    CHECK(buf.same_stream("s", false, "anything"));
    CHECK_FALSE(buf.same_stream("s", true, "x"));
}

TEST_CASE("add_batch copies another batch; the host stamps records without a time") {
    BatchBuffer src;
    src.reset("s", false, "");
    src.add(R"({"a":1})", 5, R"({"m":1})");
    src.add(R"({"a":2})", 6);
    connhost_record_batch b = src.view();
    b.emitted_at = nullptr;

    BatchBuffer dst;
    dst.reset("s", false, "");
    dst.add(R"({"a":0})", 4);
    dst.add_batch(b, 99);
    const connhost_record_batch& v = dst.view();
    REQUIRE(v.record_count == 3);
    CHECK(record(v, 0) == R"({"a":0})");
    CHECK(record(v, 1) == R"({"a":1})");
    CHECK(record(v, 2) == R"({"a":2})");
    CHECK(v.emitted_at[0] == 4);
    CHECK(v.emitted_at[1] == 99);
    CHECK(v.emitted_at[2] == 99);
    REQUIRE(v.meta != nullptr);
    CHECK(std::string_view(v.meta + v.meta_offsets[1], v.meta_offsets[2] - v.meta_offsets[1]) == R"({"m":1})");
    CHECK(v.meta_offsets[3] == v.meta_offsets[2]);

    // A batch with its own times and no meta, after records that had some: appended as one span, offsets moved.
    BatchBuffer more;
    more.reset("s", false, "");
    more.add(R"({"b":"x"})", 7);
    more.add(R"({"b":"yy"})", 8);
    dst.add_batch(more.view(), 99);
    const connhost_record_batch& w = dst.view();
    REQUIRE(w.record_count == 5);
    CHECK(record(w, 2) == R"({"a":2})");
    CHECK(record(w, 3) == R"({"b":"x"})");
    CHECK(record(w, 4) == R"({"b":"yy"})");
    CHECK(w.emitted_at[3] == 7);
    CHECK(w.emitted_at[4] == 8);
    CHECK(w.meta_offsets[5] == w.meta_offsets[2]);
    CHECK(w.offsets[5] == w.data_size);
}

TEST_CASE("a batch from an older, shorter struct is read without its meta fields") {
    BatchBuffer src;
    src.reset("s", false, "");
    src.add("{}", 1, R"({"m":1})");
    connhost_record_batch b = src.view();
    b.struct_size = offsetof(connhost_record_batch, meta);  // a writer that predates meta
    BatchBuffer dst;
    dst.reset("s", false, "");
    dst.add_batch(b, 0);
    CHECK(dst.view().meta == nullptr);
    CHECK(dst.size() == 1);
}

TEST_CASE("clear and reset empty the buffer") {
    BatchBuffer buf;
    buf.reset("s", false, "");
    buf.add("{}", 1, "{}");
    buf.clear();
    CHECK(buf.empty());
    CHECK(buf.bytes() == 0);
    const connhost_record_batch& b = buf.view();
    CHECK(b.record_count == 0);
    CHECK(b.offsets[0] == 0);
    CHECK(b.meta == nullptr);
    CHECK(buf.stream() == "s");
}

TEST_CASE("a borrowed record is seen in place, not copied, until the next reset") {
    const std::string big(3000, 'x');
    const std::string data = "{\"pad\":\"" + big + "\"}";
    BatchBuffer buf;
    buf.borrow("blobs", true, "ns", data, 42, R"({"m":1})");
    CHECK(buf.size() == 1);
    CHECK(buf.bytes() == data.size() + 7);
    const connhost_record_batch& b = buf.view();
    CHECK(b.data == data.data());  // the caller's bytes themselves
    CHECK(record(b, 0) == data);
    CHECK(b.emitted_at[0] == 42);
    CHECK(std::string_view(b.meta + b.meta_offsets[0], b.meta_offsets[1] - b.meta_offsets[0]) == R"({"m":1})");
    CHECK(std::string_view(b.ns, b.ns_size) == "ns");
    CHECK_THROWS_AS(buf.add("{}", 1), std::logic_error);
    buf.reset("blobs", false, "");
    buf.add(R"({"id":1})", 1);
    CHECK(buf.view().data != data.data());
    CHECK(record(buf.view(), 0) == R"({"id":1})");
}

namespace {

connhost_field member(uint32_t key_offset, uint32_t value_offset) {
    connhost_field f{};
    f.key_offset = key_offset;
    f.key_size = 1;
    f.value_offset = value_offset;
    f.value_size = 1;
    f.kind = CONNHOST_FIELD_NUMBER;
    return f;
}

}  // namespace

TEST_CASE("the records' members are kept when every record came with them, and count in bytes()") {
    BatchBuffer buf;
    buf.reset("s", false, "");
    const std::vector<connhost_field> one{member(2, 6)}, two{member(2, 6), member(8, 12)}, none;
    buf.add(R"({"a":1})", 1, {}, &one);
    buf.add("{}", 2, {}, &none);
    buf.add(R"({"a":1,"b":2})", 3, {}, &two);
    CHECK(buf.bytes() == 7 + 2 + 13 + 3 * sizeof(connhost_field));
    connhost::runtime::BatchFields f;
    REQUIRE(buf.fields(f));
    CHECK(f.offsets[0] == 0);
    CHECK(f.offsets[1] == 1);
    CHECK(f.offsets[2] == 1);
    CHECK(f.offsets[3] == 3);
    CHECK(f.fields[2].key_offset == 8);
    buf.clear();
    CHECK(!buf.fields(f));  // an empty batch has none
    buf.add(R"({"a":1})", 1, {}, &one);
    CHECK(buf.fields(f));
}

TEST_CASE("one record without its members leaves the whole batch without them") {
    BatchBuffer buf;
    buf.reset("s", false, "");
    const std::vector<connhost_field> one{member(2, 6)};
    buf.add(R"({"a":1})", 1, {}, &one);
    buf.add(R"({"a":1})", 2);
    buf.add(R"({"a":1})", 3, {}, &one);
    connhost::runtime::BatchFields f;
    CHECK(!buf.fields(f));
    CHECK(buf.bytes() == 21);
    buf.reset("s", false, "");
    buf.add(R"({"a":1})", 1, {}, &one);
    CHECK(buf.fields(f));  // reset starts over
    buf.borrow("s", false, "", R"({"a":1})", 1);
    CHECK(!buf.fields(f));  // a borrowed record was not checked here
}

TEST_CASE("add_batch carries a batch's members after those already held") {
    BatchBuffer src;
    src.reset("s", false, "");
    const std::vector<connhost_field> one{member(2, 6)}, two{member(2, 6), member(8, 12)};
    src.add(R"({"a":1,"b":2})", 1, {}, &two);
    src.add(R"({"a":1})", 2, {}, &one);
    connhost::runtime::BatchFields sf;
    REQUIRE(src.fields(sf));
    BatchBuffer dst;
    dst.reset("s", false, "");
    dst.add(R"({"a":1})", 0, {}, &one);
    dst.add_batch(src.view(), 0, sf);
    connhost::runtime::BatchFields f;
    REQUIRE(dst.fields(f));
    CHECK(dst.size() == 3);
    CHECK(f.offsets[1] == 1);
    CHECK(f.offsets[2] == 3);
    CHECK(f.offsets[3] == 4);
    CHECK(f.fields[2].key_offset == 8);
    dst.add_batch(src.view(), 0);  // without members
    CHECK(!dst.fields(f));
    CHECK(dst.size() == 5);
}
