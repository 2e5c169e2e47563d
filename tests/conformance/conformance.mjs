#!/usr/bin/env node
// fake-graph's conformance suite (issue #20): Microsoft's own clients, used UNMODIFIED and
// with no URL-rewriting shim, against fake-graph served over TLS.
//
// - @azure/msal-node: only `authority` and `knownAuthorities` are configured; msal-node
//   discovers the token endpoint itself from the fake's
//   /{tenant}/v2.0/.well-known/openid-configuration (no authorityMetadata, no
//   cloudDiscoveryMetadata);
// - @microsoft/microsoft-graph-client: Client.initWithMiddleware with an authProvider, the
//   fake as baseUrl and customHosts, and the SDK's default middleware chain (auth, retry,
//   redirect, telemetry): no custom middleware.
//
// Usage (run.sh does this):
//   NODE_EXTRA_CA_CERTS=DIR/ca.pem node conformance.mjs --url https://127.0.0.1:PORT \
//     --cert-key KEY.pem --cert-pem CERT.pem --captured DIR
//
// Each check prints `ok   <name> (<contract line>)` or `FAIL <name>: <why>`; the exit status
// is 1 if any failed. Representative bodies go to --captured DIR as JSON, with check.ts,
// which run.sh compiles with tsc --strict against @microsoft/microsoft-graph-types.
// The section names in the contract lines are those of docs/fake-graph.md.
import { X509Certificate } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { ConfidentialClientApplication } from "@azure/msal-node";
import {
  BatchRequestContent,
  BatchResponseContent,
  Client,
  GraphError,
  PageIterator,
} from "@microsoft/microsoft-graph-client";

const HERE = dirname(fileURLToPath(import.meta.url));
const SCOPE = "https://graph.microsoft.com/.default";
const CUSTOMER = "contoso.onmicrosoft.com";
const PARTNER = "partner.onmicrosoft.com";
const ADMIN = { clientId: "11111111-1111-1111-1111-111111111111", clientSecret: "demo-secret" };
const READER = { clientId: "22222222-2222-2222-2222-222222222222", clientSecret: "reader-secret" };
const CERT_CLIENT_ID = "33333333-3333-3333-3333-333333333333";
const CHECK_TIMEOUT_MS = 120_000;

// Contoso's SKUs in fakes/fixtures/demo.json.
const SKU = {
  SPE_E3: "05e9a617-0261-4cee-bb44-138d3ef5d965",
  EMS: "efccb6f7-5641-4e0e-bd10-b4976e1bf68e",
  SPE_E5: "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
  EXCHANGESTANDARD: "4b9405b0-7788-4568-add1-99614e613b69",
  MCOEV: "e43b5b99-8dfb-405f-9987-dc307f34bcbd",
  MCOPSTN1: "0dab259f-bf13-4952-b7f8-7db8f131b28d",
  UNKNOWN: "00000000-0000-0000-0000-00000000dead",
};
const PLAN = {
  EXCHANGE_S_STANDARD: "9aaf7827-d63c-4b61-89c3-182f06f82e5c",
  EXCHANGE_S_ENTERPRISE: "efb87545-963c-4e0d-99df-69c6916d9eb0",
  RMS_S_PREMIUM: "6c57d4b6-3b23-47a5-9bc9-69f17b4947b3",
};
const upn = (name) => `${name}@${CUSTOMER}`;

// ---------------------------------------------------------------------------------------
// Options
function options() {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      "cert-key": { type: "string" },
      "cert-pem": { type: "string" },
      captured: { type: "string" },
    },
  });
  for (const name of ["url", "cert-key", "cert-pem", "captured"]) {
    if (!values[name]) {
      process.stderr.write(
        `conformance.mjs: --${name} is required\nusage: node conformance.mjs --url https://HOST:PORT ` +
          "--cert-key KEY.pem --cert-pem CERT.pem --captured DIR\n");
      process.exit(64);
    }
  }
  const url = new URL(values.url);
  if (url.protocol !== "https:") {
    process.stderr.write("conformance.mjs: --url must be https (the point is: no shim)\n");
    process.exit(64);
  }
  return {
    url: url.origin,            // https://127.0.0.1:PORT
    host: url.host,             // 127.0.0.1:PORT
    hostname: url.hostname,     // 127.0.0.1
    certKey: readFileSync(values["cert-key"], "utf8"),
    certPem: readFileSync(values["cert-pem"], "utf8"),
    captured: values.captured,
  };
}
const O = options();

// ---------------------------------------------------------------------------------------
// Helpers

class CheckFailed extends Error {}
function expect(condition, why) {
  if (!condition) throw new CheckFailed(why);
}
function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}
function sortedIds(items) {
  return items.map((x) => x.id).sort();
}

