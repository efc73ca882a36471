// Validates Kubernetes objects offline against the Kubernetes OpenAPI schemas of the npm package kubernetes-models.
// Usage: node validate_k8s.js MODULES_DIR FILE.json   (FILE: [{"file": ..., "doc": {...}}, ...], one per YAML doc)
// Prints one line per object and exits 1 when any is invalid. Besides the schema (types, enums, required fields),
// it refuses fields the schema does not declare, as the API server's strict field validation (kubectl's default)
// does: kubernetes-models' validators read every declared property of an object, so a field no validator read
// (seen through a Proxy) is unknown. Maps (labels, resources) are read whole, so their keys count as known.
"use strict";
const fs = require("fs");
const path = require("path");

const [modulesDir, input] = process.argv.slice(2);
const requireModel = (p) => require(path.join(modulesDir, "node_modules", "kubernetes-models", p));

// "batch/v1" -> kubernetes-models/batch/v1, "v1" -> kubernetes-models/v1
function modelClass(apiVersion, kind) {
  let mod;
  try {
    mod = requireModel(apiVersion);
  } catch (e) {
    return null;
  }
  return mod[kind] || null;
}

// A deep copy of `value` whose objects record, in `seen`, the keys a validator read.
function tracked(value, where, seen) {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v, i) => tracked(v, `${where}/${i}`, seen));
  const read = new Set();
  const copy = {};
  for (const [k, v] of Object.entries(value)) copy[k] = tracked(v, `${where}/${k}`, seen);
  seen.push({ where, keys: Object.keys(value), read });
  return new Proxy(copy, {
    get(target, key, receiver) {
      if (typeof key === "string") read.add(key);
      return Reflect.get(target, key, receiver);
    },
    ownKeys(target) {
      const keys = Reflect.ownKeys(target);
      keys.forEach((k) => read.add(k));
      return keys;
    },
  });
}

// The problems of one object: schema errors, else unknown fields; [] when it is valid.
function problems(doc) {
  const Model = modelClass(doc.apiVersion, doc.kind);
  if (!Model) return [`unknown apiVersion/kind ${doc.apiVersion}/${doc.kind}`];
  const seen = [];
  try {
    Model.prototype.validate.call(tracked(doc, "", seen));
  } catch (e) {
    return [e.message];
  }
  return seen.flatMap((o) => o.keys.filter((k) => !o.read.has(k)).map((k) => `unknown field ${o.where}/${k}`));
}

let failed = 0;
for (const { file, doc } of JSON.parse(fs.readFileSync(input, "utf8"))) {
  const name = `${file}: ${doc.kind}/${(doc.metadata || {}).name}`;
  const found = problems(doc);
  if (found.length === 0) {
    console.log(`valid    ${name}`);
  } else {
    failed++;
    console.log(`INVALID  ${name}: ${found.join("; ")}`);
  }
}
process.exit(failed ? 1 : 0);
