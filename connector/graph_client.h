// Typed Microsoft Graph calls (docs/graph.md) over an HttpTransport: the layer that
// knows URLs, paging, $batch, tokens, retries and which writes are safe to repeat.
//
// Every call returns a Result/Status and never throws. The service's error code and
// message are kept verbatim (graph_errors.h); malformed answers (not JSON, wrong types,
// an HTML page with 200) become ErrorKind::Invalid naming the tenant and what was being
// read. Paged reads follow @odata.nextLink exactly as given and stream each page to a
// sink, so memory stays bounded; a next or delta link pointing at another origin than
// graph_url is refused and the token is never sent there.
//
// Retries (RetryPolicy, one RetryBudget per operation): a 429 waits its Retry-After and
// is not an attempt (bounded by remote.throttleDeadline per operation and by the stop
// signal); 503/504 and transport failures wait a backoff and count, at most max_attempts;
// a 401 makes the token provider fetch a new token once. A 429 to a write also tells the
// WritePacer to pause and slow that tenant down. An operation ended by the deadline or a
// stop fails with the service's last answer. Reads are always safe to repeat. Writes:
//  - assignLicense and PATCH are idempotent and simply resent. A retried assignLicense
//    whose earlier attempt may have taken effect and that is now refused with "User does
//    not have a corresponding license" (its removal already happened) is checked with a
//    GET of the user: if the user holds exactly what the call asked for, it succeeded.
//  - DELETE: a 404 on a retry after an attempt whose answer was lost (dropped, timed out,
//    5xx) means that attempt took effect; it counts as success. A 404 on the first
//    attempt stays NotFound.
//  - restore: a 404 on such a retry is checked with a GET of the user; an active user
//    with that id means the restore took effect.
//  - create is not idempotent: it is never sent in a $batch and, after an attempt whose
//    answer was lost, the client waits, GETs /users/{upn}, and returns that user as
//    created if it exists; only when the service says 404 is the create resent. A
//    duplicate-UPN refusal after such an attempt is resolved the same way.
// "Answer was lost" means a transport failure or a 5xx; a 429 means the service did not
// act, so throttled writes are always resent. Writes go over fresh connections so the
// transport never replays one behind our back.
//
// $batch: up to 20 writes per request; answers are matched by id (they come in any
// order); only items answered 429, 503 or 504 are resent, after the longest wait among
// them; everything else is final. Each item is its own operation (its 503s count against
// max_attempts, its 429s do not); the items of a chunk share its throttle deadline. The WritePacer
// books every write sent (a batch of n costs n, a resend costs again).
//
// Thread-safe: no mutable state of its own; many threads may call at once.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "connector/graph_write.h"
#include "connector/http_transport.h"
#include "connector/retry_budget.h"
#include "connector/retry_policy.h"
#include "connector/token_provider.h"
#include "connector/url.h"
#include "connector/write_pacer.h"
#include "model/domain.h"
#include "model/group.h"
#include "model/result.h"
#include "model/role.h"
#include "model/sku.h"
#include "model/tenant.h"
#include "model/user.h"
#include "sync/directory.h"

namespace tenantsync {

struct GraphClientOptions {
  std::string graph_url = "https://graph.microsoft.com/v1.0";
  std::chrono::milliseconds timeout{30000};  // per HTTP request
  int page_size = 999;                       // $top for /users and deleted users
  std::size_t batch_size = 20;               // the service's $batch limit
  // A larger answer is refused unparsed (Invalid): a full page of 999 users is a few MB,
  // and parsing costs several times the body's size in memory.
  std::size_t max_response_bytes = std::size_t{64} << 20;
};

struct GraphWriteResult {
  Status status;
  std::optional<User> user;  // when the service returned one (assign, create, restore)
  std::optional<RoleAssignment> role_assignment;  // AddRole: the assignment made
  int attempts = 0;                               // requests that carried this write
};

class GraphClient {
 public:
  // The fields tenantsync reads; anything else costs bandwidth and read budget.
  static constexpr char kUserSelect[] =
      "id,userPrincipalName,displayName,mail,givenName,surname,jobTitle,department,"
      "accountEnabled,usageLocation,assignedLicenses,licenseAssignmentStates";
  // licenseAssignmentStates here too: a restored user gets its group licenses back from
  // the group, so planning its restore must know which ones it cannot revoke itself.
  static constexpr char kDeletedUserSelect[] =
      "id,userPrincipalName,displayName,mail,givenName,surname,jobTitle,department,"
      "accountEnabled,usageLocation,assignedLicenses,licenseAssignmentStates,deletedDateTime";

  using UsersSink = std::function<Status(std::vector<User>&&)>;
  using UserPageSink = std::function<Status(UserPage&&)>;

  // `pacer` may be null (no client-side pacing). All references must outlive the client.
  GraphClient(GraphClientOptions options, HttpTransport& transport, TokenProvider& tokens,
              RetryPolicy& retry, WritePacer* pacer);

