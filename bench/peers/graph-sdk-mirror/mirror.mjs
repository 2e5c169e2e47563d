#!/usr/bin/env node
// The benchmark peer of `tenantsync mirror --full` (issue #19): the same read of every
// customer tenant, written on Microsoft's own libraries as a competent admin would write
// it: @azure/msal-node for app tokens (client credentials, one app per customer tenant),
// @microsoft/microsoft-graph-client for the reads ($select, $top=999, @odata.nextLink,
// $batch), better-sqlite3 for the store (one transaction per page). Tenants run 8 at once.
//
// It reads and stores what tenantsync's full mirror does: the tenant's SKUs, domains,
// admin role definitions and assignments and a "sync from now" delta link (one $batch),
// its users, then its deleted users and the names of the groups its users inherit
// licenses from (one $batch), as tenantsync asks for them. --narrow reads only the SKUs,
// the users and the deleted users: the peer issue #19's goals were set against, which
// skipped the domains, admin roles and group names tenantsync read then, and the delta
// link it reads since.
//
// Usage:
//   GRAPH_CLIENT_SECRET=... node mirror.mjs --url http://127.0.0.1:PORT \
//     --partner partner.onmicrosoft.com --client-id ID --db out.db [--concurrency 8] [--narrow]
//
// --url is fake-graph's root: Graph at URL/v1.0, tokens at URL/{tenant}/oauth2/v2.0/token.
// The libraries are used unmodified; what it takes to point them at a plain-http loopback
// server (and nothing else) is in loopbackHttp() and appAuthority() below, and README.md.
// On success it prints one JSON line of counts to stdout; errors go to stderr, exit 1.
import { parseArgs } from "node:util";

import { ConfidentialClientApplication } from "@azure/msal-node";
import { Client, HTTPMessageHandler, MiddlewareFactory } from "@microsoft/microsoft-graph-client";
import Database from "better-sqlite3";

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
// The fields tenantsync reads (connector/graph_client.h, kUserSelect and kDeletedUserSelect).
const USER_SELECT = [
  "id", "userPrincipalName", "displayName", "mail", "givenName", "surname", "jobTitle",
  "department", "accountEnabled", "usageLocation", "assignedLicenses", "licenseAssignmentStates",
];
const DELETED_USER_SELECT = [...USER_SELECT, "deletedDateTime"];
const PAGE_SIZE = 999;  // Graph's largest $top
const BATCH_SIZE = 20;  // Graph's most requests in one $batch

function usage(message) {
  process.stderr.write(
    `mirror.mjs: ${message}\n` +
      "usage: GRAPH_CLIENT_SECRET=... node mirror.mjs --url URL --partner TENANT " +
      "--client-id ID --db PATH [--concurrency N] [--narrow]\n");
  process.exit(64);
}

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: "string" },
        partner: { type: "string" },
        "client-id": { type: "string" },
        db: { type: "string" },
        concurrency: { type: "string", default: "8" },
        narrow: { type: "boolean", default: false },
      },
    }));
  } catch (e) {
    usage(e.message);
  }
  for (const name of ["url", "partner", "client-id", "db"]) {
    if (!values[name]) usage(`--${name} is required`);
  }
  const concurrency = Number.parseInt(values.concurrency, 10);
  if (!(concurrency >= 1)) usage("--concurrency must be a positive number");
  const secret = process.env.GRAPH_CLIENT_SECRET;
  if (!secret) usage("GRAPH_CLIENT_SECRET is not set");
  const root = new URL(values.url);
  if (root.protocol !== "http:") usage("--url must be fake-graph's http:// root");
  return {
    root: root.origin,        // http://127.0.0.1:PORT
    host: root.host,          // 127.0.0.1:PORT
    hostname: root.hostname,  // 127.0.0.1
    partner: values.partner,
    clientId: values["client-id"],
    secret,
    db: values.db,
    concurrency,
    narrow: values.narrow,
  };
}