// The control endpoints (/_fake/...): plain fetch, no token (docs: "Control endpoints").
async function control(method, path, body) {
  const res = await fetch(`${O.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new CheckFailed(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
const state = (tenant = CUSTOMER) => control("GET", `/_fake/state/${tenant}`);
const stats = () => control("GET", "/_fake/stats");

// msal-node, configured with the authority and the fake's host as a known authority only.
function msalApp(credential, tenant = CUSTOMER) {
  return new ConfidentialClientApplication({
    auth: {
      ...credential,
      authority: `${O.url}/${tenant}`,
      knownAuthorities: [O.host],
    },
  });
}

function tokenProvider(app) {
  return {
    getAccessToken: async () => {
      const result = await app.acquireTokenByClientCredential({ scopes: [SCOPE] });
      if (!result?.accessToken) throw new Error("msal-node returned no access token");
      return result.accessToken;
    },
  };
}

// The Graph SDK with its default middleware chain (no `middleware` option).
function graphClient(authProvider) {
  return Client.initWithMiddleware({
    authProvider,
    baseUrl: O.url,
    defaultVersion: "v1.0",
    customHosts: new Set([O.hostname]),
  });
}

// One app + client per credential; recreated by the clock check (tokens expire on the
// fake's clock, msal-node's cache follows the real one).
function session(credential, tenant = CUSTOMER) {
  const app = msalApp(credential, tenant);
  return { app, client: graphClient(tokenProvider(app)) };
}
let admin = session(ADMIN);
const reader = session(READER);
const partner = session(ADMIN, PARTNER);

// Every item of a collection through the SDK's PageIterator (which follows @odata.nextLink
// as given); returns the items, the pages the iterator fetched (the fake's statistics for
// `route`, plus the first page) and the delta link if the collection is a delta round.
async function iterateAll(client, firstPage, route) {
  const count = async () => (route ? ((await stats()).requests[route]?.["200"] ?? 0) : 0);
  const before = await count();
  const items = [];
  const iterator = new PageIterator(client, firstPage, (item) => {
    items.push(item);
    return true;
  });
  await iterator.iterate();
  expect(iterator.isComplete(), "PageIterator did not complete");
  return { items, pages: 1 + (await count()) - before, deltaLink: iterator.getDeltaLink() };
}

// The GraphError a call must fail with.
async function graphError(promise) {
  try {
    await promise;
  } catch (e) {
    if (e instanceof GraphError) return e;
    throw new CheckFailed(`expected a GraphError, got ${e?.constructor?.name}: ${e?.message}`);
  }
  throw new CheckFailed("the call succeeded; an error was expected");
}

function expectGraphError(e, status, code, message) {
  expect(e.statusCode === status, `statusCode ${e.statusCode}, expected ${status} (${e.code}: ${e.message})`);
  expect(e.code === code, `code ${e.code}, expected ${code} (${e.message})`);
  if (message instanceof RegExp) {
    expect(message.test(e.message), `message "${e.message}" does not match ${message}`);
  } else if (message !== undefined) {
    expect(e.message === message, `message "${e.message}", expected "${message}"`);
  }
  expect(typeof e.requestId === "string" && e.requestId.length > 0, "GraphError.requestId is empty");
  expect(e.date instanceof Date && !Number.isNaN(e.date.getTime()), "GraphError.date is not a date");
}

// Captured bodies, and the TypeScript type each must satisfy (see types.ts).
const captures = [];
function capture(name, type, body) {
  mkdirSync(O.captured, { recursive: true });
  writeFileSync(join(O.captured, `${name}.json`), `${JSON.stringify(body, null, 2)}\n`);
  captures.push({ name, type });
}

function writeTypeCheck() {
  const typesModule = join(HERE, "types").replaceAll("\\", "/");
  const lines = [
    "// Generated by tests/conformance/conformance.mjs: every body captured from fake-graph,",
    "// inlined as a literal and assigned to the Microsoft Graph type it must satisfy.",
    "// run.sh resolves the package through tsc --baseUrl tests/conformance/node_modules.",
    'import type { Contract, SubscribedSku, User } from "@microsoft/microsoft-graph-types";',
    "import type {",
    "  BatchResponseItem, Collection, DeltaItem, Entity, ODataError,",
    `} from ${JSON.stringify(typesModule)};`,
    "",
  ];
  for (const { name, type } of captures) {
    const body = readFileSync(join(O.captured, `${name}.json`), "utf8").trimEnd();
    lines.push(`// ${name}.json`);
    lines.push(`export const ${name.replaceAll("-", "_")}: ${type} = ${body};`, "");
  }
  mkdirSync(O.captured, { recursive: true });
  writeFileSync(join(O.captured, "check.ts"), lines.join("\n"));
}

// ---------------------------------------------------------------------------------------
// The checks. Each returns its contract line; a failure throws.

async function tokens_by_secret() {
  const before = await stats();
  const app = msalApp(ADMIN);
  const first = await app.acquireTokenByClientCredential({ scopes: [SCOPE] });
  expect(first?.accessToken, "no access token");
  expect(first.tokenType === "Bearer", `tokenType ${first.tokenType}`);
  const lifetime = (first.expiresOn.getTime() - Date.now()) / 1000;
  expect(lifetime > 3500 && lifetime <= 3600, `expires in ${lifetime}s, expected 3599`);
  const second = await app.acquireTokenByClientCredential({ scopes: [SCOPE] });
  expect(second.fromCache === true, "the second token did not come from msal-node's cache");
  // The token is usable on Graph, and bound to the tenant the authority named.
  const me = await graphClient(tokenProvider(app)).api("/subscribedSkus").get();
  const tenant = await state();
  expect(me.value.every((s) => s.accountId === tenant.id), "subscribedSkus of another tenant");
  const after = await stats();
  const served = (route) => (after.requests[route]?.["200"] ?? 0) - (before.requests[route]?.["200"] ?? 0);
  const issued = served("POST /{tenant}/oauth2/v2.0/token");
  expect(issued === 1, `${issued} token requests, expected 1 (then msal-node's cache)`);
  const discovered = served("GET /{tenant}/v2.0/.well-known/openid-configuration");
  expect(discovered >= 1, "msal-node did not read the tenant's openid-configuration");
  const instance = served("GET /common/discovery/instance");
  return '"Tokens", "Pointing Microsoft\'s SDKs at it": msal-node with only authority + ' +
    `knownAuthorities read /{tenant}/v2.0/.well-known/openid-configuration (${discovered}x; ` +
    `instance discovery ${instance}x: knownAuthorities answers it locally) and posted to the ` +
    "token endpoint it names; client_secret -> Bearer, 3599 s, cached, bound to its tenant";
}

