#include "sync/apply/created_passwords.h"

#include "sync/apply/temporary_password.h"
#include "sync/ascii_case.h"

namespace tenantsync {

CreatedPasswords::~CreatedPasswords() {
  for (auto& [upn, password] : drawn_) password.assign(password.size(), '\0');
  for (auto& e : created_) e.password.assign(e.password.size(), '\0');
}

Status CreatedPasswords::draw(const Plan& plan) {
  for (const auto& tenant : plan.tenants) {
    if (Status s = draw(tenant); !s.ok()) return s;
  }
  return Status();
}

Status CreatedPasswords::draw(const TenantPlan& plan) {
  for (const auto& op : plan.operations) {
    if (op.op != OpKind::Create || op.status != OpStatus::Ready) continue;
    auto password = generate_temporary_password();
    if (!password.ok()) return password.error();
    drawn_[ascii_lower(op.user)] = std::move(*password);
  }
  return Status();
}

TemporaryPasswords CreatedPasswords::callbacks(PasswordFile* file) {
  TemporaryPasswords p;
  p.generate = [this](const Operation& create) { return drawn_[ascii_lower(create.user)]; };
  p.created = [this, file](const std::string& upn, const std::string& password) {
    created_.push_back({upn, password});
    if (!file || write_error_) return;
    if (Status s = file->append(upn, password); !s.ok()) write_error_ = s.error();
  };
  return p;
}

}  // namespace tenantsync
