#include "tests/fakes/graph_test_support.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace tenantsync::test {

std::string enc(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == ',' || c == '$') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

json body_of(const HttpReply& reply) {
  if (reply.body.empty()) return json();
  return json::parse(reply.body);
}

std::string error_code(const HttpReply& reply) {
  return body_of(reply).at("error").at("code").get<std::string>();
}

std::string error_message(const HttpReply& reply) {
  return body_of(reply).at("error").at("message").get<std::string>();
}

TempFile::TempFile(const std::string& content) {
  char name[] = "/tmp/fake-graph-test-XXXXXX";
  int fd = mkstemp(name);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  path_ = name;
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  close(fd);
}

TempFile::~TempFile() { unlink(path_.c_str()); }

json load_demo_fixture() {
  std::ifstream in(demo_fixture_path());
  std::stringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}

std::string FakeGraphTest::token(const std::string& tenant, const std::string& client,
                                 const std::string& secret) {
  std::string key = tenant + "|" + client;
  auto it = tokens_.find(key);
  if (it != tokens_.end()) return it->second;
  std::string t = fake_->token(tenant, client, secret);
  tokens_[key] = t;
  return t;
}

HttpReply FakeGraphTest::get(const std::string& path, const std::string& tok) {
  return http_request("GET", fake_->graph_url() + path, "", {{"Authorization", "Bearer " + tok}});
}

HttpReply FakeGraphTest::send(const std::string& method, const std::string& path, const json& body,
                              const std::string& tok) {
  std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + tok}};
  std::string text;
  if (!body.is_null()) {
    headers["Content-Type"] = "application/json";
    text = body.dump();
  }
  return http_request(method, fake_->graph_url() + path, text, headers);
}

HttpReply FakeGraphTest::assign(const std::string& user, const json& add, const json& remove,
                                const std::string& tenant) {
  return send("POST", "/users/" + enc(user) + "/assignLicense",
              {{"addLicenses", add}, {"removeLicenses", remove}}, token(tenant));
}

json FakeGraphTest::state_user(const std::string& tenant, const std::string& upn) {
  json state = fake_->state(tenant);
  for (const auto& list : {"users", "deletedUsers"}) {
    for (const auto& u : state[list]) {
      if (u["userPrincipalName"] == upn) return u;
    }
  }
  return json();
}

int FakeGraphTest::consumed(const std::string& tenant, const std::string& sku_id) {
  HttpReply r = get("/subscribedSkus", token(tenant));
  json body = body_of(r);
  for (const auto& s : body["value"]) {
    if (s["skuId"] == sku_id) return s["consumedUnits"].get<int>();
  }
  return -1;
}

}  // namespace tenantsync::test