async function tokens_by_certificate() {
  const thumbprintSha256 = new X509Certificate(O.certPem).fingerprint256.replaceAll(":", "");
  const app = msalApp({
    clientId: CERT_CLIENT_ID,
    clientCertificate: { thumbprintSha256, privateKey: O.certKey },
  });
  const result = await app.acquireTokenByClientCredential({ scopes: [SCOPE] });
  expect(result?.accessToken, "no access token");
  expect(result.tokenType === "Bearer", `tokenType ${result.tokenType}`);
  const page = await graphClient(tokenProvider(app)).api("/users").top(1).select("id").get();
  expect(page.value.length === 1, "the certificate client's token did not read /users");
  // A key that does not match the registered certificate is refused.
  const { generateKeyPairSync } = await import("node:crypto");
  const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
    .export({ type: "pkcs8", format: "pem" });
  const wrong = msalApp({
    clientId: CERT_CLIENT_ID,
    clientCertificate: { thumbprintSha256, privateKey: stranger },
  });
  let refused;
  try {
    await wrong.acquireTokenByClientCredential({ scopes: [SCOPE] });
  } catch (e) {
    refused = e;
  }
  expect(refused, "an assertion signed by another key was accepted");
  expect(/AADSTS700027/.test(`${refused.errorMessage ?? ""} ${refused.message ?? ""}`),
         `wrong key: expected AADSTS700027, got ${refused.errorCode}: ${refused.errorMessage}`);
  return '"Tokens", "Fixture format": msal-node clientCertificate {thumbprintSha256, privateKey} ' +
    "signs a PS256 client assertion for the discovered token URL; the fixture's certificatePem " +
    "verifies it (another key: 401 AADSTS700027)";
}

async function users_page_iterator() {
  const tenant = await state();
  const first = await admin.client.api("/users").top(5).select("id,userPrincipalName").get();
  capture("users-page", "Collection<User>", first);
  expect(first.value.length === 5, `first page has ${first.value.length} users, expected 5`);
  expect(typeof first["@odata.nextLink"] === "string" &&
         first["@odata.nextLink"].startsWith(`${O.url}/v1.0/users?`),
         `nextLink ${first["@odata.nextLink"]} is not an https link to the fake`);
  expect(first["@odata.context"] === `${O.url}/v1.0/$metadata#users(id,userPrincipalName)`,
         `@odata.context ${first["@odata.context"]}`);
  const { items, pages } = await iterateAll(admin.client, first, "GET /v1.0/users");
  const want = tenant.users.map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName }))
    .sort((a, b) => a.id.localeCompare(b.id));
  expect(items.length === want.length, `${items.length} users, the state has ${want.length}`);
  expect(same(items, want),
         "the users (exactly id + userPrincipalName, in object-id order) differ from /_fake/state");
  expect(pages === Math.ceil(want.length / 5), `${pages} pages for ${want.length} users at $top=5`);
  return `"Reading": PageIterator follows @odata.nextLink ($top=5, $select kept, signed ` +
    `$skiptoken) over ${pages} pages: exactly the ${want.length} users of /_fake/state, in object-id order`;
}

async function subscribed_skus() {
  const tenant = await state();
  const page = await admin.client.api("/subscribedSkus").get();
  capture("subscribed-skus", "Collection<SubscribedSku>", page);
  expect(same(page.value.map((s) => s.skuId).sort(), tenant.skus.map((s) => s.skuId).sort()),
         "the SKUs differ from /_fake/state");
  for (const sku of page.value) {
    const want = tenant.skus.find((s) => s.skuId === sku.skuId);
    expect(sku.id === `${tenant.id}_${sku.skuId}`, `id ${sku.id}`);
    expect(sku.accountId === tenant.id && sku.accountName === tenant.displayName,
           `${sku.skuPartNumber}: accountId/accountName`);
    expect(sku.skuPartNumber === want.skuPartNumber && sku.appliesTo === want.appliesTo,
           `${sku.skuPartNumber}: skuPartNumber/appliesTo`);
    expect(sku.consumedUnits === want.consumedUnits,
           `${sku.skuPartNumber}: consumedUnits ${sku.consumedUnits}, state ${want.consumedUnits}`);
    expect(sku.prepaidUnits.enabled === want.enabled && sku.prepaidUnits.warning === want.warning &&
           sku.prepaidUnits.suspended === want.suspended, `${sku.skuPartNumber}: prepaidUnits`);
    expect(same(sku.servicePlans.map((p) => p.servicePlanId), want.servicePlans.map((p) => p.servicePlanId)),
           `${sku.skuPartNumber}: servicePlans`);
    expect(Array.isArray(sku.subscriptionIds) && sku.subscriptionIds.length > 0,
           `${sku.skuPartNumber}: subscriptionIds`);
  }
  const e3 = page.value.find((s) => s.skuId === SKU.SPE_E3);
  expect(e3.prepaidUnits.enabled - e3.consumedUnits === 1, "Contoso SPE_E3 should have 1 free seat");
  return `"What it serves", "The demo fixture": ${page.value.length} subscribedSkus with consumedUnits ` +
    "derived from the users, prepaidUnits, servicePlans, accountId/accountName/subscriptionIds";
}

