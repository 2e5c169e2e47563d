#include "fakes/fake_generator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "fakes/fake_catalogue.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_crypto.h"
#include "fakes/fake_encoding.h"

namespace tenantsync::fake {

namespace {

constexpr const char* kGiven[] = {
    "Adele", "Alex",   "Allan",  "Amara",  "Ben",   "Carla", "Chen",    "Diego",  "Elena", "Fatima",
    "Grace", "Hiro",   "Isabel", "Jonas",  "Kenji", "Lara",  "Lee",     "Lidia",  "Lynne", "Marcus",
    "Megan", "Miriam", "Nestor", "Nora",   "Omar",  "Patti", "Pradeep", "Priya",  "Raul",  "Sofia",
    "Sven",  "Tariq",  "Uma",    "Victor", "Wei",   "Yara",  "Zoe",     "Henrik", "Aisha", "Mateo"};
constexpr const char* kSurname[] = {
    "Vance",   "Wilber",    "Deyoung", "Okafor", "Walker", "Moreno",  "Wang",     "Garcia",
    "Petrova", "Haddad",    "Kim",     "Tanaka", "Rossi",  "Berg",    "Sato",     "Novak",
    "Gomez",   "Holt",      "Robbins", "Brown",  "Bowen",  "Levi",    "Anderson", "Fischer",
    "Hassan",  "Fernandez", "Gupta",   "Iyer",   "Silva",  "Jensen",  "Larsen",   "Aziz",
    "Mehta",   "Dubois",    "Zhang",   "Costa",  "Muller", "Nielsen", "Bello",    "Cruz"};

struct Department {
  const char* name;
  std::vector<const char*> titles;
  int weight;
};
const std::vector<Department>& departments() {
  static const std::vector<Department> kDepartments = {
      {"Sales", {"Account Executive", "Sales Manager", "Sales Development Representative"}, 18},
      {"Marketing", {"Marketing Specialist", "Content Strategist", "Marketing Manager"}, 10},
      {"Engineering",
       {"Software Engineer", "Senior Software Engineer", "Engineering Manager", "QA Engineer"},
       20},
      {"Finance", {"Accountant", "Financial Analyst", "Controller"}, 8},
      {"Human Resources", {"HR Generalist", "Recruiter", "HR Manager"}, 6},
      {"IT", {"Systems Administrator", "Help Desk Technician", "IT Manager"}, 8},
      {"Operations", {"Operations Analyst", "Logistics Coordinator", "Operations Manager"}, 12},
      {"Legal", {"Legal Counsel", "Paralegal"}, 4},
      {"Customer Support", {"Support Engineer", "Customer Success Manager"}, 12},
      {"Executive", {"Director", "Executive Assistant", "Vice President"}, 2},
  };
  return kDepartments;
}

const std::vector<std::pair<const char*, int>>& locations() {
  static const std::vector<std::pair<const char*, int>> kLocations = {
      {"US", 40}, {"GB", 12}, {"DE", 10}, {"FR", 8}, {"NL", 6}, {"CA", 6},
      {"AU", 5},  {"IN", 5},  {"JP", 4},  {"CN", 2}, {"BR", 2}};
  return kLocations;
}

template <typename T>
const T& weighted(const std::vector<T>& items, int (*weight)(const T&), SplitMix64& rng) {
  int total = 0;
  for (const auto& i : items) total += weight(i);
  auto r = static_cast<int>(rng.below(static_cast<uint64_t>(total)));
  for (const auto& i : items) {
    r -= weight(i);
    if (r < 0) return i;
  }
  return items.back();
}

std::string tenant_domain(int index) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "tenant%04d.onmicrosoft.com", index);
  return buf;
}

int parse_int(const std::string& key, const std::string& value) {
  size_t used = 0;
  long v = -1;
  try {
    v = std::stol(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || v < 0 || v > 10'000'000) {
    throw std::invalid_argument("--generate: " + key + " must be a non-negative integer");
  }
  return static_cast<int>(v);
}

}  // namespace

