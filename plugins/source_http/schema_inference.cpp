#include "schema_inference.hpp"

namespace source_http {

// What was seen at one place in the records.
struct SchemaInference::Node {
    enum : unsigned { kNull = 1, kBool = 2, kInt = 4, kNum = 8, kStr = 16, kObj = 32, kArr = 64 };
    unsigned types = 0;
    size_t objects = 0;                                                     // times this node was an object
    std::vector<std::string> order;                                         // property names in first-seen order
    std::map<std::string, std::pair<size_t, std::unique_ptr<Node>>> props;  // name -> (times present, node)
    std::unique_ptr<Node> items;                                            // merged array elements

    void add(const json::value& v) {
        switch (v.kind()) {
            case json::kind::null: types |= kNull; break;
            case json::kind::bool_: types |= kBool; break;
            case json::kind::int64:
            case json::kind::uint64: types |= kInt; break;
            case json::kind::double_: types |= kNum; break;
            case json::kind::string: types |= kStr; break;
            case json::kind::object: {
                types |= kObj;
                ++objects;
                for (const auto& kv : v.as_object()) {
                    std::string k(kv.key());
                    auto& slot = props[k];
                    if (!slot.second) {
                        slot.second = std::make_unique<Node>();
                        order.push_back(k);
                    }
                    ++slot.first;
                    slot.second->add(kv.value());
                }
                break;
            }
            case json::kind::array:
                types |= kArr;
                if (!items) items = std::make_unique<Node>();
                for (const auto& e : v.as_array()) items->add(e);
                break;
        }
    }

    json::object schema(bool nullable) const {
        json::object s;
        json::array t;
        if (types & kNull || nullable) t.push_back("null");
        if (types & kBool) t.push_back("boolean");
        if (types & kNum)
            t.push_back("number");
        else if (types & kInt)
            t.push_back("integer");
        if (types & kStr) t.push_back("string");
        if (types & kObj) t.push_back("object");
        if (types & kArr) t.push_back("array");
        if (types == 0 && !nullable) return s;  // never seen with a value: any
        if (t.size() == 1)
            s["type"] = t[0];
        else
            s["type"] = std::move(t);
        if (types & kObj) {
            json::object p;
            for (const auto& name : order) {
                const auto& [count, node] = props.at(name);
                p[name] = node->schema(count < objects);
            }
            s["properties"] = std::move(p);
        }
        if (types & kArr) s["items"] = items && items->types ? items->schema(false) : json::object();
        return s;
    }
};

SchemaInference::SchemaInference() : root_(std::make_unique<Node>()) {}
SchemaInference::~SchemaInference() = default;

void SchemaInference::add(const json::value& record) {
    root_->add(record);
    ++records_;
}

json::object SchemaInference::schema() const {
    json::object s;
    s["$schema"] = "http://json-schema.org/draft-07/schema#";
    s["type"] = "object";
    json::object body = root_->schema(false);
    auto p = body.find("properties");
    s["properties"] = p != body.end() ? p->value() : json::object();
    return s;
}

}  // namespace source_http