async function deleted_users() {
  const tenant = await state();
  const clock = await control("GET", "/_fake/clock");
  const now = Date.parse(clock.now);
  const restorable = tenant.deletedUsers.filter(
    (u) => now - Date.parse(u.deletedDateTime) <= 30 * 86400 * 1000);
  const first = await admin.client.api("/directory/deletedItems/microsoft.graph.user")
    .select("id,userPrincipalName,displayName,deletedDateTime,assignedLicenses").top(10).get();
  capture("deleted-users", "Collection<User>", first);
  const { items } = await iterateAll(admin.client, first);
  expect(same(sortedIds(items), sortedIds(restorable)),
         `deleted users ${items.map((u) => u.displayName)}; expected ${restorable.map((u) => u.displayName)}`);
  const cameron = items.find((u) => u.displayName === "Cameron White");
  expect(cameron, "Cameron White (deleted 10 days ago) is not listed");
  expect(cameron.deletedDateTime === "2026-11-10T09:30:00Z", `deletedDateTime ${cameron.deletedDateTime}`);
  expect(same(cameron.assignedLicenses.map((l) => l.skuId).sort(), [SKU.SPE_E3, SKU.EMS].sort()),
         "Cameron White's licenses held at deletion");
  expect(!items.some((u) => u.displayName === "Brian Johnson"), "Brian Johnson (51 days) is not purged");
  return '"Reading", "The demo fixture": /directory/deletedItems/microsoft.graph.user lists the ' +
    "restorable users with deletedDateTime and the licenses held at deletion; past 30 days purged";
}

async function contracts_partner() {
  const page = await partner.client.api("/contracts").get();
  capture("contracts", "Collection<Contract>", page);
  const customers = ["contoso.onmicrosoft.com", "fabrikam.onmicrosoft.com", "northwind.onmicrosoft.com"];
  const want = [];
  for (const domain of customers) want.push({ domain, id: (await state(domain)).id });
  expect(same(page.value.map((c) => c.defaultDomainName).sort(), customers),
         `contracts name ${page.value.map((c) => c.defaultDomainName)}`);
  for (const c of page.value) {
    const w = want.find((x) => x.domain === c.defaultDomainName);
    expect(c.customerId === w.id, `${c.defaultDomainName}: customerId ${c.customerId}, tenant id ${w.id}`);
    expect(typeof c.id === "string" && c.contractType === "ResellerPartner" && c.displayName,
           `${c.defaultDomainName}: id/contractType/displayName`);
  }
  // A customer tenant's token may not list contracts.
  const e = await graphError(admin.client.api("/contracts").get());
  expectGraphError(e, 403, "Authorization_RequestDenied");
  return '"What it serves": GET /contracts with a partner-tenant token (authority ' +
    "partner.onmicrosoft.com) lists the 3 customers with their tenant ids; a customer token gets 403";
}