GenerateSpec parse_generate_spec(const std::string& text) {
  GenerateSpec spec;
  for (const std::string& part : split(text, ',')) {
    std::string item = trim(part);
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string::npos) {
      throw std::invalid_argument("--generate: expected key=value, got '" + item + "'");
    }
    std::string key = trim(item.substr(0, eq));
    std::string value = trim(item.substr(eq + 1));
    if (key == "tenants") {
      spec.tenants = parse_int(key, value);
    } else if (key == "users") {
      spec.users = parse_int(key, value);
    } else if (key == "skus") {
      spec.skus = parse_int(key, value);
    } else if (key == "seed") {
      spec.seed = static_cast<uint64_t>(parse_int(key, value));
    } else {
      throw std::invalid_argument("--generate: unknown key '" + key +
                                  "' (use tenants, users, skus, seed)");
    }
  }
  if (spec.tenants < 1) throw std::invalid_argument("--generate: tenants must be at least 1");
  return spec;
}

void populate_generated_tenant(TenantDirectory& t, const GenerateSpec& spec, int index,
                               double now) {
  SplitMix64 rng(stable_hash("tenant-content") ^ (spec.seed * 0x9E3779B97F4A7C15ULL) ^
                 static_cast<uint64_t>(index) * 0xD1B54A32D192ED03ULL);

  // SKUs: the first K user-assignable entries of the catalogue.
  std::vector<const CatalogueSku*> chosen;
  for (const auto& entry : sku_catalogue()) {
    if (static_cast<int>(chosen.size()) >= spec.skus) break;
    if (std::string(entry.applies_to) == "User") chosen.push_back(&entry);
  }
  auto present = [&](const char* part) {
    return std::any_of(chosen.begin(), chosen.end(),
                       [&](const CatalogueSku* s) { return std::string(s->part_number) == part; });
  };
  auto sku_of = [&](const char* part) {
    for (const auto* s : chosen) {
      if (std::string(s->part_number) == part) return std::string(s->sku_id);
    }
    return std::string();
  };
  std::vector<std::string> present_plans;
  for (const auto* s : chosen) {
    for (const char* p : s->plan_names) present_plans.push_back(p);
  }
  auto plan_present = [&](const char* name) {
    return std::find(present_plans.begin(), present_plans.end(), name) != present_plans.end();
  };
  for (const auto& [a, b] : exclusive_plan_names()) {
    if (plan_present(a) && plan_present(b)) t.exclusive_plans.emplace_back(plan_id(a), plan_id(b));
  }
  for (const auto& [plan, requires_names] : plan_dependency_names()) {
    if (!plan_present(plan)) continue;
    PlanDependency dep{plan_id(plan), {}};
    for (const char* r : requires_names) dep.requires_plans.push_back(plan_id(r));
    t.plan_dependencies.push_back(std::move(dep));
  }
  if (present("MCOPSTN1")) t.prohibited_locations[sku_of("MCOPSTN1")] = {"CN"};

  const std::string e3 = sku_of("SPE_E3"), e5 = sku_of("SPE_E5"), ems = sku_of("EMS"),
                    exo = sku_of("EXCHANGESTANDARD"), phone = sku_of("MCOEV"),
                    calling = sku_of("MCOPSTN1"), bi = sku_of("POWER_BI_PRO");
  std::vector<std::string> extras;
  for (const char* part : {"VISIOCLIENT", "PROJECTPROFESSIONAL", "FLOW_FREE", "AAD_PREMIUM_P2"}) {
    if (present(part)) extras.push_back(sku_of(part));
  }
  const std::string group_id =
      guid_from(stable_hash(t.id() + "/group/all-staff-ems"), stable_hash("group" + t.id()));
  if (!ems.empty()) t.set_group_name(group_id, "All Staff EMS");

  std::map<std::string, int> consumed;
  auto add = [&](UserRecord& u, const std::string& sku) {
    if (!sku.empty()) u.licenses.push_back({sku, {}});
  };
  const std::string& domain = t.default_domain();
  for (int j = 0; j < spec.users; ++j) {
    UserRecord u;
    u.id = guid_from(rng.next(), rng.next());
    std::string given = kGiven[rng.below(std::size(kGiven))];
    std::string surname = kSurname[rng.below(std::size(kSurname))];
    u.given_name = given;
    u.surname = surname;
    u.display_name = given + " " + surname;
    u.user_principal_name = to_lower(given + "." + surname) + std::to_string(j + 1) + "@" + domain;
    u.mail = u.user_principal_name;
    const Department& dept = weighted<Department>(
        departments(), [](const Department& d) { return d.weight; }, rng);
    u.department = dept.name;
    u.job_title = dept.titles[rng.below(dept.titles.size())];
    const auto& loc = weighted<std::pair<const char*, int>>(
        locations(), [](const std::pair<const char*, int>& l) { return l.second; }, rng);
    if (j % 50 != 7) u.usage_location = loc.first;
    u.account_enabled = rng.uniform() >= 0.03;

    bool licensed = rng.uniform() < 0.70 && u.usage_location && !e3.empty();
    if (licensed) {
      double kind = rng.uniform();
      if (!exo.empty() && kind < 0.08) {
        add(u, exo);  // mailbox-only worker
      } else if (!e5.empty() && kind < 0.18) {
        add(u, e5);
      } else {
        add(u, e3);
        if (!ems.empty()) {
          double r = rng.uniform();
          if (r < 0.07) {
            u.group_licenses.push_back({ems, group_id, {}});
          } else if (r < 0.30) {
            add(u, ems);
          }
        }
        if (!phone.empty() && rng.uniform() < 0.15) add(u, phone);
        if (!bi.empty() && rng.uniform() < 0.10) add(u, bi);
      }
      bool has_phone_system =
          u.direct_license(e5) != nullptr || (!phone.empty() && u.direct_license(phone) != nullptr);
      if (!calling.empty() && has_phone_system && *u.usage_location != "CN" &&
          rng.uniform() < 0.5) {
        add(u, calling);
      }
      for (const auto& extra : extras) {
        if (rng.uniform() < 0.05) add(u, extra);
      }
    }
    if (j % 100 == 99) {
      u.deleted_at = now - 86400.0 * static_cast<double>(1 + rng.below(20));
      t.load_deleted(std::move(u));
    } else {
      for (const auto& sku : u.held_skus()) ++consumed[sku];
      t.load_active(std::move(u));
    }
  }

  // Seats: the main SKU covers about 90% of users; the others have a little headroom.
  for (const CatalogueSku* entry : chosen) {
    int used = consumed[entry->sku_id];
    int seats = used + std::max(1, used / 10) + static_cast<int>(rng.below(3));
    if (std::string(entry->part_number) == "SPE_E3") {
      int target = static_cast<int>(std::lround(0.9 * spec.users)) - consumed[e5] - consumed[exo];
      seats = std::max(used + 1, target);
    }
    t.add_sku(make_sku(*entry, seats));
  }
}

