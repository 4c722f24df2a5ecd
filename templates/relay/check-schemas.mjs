// Validates every Kubernetes object in templates/relay/kubernetes against the Kubernetes OpenAPI schemas shipped in
// the npm package kubernetes-models (offline: no cluster needed). Not run by the test suite (it needs npm packages);
// tests/Templates.Tests checks the relay-specific invariants. Usage, from the repository root:
//   npm install --prefix /tmp/k8s-check kubernetes-models@5.1.0 yaml@2
//   node templates/relay/check-schemas.mjs /tmp/k8s-check/node_modules
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const modules = process.argv[2] ?? "node_modules";
const load = (relative) => import(pathToFileURL(path.resolve(modules, relative)).href);
const YAML = await load("yaml/dist/index.js");
const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), "kubernetes");
let failures = 0;
let checked = 0;
for (const file of fs.readdirSync(folder).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml").sort()) {
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(folder, file), "utf8"))) {
    const obj = doc.toJS();
    const group = obj.apiVersion.includes("/") ? obj.apiVersion : "v1";
    const model = (await load(`kubernetes-models/${group}/index.js`))[obj.kind];
    try {
      new model(obj).validate();
      console.log(`ok    ${file}: ${obj.apiVersion} ${obj.kind} ${obj.metadata.name}`);
    } catch (e) {
      failures++;
      console.log(`FAIL  ${file}: ${obj.apiVersion} ${obj.kind}: ${e.message}`);
    }
    checked++;
  }
}
console.log(`${checked} objects, ${failures} invalid`);
process.exit(failures === 0 ? 0 : 1);