async function batch_assign_license() {
  const refused = (code, message) => ({ status: 400, code, message });
  const NO_LICENSE = "User does not have a corresponding license.";
  const BAD_LOCATION = "License assignment cannot be done for user with invalid usage location.";
  const noSeats = (sku) => `Subscription with SKU ${sku} does not have any available licenses.`;
  const exclusive = new RegExp(
    `^License assignment failed because service plans (${PLAN.EXCHANGE_S_STANDARD},${PLAN.EXCHANGE_S_ENTERPRISE}|` +
    `${PLAN.EXCHANGE_S_ENTERPRISE},${PLAN.EXCHANGE_S_STANDARD}) are mutually exclusive\\.$`);
  const depends = /^License assignment failed because service plan [0-9a-f-]{36} depends on the service plan\(s\) [0-9a-f-]{36}\.$/;
  const lic = (skuId, disabledPlans = []) => ({ skuId, disabledPlans });
  // id: [user, addLicenses, removeLicenses, expected]
  const plan = {
    1: ["emily.braun", [lic(SKU.SPE_E3)], [], { status: 200 }],                      // takes the last SPE_E3 seat
    2: ["irvin.sayers", [lic(SKU.EMS)], [], refused("Request_BadRequest", BAD_LOCATION)],  // no usage location
    3: ["lee.gu", [lic(SKU.MCOPSTN1)], [], refused("Request_BadRequest", BAD_LOCATION)],   // MCOPSTN1 prohibited in CN
    4: ["megan.bowen", [lic(SKU.UNKNOWN)], [],
        refused("Request_BadRequest", `License ${SKU.UNKNOWN} does not correspond to a valid company License.`)],
    5: ["alex.wilber", [lic(SKU.SPE_E5)], [], refused("Request_BadRequest", noSeats(SKU.SPE_E5))],
    6: ["ben.walters", [lic(SKU.SPE_E3)], [], refused("Request_BadRequest", noSeats(SKU.SPE_E3))],
    7: ["adele.vance", [lic(SKU.SPE_E3)], [], { status: 200 }],                      // re-add: no seat needed
    8: ["megan.bowen", [], [SKU.EMS], refused("Request_BadRequest", NO_LICENSE)],
    9: ["christie.cline", [], [SKU.EMS], refused("Request_BadRequest",
        "User license is inherited from a group membership and it cannot be removed directly from the user.")],
    10: ["megan.bowen", [lic(SKU.EXCHANGESTANDARD)], [], refused("Request_BadRequest", exclusive)],
    11: ["miriam.graham", [lic(SKU.SPE_E3)], [], refused("Request_BadRequest", exclusive)],  // enables EXCHANGE_S_ENTERPRISE
    12: ["megan.bowen", [lic(SKU.MCOPSTN1)], [], refused("Request_BadRequest", depends)],  // MCOPSTN1 needs MCOEV
    13: ["adele.vance", [], [SKU.MCOEV], refused("Request_BadRequest", depends)],         // removal breaks MCOPSTN1
    14: ["nobody", [lic(SKU.EMS)], [],
         { status: 404, code: "Request_ResourceNotFound", message: /^Resource '.*' does not exist/ }],
    15: ["isaiah.langer", [lic(SKU.EMS)], [], { status: 200 }],
    16: ["patti.fernandez", [], [SKU.EMS], { status: 200 }],
    17: ["diego.siciliani", [lic(SKU.MCOEV)], [], { status: 200 }],
    18: ["henrietta.mueller", [lic(SKU.MCOPSTN1)], [], { status: 200 }],
    19: ["ben.walters", [lic(SKU.EMS)], [], { status: 200 }],                        // a disabled account may hold one
    20: ["pradeep.gupta", [lic(SKU.EMS, [PLAN.RMS_S_PREMIUM])], [], { status: 200 }],
  };
  // A fetch Request per item; BatchRequestContent strips the host: "/users/{upn}/assignLicense".
  const assign = (user, add, remove) => new Request(`${O.url}/users/${upn(user)}/assignLicense`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ addLicenses: add, removeLicenses: remove }),
  });
  // Every item but the first depends on it (the SDK accepts parallel, serial or
  // same-dependency batches): item 1 takes the last SPE_E3 seat before the others run.
  const steps = Object.entries(plan).map(([id, [user, add, remove]]) => ({
    id,
    request: assign(user, add, remove),
    ...(id === "1" ? {} : { dependsOn: ["1"] }),
  }));
  const content = await new BatchRequestContent(steps).getContent();
  expect(content.requests.length === 20, `${content.requests.length} requests`);
  expect(content.requests[0].url === `/users/${upn("emily.braun")}/assignLicense`,
         `batch item url ${content.requests[0].url}`);
  const raw = await admin.client.api("/$batch").post(content);
  const batch = new BatchResponseContent(raw);
  const answered = [...batch.getResponses().keys()].sort((a, b) => a - b);
  expect(same(answered, Object.keys(plan)), `answered ids ${answered}`);
  const outcome = { 200: 0, 400: 0, 404: 0 };
  for (const [id, [user, , , want]] of Object.entries(plan)) {
    const res = batch.getResponseById(id);
    const body = await res.json();
    const what = `item ${id} (${user})`;
    expect(res.status === want.status, `${what}: status ${res.status}, expected ${want.status}: ${JSON.stringify(body)}`);
    outcome[res.status] += 1;
    if (want.status === 200) {
      expect(body.id && body.userPrincipalName === upn(user), `${what}: the 200 body is not the user`);
      continue;
    }
    expect(body.error?.code === want.code, `${what}: code ${body.error?.code}, expected ${want.code}`);
    if (want.message instanceof RegExp) {
      expect(want.message.test(body.error.message), `${what}: message "${body.error.message}"`);
    } else if (want.message) {
      expect(body.error.message === want.message, `${what}: message "${body.error.message}"`);
    }
  }
  capture("batch-item-ok", "BatchResponseItem<Entity<User>>", raw.responses.find((r) => r.id === "1"));
  capture("batch-item-refused", "BatchResponseItem<ODataError>", raw.responses.find((r) => r.id === "6"));
  // dependsOn on a failed item (the SDK allows parallel, serial or same-dependency batches,
  // so this is a batch of its own): 424 FailedDependency, and the item does not run.
  const serial = await new BatchRequestContent([
    { id: "a", request: assign("irvin.sayers", [lic(SKU.EMS)], []) },
    { id: "b", request: assign("irvin.sayers", [lic(SKU.EXCHANGESTANDARD)], []), dependsOn: ["a"] },
  ]).getContent();
  const chained = new BatchResponseContent(await admin.client.api("/$batch").post(serial));
  expect(chained.getResponseById("a").status === 400, `serial item a: ${chained.getResponseById("a").status}`);
  const failedDependency = chained.getResponseById("b");
  expect(failedDependency.status === 424 && (await failedDependency.json()).error.code === "FailedDependency",
         `serial item b: ${failedDependency.status}`);

  // The directory after the batches: what succeeded took effect, nothing else did.
  const after = await state();
  const holds = (name, sku) => after.users.find((u) => u.userPrincipalName === upn(name))
    .assignedLicenses.find((l) => l.skuId === sku);
  const e3 = after.skus.find((s) => s.skuId === SKU.SPE_E3);
  expect(holds("emily.braun", SKU.SPE_E3) && !holds("ben.walters", SKU.SPE_E3), "SPE_E3 seats");
  expect(e3.consumedUnits === e3.enabled, `SPE_E3 consumed ${e3.consumedUnits} of ${e3.enabled}`);
  expect(same(holds("adele.vance", SKU.SPE_E3).disabledPlans, []), "adele.vance's re-add kept YAMMER off");
  expect(holds("isaiah.langer", SKU.EMS) && holds("ben.walters", SKU.EMS) && !holds("patti.fernandez", SKU.EMS) &&
         holds("diego.siciliani", SKU.MCOEV) && holds("henrietta.mueller", SKU.MCOPSTN1),
         "the successful items did not all take effect");
  expect(same(holds("pradeep.gupta", SKU.EMS).disabledPlans, [PLAN.RMS_S_PREMIUM]), "pradeep.gupta's disabledPlans");
  expect(!holds("megan.bowen", SKU.EXCHANGESTANDARD) && !holds("megan.bowen", SKU.MCOPSTN1) &&
         holds("adele.vance", SKU.MCOEV) && !holds("alex.wilber", SKU.SPE_E5) &&
         !after.users.find((u) => u.userPrincipalName === upn("irvin.sayers")).assignedLicenses.length,
         "a refused item took effect");
  return `"$batch", "Writing, and the rules enforced": BatchRequestContent of 20 assignLicense ` +
    `(all dependsOn item 1) -> BatchResponseContent by id: ${outcome[200]}x200, ${outcome[400]}x400 (no usage ` +
    "location, prohibited location, unknown SKU, no free seats, not held, inherited, mutually " +
    `exclusive, dependency), ${outcome[404]}x404; item 1 took the last SPE_E3 seat first; a serial batch whose ` +
    "first item fails answers 424 FailedDependency for the second";
}

