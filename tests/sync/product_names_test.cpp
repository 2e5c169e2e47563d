// Product names: the built-in table of common SKUs, and the `productNames` file (a JSON
// object or Microsoft's licensing CSV) whose entries win over it.
#include "sync/product_names.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sync/product_names_file.h"
#include "tests/sync/memory_directory.h"

namespace tenantsync {
namespace product_names_test {

using ::testing::HasSubstr;

TEST(ProductNamesTest, TheBuiltInTableIsSortedWithoutDuplicates) {
  ASSERT_GE(builtin_product_count(), 60u);
  auto upper = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  };
  for (size_t i = 1; i < builtin_product_count(); ++i) {
    EXPECT_LT(upper(builtin_product_part_number(i - 1)), upper(builtin_product_part_number(i)))
        << "entry " << i;
  }
  // Every entry is found by its own part number.
  for (size_t i = 0; i < builtin_product_count(); ++i) {
    EXPECT_FALSE(builtin_product_name(builtin_product_part_number(i)).empty())
        << builtin_product_part_number(i);
  }
}

// The SKUs of the demo fixture and the generator, as Microsoft names them.
TEST(ProductNamesTest, NamesTheCommonSkusInAnyCase) {
  EXPECT_EQ(builtin_product_name("SPE_E3"), "Microsoft 365 E3");
  EXPECT_EQ(builtin_product_name("spe_e3"), "Microsoft 365 E3");
  EXPECT_EQ(builtin_product_name("SPE_E5"), "Microsoft 365 E5");
  EXPECT_EQ(builtin_product_name("EMS"), "Enterprise Mobility + Security E3");
  EXPECT_EQ(builtin_product_name("EXCHANGESTANDARD"), "Exchange Online (Plan 1)");
  EXPECT_EQ(builtin_product_name("ENTERPRISEPACK"), "Office 365 E3");
  EXPECT_EQ(builtin_product_name("POWER_BI_PRO"), "Power BI Pro");
  EXPECT_EQ(builtin_product_name("VISIOCLIENT"), "Visio Plan 2");
  EXPECT_EQ(builtin_product_name("PROJECTPROFESSIONAL"), "Project Plan 3");
  EXPECT_EQ(builtin_product_name("AAD_PREMIUM_P2"), "Microsoft Entra ID P2");
  EXPECT_EQ(builtin_product_name("Microsoft_365_Copilot"), "Copilot for Microsoft 365");
  for (const char* part : {"MCOEV", "MCOPSTN1", "FLOW_FREE", "ATP_ENTERPRISE"}) {
    EXPECT_FALSE(builtin_product_name(part).empty()) << part;
  }
  EXPECT_EQ(builtin_product_name("CONTOSO_CUSTOM_SKU"), "");
  EXPECT_EQ(builtin_product_name(""), "");
}

TEST(ProductNamesTest, ALabelIsTheNameWithThePartNumberOrThePartNumberAlone) {
  ProductNames names;
  EXPECT_EQ(names.label("SPE_E3"), "Microsoft 365 E3 (SPE_E3)");
  EXPECT_EQ(names.label("CONTOSO_CUSTOM_SKU"), "CONTOSO_CUSTOM_SKU");
  EXPECT_EQ(names.name_of("CONTOSO_CUSTOM_SKU"), "");
  names.set("contoso_custom_sku", "Contoso Add-on");
  names.set("SPE_E3", "M365 E3 (our name)");
  names.set("EMS", "");  // ignored: the built-in name stays
  EXPECT_EQ(names.label("CONTOSO_CUSTOM_SKU"), "Contoso Add-on (CONTOSO_CUSTOM_SKU)");
  EXPECT_EQ(names.name_of("spe_e3"), "M365 E3 (our name)");
  EXPECT_EQ(names.name_of("EMS"), "Enterprise Mobility + Security E3");
  names.set("FLOW_FREE", "flow_free");  // a name that is the part number adds nothing
  EXPECT_EQ(names.label("FLOW_FREE"), "FLOW_FREE");
}

TEST(ProductNamesFileTest, AJsonObjectNamesProductsAndWinsOverTheTable) {
  auto names = parse_product_names(
      "// our own names\n{\n  \"SPE_E3\": \"Microsoft 365 E3 (no Teams)\",\n"
      "  \"CONTOSO_ADDON\": \" Contoso Add-on \"\n}\n",
      "names.json");
  ASSERT_TRUE(names.ok()) << names.error().describe();
  EXPECT_EQ(names->override_count(), 2u);
  EXPECT_EQ(names->name_of("SPE_E3"), "Microsoft 365 E3 (no Teams)");
  EXPECT_EQ(names->name_of("contoso_addon"), "Contoso Add-on");
  EXPECT_EQ(names->name_of("EMS"), "Enterprise Mobility + Security E3");
}

TEST(ProductNamesFileTest, AJsonEntryThatIsNotANameIsAnErrorWithFileLineAndKey) {
  auto names = parse_product_names("{\n  \"SPE_E3\": \"Microsoft 365 E3\",\n  \"EMS\": 42\n}\n",
                                   "names.json");
  ASSERT_FALSE(names.ok());
  EXPECT_EQ(names.error().kind, ErrorKind::Invalid);
  EXPECT_THAT(names.error().message, HasSubstr("names.json:3:3: EMS: expected the product's name"));

  auto array = parse_product_names("{\"A\": \"x\"", "broken.json");
  ASSERT_FALSE(array.ok());
  EXPECT_THAT(array.error().message, HasSubstr("broken.json:1:"));
}

// Microsoft's CSV as downloaded: a BOM, CRLF, one row per service plan (so a product
// repeats), quoted names with commas, and columns tenantsync does not use.
TEST(ProductNamesFileTest, MicrosoftsLicensingCsvIsReadOneNamePerProduct) {
  std::string csv =
      "\xEF\xBB\xBFProduct_Display_Name,String_Id,GUID,Service_Plan_Name,Service_Plan_Id,"
      "Service_Plans_Included_Friendly_Names\r\n"
      "Microsoft 365 E3,SPE_E3,05e9a617-0261-4cee-bb44-138d3ef5d965,EXCHANGE_S_ENTERPRISE,"
      "efb87545-963c-4e0d-99df-69c6916d9eb0,Exchange Online (Plan 2)\r\n"
      "Microsoft 365 E3,SPE_E3,05e9a617-0261-4cee-bb44-138d3ef5d965,YAMMER_ENTERPRISE,"
      "7547a3fe-08ee-4ccb-b430-5077c5041653,Yammer Enterprise\r\n"
      "\"Contoso Suite, Plan 1\",CONTOSO_SUITE_P1,00000000-0000-0000-0000-000000000001,X,"
      "00000000-0000-0000-0000-000000000002,X\r\n";
  auto names = parse_product_names(csv, "licensing.csv");
  ASSERT_TRUE(names.ok()) << names.error().describe();
  EXPECT_EQ(names->override_count(), 2u);
  EXPECT_EQ(names->label("CONTOSO_SUITE_P1"), "Contoso Suite, Plan 1 (CONTOSO_SUITE_P1)");
  EXPECT_EQ(names->name_of("SPE_E3"), "Microsoft 365 E3");
}

TEST(ProductNamesFileTest, ABadCsvNamesTheFileAndLine) {
  auto missing = parse_product_names("Name,Part\r\nMicrosoft 365 E3,SPE_E3\r\n", "names.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::Invalid);
  EXPECT_THAT(missing.error().message,
              HasSubstr("names.csv:1: expected the columns String_Id and Product_Display_Name"));

  auto empty = parse_product_names(
      "String_Id,Product_Display_Name\nSPE_E3,Microsoft 365 E3\nEMS,\n", "names.csv");
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.error().message, HasSubstr("names.csv:3: Product_Display_Name is empty"));

  auto ragged = parse_product_names("String_Id,Product_Display_Name\nSPE_E3\n", "names.csv");
  ASSERT_FALSE(ragged.ok());
  EXPECT_THAT(ragged.error().message, HasSubstr("names.csv:2:"));
}

TEST(ProductNamesFileTest, AFileThatCannotBeReadIsAnIoErrorNamingIt) {
  TempDir dir;
  auto names = load_product_names(dir.file("absent.json"));
  ASSERT_FALSE(names.ok());
  EXPECT_EQ(names.error().kind, ErrorKind::Io);
  EXPECT_THAT(names.error().message, HasSubstr(dir.file("absent.json")));

  std::ofstream(dir.file("names.json")) << "{\"X_SKU\": \"X product\"}";
  auto read = load_product_names(dir.file("names.json"));
  ASSERT_TRUE(read.ok()) << read.error().describe();
  EXPECT_EQ(read->name_of("x_sku"), "X product");
}

TEST(ProductNamesTest, InstalledNamesAreWhatReportsUse) {
  ProductNames names;
  names.set("X_SKU", "X product");
  install_product_names(names);
  EXPECT_EQ(product_names().label("X_SKU"), "X product (X_SKU)");
  install_product_names(ProductNames());
  EXPECT_EQ(product_names().label("X_SKU"), "X_SKU");
  EXPECT_EQ(product_names().label("SPE_E3"), "Microsoft 365 E3 (SPE_E3)");
}

}  // namespace product_names_test
}  // namespace tenantsync
