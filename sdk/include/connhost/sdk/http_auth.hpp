// Authenticators for HttpClient: bearer token, HTTP basic, api key (header or query), OAuth2 client
// credentials (token fetched, cached, refreshed before expiry and after a 401), and one from config JSON.
#pragma once
#include <connhost/sdk/http.hpp>
#include <connhost/sdk/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace connhost::sdk {

// "Authorization: Bearer <token>".
class BearerAuth final : public Authenticator {
public:
    explicit BearerAuth(std::string token) : token_(std::move(token)) {}
    void apply(HttpRequest& r) override { r.headers.emplace_back("Authorization", "Bearer " + token_); }
    std::vector<std::string> secrets() const override { return {token_}; }

private:
    std::string token_;
};

// "Authorization: Basic base64(user:password)" (RFC 7617).
class BasicAuth final : public Authenticator {
public:
    BasicAuth(std::string user, std::string password) : user_(std::move(user)), password_(std::move(password)) {}
    void apply(HttpRequest& r) override {
        r.headers.emplace_back("Authorization", "Basic " + base64_encode(user_ + ":" + password_));
    }
    std::vector<std::string> secrets() const override { return {password_, base64_encode(user_ + ":" + password_)}; }

private:
    std::string user_, password_;
};

// An api key sent as header `name: [prefix]key` or as query parameter `name=key`.
class ApiKeyAuth final : public Authenticator {
public:
    enum class In { header, query };
    ApiKeyAuth(In in, std::string name, std::string key, std::string prefix = {})
        : in_(in), name_(std::move(name)), key_(std::move(key)), prefix_(std::move(prefix)) {}
    void apply(HttpRequest& r) override {
        if (in_ == In::header)
            r.headers.emplace_back(name_, prefix_ + key_);
        else
            r.url = url_with_params(r.url, {{name_, key_}});
    }
    std::vector<std::string> secrets() const override { return {key_}; }
    std::vector<std::string> secret_params() const override {
        return in_ == In::query ? std::vector<std::string>{name_} : std::vector<std::string>{};
    }

private:
    In in_;
    std::string name_, key_, prefix_;
};

// OAuth 2.0 client credentials grant (RFC 6749 4.4). The token is fetched on first use, cached, fetched
// again shortly before `expires_in` runs out and after a 401. Uses `client` for the token request
// (without credentials, with its retries); `client` must outlive this object.
class OAuth2ClientCredentials final : public Authenticator {
public:
    struct Settings {
        std::string token_url;
        std::string client_id;
        std::string client_secret;
        std::string scope;  // optional
        bool credentials_in_body =
            false;  // false: HTTP basic (RFC 6749 2.3.1 preferred); true: client_id/client_secret form fields
        HttpHeaders extra_params;  // extra form fields (e.g. audience)
    };

    OAuth2ClientCredentials(HttpClient& client, Settings s) : client_(client), s_(std::move(s)) {}

