// Inputs the fuzz targets (fuzz/) found to misbehave in the model's codecs, kept as
// tests (the inputs themselves are in fuzz/regressions/): each must give a clean error. A seat
// count that is no int (1e300, 2^31, 2^63) was converted with undefined behaviour
// (UndefinedBehaviorSanitizer: "outside the range of representable values of type 'int'") or
// silently wrapped to a negative count.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "model/sku.h"

namespace tenantsync {
namespace fuzz_regression_test {

using nlohmann::json;

json sku_with(const std::string& key, const json& value) {
  json sku = {
      {"skuId", "05e9a617-0261-4cee-bb44-138d3ef5d965"},
      {"skuPartNumber", "SPE_E3"},
      {"consumedUnits", 3},
      {"prepaidUnits", {{"enabled", 10}, {"suspended", 0}, {"warning", 0}, {"lockedOut", 0}}}};
  if (key == "consumedUnits") {
    sku[key] = value;
  } else {
    sku["prepaidUnits"][key] = value;
  }
  return sku;
}

TEST(FuzzRegressionTest, ASeatCountThatIsNoCountIsUnexpectedData) {
  // fuzz_graph_codecs: {"skuId":"x","skuPartNumber":"y","consumedUnits":1e300}
  for (const char* key : {"consumedUnits", "enabled", "warning", "suspended", "lockedOut"}) {
    for (const json& bad : {json(1e300), json(-1e300), json(2147483648LL), json(-1),
                            json(9223372036854775808ULL), json(2.5), json("3")}) {
      SCOPED_TRACE(std::string(key) + " = " + bad.dump());
      EXPECT_THROW(sku_with(key, bad).get<Sku>(), json::exception);
    }
  }
}

TEST(FuzzRegressionTest, SeatCountsUpToABillionStillDecodeAndCannotOverflowASum) {
  json big = sku_with("enabled", 1000000000);
  big["prepaidUnits"]["warning"] = 1000000000;
  big["consumedUnits"] = 1000000000;
  Sku sku = big.get<Sku>();
  EXPECT_EQ(sku.usable_seats(), 2000000000);
  EXPECT_EQ(sku.free_seats(), 1000000000);
  EXPECT_EQ(sku_with("enabled", 7.0).get<Sku>().prepaid_units.enabled, 7);  // 7.0 is 7
}

// fuzz_graph_codecs crash-f80441eb: a SKU whose prepaidUnits hold 1.6e46 seats.
TEST(FuzzRegressionTest, TheFuzzedSkuIsUnexpectedData) {
  std::ifstream in(std::string(TENANTSYNC_SOURCE_DIR) +
                       "/fuzz/regressions/fuzz_graph_codecs/"
                       "crash-f80441eb88166be57086d21fe93312c46d447883",
                   std::ios::binary);
  ASSERT_TRUE(in);
  json j = json::parse(std::string(std::istreambuf_iterator<char>(in), {}), nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_THROW(j.get<Sku>(), json::exception);
}

}  // namespace fuzz_regression_test
}  // namespace tenantsync