// msal-node refuses an authority that is not https (ClientConfigurationError
// authority_uri_insecure), and would discover the endpoints of any authority over the
// network (instance discovery, then openid-configuration). So the authority is named as
// https, the host is declared known, and both discovery answers are given in the
// configuration, as an air-gapped deployment would: the token endpoint they name is the
// fake's plain-http one, which msal-node's fetch-based client posts to as given.
function appAuthority(o, tenant) {
  const base = `${o.root}/${tenant}`;
  return {
    authority: `https://${o.host}/${tenant}`,
    knownAuthorities: [o.host],
    authorityMetadata: JSON.stringify({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
    }),
    cloudDiscoveryMetadata: JSON.stringify({
      tenant_discovery_endpoint: `${base}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: o.host, preferred_cache: o.host, aliases: [o.host] }],
    }),
  };
}

// The Graph SDK attaches the token (AuthenticationHandler) and its telemetry headers only
// to https URLs of Graph or of `customHosts`, and parses only https:// absolute URLs
// (nextLinks) into host + version + path. So the client is given the fake as an https
// base URL and custom host, keeps the SDK's whole default middleware chain (auth, retry,
// redirect, telemetry), and only its last link, the one that calls fetch, is swapped for
// one that sends https://HOST:PORT as http://HOST:PORT.
class LoopbackHttpHandler {
  constructor(o) {
    this.httpsRoot = `https://${o.host}`;
    this.httpRoot = o.root;
    this.inner = new HTTPMessageHandler();
  }
  async execute(context) {
    if (typeof context.request === "string" && context.request.startsWith(this.httpsRoot)) {
      context.request = this.httpRoot + context.request.slice(this.httpsRoot.length);
    }
    return this.inner.execute(context);
  }
}

function graphClient(o, tenant) {
  const app = new ConfidentialClientApplication({
    auth: { clientId: o.clientId, clientSecret: o.secret, ...appAuthority(o, tenant) },
  });
  const authProvider = {
    // msal-node caches the token in memory: one token request per tenant.
    getAccessToken: async () =>
      (await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] })).accessToken,
  };
  const middleware = MiddlewareFactory.getDefaultMiddlewareChain(authProvider);
  middleware[middleware.length - 1] = new LoopbackHttpHandler(o);
  return Client.initWithMiddleware({
    middleware,
    baseUrl: `https://${o.host}`,
    defaultVersion: "v1.0",
    customHosts: new Set([o.hostname]),
  });
}

// The fake's nextLinks are http://HOST:PORT/v1.0/...: named as https they parse as a
// Graph URL does (an absolute https nextLink from Graph is passed through unchanged).
function nextPage(o, link) {
  return link.startsWith(`${o.root}/`) ? `https://${o.host}${link.slice(o.root.length)}` : link;
}

// Every page of a collection, one at a time: `first` is the SDK request of page one, or
// page one itself when a $batch brought it.
async function forEachPage(o, client, first, onPage) {
  let page = typeof first.get === "function" ? await first.get() : first;
  for (;;) {
    onPage(page.value ?? []);
    const link = page["@odata.nextLink"];
    if (!link) return;
    page = await client.api(nextPage(o, link)).get();
  }
}

