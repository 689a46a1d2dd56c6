// Validates Kubernetes objects against the Kubernetes API's OpenAPI schemas, as shipped by
// kubernetes-models (ajv validators compiled from the API's own schemas). That package is
// ES modules only, which Jest's CommonJS sandbox cannot load on Node 20, so the test runs
// this file in a Node process of its own: a JSON array of objects on stdin, a JSON array of
// answers on stdout, one per object: { problems: [] } when it validates. An object whose
// apiVersion and kind have no schema there fails: nothing passes unchecked.
import { readFileSync } from "node:fs";

const objects = JSON.parse(readFileSync(0, "utf8"));
const answers = [];
for (const object of objects) {
  const { apiVersion, kind } = object ?? {};
  let model;
  try {
    // kubernetes-models/<group>/<version> (the core group is kubernetes-models/v1) exports one class per kind.
    model = (await import(`kubernetes-models/${apiVersion}`))[kind];
  } catch {
    model = undefined;
  }
  if (typeof model !== "function") {
    answers.push({ problems: [`no schema for apiVersion ${apiVersion}, kind ${kind}`] });
    continue;
  }
  try {
    new model(object).validate();
    answers.push({ problems: [] });
  } catch (error) {
    const details = error.errors ?? [];
    answers.push({
      problems: details.length
        ? details.map((detail) => `${detail.instancePath || "/"} ${detail.message}`)
        : [String(error.message)],
    });
  }
}
process.stdout.write(JSON.stringify(answers));
