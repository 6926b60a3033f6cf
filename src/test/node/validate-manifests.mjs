// Validates Kubernetes objects against the schemas of the npm packages kubernetes-models (the
// Kubernetes API with its enums, unknown fields refused), @kubernetes-models/gateway-api and
// @kubernetes-models/prometheus-operator. Reads a JSON array of objects on standard input, prints
// one line per invalid object ("<apiVersion>/<kind> <name>: <errors>") and exits 1 if there is any.
// ManifestsTest runs it with the packages' node_modules in $KUBERNETES_MODELS (.ci/run installs them).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const root = process.env.KUBERNETES_MODELS;
if (!root) {
  console.error("KUBERNETES_MODELS is not set: the folder that holds node_modules/kubernetes-models");
  process.exit(2);
}
// The package that defines each API group; the core group's apiVersion has no group.
const packages = {
  "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};
async function model(apiVersion, kind) {
  const slash = apiVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const pkg = packages[group] ?? "kubernetes-models";
  const sub = pkg === "kubernetes-models" ? apiVersion : apiVersion;
  const dir = join(root, "node_modules", pkg, sub);
  try {
    const module = await import(pathToFileURL(join(dir, "index.js")).href);
    return module[kind];
  } catch {
    return undefined;
  }
}

const objects = JSON.parse(readFileSync(0, "utf8"));
let invalid = 0;
for (const object of objects) {
  const where = `${object.apiVersion}/${object.kind} ${object.metadata?.name ?? "?"}`;
  const Model = await model(object.apiVersion ?? "", object.kind ?? "");
  if (!Model) {
    console.log(`${where}: no schema for this kind`);
    invalid++;
    continue;
  }
  try {
    new Model(object).validate();
  } catch (e) {
    console.log(`${where}: ${e.message}`);
    invalid++;
  }
}
console.error(`validate-manifests: ${objects.length} objects, ${invalid} invalid`);
process.exit(invalid ? 1 : 0);