  // GET /contracts with the partner tenant's token.
  Result<std::vector<Tenant>> contracts(const std::string& partner_tenant);
  // GET /subscribedSkus.
  Result<std::vector<Sku>> subscribed_skus(const std::string& tenant);
  // GET /domains: every domain of the tenant, verified or not.
  Result<std::vector<Domain>> domains(const std::string& tenant);
  // GET /roleManagement/directory/roleDefinitions: the tenant's admin roles.
  Result<std::vector<RoleDefinition>> role_definitions(const std::string& tenant);
  // GET /roleManagement/directory/roleAssignments: who holds a role tenant-wide
  // (directoryScopeId "/"); with `principal_id`, only that user's ($filter=principalId eq).
  Result<std::vector<RoleAssignment>> role_assignments(const std::string& tenant,
                                                       const std::string& principal_id = "");
  // subscribedSkus, domains and, as `want` asks, roleDefinitions, roleAssignments (as the
  // methods above), the deleted users' first page (TenantLists::deleted_users; the rest is
  // for deleted_users_after()), the users' "sync from now" delta link
  // (TenantLists::latest_delta_link) and the first page of the delta round from a stored
  // link (TenantLists::delta_page; the rest is for users_delta() from its nextLink): their
  // first pages in one $batch (a page the batch could not answer, throttled, 5xx or
  // malformed, is asked for again on its own), the rest of the lists by nextLink. A stored
  // link that is not under remote.graphUrl is not batched: delta_page stays unset.
  TenantLists tenant_lists(const std::string& tenant, const ListsRequest& want);
  // GET /users?$select=...&$top=999, every page.
  Status list_users(const std::string& tenant, const UsersSink& sink);
  // From a stored delta link: GET /users/delta, the changes since. With an empty
  // `delta_link`, the whole directory (users_full_read). Returns the new delta link.
  // ResyncNeeded when the link expired.
  Result<std::string> users_delta(const std::string& tenant, const std::string& delta_link,
                                  const UserPageSink& sink);
  // The rest of a delta round whose first page came with tenant_lists(), from that page's
  // `next_link`. Returns the link that ends the round.
  Result<std::string> users_delta_after(const std::string& tenant, const std::string& next_link,
                                        const UserPageSink& sink);
  // The whole directory: GET /users/delta?$deltatoken=latest (a link, no data), unless
  // `latest_delta_link` is that link already (read with tenant_lists()), then list_users().
  // Returns that link.
  Result<std::string> users_full_read(const std::string& tenant, const UserPageSink& sink,
                                      const std::string& latest_delta_link = "");
  // GET /directory/deletedItems/microsoft.graph.user, every page.
  Status deleted_users(const std::string& tenant, const UsersSink& sink);
  // The same list's pages from `next_link` (a nextLink of its first page) on.
  Status deleted_users_after(const std::string& tenant, const std::string& next_link,
                             const UsersSink& sink);
  // The same list's first page alone (the rest is for deleted_users_after()).
  Result<DeletedUsersPage> deleted_users_first_page(const std::string& tenant);
  // The deleted users' first page (the rest is for deleted_users_after()) and the groups
  // `ids`, in one $batch (an item it could not answer is read alone; a group's answer
  // that is not a group is that group's error, not read again); without ids, the page
  // alone.
  DeletedUsersAndGroups deleted_users_and_groups(const std::string& tenant,
                                                 const std::vector<std::string>& ids);
  // GET /users/{id or upn}. NotFound when no active user has that name.
  Result<User> get_user(const std::string& tenant, const std::string& id_or_upn);
  // Many users; one result per name, in order (a name given twice is read once), NotFound
  // as get_user() says it. One name: get_user(). More: the names with '@' are UPNs, the
  // others ids; each kind in lists of at most 15 (the service's limit for `in`):
  // GET /users?$filter=id in ('a','b',...)&$select=... (or userPrincipalName in), quotes
  // doubled, percent-encoded; those lists in $batch requests (batch_size each,
  // kReadBatchesInFlight at once; a single list without one), so up to 300 users a request.
  // Answers are matched to names ignoring ASCII case; a name absent from its list is
  // NotFound. A list the batch could not answer (throttled, 5xx, malformed) is asked for
  // again on its own, under the usual retries; if that fails, each of its names gets that
  // error, except that a list the service refuses as a query (400) or as not found is read
  // name by name with get_user(). Should a list hold a user that matches none of its
  // names (a case rule other than ASCII's), its names not found are read with get_user().
  static constexpr std::size_t kReadBatchesInFlight = 4;
  std::vector<Result<User>> get_users(const std::string& tenant,
                                      const std::vector<std::string>& ids_or_upns);

  // GET /groups/{id}?$select=id,displayName. NotFound when there is no such group.
  Result<Group> get_group(const std::string& tenant, const std::string& id);
  // Many groups, in $batch requests like get_users() (one alone with a plain GET); one
  // result per id, in order.
  std::vector<Result<Group>> get_groups(const std::string& tenant,
                                        const std::vector<std::string>& ids);

