// Product names: what admins call a SKU ("Microsoft 365 E3") next to the part number the
// service gives ("SPE_E3").
//
// subscribedSku has no display name in Graph v1.0, only skuPartNumber, so the names come
// from a built-in table of common SKUs, as Microsoft publishes them in "Product names and
// service plan identifiers for licensing" (learn.microsoft.com/entra/identity/users/
// licensing-service-plan-reference), plus overrides from the file the config's
// `productNames` key names (sync/product_names_file.h). Overrides win. Part numbers match
// in any case. A SKU with no known name is shown by its part number alone.
//
// The names in use are installed once per process (install_product_names), before any
// thread reads them, and never change afterwards: every report and command of that run
// reads the same table without locks.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace tenantsync {

// The built-in table's name for a part number, or "" when it has none.
std::string_view builtin_product_name(std::string_view part_number);
// Entries in the built-in table (sorted by upper-cased part number, no duplicates).
std::size_t builtin_product_count();
std::string_view builtin_product_part_number(std::size_t index);

class ProductNames {
 public:
  // An override: this part number is called `name`. An empty name is ignored.
  void set(std::string_view part_number, std::string name);
  std::size_t override_count() const { return overrides_.size(); }

  // The product's name (override, else built-in), or "" when unknown.
  std::string name_of(std::string_view part_number) const;
  // "Microsoft 365 E3 (SPE_E3)", or "SPE_E3" when the name is unknown.
  std::string label(std::string_view part_number) const;

 private:
  std::map<std::string, std::string, std::less<>> overrides_;  // upper-cased part -> name
};

// The names in use in this process: the built-in table until install_product_names().
const ProductNames& product_names();
// Call once at start (the CLI does after loading the config), before other threads run.
void install_product_names(ProductNames names);

}  // namespace tenantsync