function openStore(path) {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  const userColumns = `tenant_id TEXT NOT NULL, id TEXT NOT NULL, user_principal_name TEXT,
    display_name TEXT, mail TEXT, given_name TEXT, surname TEXT, job_title TEXT,
    department TEXT, account_enabled INTEGER, usage_location TEXT,
    assigned_licenses TEXT, license_assignment_states TEXT`;
  db.exec(`
    CREATE TABLE IF NOT EXISTS tenants (id TEXT PRIMARY KEY, default_domain_name TEXT,
      display_name TEXT);
    CREATE TABLE IF NOT EXISTS skus (tenant_id TEXT NOT NULL, sku_id TEXT NOT NULL,
      sku_part_number TEXT, applies_to TEXT, capability_status TEXT, consumed_units INTEGER,
      enabled_units INTEGER, suspended_units INTEGER, warning_units INTEGER,
      service_plans TEXT, PRIMARY KEY (tenant_id, sku_id));
    CREATE TABLE IF NOT EXISTS users (${userColumns}, PRIMARY KEY (tenant_id, id));
    CREATE TABLE IF NOT EXISTS deleted_users (${userColumns}, deleted_date_time TEXT,
      PRIMARY KEY (tenant_id, id));
    CREATE TABLE IF NOT EXISTS domains (tenant_id TEXT NOT NULL, name TEXT NOT NULL,
      is_default INTEGER, is_initial INTEGER, is_verified INTEGER,
      PRIMARY KEY (tenant_id, name));
    CREATE TABLE IF NOT EXISTS role_definitions (tenant_id TEXT NOT NULL, id TEXT NOT NULL,
      display_name TEXT, is_built_in INTEGER, is_privileged INTEGER,
      PRIMARY KEY (tenant_id, id));
    CREATE TABLE IF NOT EXISTS role_assignments (tenant_id TEXT NOT NULL, id TEXT NOT NULL,
      principal_id TEXT, role_definition_id TEXT, PRIMARY KEY (tenant_id, id));
    CREATE TABLE IF NOT EXISTS group_names (tenant_id TEXT NOT NULL, id TEXT NOT NULL,
      display_name TEXT, PRIMARY KEY (tenant_id, id));
    CREATE TABLE IF NOT EXISTS delta_links (tenant_id TEXT PRIMARY KEY, link TEXT);`);
  const userValues = (tenant, u) => [
    tenant, u.id, u.userPrincipalName ?? null, u.displayName ?? null, u.mail ?? null,
    u.givenName ?? null, u.surname ?? null, u.jobTitle ?? null, u.department ?? null,
    u.accountEnabled === false ? 0 : 1, u.usageLocation ?? null,
    JSON.stringify(u.assignedLicenses ?? []), JSON.stringify(u.licenseAssignmentStates ?? []),
  ];
  const insertTenant = db.prepare("INSERT OR REPLACE INTO tenants VALUES (?, ?, ?)");
  const insertSku = db.prepare("INSERT OR REPLACE INTO skus VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const insertUser = db.prepare(
    "INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const insertDeleted = db.prepare(
    "INSERT OR REPLACE INTO deleted_users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const insertDomain = db.prepare("INSERT OR REPLACE INTO domains VALUES (?, ?, ?, ?, ?)");
  const insertRole = db.prepare("INSERT OR REPLACE INTO role_definitions VALUES (?, ?, ?, ?, ?)");
  const insertAssignment = db.prepare("INSERT OR REPLACE INTO role_assignments VALUES (?, ?, ?, ?)");
  const insertGroup = db.prepare("INSERT OR REPLACE INTO group_names VALUES (?, ?, ?)");
  const insertLink = db.prepare("INSERT OR REPLACE INTO delta_links VALUES (?, ?)");
  const flag = (v) => (v ? 1 : 0);
  return {
    db,
    tenants: db.transaction((tenants) => {
      for (const t of tenants) {
        insertTenant.run(t.customerId, t.defaultDomainName ?? null, t.displayName ?? null);
      }
    }),
    skus: db.transaction((tenant, skus) => {
      for (const s of skus) {
        const units = s.prepaidUnits ?? {};
        insertSku.run(tenant, s.skuId, s.skuPartNumber ?? null, s.appliesTo ?? null,
                      s.capabilityStatus ?? null, s.consumedUnits ?? 0, units.enabled ?? 0,
                      units.suspended ?? 0, units.warning ?? 0,
                      JSON.stringify(s.servicePlans ?? []));
      }
    }),
    users: db.transaction((tenant, users) => {
      for (const u of users) insertUser.run(userValues(tenant, u));
    }),
    deletedUsers: db.transaction((tenant, users) => {
      for (const u of users) insertDeleted.run([...userValues(tenant, u), u.deletedDateTime ?? null]);
    }),
    // The lists of one tenant together, as tenantsync writes them with its read's start.
    lists: db.transaction((tenant, lists) => {
      for (const d of lists.domains) {
        insertDomain.run(tenant, d.id, flag(d.isDefault), flag(d.isInitial), flag(d.isVerified));
      }
      for (const r of lists.roleDefinitions) {
        insertRole.run(tenant, r.id, r.displayName ?? null, flag(r.isBuiltIn), flag(r.isPrivileged));
      }
      for (const a of lists.roleAssignments) {
        insertAssignment.run(tenant, a.id, a.principalId ?? null, a.roleDefinitionId ?? null);
      }
      insertLink.run(tenant, lists.deltaLink);
    }),
    groups: db.transaction((tenant, groups) => {
      for (const g of groups) insertGroup.run(tenant, g.id, g.displayName ?? "");
    }),
  };
}

// One $batch of GETs (`paths` relative to the version root, as Graph wants them): the
// answers' bodies in the order of `paths`, or an error naming the path that failed.
async function batchGet(client, paths) {
  const answer = await client.api("/$batch").post({
    requests: paths.map((url, i) => ({ id: String(i), method: "GET", url })),
  });
  const bodies = new Array(paths.length);
  for (const r of answer.responses ?? []) {
    if (r.status !== 200) {
      throw new Error(`${paths[r.id]}: ${r.status} ${r.body?.error?.code ?? ""}`);
    }
    bodies[Number(r.id)] = r.body;
  }
  const missing = bodies.findIndex((b) => b === undefined);
  if (missing >= 0) throw new Error(`${paths[missing]}: no answer in the $batch`);
  return bodies;
}

// All of a list whose first page a $batch brought.
async function wholeList(o, client, firstPage) {
  const items = [];
  await forEachPage(o, client, firstPage, (page) => items.push(...page));
  return items;
}

// The groups users inherit licenses from, each once.
function licenseGroups(users, into) {
  for (const u of users) {
    for (const s of u.licenseAssignmentStates ?? []) {
      if (s.assignedByGroup) into.add(s.assignedByGroup);
    }
  }
}

const DELETED_USERS_PATH = "/directory/deletedItems/microsoft.graph.user";

// The tenant's lists but its SKUs, written together: with the whole read, the first
// pages of its domains, admin roles and a "sync from now" delta link come in one $batch
// with its SKUs, as tenantsync asks for them. Returns the SKUs' page.
async function readLists(o, store, client, tenant, counts) {
  if (o.narrow) return client.api("/subscribedSkus").get();
  const [skus, domains, latest, roleDefinitions, roleAssignments] = await batchGet(client, [
    "/subscribedSkus", "/domains",
    `/users/delta?$select=${USER_SELECT.join(",")}&$deltatoken=latest`,
    "/roleManagement/directory/roleDefinitions", "/roleManagement/directory/roleAssignments",
  ]);
  const deltaLink = latest["@odata.deltaLink"];
  if (!deltaLink) throw new Error("the users delta ($deltatoken=latest) gave no deltaLink");
  const lists = {
    domains: await wholeList(o, client, domains),
    roleDefinitions: await wholeList(o, client, roleDefinitions),
    roleAssignments: await wholeList(o, client, roleAssignments),
    deltaLink,
  };
  store.lists(tenant, lists);
  counts.roleDefinitions += lists.roleDefinitions.length;
  counts.domains += lists.domains.length;
  return skus;
}

// The deleted users' first page: alone with --narrow, otherwise in $batches of 20 with
// the names of the groups in `groups`, which are written here.
async function deletedFirstPage(o, store, client, tenant, groups, counts) {
  if (o.narrow) {
    return client.api(DELETED_USERS_PATH).select(DELETED_USER_SELECT).top(PAGE_SIZE).get();
  }
  const groupPaths = [...groups].map(
      (id) => `/groups/${encodeURIComponent(id)}?$select=id,displayName`);
  const [first, ...named] = await batchGet(client, [
    `${DELETED_USERS_PATH}?$select=${DELETED_USER_SELECT.join(",")}&$top=${PAGE_SIZE}`,
    ...groupPaths.slice(0, BATCH_SIZE - 1),
  ]);
  for (let from = BATCH_SIZE - 1; from < groupPaths.length; from += BATCH_SIZE) {
    named.push(...await batchGet(client, groupPaths.slice(from, from + BATCH_SIZE)));
  }
  store.groups(tenant, named);
  counts.groups += named.length;
  return first;
}

async function mirrorTenant(o, store, tenant, counts) {
  const client = graphClient(o, tenant);
  const skus = await readLists(o, store, client, tenant, counts);
  store.skus(tenant, skus.value ?? []);
  counts.skus += (skus.value ?? []).length;
  const groups = new Set();
  await forEachPage(o, client,
                    client.api("/users").select(USER_SELECT).top(PAGE_SIZE), (users) => {
                      store.users(tenant, users);
                      if (!o.narrow) licenseGroups(users, groups);
                      counts.users += users.length;
                    });
  await forEachPage(o, client, await deletedFirstPage(o, store, client, tenant, groups, counts),
                    (users) => {
                      store.deletedUsers(tenant, users);
                      counts.deletedUsers += users.length;
                    });
}

async function main() {
  const o = options();
  const started = process.hrtime.bigint();
  const store = openStore(o.db);
  const partner = graphClient(o, o.partner);
  const tenants = [];
  await forEachPage(o, partner, partner.api("/contracts"), (page) => tenants.push(...page));
  store.tenants(tenants);

  const counts = { tenants: tenants.length, skus: 0, users: 0, deletedUsers: 0 };
  if (!o.narrow) Object.assign(counts, { roleDefinitions: 0, domains: 0, groups: 0 });
  let next = 0;
  const worker = async () => {
    while (next < tenants.length) {
      const t = tenants[next++];
      try {
        await mirrorTenant(o, store, t.customerId, counts);
      } catch (e) {
        // The SDK's GraphError carries the service's code and message.
        throw new Error(`tenant ${t.defaultDomainName ?? t.customerId}: ` +
                        `${e.statusCode ?? ""} ${e.code ?? e.name}: ${e.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, tenants.length) }, worker));
  store.db.close();
  counts.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify(counts) + "\n");
}

main().catch((e) => {
  process.stderr.write(`mirror.mjs: ${e.message}\n`);
  process.exit(1);
});
