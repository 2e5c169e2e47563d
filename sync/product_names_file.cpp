#include "sync/product_names_file.h"

#include <fstream>
#include <set>
#include <sstream>

#include "model/json_source.h"
#include "sync/ascii_case.h"
#include "sync/csv_reader.h"

namespace tenantsync {

namespace {

constexpr const char* kProductNamesCode = "InvalidProductNames";

Error invalid(const std::string& message) {
  return make_error(ErrorKind::Invalid, message, kProductNamesCode);
}

// JSON when the first thing after a BOM, white space and `//` or `/* */` comments is '{'
// (the CSV's header is a column name).
bool looks_like_json(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  for (;;) {
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return false;
    text.remove_prefix(first);
    if (text.substr(0, 2) == "//") {
      size_t end = text.find('\n');
      if (end == std::string_view::npos) return false;
      text.remove_prefix(end);
    } else if (text.substr(0, 2) == "/*") {
      size_t end = text.find("*/", 2);
      if (end == std::string_view::npos) return false;
      text.remove_prefix(end + 2);
    } else {
      return text.front() == '{';
    }
  }
}

Result<ProductNames> parse_json_names(std::string_view text, const std::string& file) {
  auto source = parse_json_source(text, file);
  if (!source.ok()) return source.error();
  const nlohmann::json& root = source->root();
  if (!root.is_object()) {
    return invalid(source->locate("").prefix() +
                   "expected an object of part numbers and product names");
  }
  ProductNames names;
  for (const auto& [part, name] : root.items()) {
    std::string path = path_key("", part);
    if (trim_blanks(part).empty())
      return invalid(source->locate(path).prefix() + "empty part number");
    if (!name.is_string() || trim_blanks(name.get<std::string>()).empty()) {
      return invalid(source->locate(path).prefix() + "expected the product's name (a string)");
    }
    names.set(trim_blanks(part), std::string(trim_blanks(name.get<std::string>())));
  }
  return names;
}

Result<ProductNames> parse_csv_names(std::string_view text, const std::string& file) {
  CsvOptions options;
  options.source_name = file;
  auto table = parse_csv(text, options);
  if (!table.ok()) return table.error();
  int part_column = -1, name_column = -1;
  for (size_t i = 0; i < table->header.size(); ++i) {
    std::string h(trim_blanks(table->header[i]));
    if (h == "String_Id") part_column = static_cast<int>(i);
    if (h == "Product_Display_Name") name_column = static_cast<int>(i);
  }
  if (part_column < 0 || name_column < 0) {
    return invalid(file + ":" + std::to_string(table->header_line) +
                   ": expected the columns String_Id and Product_Display_Name (Microsoft's "
                   "licensing CSV) or a JSON object");
  }
  ProductNames names;
  std::set<std::string> seen;  // upper-cased part numbers
  for (const CsvRecord& row : table->rows) {
    std::string part(trim_blanks(row.fields[static_cast<size_t>(part_column)]));
    std::string name(trim_blanks(row.fields[static_cast<size_t>(name_column)]));
    if (part.empty() || name.empty()) {
      return invalid(file + ":" + std::to_string(row.line) + ": " +
                     (part.empty() ? "String_Id" : "Product_Display_Name") + " is empty");
    }
    // One row per service plan: the product's first row names it.
    if (!seen.insert(ascii_upper(part)).second) continue;
    names.set(part, name);
  }
  return names;
}

}  // namespace

Result<ProductNames> parse_product_names(std::string_view text, const std::string& file) {
  return looks_like_json(text) ? parse_json_names(text, file) : parse_csv_names(text, file);
}

Result<ProductNames> load_product_names(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorKind::Io, "cannot read product names file " + path + " (productNames)",
                      "ProductNamesNotFound");
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_product_names(text.str(), path);
}

}  // namespace tenantsync