async function delta_round() {
  const select = "id,userPrincipalName,displayName,assignedLicenses";
  const first = await admin.client.api("/users/delta").select(select).top(10).get();
  const full = await iterateAll(admin.client, first, "GET /v1.0/users/delta");
  expect(full.deltaLink?.startsWith(`${O.url}/v1.0/users/delta?`), `deltaLink ${full.deltaLink}`);
  const before = await state();
  expect(same(sortedIds(full.items), sortedIds(before.users)), "the full round differs from /_fake/state's users");
  expect(full.pages === Math.ceil(before.users.length / 10), `${full.pages} pages at $top=10`);

  // An out-of-band license change, and a soft delete through the SDK.
  const megan = before.users.find((u) => u.userPrincipalName === upn("megan.bowen"));
  const lidia = before.users.find((u) => u.userPrincipalName === upn("lidia.holloway"));
  const licenses = [{ skuId: SKU.SPE_E3, disabledPlans: [] }, { skuId: SKU.EMS, disabledPlans: [] }];
  await control("POST", `/_fake/tenants/${CUSTOMER}/users/${megan.userPrincipalName}/assignedLicenses`, licenses);
  await admin.client.api(`/users/${lidia.id}`).delete();

  const page = await admin.client.api(full.deltaLink).get();
  capture("delta-page", "Collection<DeltaItem<User>>", page);
  const round = await iterateAll(admin.client, page);
  expect(round.deltaLink && round.deltaLink !== full.deltaLink, "the round gave no new deltaLink");
  const changed = round.items.filter((u) => u.id === megan.id && !u["@removed"]);
  const removed = round.items.filter((u) => u.id === lidia.id && u["@removed"]);
  expect(changed.length >= 1, "the out-of-band license change is not reported");
  expect(same(changed.at(-1).assignedLicenses.map((l) => l.skuId).sort(), [SKU.SPE_E3, SKU.EMS].sort()),
         `megan.bowen's licenses in the delta: ${JSON.stringify(changed.at(-1).assignedLicenses)}`);
  expect(changed.at(-1).userPrincipalName === megan.userPrincipalName, "the changed user lacks its selected properties");
  expect(removed.length >= 1 && removed.at(-1)["@removed"].reason === "changed",
         `the soft delete is not reported as @removed changed: ${JSON.stringify(removed)}`);
  const others = round.items.filter((u) => u.id !== megan.id && u.id !== lidia.id);
  expect(others.length === 0, `unrelated users in the round: ${others.map((u) => u.userPrincipalName ?? u.id)}`);
  // And then the round is quiet.
  const quiet = await admin.client.api(round.deltaLink).get();
  expect(quiet.value.length === 0 && quiet["@odata.deltaLink"], "a round with no change is not empty");
  return `"Reading" (delta), "Control endpoints": full /users/delta round (${full.pages} pages) to the ` +
    "deltaLink; then an out-of-band assignedLicenses change and an SDK soft delete come back as the " +
    'changed user (selected properties) and {"@removed": {"reason": "changed"}}; then nothing';
}

