#include "model/user_text_limits.h"

namespace tenantsync {

std::string text_length_problem(std::string_view utf8, size_t max_length) {
  size_t characters = 0;
  for (char c : utf8) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (characters <= max_length) return "";
  return "is " + std::to_string(characters) + " characters long; the service allows at most " +
         std::to_string(max_length);
}

}  // namespace tenantsync
