#include "fakes/fake_json_text.h"

#include <cstring>

#include "fakes/fake_errors.h"
#include "model/plain_json_text.h"

namespace tenantsync::fake {

void JsonText::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (first_.empty()) return;
  if (!first_.back()) out_ += ',';
  first_.back() = false;
}

void JsonText::open(char bracket) {
  separate();
  out_ += bracket;
  first_.push_back(true);
}

void JsonText::close(char bracket) {
  first_.pop_back();
  out_ += bracket;
}

void JsonText::key(std::string_view name) {
  string(name);
  out_ += ':';
  after_key_ = true;
}

void JsonText::string(std::string_view s) {
  separate();
  if (is_plain_json_text(s)) {
    size_t at = out_.size();
    out_.append(s.size() + 2, '"');  // the quotes, and room for the text between them
    std::memcpy(out_.data() + at + 1, s.data(), s.size());
  } else {
    out_ += wire_json(nlohmann::json(s));  // nlohmann's escaping and UTF-8 replacement
  }
}

void JsonText::null() {
  separate();
  out_ += "null";
}

void JsonText::boolean(bool b) {
  separate();
  out_ += b ? "true" : "false";
}

void JsonText::string_array(const std::vector<std::string>& items) {
  begin_array();
  for (const auto& s : items) string(s);
  end_array();
}

void JsonText::raw(std::string_view json) {
  separate();
  out_ += json;
}

}  // namespace tenantsync::fake