std::unique_ptr<Estate> generate_estate(const GenerateSpec& spec) {
  auto estate = std::make_unique<Estate>();
  estate->start_time = *parse_iso8601(kGeneratedNow);
  estate->clients.push_back({kGeneratedClientId, kGeneratedSecret, "", std::nullopt});
  estate->set_partner(std::make_unique<TenantDirectory>(
      guid_from(stable_hash("partner") ^ spec.seed, stable_hash("partner-tenant") + spec.seed),
      "partner.onmicrosoft.com", "Partner"));
  for (int i = 1; i <= spec.tenants; ++i) {
    std::string domain = tenant_domain(i);
    auto tenant = std::make_unique<TenantDirectory>(
        guid_from(stable_hash(domain) ^ (spec.seed * 0x9E3779B97F4A7C15ULL),
                  stable_hash("tenant-id/" + domain) + spec.seed),
        domain, "Tenant " + domain.substr(6, 4));
    // A custom domain besides the initial one, as most customers have.
    tenant->set_verified_domains({domain, "tenant" + domain.substr(6, 4) + ".example.com"});
    double now = estate->start_time;
    tenant->set_loader(
        [spec, i, now](TenantDirectory& t) { populate_generated_tenant(t, spec, i, now); });
    estate->add_customer(std::move(tenant));
  }
  return estate;
}

}  // namespace tenantsync::fake
