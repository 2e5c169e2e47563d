#include "connector/user_page_decoder.h"

#include <simdjson.h>

#include <mutex>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "connector/http_transport.h"

namespace tenantsync {

namespace {

using json = nlohmann::json;

// What is open where the parser is: the page, its "value" array, a user, ...
enum class Frame { Page, Items, User, Removed, Licenses, License, States, State, Plans, Skip };

// The property whose value comes next.
enum class Field {
  None,  // unknown: skipped
  Value,
  NextLink,
  DeltaLink,
  Id,
  Upn,
  DisplayName,
  Mail,
  GivenName,
  Surname,
  JobTitle,
  Department,
  AccountEnabled,
  UsageLocation,
  DeletedDateTime,
  AssignedLicenses,
  LicenseStates,
  Removed,
  Reason,
  SkuId,
  DisabledPlans,
  AssignedByGroup,
  State,
  StateError,
};

enum class Kind { Null, Bool, Number, String, Object, Array };

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::Null:
      return "null";
    case Kind::Bool:
      return "a boolean";
    case Kind::Number:
      return "a number";
    case Kind::String:
      return "a string";
    case Kind::Object:
      return "an object";
    case Kind::Array:
      return "an array";
  }
  return "a value";
}

// The property's name as Graph spells it, for messages.
const char* field_name(Field field) {
  switch (field) {
    case Field::Id:
      return "id";
    case Field::Upn:
      return "userPrincipalName";
    case Field::DisplayName:
      return "displayName";
    case Field::Mail:
      return "mail";
    case Field::GivenName:
      return "givenName";
    case Field::Surname:
      return "surname";
    case Field::JobTitle:
      return "jobTitle";
    case Field::Department:
      return "department";
    case Field::AccountEnabled:
      return "accountEnabled";
    case Field::UsageLocation:
      return "usageLocation";
    case Field::DeletedDateTime:
      return "deletedDateTime";
    case Field::AssignedLicenses:
      return "assignedLicenses";
    case Field::LicenseStates:
      return "licenseAssignmentStates";
    case Field::Reason:
      return "@removed.reason";
    case Field::SkuId:
      return "skuId";
    case Field::DisabledPlans:
      return "disabledPlans";
    case Field::AssignedByGroup:
      return "assignedByGroup";
    case Field::State:
      return "state";
    case Field::StateError:
      return "error";
    default:
      return "a property";
  }
}

// A user's property by its name. Every user of a page names most of them, so the name is
// told by its length first: one comparison per key instead of up to fourteen.
Field user_field(std::string_view key, bool delta) {
  auto is = [&](std::string_view name, Field field) { return key == name ? field : Field::None; };
  switch (key.size()) {
    case 2:
      return is("id", Field::Id);
    case 4:
      return is("mail", Field::Mail);
    case 7:
      return is("surname", Field::Surname);
    case 8:
      if (delta && key == "@removed") return Field::Removed;
      return is("jobTitle", Field::JobTitle);
    case 9:
      return is("givenName", Field::GivenName);
    case 10:
      return is("department", Field::Department);
    case 11:
      return is("displayName", Field::DisplayName);
    case 13:
      return is("usageLocation", Field::UsageLocation);
    case 14:
      return is("accountEnabled", Field::AccountEnabled);
    case 15:
      return is("deletedDateTime", Field::DeletedDateTime);
    case 16:
      return is("assignedLicenses", Field::AssignedLicenses);
    case 17:
      return is("userPrincipalName", Field::Upn);
    case 23:
      return is("licenseAssignmentStates", Field::LicenseStates);
    default:
      return Field::None;
  }
}

Field lookup(Frame frame, std::string_view key, bool delta) {
  switch (frame) {
    case Frame::Page:
      if (key == "value") return Field::Value;
      if (key == "@odata.nextLink") return Field::NextLink;
      if (key == "@odata.deltaLink") return Field::DeltaLink;
      return Field::None;
    case Frame::User:
      return user_field(key, delta);
    case Frame::Removed:
      return key == "reason" ? Field::Reason : Field::None;
    case Frame::License:
      if (key == "skuId") return Field::SkuId;
      if (key == "disabledPlans") return Field::DisabledPlans;
      return Field::None;
    case Frame::State:
      if (key == "skuId") return Field::SkuId;
      if (key == "assignedByGroup") return Field::AssignedByGroup;
      if (key == "disabledPlans") return Field::DisabledPlans;
      if (key == "state") return Field::State;
      if (key == "error") return Field::StateError;
      return Field::None;
    default:
      return Field::None;
  }
}