  // One write on its own request.
  GraphWriteResult write(const std::string& tenant, const GraphWrite& write);
  // Many writes: creates one by one, the rest in $batch requests. One result per write,
  // in the same order.
  std::vector<GraphWriteResult> write_batch(const std::string& tenant,
                                            const std::vector<GraphWrite>& writes);

  // Typed shorthands for write().
  Result<User> create_user(const std::string& tenant, const nlohmann::json& body);
  Status update_user(const std::string& tenant, const std::string& id, const nlohmann::json& patch);
  Status delete_user(const std::string& tenant, const std::string& id);
  Result<User> restore_user(const std::string& tenant, const std::string& id,
                            const std::optional<std::string>& new_upn = std::nullopt);
  Result<User> assign_license(const std::string& tenant, const std::string& id,
                              const std::vector<AssignedLicense>& add,
                              const std::vector<std::string>& remove);

  TransportStats& stats() { return transport_.stats(); }
  const std::string& graph_url() const { return options_.graph_url; }

 private:
  struct Call;
  struct Sent;
  // The deleted users' first page, relative to the API root.
  std::string deleted_users_path() const;
  // The users' "sync from now" delta read (no users, a deltaLink), relative to graph_url.
  std::string latest_delta_path() const;
  using PageHandler = std::function<Status(const nlohmann::json& page, int page_number)>;
  // A page's links, as its reader found them.
  struct PageLinks {
    std::string next;
    std::string delta;
  };
  // Reads one page's answer; `what` names the page in errors.
  using PageReader = std::function<Result<PageLinks>(const HttpResponse& response,
                                                     const std::string& what, int page_number)>;

  // Sends `call` until it succeeds or `budget` ends it (retry_budget.h).
  Sent send(const std::string& tenant, const Call& call, RetryBudget& budget);
  // One GET of `relative_url` (under graph_url) decoded as T; `what` names it in errors.
  template <typename T>
  Result<T> get_one(const std::string& tenant, const std::string& relative_url,
                    const std::string& what);
  // GETs of `relative_urls` in $batch requests; an item the batch could not answer is
  // read again on its own with `read_one(index)`. `after` (index -> index): an item the
  // service runs only once that one has run (dependsOn), the two in one batch.
  template <typename T>
  std::vector<Result<T>> get_many(const std::string& tenant,
                                  const std::vector<std::string>& relative_urls,
                                  const std::string& what,
                                  const std::function<Result<T>(std::size_t)>& read_one,
                                  const std::map<std::size_t, std::size_t>& after = {});
  template <typename T>
  Result<std::vector<T>> list_all(const std::string& tenant, const std::string& first,
                                  const char* what);
  // Follows @odata.nextLink from `first_url`, each page read by `read`; the last page's
  // @odata.deltaLink goes to `delta_link` when given. Errors number the pages from
  // `first_page` (2 when the first came in a $batch).
  Status read_pages(const std::string& tenant, const std::string& first_url,
                    const std::string& what, const PageReader& read, std::string* delta_link,
                    int first_page = 1);
  // read_pages() with each page parsed as a JSON tree.
  Status for_each_page(const std::string& tenant, const std::string& first_url,
                       const std::string& what, const PageHandler& on_page,
                       std::string* delta_link);
  // read_pages() with each page decoded straight into users (user_page_decoder.h).
  Status for_each_user_page(const std::string& tenant, const std::string& first_url,
                            const std::string& what, bool delta, const UserPageSink& sink,
                            std::string* delta_link, int first_page = 1);
  // The SKUs of `skus` followed by those of the pages from `first_url` (numbered from
  // `first_page`), each page decoded straight into Skus (sku_page_decoder.h).
  Result<std::vector<Sku>> subscribed_skus_from(const std::string& tenant,
                                                const std::string& first_url, std::vector<Sku> skus,
                                                int first_page);
  // A delta round's pages from `from` (numbered from `first_page`); the link that ends it.
  Result<std::string> delta_pages(const std::string& tenant, const std::string& from,
                                  const UserPageSink& sink, int first_page);
  GraphWriteResult create(const std::string& tenant, const GraphWrite& write);
  // Final answer for a write whose last attempt ended in `error`, after judging a retry
  // that may follow an attempt that took effect (see the header comment).
  GraphWriteResult resolve_failure(const std::string& tenant, const GraphWrite& write, Error error,
                                   bool ambiguous, int attempts);
  GraphWriteResult success(const GraphWrite& write, const nlohmann::json& body, int attempts);
  void run_batch(const std::string& tenant, const std::vector<GraphWrite>& writes,
                 const std::vector<std::size_t>& chunk, std::vector<GraphWriteResult>& results);
  std::string url(const std::string& path) const { return options_.graph_url + path; }

  GraphClientOptions options_;
  std::optional<Url> origin_;  // parsed graph_url; nullopt when it does not parse
  HttpTransport& transport_;
  TokenProvider& tokens_;
  RetryPolicy& retry_;
  WritePacer* pacer_;
};

}  // namespace tenantsync
