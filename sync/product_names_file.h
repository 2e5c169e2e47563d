// The file the config's `productNames` key names: product names for SKUs the built-in
// table (sync/product_names.h) lacks, or names an admin prefers. Two forms:
//
//   - a JSON object (comments allowed): {"PART_NUMBER": "Display name", ...};
//   - Microsoft's "Product names and service plan identifiers for licensing" CSV as
//     downloaded: the columns String_Id and Product_Display_Name are used (others are
//     ignored); it has one row per service plan, so a product repeats, and the first row
//     of a part number gives its name.
//
// The form is told by the first character after a BOM and white space ('{' = JSON).
// Errors name the file and the line (and for JSON the column and key): ErrorKind::Invalid.
#pragma once

#include <string>
#include <string_view>

#include "model/result.h"
#include "sync/product_names.h"

namespace tenantsync {

// Parses `text`; `file` names it in errors.
Result<ProductNames> parse_product_names(std::string_view text, const std::string& file);

// Reads `path` and parses it; a file that cannot be read is ErrorKind::Io.
Result<ProductNames> load_product_names(const std::string& path);

}  // namespace tenantsync