// Room for the users of a page is made at once up to this many (a page holds at most
// 999); nlohmann's parser passes -1 for "not known".
constexpr std::size_t kMostUsersReserved = 10'000;

class UserPageSax {
 public:
  UserPageSax(bool delta, DecodedUserPage& out) : delta_(delta), out_(out) { frames_.reserve(8); }

  bool null() { return scalar(Kind::Null, {}, false); }
  bool boolean(bool value) { return scalar(Kind::Bool, {}, value); }
  bool number() { return scalar(Kind::Number, {}, false); }
  bool number_integer(json::number_integer_t) { return number(); }
  bool number_unsigned(json::number_unsigned_t) { return number(); }
  bool number_float(json::number_float_t, const json::string_t&) { return number(); }
  bool string(std::string_view value) { return scalar(Kind::String, value, false); }
  bool binary(json::binary_t&) { return number(); }  // not in JSON
  bool start_object(std::size_t) { return open(Kind::Object); }
  // `size`: the items, when the parser knows them (simdjson does; nlohmann passes -1).
  bool start_array(std::size_t size) {
    array_size_ = size;
    return open(Kind::Array);
  }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string_view name) {
    if (failed_) return true;
    field_ = lookup(frames_.back(), name, delta_);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

  bool failed() const { return failed_; }
  bool has_value_array() const { return value_array_ && !root_not_object_; }
  const std::string& detail() const { return detail_; }
  std::size_t item() const { return item_; }

 private:
  // A scalar value: stored in the property it belongs to, or checked and skipped.
  // `text` is the value of a string.
  bool scalar(Kind kind, std::string_view text, bool flag) {
    if (failed_) return true;
    if (frames_.empty()) {
      root_not_object_ = true;
      return true;
    }
    const Field field = std::exchange(field_, Field::None);
    switch (frames_.back()) {
      case Frame::Page:
        if (kind == Kind::String && field == Field::NextLink) out_.next_link = text;
        if (kind == Kind::String && field == Field::DeltaLink) out_.delta_link = text;
        if (field == Field::Value) value_array_ = false;
        return true;
      case Frame::Items:
        begin_item();
        return fail(std::string("the item is ") + kind_name(kind) + ", not an object");
      case Frame::User:
        return user_scalar(field, kind, text, flag);
      case Frame::Removed:
        if (field == Field::Reason) {
          if (kind != Kind::String) return wrong_type(field, kind, "a string");
          reason_ = text;
        }
        return true;
      case Frame::Licenses:
      case Frame::States:
        return fail(std::string("an entry of ") + list_name() + " is " + kind_name(kind) +
                    ", not an object");
      case Frame::License:
        return license_scalar(field, kind, text);
      case Frame::State:
        return state_scalar(field, kind, text);
      case Frame::Plans:
        if (kind != Kind::String) {
          return fail(std::string("an entry of disabledPlans is ") + kind_name(kind) +
                      ", not a string");
        }
        plans_->emplace_back(text);
        return true;
      case Frame::Skip:
        return true;
    }
    return true;
  }

  bool user_scalar(Field field, Kind kind, std::string_view text, bool flag) {
    User& user = user_;
    auto text_field = [&](std::string& into, bool required) {
      if (kind == Kind::String) {
        into = text;
      } else if (kind != Kind::Null || required) {
        return wrong_type(field, kind, "a string");
      }
      return true;
    };
    auto optional_field = [&](std::optional<std::string>& into) {
      if (kind == Kind::String) {
        into.emplace(text);
      } else if (kind != Kind::Null) {
        return wrong_type(field, kind, "a string");
      }
      return true;
    };
    switch (field) {
      case Field::Id:
        has_id_ = kind == Kind::String;
        return text_field(user.id, /*required=*/true);
      case Field::Upn:
        return text_field(user.user_principal_name, false);
      case Field::DisplayName:
        return text_field(user.display_name, false);
      case Field::Mail:
        return text_field(user.mail, false);
      case Field::GivenName:
        return text_field(user.given_name, false);
      case Field::Surname:
        return text_field(user.surname, false);
      case Field::JobTitle:
        return text_field(user.job_title, false);
      case Field::Department:
        return text_field(user.department, false);
      case Field::AccountEnabled:
        if (kind == Kind::Bool) {
          user.account_enabled = flag;
        } else if (kind != Kind::Null) {
          return wrong_type(field, kind, "a boolean");
        }
        return true;
      case Field::UsageLocation:
        return optional_field(user.usage_location);
      case Field::DeletedDateTime:
        return optional_field(user.deleted_date_time);
      case Field::AssignedLicenses:
      case Field::LicenseStates:
        return wrong_type(field, kind, "an array");
      case Field::Removed:
        removed_ = true;  // not an object: no reason, so soft-deleted
        return true;
      default:
        return true;
    }
  }

  bool license_scalar(Field field, Kind kind, std::string_view text) {
    AssignedLicense& license = user_.assigned_licenses.back();
    if (field == Field::SkuId) {
      if (kind != Kind::String) return wrong_type(field, kind, "a string");
      license.sku_id = text;
      has_sku_ = true;
    } else if (field == Field::DisabledPlans) {
      return wrong_type(field, kind, "an array");
    }
    return true;
  }

  bool state_scalar(Field field, Kind kind, std::string_view text) {
    LicenseAssignmentState& state = user_.license_states.back();
    switch (field) {
      case Field::SkuId:
        if (kind != Kind::String) return wrong_type(field, kind, "a string");
        state.sku_id = text;
        has_sku_ = true;
        return true;
      case Field::AssignedByGroup:
        if (kind == Kind::String) {
          state.assigned_by_group = std::string(text);
        } else if (kind != Kind::Null) {
          return wrong_type(field, kind, "a string");
        }
        return true;
      case Field::DisabledPlans:
        return wrong_type(field, kind, "an array");
      case Field::State:
      case Field::StateError:
        if (kind == Kind::String) {
          (field == Field::State ? state.state : state.error) = text;
        } else if (kind != Kind::Null) {
          return wrong_type(field, kind, "a string");
        }
        return true;
      default:
        return true;
    }
  }

  // An object or array opens: entered when it is one tenantsync reads, else skipped.
  bool open(Kind kind) {
    if (failed_) return true;
    if (frames_.empty()) {
      if (kind != Kind::Object) root_not_object_ = true;
      frames_.push_back(kind == Kind::Object ? Frame::Page : Frame::Skip);
      return true;
    }
    const Field field = std::exchange(field_, Field::None);
    const bool array = kind == Kind::Array;
    switch (frames_.back()) {
      case Frame::Page:
        if (field == Field::Value) value_array_ = array;
        // Room for the page's users at once: growing by doubling moved each user 1-2 times.
        if (field == Field::Value && array && array_size_ <= kMostUsersReserved) {
          out_.page.users.reserve(array_size_);
        }
        return enter(field == Field::Value && array ? Frame::Items : Frame::Skip);
      case Frame::Items:
        begin_item();
        if (array) return fail("the item is an array, not an object");
        return enter(Frame::User);
      case Frame::User:
        switch (field) {
          case Field::AssignedLicenses:
          case Field::LicenseStates:
            if (!array) return wrong_type(field, kind, "an array");
            return enter(field == Field::AssignedLicenses ? Frame::Licenses : Frame::States);
          case Field::Removed:
            removed_ = true;
            return enter(array ? Frame::Skip : Frame::Removed);
          case Field::None:
            return enter(Frame::Skip);
          default:
            return wrong_type(field, kind,
                              field == Field::AccountEnabled ? "a boolean" : "a string");
        }
      case Frame::Removed:
        if (field == Field::Reason) return wrong_type(field, kind, "a string");
        return enter(Frame::Skip);
      case Frame::Licenses:
      case Frame::States:
        if (array) {
          return fail(std::string("an entry of ") + list_name() + " is an array, not an object");
        }
        has_sku_ = false;
        if (frames_.back() == Frame::Licenses) {
          user_.assigned_licenses.emplace_back();
          return enter(Frame::License);
        }
        user_.license_states.emplace_back();
        return enter(Frame::State);
      case Frame::License:
      case Frame::State:
        if (field == Field::DisabledPlans && array) {
          plans_ = frames_.back() == Frame::License ? &user_.assigned_licenses.back().disabled_plans
                                                    : &user_.license_states.back().disabled_plans;
          return enter(Frame::Plans);
        }
        if (field == Field::None) return enter(Frame::Skip);
        return wrong_type(field, kind, field == Field::DisabledPlans ? "an array" : "a string");
      case Frame::Plans:
        return fail(std::string("an entry of disabledPlans is ") + kind_name(kind) +
                    ", not a string");
      case Frame::Skip:
        return enter(Frame::Skip);
    }
    return true;
  }

  bool close() {
    if (failed_) return true;
    const Frame closing = frames_.back();
    frames_.pop_back();
    field_ = Field::None;
    switch (closing) {
      case Frame::User:
        return end_user();
      case Frame::License:
        if (!has_sku_) return fail("a license in assignedLicenses has no skuId");
        return true;
      case Frame::State:
        if (!has_sku_) return fail("an entry of licenseAssignmentStates has no skuId");
        return true;
      default:
        return true;
    }
  }

  bool end_user() {
    if (!has_id_) return fail("the user has no id");
    if (delta_ && removed_) {
      // "deleted": gone for good; "changed" (and anything unknown): soft-deleted.
      (reason_ == "deleted" ? out_.page.removed_hard : out_.page.removed_soft)
          .push_back(std::move(user_.id));
    } else {
      out_.page.users.push_back(std::move(user_));
    }
    return true;
  }

  void begin_item() {
    item_ = items_++;
    user_ = User();
    has_id_ = false;
    removed_ = false;
    reason_.clear();
  }

  bool enter(Frame frame) {
    frames_.push_back(frame);
    return true;
  }

  bool wrong_type(Field field, Kind kind, const char* expected) {
    return fail(std::string(field_name(field)) + " is " + kind_name(kind) + ", not " + expected);
  }

  // The list whose entries are being read.
  const char* list_name() const {
    return frames_.back() == Frame::Licenses ? "assignedLicenses" : "licenseAssignmentStates";
  }

  // The first bad item fails the page; the rest of the text is still parsed (and ignored)
  // so that text which is not JSON at all is reported as such.
  bool fail(std::string detail) {
    failed_ = true;
    detail_ = std::move(detail);
    return true;
  }

  const bool delta_;
  DecodedUserPage& out_;
  std::vector<Frame> frames_;
  Field field_ = Field::None;
  User user_;  // the item being read
  std::vector<std::string>* plans_ = nullptr;
  std::string reason_;
  bool has_id_ = false;
  bool has_sku_ = false;
  bool removed_ = false;
  std::size_t items_ = 0;
  std::size_t item_ = 0;
  std::size_t array_size_ = 0;  // of the array just opened, when known
  bool value_array_ = false;
  bool root_not_object_ = false;
  bool failed_ = false;
  std::string detail_;
};