async function user_lifecycle() {
  const name = "conformance.probe";
  const password = "Conf0rmance-Probe!";        // a throwaway test value: never printed
  const created = await admin.client.api("/users").post({
    accountEnabled: true,
    displayName: "Conformance Probe",
    mailNickname: name,
    userPrincipalName: upn(name),
    passwordProfile: { forceChangePasswordNextSignIn: true, password },
  });
  capture("user-created", "Entity<User>", created);
  expect(created.id && created.userPrincipalName === upn(name), "POST /users did not answer the user");
  const id = created.id;

  // The same name again: ObjectConflict.
  const conflict = await graphError(admin.client.api("/users").post({
    accountEnabled: true, displayName: "Conformance Probe 2", mailNickname: name,
    userPrincipalName: upn(name), passwordProfile: { password },
  }));
  expectGraphError(conflict, 400, "Request_BadRequest",
    "Another object with the same value for property userPrincipalName already exists.");

  await admin.client.api(`/users/${id}`).patch({ usageLocation: "nl", department: "Quality", jobTitle: "Probe" });
  const patched = await admin.client.api(`/users/${id}`).select("id,usageLocation,department,jobTitle").get();
  expect(patched.usageLocation === "NL" && patched.department === "Quality" && patched.jobTitle === "Probe",
         `after PATCH: ${JSON.stringify(patched)}`);

  // Password reset (PATCH passwordProfile): a complex one is taken, a weak one refused.
  await admin.client.api(`/users/${id}`).patch({
    passwordProfile: { forceChangePasswordNextSignIn: true, password: "Reset-Pr0be-2026" },
  });
  const weak = await graphError(admin.client.api(`/users/${id}`).patch({ passwordProfile: { password: "weak" } }));
  expectGraphError(weak, 400, "Request_BadRequest",
    "The specified password does not comply with password complexity requirements. Please provide a different password.");

  await admin.client.api(`/users/${id}`).delete();
  expectGraphError(await graphError(admin.client.api(`/users/${id}`).get()), 404, "Request_ResourceNotFound");
  const deleted = await admin.client.api(`/directory/deletedItems/${id}`).get();
  capture("deleted-user", "Entity<User>", deleted);
  expect(deleted.id === id && typeof deleted.deletedDateTime === "string", "the deleted user lacks deletedDateTime");

  const restored = await admin.client.api(`/directory/deletedItems/${id}/restore`).post({});
  capture("user-restored", "Entity<User>", restored);
  expect(restored.id === id, "restore did not answer the user");
  const back = await admin.client.api(`/users/${id}`).select("id,userPrincipalName,usageLocation").get();
  expect(back.userPrincipalName === upn(name) && back.usageLocation === "NL", `after restore: ${JSON.stringify(back)}`);
  return '"Writing, and the rules enforced" (Users): POST /users 201 (duplicate UPN: 400 ' +
    "ObjectConflict message), PATCH 204 (usageLocation upper-cased), password reset via PATCH " +
    "passwordProfile (weak: 400 complexity), DELETE 204 -> 404 + deletedItems, restore 200";
}

