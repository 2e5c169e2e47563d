// JSON written straight into text, for the fake's large answers (pages of up to 999 users):
// building nlohmann's tree for them and then serializing it was half of the fake's CPU in
// a full mirror. The text is what nlohmann's dump gives for the same values: callers
// write object keys in sorted order (as its std::map holds them), and strings are escaped
// alike, invalid UTF-8 replaced.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tenantsync::fake {

class JsonText {
 public:
  explicit JsonText(std::string& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // An object member's name; its value is written next.
  void key(std::string_view name);

  void string(std::string_view s);
  void null();
  void boolean(bool b);
  void string_array(const std::vector<std::string>& items);
  // A value already written as JSON text.
  void raw(std::string_view json);

 private:
  void open(char bracket);
  void close(char bracket);
  void separate();  // the comma before a value or member, when one came before it

  std::string& out_;
  std::vector<bool> first_;  // per open object or array: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace tenantsync::fake