    void apply(HttpRequest& r) override {
        if (token_.empty() || std::chrono::steady_clock::now() >= refresh_at_) fetch();
        r.headers.emplace_back("Authorization", "Bearer " + token_);
    }
    bool refresh_after_unauthorized() override {
        token_.clear();  // apply() fetches a new one
        return true;
    }
    std::vector<std::string> secrets() const override {
        std::vector<std::string> s = old_tokens_;
        s.push_back(s_.client_secret);
        s.push_back(base64_encode(s_.client_id + ":" + s_.client_secret));
        s.push_back(basic_credentials());  // as the token request sends them
        s.push_back(url_encode(s_.client_secret));
        return s;
    }
    // Token requests made so far.
    int fetches() const noexcept { return fetches_; }

private:
    void fetch() {
        HttpRequest req;
        req.method = "POST";
        req.url = s_.token_url;
        req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
        req.headers.emplace_back("Accept", "application/json");
        req.body = "grant_type=client_credentials";
        if (!s_.scope.empty()) req.body += "&scope=" + url_encode(s_.scope);
        for (const auto& [k, v] : s_.extra_params) req.body += "&" + url_encode(k) + "=" + url_encode(v);
        if (s_.credentials_in_body)
            req.body += "&client_id=" + url_encode(s_.client_id) + "&client_secret=" + url_encode(s_.client_secret);
        else
            req.headers.emplace_back("Authorization", "Basic " + basic_credentials());
        ++fetches_;
        HttpResponse resp = client_.send_unauthenticated(req, [](const HttpResponse& r) -> std::string {
            boost::system::error_code ec;
            json::value v = json::parse(json::string_view(r.body.data(), r.body.size()), ec);
            if (ec || !v.is_object()) return "the token response is not a JSON object";
            return {};
        });
        json::value v = json::parse(json::string_view(resp.body.data(), resp.body.size()));
        const json::object& o = v.as_object();
        auto tok = o.find("access_token");
        if (tok == o.end() || !tok->value().is_string() || tok->value().as_string().empty())
            throw ConfigError("the OAuth2 token endpoint " + client_.mask_url_text(s_.token_url) +
                              " answered without an access_token");
        token_ = std::string(tok->value().as_string());
        old_tokens_.push_back(token_);
        double lifetime = 3600;
        if (auto e = o.find("expires_in"); e != o.end()) {
            if (e->value().is_number())
                lifetime = e->value().to_number<double>();
            else if (e->value().is_string())
                lifetime = std::atof(e->value().as_string().c_str());
        }
        // Refresh before expiry: 60 s early for long-lived tokens, a tenth of the lifetime for short ones.
        double early = std::min(60.0, lifetime / 10);
        refresh_at_ = std::chrono::steady_clock::now() +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                          std::chrono::duration<double>(std::max(0.0, lifetime - early)));
    }

    // HTTP basic client authentication (RFC 6749 2.3.1): base64 of the form-encoded id ":" secret.
    std::string basic_credentials() const {
        return base64_encode(url_encode(s_.client_id) + ":" + url_encode(s_.client_secret));
    }

    HttpClient& client_;
    Settings s_;
    std::string token_;
    std::vector<std::string> old_tokens_;
    std::chrono::steady_clock::time_point refresh_at_{};
    int fetches_ = 0;
};

// Builds the authenticator described by config object `auth` (nullptr for type "none"):
//   {"type": "none"} | {"type": "bearer", "token"} | {"type": "basic", "username", "password"}
//   | {"type": "api_key", "name", "value", "in": "header"|"query", "prefix"}
//   | {"type": "oauth2_client_credentials", "token_url", "client_id", "client_secret", "scope", "credentials_in":
//   "basic"|"body"}
// Throws ConfigError naming the missing or unknown field; `where` prefixes field names ("config.auth").
inline std::unique_ptr<Authenticator> make_authenticator(HttpClient& client, const json::object& auth,
                                                         const std::string& where = "config.auth") {
    ConfigView c(auth, where);
    std::string type = c.choice_or("type", {"none", "bearer", "basic", "api_key", "oauth2_client_credentials"}, "none");
    const std::string ctx = "for auth type " + type;
    if (type == "none") c.reject_unknown_keys({"type"}, ctx);
    if (type == "bearer") c.reject_unknown_keys({"type", "token"}, ctx);
    if (type == "basic") c.reject_unknown_keys({"type", "username", "password"}, ctx);
    if (type == "api_key") c.reject_unknown_keys({"type", "in", "name", "prefix", "value"}, ctx);
    if (type == "oauth2_client_credentials")
        c.reject_unknown_keys({"type", "token_url", "client_id", "client_secret", "scope", "credentials_in"}, ctx);
    if (type == "none") return nullptr;
    if (type == "bearer") return std::make_unique<BearerAuth>(c.string("token"));
    if (type == "basic") return std::make_unique<BasicAuth>(c.string("username"), c.string_or("password", ""));
    if (type == "api_key") {
        std::string in = c.choice_or("in", {"header", "query"}, "header");
        return std::make_unique<ApiKeyAuth>(in == "header" ? ApiKeyAuth::In::header : ApiKeyAuth::In::query,
                                            c.string_or("name", in == "header" ? "X-API-Key" : "api_key"),
                                            c.string("value"), c.string_or("prefix", ""));
    }
    OAuth2ClientCredentials::Settings s;
    s.token_url = c.string("token_url");
    s.client_id = c.string("client_id");
    s.client_secret = c.string("client_secret");
    s.scope = c.string_or("scope", "");
    s.credentials_in_body = c.choice_or("credentials_in", {"basic", "body"}, "basic") == "body";
    return std::make_unique<OAuth2ClientCredentials>(client, std::move(s));
}

}  // namespace connhost::sdk