async function graph_errors() {
  // 400: a page size out of range.
  const bad = await graphError(admin.client.api("/users").top(1000).get());
  expectGraphError(bad, 400, "Request_BadRequest", "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.");
  capture("error-400", "ODataError", { error: JSON.parse(bad.body) });

  // 401: a client whose authProvider hands out a token the fake never issued.
  const stranger = graphClient({ getAccessToken: async () => "not-a-token-the-fake-issued" });
  const unauth = await graphError(stranger.api("/users").top(1).get());
  expectGraphError(unauth, 401, "InvalidAuthenticationToken");
  capture("error-401", "ODataError", { error: JSON.parse(unauth.body) });

  // 403: the reader client (DirectoryReaders) may read, not write.
  const read = await reader.client.api("/users").top(1).select("id").get();
  expect(read.value.length === 1, "the reader client cannot read");
  const denied = await graphError(reader.client.api(`/users/${upn("megan.bowen")}`).patch({ department: "Nope" }));
  expectGraphError(denied, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  capture("error-403", "ODataError", { error: JSON.parse(denied.body) });

  // 404: an unknown user.
  const missing = await graphError(admin.client.api(`/users/${upn("nobody.at.all")}`).get());
  expectGraphError(missing, 404, "Request_ResourceNotFound", /^Resource 'nobody\.at\.all@contoso\.onmicrosoft\.com' does not exist/);
  capture("error-404", "ODataError", { error: JSON.parse(missing.body) });
  return '"Writing, and the rules enforced", "Tokens", "Reading": GraphError carries statusCode, ' +
    "code, message, requestId, date for 400 Request_BadRequest, 401 InvalidAuthenticationToken, " +
    "403 Authorization_RequestDenied (reader writes), 404 Request_ResourceNotFound";
}

async function retry_under_throttling() {
  const ids = (await state()).users.slice(0, 8).map((u) => u.id);
  await admin.client.api(`/users/${ids[0]}`).select("id").get();   // the token is cached first
  const before = await stats();
  await control("POST", "/_fake/faults", { throttleRate: 0.5, retryAfterSeconds: 1, seed: 1 });
  let got;
  try {
    got = [];
    for (const id of ids) got.push(await admin.client.api(`/users/${id}`).select("id").get());
  } finally {
    await control("POST", "/_fake/faults", {});
  }
  expect(same(got.map((u) => u.id), ids), "the answers under faults differ");
  const after = await stats();
  const throttled = after.throttled - before.throttled;
  const route = after.requests["GET /v1.0/users/{id}"];
  const before429 = before.requests["GET /v1.0/users/{id}"]?.["429"] ?? 0;
  expect(throttled > 0, "no request was throttled: the check proved nothing");
  expect((route["429"] ?? 0) - before429 === throttled, "the 429s are not on the reads");
  return `"Faults", "Statistics": with throttleRate 0.5 (seed 1) the default RetryHandler honoured ` +
    `Retry-After on ${throttled} 429 TooManyRequests and all ${ids.length} reads succeeded`;
}

async function retry_under_limits() {
  const user = (await state()).users.find((u) => u.userPrincipalName === upn("pradeep.gupta"));
  await admin.client.api(`/users/${user.id}`).select("id").get();  // token cached
  const before = await stats();
  const started = Date.now();
  await control("POST", "/_fake/limits", { readUnitsPer10s: 2, writesPerWindow: 2, windowSeconds: 2 });
  try {
    for (let i = 0; i < 3; i += 1) await admin.client.api(`/users/${user.id}`).select("id,jobTitle").get();
    for (let i = 0; i < 3; i += 1) await admin.client.api(`/users/${user.id}`).patch({ jobTitle: `Consultant ${i}` });
  } finally {
    await control("POST", "/_fake/limits", {});
  }
  const after = await stats();
  const throttled = after.throttled - before.throttled;
  const final = await admin.client.api(`/users/${user.id}`).select("jobTitle").get();
  expect(final.jobTitle === "Consultant 2", `jobTitle ${final.jobTitle}`);
  expect(throttled >= 2, `${throttled} limit 429s; expected at least one read and one write`);
  const writes = after.requests["PATCH /v1.0/users/{id}"];
  expect((writes["204"] ?? 0) - (before.requests["PATCH /v1.0/users/{id}"]?.["204"] ?? 0) === 3,
         "the writes did not all take effect exactly once");
  return `"Limits": readUnitsPer10s 2, writesPerWindow 2/2 s: the default RetryHandler waited the ` +
    `exact Retry-After of ${throttled} 429s (decimal seconds) and every read and write succeeded ` +
    `(${((Date.now() - started) / 1000).toFixed(1)} s)`;
}

async function delta_token_expired() {
  const latest = await admin.client.api("/users/delta?$deltatoken=latest").get();
  expect(latest.value.length === 0 && latest["@odata.deltaLink"], '$deltatoken=latest gave data or no deltaLink');
  const clock = await control("POST", "/_fake/clock", { advanceSeconds: 8 * 86400 });
  expect(clock.now?.startsWith("2026-11-28"), `the clock reads ${clock.now}`);
  // msal-node's cached token is now expired on the fake's clock.
  const stale = await graphError(admin.client.api("/users").top(1).get());
  expectGraphError(stale, 401, "InvalidAuthenticationToken");
  // A new app (empty cache) gets a new token; the week-old delta link is gone.
  admin = session(ADMIN);
  const expired = await graphError(admin.client.api(latest["@odata.deltaLink"]).get());
  expectGraphError(expired, 410, "syncStateNotFound");
  capture("error-410", "ODataError", { error: JSON.parse(expired.body) });
  // Starting over works.
  const again = await admin.client.api("/users/delta").select("id").get();
  expect(again.value.length > 0, "a new full round is empty");
  return '"Reading" (delta), "Control endpoints", "Tokens": after POST /_fake/clock +8 days a ' +
    "cached token gets 401 InvalidAuthenticationToken and the 8-day-old deltaLink 410 " +
    "syncStateNotFound; a new full round works";
}

const CHECKS = [
  tokens_by_secret,
  tokens_by_certificate,
  users_page_iterator,
  subscribed_skus,
  deleted_users,
  contracts_partner,
  batch_assign_license,
  delta_round,
  user_lifecycle,
  graph_errors,
  retry_under_throttling,
  retry_under_limits,
  delta_token_expired,   // last: it moves the fake's clock a week on
];

// ---------------------------------------------------------------------------------------
let failed = 0;
for (const check of CHECKS) {
  let timer;
  try {
    const line = await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new CheckFailed(`timed out after ${CHECK_TIMEOUT_MS / 1000}s`)),
                           CHECK_TIMEOUT_MS);
      }),
    ]);
    console.log(`ok   ${check.name} (${line})`);
  } catch (e) {
    failed += 1;
    const why = e instanceof CheckFailed ? e.message
      : e instanceof GraphError ? `GraphError ${e.statusCode} ${e.code}: ${e.message}`
      : `${e?.constructor?.name ?? "error"}: ${e?.errorCode ?? ""} ${e?.message ?? e}`;
    console.log(`FAIL ${check.name}: ${why}`);
  } finally {
    clearTimeout(timer);
  }
}
writeTypeCheck();
console.log(`${CHECKS.length - failed}/${CHECKS.length} checks passed; ${captures.length} bodies captured`);
process.exit(failed ? 1 : 0);
