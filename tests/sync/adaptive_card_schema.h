// A strict checker for the part of the Adaptive Card schema that tenantsync's cards use,
// written from the published JSON schemas (adaptivecards.io/schemas/<version>/
// adaptive-card.json, mirrored in github.com/microsoft/AdaptiveCards schemas/): the
// AdaptiveCard itself, the elements TextBlock, FactSet (with Fact), Container, ColumnSet
// (with Column) and the action Action.OpenUrl. For the card's declared version it
// rejects unknown types, unknown properties, properties newer than that version, missing
// required properties, wrong value types and values outside an enum (compared without
// case, as the schema's patterns do). Versions 1.0 to 1.4 are known.
//
// Also checks the Teams Workflows envelope around the card (adaptive_card.h).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tenantsync::test {

// Every violation, as "path: problem"; empty when the card is valid.
std::vector<std::string> adaptive_card_violations(const nlohmann::json& card);

// The same for a whole Workflows message: its envelope, then its card.
std::vector<std::string> workflow_message_violations(const nlohmann::json& message);

}  // namespace tenantsync::test
