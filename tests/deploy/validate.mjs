// Validates deploy/kubernetes (issue #21) without a cluster: every document of every
// manifest against the Kubernetes API's JSON schemas (kubernetes-models), the
// kustomization's resources against the folder, and the rules the manifests must keep
// together: N replicas run `--shard k/N` with that N, and the secret stays in a Secret.
// Prints one line per document; exits 1 on the first broken rule.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const dir = process.argv[2];
let failed = false;
const fail = (message) => {
  console.error(`FAIL ${message}`);
  failed = true;
};

const kustomization = parseAllDocuments(readFileSync(join(dir, "kustomization.yaml"), "utf8"))[0].toJS();
const listed = new Set(kustomization.resources);
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
for (const f of files) if (!listed.has(f)) fail(`${f} is not in kustomization.yaml's resources`);
for (const f of listed) if (!files.includes(f)) fail(`kustomization.yaml lists ${f}, which does not exist`);

const objects = [];
for (const f of files.sort()) {
  for (const doc of parseAllDocuments(readFileSync(join(dir, f), "utf8"))) {
    if (doc.errors.length) {
      fail(`${f}: ${doc.errors[0].message}`);
      continue;
    }
    const object = doc.toJS();
    const { apiVersion, kind } = object;
    let Model;
    try {
      Model = (await import(`kubernetes-models/${apiVersion}/${kind}`))[kind];
    } catch {
      fail(`${f}: no schema for ${apiVersion} ${kind}`);
      continue;
    }
    try {
      new Model(object).validate();
      console.log(`ok ${f}: ${apiVersion} ${kind} ${object.metadata.name}`);
      objects.push(object);
    } catch (e) {
      fail(`${f}: ${kind} ${object.metadata?.name}: ${e.message}`);
    }
  }
}

const sts = objects.find((o) => o.kind === "StatefulSet");
if (!sts) {
  fail("no StatefulSet");
} else {
  const container = sts.spec.template.spec.containers[0];
  const args = container.args ?? [];
  const shard = args[args.indexOf("--shard") + 1] ?? "";
  const n = Number(shard.split("/")[1]);
  if (!shard.startsWith("$(POD_INDEX)/") || n !== sts.spec.replicas) {
    fail(`StatefulSet: --shard ${shard} must be $(POD_INDEX)/N with N = replicas (${sts.spec.replicas})`);
  }
  const secretEnv = (container.env ?? []).find((e) => e.name === "TENANTSYNC_CLIENT_SECRET");
  if (!secretEnv?.valueFrom?.secretKeyRef) fail("StatefulSet: the client secret must come from a Secret");
  const security = container.securityContext ?? {};
  if (!security.readOnlyRootFilesystem || sts.spec.template.spec.securityContext?.runAsNonRoot !== true) {
    fail("StatefulSet: non-root with a read-only root filesystem");
  }
  for (const probe of ["livenessProbe", "readinessProbe"]) {
    if (container[probe]?.httpGet?.path !== "/healthz") fail(`StatefulSet: ${probe} must probe /healthz`);
  }
  if (!sts.spec.volumeClaimTemplates?.length) fail("StatefulSet: each shard needs its own volume");
}
const config = objects.find((o) => o.kind === "ConfigMap");
if (config && /clientSecret"\s*:/.test(config.data?.["tenantsync.json"] ?? "")) {
  fail("ConfigMap: a secret in the config");
}
process.exit(failed ? 1 : 0);