// Feeds a parsed document to `sax` as nlohmann's parser would have, value by value.
void walk(simdjson::dom::element value, UserPageSax& sax) {
  using Type = simdjson::dom::element_type;
  switch (value.type()) {
    case Type::OBJECT:
      sax.start_object(0);
      for (simdjson::dom::key_value_pair field : simdjson::dom::object(value)) {
        sax.key(field.key);
        walk(field.value, sax);
      }
      sax.end_object();
      return;
    case Type::ARRAY:
      sax.start_array(simdjson::dom::array(value).size());
      for (simdjson::dom::element item : simdjson::dom::array(value)) walk(item, sax);
      sax.end_array();
      return;
    case Type::STRING:
      sax.string(std::string_view(value));
      return;
    case Type::BOOL:
      sax.boolean(bool(value));
      return;
    case Type::NULL_VALUE:
      sax.null();
      return;
    default:  // INT64, UINT64, DOUBLE
      sax.number();
      return;
  }
}

// Parses `text` with simdjson (SIMD-validated, a tape instead of one heap string per token:
// several times faster than nlohmann's lexer, which was a fifth of the mirror's CPU) and
// walks it. False when simdjson refuses the text; nothing was fed to `sax` then. One parser
// for the process, its buffers reused from page to page: they take about 14 bytes per byte
// of page, so one per thread would cost more memory than the pages; pages take turns.
bool parse_fast(const std::string& text, UserPageSax& sax) {
  static_assert(kBodyReadPadding >= simdjson::SIMDJSON_PADDING);
  static std::mutex mutex;
  static simdjson::dom::parser parser;
  std::lock_guard lock(mutex);
  simdjson::dom::element root;
  // In place when the padding is there (no copy of the page), as this overload checks.
  if (parser.parse(text).get(root) != simdjson::SUCCESS) return false;
  walk(root, sax);
  return true;
}

}  // namespace

bool decode_user_page(const std::string& text, bool delta, DecodedUserPage& out,
                      UserPageFailure& failure) {
  UserPageSax sax(delta, out);
  // simdjson refuses a few texts nlohmann accepts (integers beyond 64 bits, nesting deeper
  // than 1,024): those, and text that is not JSON, go through nlohmann's parser, whose
  // verdict stands.
  const bool parsed =
      parse_fast(text, sax) || json::sax_parse(text.data(), text.data() + text.size(), &sax);
  if (!parsed) {
    failure = {UserPageFailure::Kind::NotJson, 0, {}};
    return false;
  }
  if (!sax.has_value_array()) {
    failure = {UserPageFailure::Kind::NoValueArray, 0, {}};
    return false;
  }
  if (sax.failed()) {
    failure = {UserPageFailure::Kind::BadItem, sax.item(), sax.detail()};
    return false;
  }
  return true;
}

}  // namespace tenantsync
