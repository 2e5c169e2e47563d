#include "sync/unicode_case.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

namespace tenantsync {
namespace {

TEST(UnicodeCaseTest, FoldsLettersOfEveryScriptOneForOne) {
  EXPECT_TRUE(equal_ignoring_case("Geschäftsführung", "GESCHÄFTSFÜHRUNG"));
  EXPECT_TRUE(equal_ignoring_case("Événements", "éVÉNEMENTS"));
  EXPECT_TRUE(equal_ignoring_case("Продажи", "ПРОДАЖИ"));
  EXPECT_TRUE(equal_ignoring_case("ΣΟΦΙΑ", "σοφια"));
  EXPECT_TRUE(equal_ignoring_case("ς", "Σ"));                    // final sigma folds to sigma
  EXPECT_TRUE(equal_ignoring_case("Straße", "STRAẞE"));          // capital sharp s, U+1E9E
  EXPECT_TRUE(equal_ignoring_case("\xE2\x84\xAA", "k"));         // Kelvin sign, to ASCII
  EXPECT_TRUE(equal_ignoring_case("Ｓａｌｅｓ", "ｓＡＬＥＳ"));  // fullwidth letters
  EXPECT_TRUE(equal_ignoring_case("", ""));
}

TEST(UnicodeCaseTest, AccentsAndOtherLettersStillCount) {
  EXPECT_FALSE(equal_ignoring_case("Equipe", "Équipe"));
  EXPECT_FALSE(equal_ignoring_case("Straße", "STRASSE"));     // simple folding: one for one
  EXPECT_FALSE(equal_ignoring_case("İstanbul", "istanbul"));  // no Turkish mapping
  EXPECT_FALSE(equal_ignoring_case("Sales", "Sales "));
  EXPECT_FALSE(equal_ignoring_case("Sales", "Sale"));
}

TEST(UnicodeCaseTest, BytesThatAreNotUtf8CompareAsTheyAre) {
  EXPECT_TRUE(
      equal_ignoring_case("A\xFF"
                          "b",
                          "a\xFF"
                          "B"));
  EXPECT_FALSE(equal_ignoring_case("a\xFF", "a\xFE"));
  EXPECT_FALSE(equal_ignoring_case("\xC3", "\xC3\xA4"));  // a cut sequence is not the letter
}

TEST(UnicodeCaseTest, OrdersConsistentlyWithEquality) {
  EXPECT_EQ(compare_ignoring_case("ärzte", "ÄRZTE"), 0);
  EXPECT_LT(compare_ignoring_case("Apfel", "birne"), 0);
  EXPECT_GT(compare_ignoring_case("Birne", "apfel"), 0);
  EXPECT_LT(compare_ignoring_case("Sale", "SALES"), 0);
  EXPECT_GT(compare_ignoring_case("a\xFF", "a\xC3\xA4"), 0);  // a stray byte after letters
}

TEST(UnicodeCaseTest, TheCollationComparesInSqlAsTheFunctionDoes) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  ASSERT_EQ(register_any_case(db), SQLITE_OK);
  auto count = [&](const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sql;
    int n = -1;
    if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return n;
  };
  EXPECT_EQ(count("SELECT 'Geschäftsführung' = 'GESCHÄFTSFÜHRUNG' COLLATE any_case"), 1);
  EXPECT_EQ(count("SELECT 'Geschäftsführung' = 'GESCHÄFTSFÜHRUNG' COLLATE NOCASE"), 0);
  EXPECT_EQ(count("SELECT 'Equipe' = 'Équipe' COLLATE any_case"), 0);
  sqlite3_close(db);
}

}  // namespace
}  // namespace tenantsync
