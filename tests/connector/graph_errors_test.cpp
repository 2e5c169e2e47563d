// Every error the contract lists, classified: kind, refusal, verbatim code and message.
#include "connector/graph_errors.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tenantsync {
namespace graph_errors_test {

using nlohmann::json;

std::string graph_error_body(const std::string& code, const std::string& message,
                             json details = nullptr) {
  json error = {{"code", code},
                {"message", message},
                {"innerError",
                 {{"date", "2026-11-20T00:00:00"},
                  {"request-id", "b1f3c1e2-0000-0000-0000-000000000000"},
                  {"client-request-id", "b1f3c1e2-0000-0000-0000-000000000001"}}}};
  if (!details.is_null()) error["details"] = details;
  return json{{"error", error}}.dump();
}

struct Case {
  const char* name;
  int status;
  std::string code;
  std::string message;
  ErrorKind kind;
  Refusal refusal;
};

class GraphErrorTableTest : public ::testing::TestWithParam<Case> {};

TEST_P(GraphErrorTableTest, ClassifiesAndKeepsCodeAndMessageVerbatim) {
  const Case& c = GetParam();
  Error e = classify_graph_error(c.status, {}, graph_error_body(c.code, c.message));
  EXPECT_EQ(e.kind, c.kind) << to_string(e.kind);
  EXPECT_EQ(e.refusal, c.refusal) << to_string(e.refusal);
  EXPECT_EQ(e.code, c.code);
  EXPECT_EQ(e.message, c.message);
  EXPECT_EQ(e.http_status, c.status);
}

const std::string kSku = "05e9a617-0261-4cee-bb44-138d3ef5d965";

INSTANTIATE_TEST_SUITE_P(
    Contract, GraphErrorTableTest,
    ::testing::Values(
        Case{"UsageLocation", 400, "Request_BadRequest",
             "License assignment cannot be done for user with invalid usage location.",
             ErrorKind::Rejected, Refusal::UsageLocation},
        Case{"Seats", 400, "Request_BadRequest",
             "Subscription with SKU " + kSku + " does not have any available licenses.",
             ErrorKind::Rejected, Refusal::Seats},
        Case{"UnknownSku", 400, "Request_BadRequest",
             "License " + kSku + " does not correspond to a valid company License.",
             ErrorKind::Rejected, Refusal::UnknownSku},
        Case{"NoSuchLicense", 400, "Request_BadRequest",
             "User does not have a corresponding license.", ErrorKind::Rejected,
             Refusal::NoSuchLicense},
        Case{"ExclusivePlans", 400, "Request_BadRequest",
             "License assignment failed because service plans "
             "9aaf7827-d63c-4b61-89c3-182f06f82e5c,efb87545-963c-4e0d-99df-69c6916d9eb0 are "
             "mutually exclusive.",
             ErrorKind::Rejected, Refusal::ExclusivePlans},
        Case{"Dependency", 400, "Request_BadRequest",
             "License assignment failed because service plan "
             "0dab259f-bf13-4952-b7f8-7db8f131b28d depends on the service plan(s) "
             "4828c8ec-dc2e-4779-b502-87ac9ce28ab7.",
             ErrorKind::Rejected, Refusal::Dependency},
        Case{"GroupInherited", 400, "Request_BadRequest",
             "User license is inherited from a group membership and it cannot be removed "
             "directly from the user.",
             ErrorKind::Rejected, Refusal::GroupInherited},
        Case{"PasswordComplexity", 400, "Request_BadRequest",
             "The specified password does not comply with password complexity requirements. "
             "Please provide a different password.",
             ErrorKind::Rejected, Refusal::PasswordComplexity},
        Case{"ExpiredPageToken", 400, "Directory_ExpiredPageToken",
             "The specified page token value has expired and can no longer be included in your "
             "request.",
             ErrorKind::Rejected, Refusal::Other},
        Case{"NotFound", 404, "Request_ResourceNotFound",
             "Resource 'x' does not exist or one of its queried reference-property objects are "
             "not present.",
             ErrorKind::NotFound, Refusal::None},
        Case{"Forbidden", 403, "Authorization_RequestDenied",
             "Insufficient privileges to complete the operation.", ErrorKind::Forbidden,
             Refusal::None},
        Case{"Unauthorized", 401, "InvalidAuthenticationToken", "Access token has expired.",
             ErrorKind::Auth, Refusal::None},
        Case{"Throttled", 429, "TooManyRequests", "Too many requests.", ErrorKind::Throttled,
             Refusal::None},
        Case{"Unavailable", 503, "serviceNotAvailable", "Service unavailable.",
             ErrorKind::Transient, Refusal::None},
        Case{"GatewayTimeout", 504, "UnknownError", "The gateway timed out.", ErrorKind::Transient,
             Refusal::None},
        Case{"SyncStateNotFound", 410, "syncStateNotFound",
             "The sync state generation is not found.", ErrorKind::ResyncNeeded, Refusal::None}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(GraphErrorsTest, DuplicateUpnIsConflictFromObjectConflictDetails) {
  std::string body = graph_error_body(
      "Request_BadRequest",
      "Another object with the same value for property userPrincipalName already exists.",
      json::array({{{"target", "userPrincipalName"}, {"code", "ObjectConflict"}}}));
  Error e = classify_graph_error(400, {}, body);
  EXPECT_EQ(e.kind, ErrorKind::Conflict);
  EXPECT_EQ(e.refusal, Refusal::DuplicateUpn);
  EXPECT_EQ(e.code, "Request_BadRequest");
  EXPECT_EQ(e.message,
            "Another object with the same value for property userPrincipalName already exists.");
}

TEST(GraphErrorsTest, ThrottledCarriesDecimalRetryAfter) {
  Error e = classify_graph_error(429, {{"retry-after", "2.128"}},
                                 graph_error_body("TooManyRequests", "Too many requests."));
  EXPECT_EQ(e.kind, ErrorKind::Throttled);
  EXPECT_DOUBLE_EQ(e.retry_after_seconds, 2.128);
}

TEST(GraphErrorsTest, NonJsonErrorBodyStillClassifiedByStatus) {
  Error e = classify_graph_error(502, {}, "<html><body>Bad gateway</body></html>");
  EXPECT_EQ(e.kind, ErrorKind::Transient);
  EXPECT_EQ(e.http_status, 502);
  EXPECT_EQ(e.message, "HTTP 502");
  Error empty = classify_graph_error(404, {}, "");
  EXPECT_EQ(empty.kind, ErrorKind::NotFound);
}

TEST(GraphErrorsTest, BatchItemBodyAsParsedJson) {
  json body = json::parse(graph_error_body("TooManyRequests", "Too many requests."));
  Error e = classify_parsed_graph_error(429, {{"retry-after", "7"}}, body);
  EXPECT_EQ(e.kind, ErrorKind::Throttled);
  EXPECT_DOUBLE_EQ(e.retry_after_seconds, 7);
  Error null_body = classify_parsed_graph_error(503, {}, json());
  EXPECT_EQ(null_body.kind, ErrorKind::Transient);
}

TEST(GraphErrorsTest, ParseRetryAfter) {
  EXPECT_DOUBLE_EQ(*parse_retry_after("2.128"), 2.128);
  EXPECT_DOUBLE_EQ(*parse_retry_after(" 120 "), 120);
  EXPECT_DOUBLE_EQ(*parse_retry_after("0"), 0);
  EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"));
  EXPECT_FALSE(parse_retry_after(""));
  EXPECT_FALSE(parse_retry_after("-1"));
  EXPECT_FALSE(parse_retry_after("1e9"));
}

TEST(GraphErrorsTest, RefusalFromMessageAlone) {
  EXPECT_EQ(classify_refusal("User does not have a corresponding license."),
            Refusal::NoSuchLicense);
  EXPECT_EQ(classify_refusal("Something else."), Refusal::None);
}

struct TokenCase {
  const char* name;
  int status;
  std::string error;
  std::string description;
  int code;
  std::string want_code;
  std::string want_message;
};

class TokenErrorTableTest : public ::testing::TestWithParam<TokenCase> {};

TEST_P(TokenErrorTableTest, AuthWithAadstsCodeAndDescription) {
  const TokenCase& c = GetParam();
  json body = {{"error", c.error},        {"error_description", c.description},
               {"error_codes", {c.code}}, {"timestamp", "2026-11-20 00:00:00Z"},
               {"trace_id", "t"},         {"correlation_id", "c"}};
  Error e = classify_token_error(c.status, {}, body.dump());
  EXPECT_EQ(e.kind, ErrorKind::Auth);
  EXPECT_EQ(e.code, c.want_code);
  EXPECT_EQ(e.message, c.want_message);
  EXPECT_EQ(e.describe(), c.want_code + ": " + c.want_message);
  EXPECT_EQ(e.http_status, c.status);
}

INSTANTIATE_TEST_SUITE_P(
    Contract, TokenErrorTableTest,
    ::testing::Values(TokenCase{"BadSecret", 401, "invalid_client",
                                "AADSTS7000215: Invalid client secret provided.", 7000215,
                                "AADSTS7000215", "Invalid client secret provided."},
                      TokenCase{"BadAssertion", 401, "invalid_client",
                                "AADSTS700027: Client assertion failed signature validation.",
                                700027, "AADSTS700027",
                                "Client assertion failed signature validation."},
                      TokenCase{"UnknownTenant", 400, "invalid_request",
                                "AADSTS90002: Tenant 'nope.onmicrosoft.com' not found.", 90002,
                                "AADSTS90002", "Tenant 'nope.onmicrosoft.com' not found."}),
    [](const ::testing::TestParamInfo<TokenCase>& info) { return std::string(info.param.name); });

TEST(GraphErrorsTest, TokenErrorWithoutPrefixUsesErrorCodes) {
  json body = {
      {"error", "invalid_client"}, {"error_description", "bad client"}, {"error_codes", {7000215}}};
  Error e = classify_token_error(401, {}, body.dump());
  EXPECT_EQ(e.code, "AADSTS7000215");
  EXPECT_EQ(e.message, "bad client");
  Error throttled = classify_token_error(429, {{"retry-after", "3"}}, "");
  EXPECT_EQ(throttled.kind, ErrorKind::Throttled);
  EXPECT_DOUBLE_EQ(throttled.retry_after_seconds, 3);
  EXPECT_EQ(classify_token_error(503, {}, "").kind, ErrorKind::Transient);
}

}  // namespace graph_errors_test
}  // namespace tenantsync
