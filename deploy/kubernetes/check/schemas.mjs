// Schema validation of rendered objects, two ways:
//  - the models' own validators (JSON Schema from the Kubernetes OpenAPI and the CRDs): types,
//    required fields, enums, formats;
//  - TypeScript's check of each object as an object literal of the model's interface, which also
//    rejects a property the schema does not have (a misspelt field), at any depth. The validators
//    alone accept unknown properties, as the OpenAPI schemas do not forbid them.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as policy from "kubernetes-models/policy/v1";
import * as autoscaling from "kubernetes-models/autoscaling/v2";
import * as monitoring from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import * as serving from "@kubernetes-models/knative/serving.knative.dev/v1";

const here = dirname(fileURLToPath(import.meta.url));

/** The kinds the manifests may contain: anything else is an error, never skipped. */
const MODELS = {
  "v1/ConfigMap": { model: core.ConfigMap, module: "kubernetes-models/v1/ConfigMap", type: "IConfigMap" },
  "v1/Service": { model: core.Service, module: "kubernetes-models/v1/Service", type: "IService" },
  "apps/v1/Deployment": { model: apps.Deployment, module: "kubernetes-models/apps/v1/Deployment", type: "IDeployment" },
  "policy/v1/PodDisruptionBudget": {
    model: policy.PodDisruptionBudget, module: "kubernetes-models/policy/v1/PodDisruptionBudget", type: "IPodDisruptionBudget",
  },
  "autoscaling/v2/HorizontalPodAutoscaler": {
    model: autoscaling.HorizontalPodAutoscaler, module: "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler",
    type: "IHorizontalPodAutoscaler",
  },
  "monitoring.coreos.com/v1/ServiceMonitor": {
    model: monitoring.ServiceMonitor, module: "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor",
    type: "IServiceMonitor",
  },
  "serving.knative.dev/v1/Service": {
    model: serving.Service, module: "@kubernetes-models/knative/serving.knative.dev/v1/Service", type: "IService",
  },
};

export const KNOWN_KINDS = Object.keys(MODELS);

export function typeKey(obj) {
  return `${obj?.apiVersion}/${obj?.kind}`;
}

/** Runtime validation; returns error strings. */
export function validateRuntime(obj) {
  const entry = MODELS[typeKey(obj)];
  if (!entry) return [`${typeKey(obj)} is not a kind these manifests may contain (${KNOWN_KINDS.join(", ")})`];
  try {
    new entry.model(structuredClone(obj)).validate();
    return [];
  } catch (e) {
    const details = e.errors?.map(x => `${x.instancePath || "/"} ${x.message}${x.params?.allowedValues ? ` (${x.params.allowedValues.join(", ")})` : ""}`);
    return details?.length ? details : [String(e.message ?? e)];
  }
}

/**
 * Type-checks groups of objects in one TypeScript program. `groups` is a list of lists of
 * {label, obj}; returns, per group, a list of error strings (labelled).
 */
export function validateTypes(groups) {
  const compilerOptions = {
    strict: true, noEmit: true, skipLibCheck: true, types: [],
    target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16,
  };
  const files = new Map();
  const lineLabels = new Map();
  groups.forEach((group, g) => {
    const name = join(here, `__objects_${g}__.ts`);
    const imports = new Map();
    const lines = [];
    const labels = [];
    group.forEach(({ label, obj }, i) => {
      const entry = MODELS[typeKey(obj)];
      if (!entry) return; // reported by validateRuntime
      const alias = `T${Object.keys(MODELS).indexOf(typeKey(obj))}`;
      imports.set(alias, `import type { ${entry.type} as ${alias} } from "${entry.module}";`);
      // One property per line, so a diagnostic's line tells which field it is about.
      const body = JSON.stringify(obj, null, 1).split("\n");
      const start = lines.length;
      lines.push(`export const o${i}: ${alias} = ${body[0]}`, ...body.slice(1, -1), `${body.at(-1)};`);
      for (let l = start; l < lines.length; l++) labels[l] = label;
    });
    const header = [...imports.values()];
    const text = [...header, ...lines].join("\n") + "\n";
    files.set(name, text);
    lineLabels.set(name, { offset: header.length, labels, group: g, text: text.split("\n") });
  });
  const host = ts.createCompilerHost(compilerOptions);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, lang, onError, create) =>
    files.has(fileName) ? ts.createSourceFile(fileName, files.get(fileName), lang, true) : getSourceFile.call(host, fileName, lang, onError, create);
  host.fileExists = f => files.has(f) || fileExists.call(host, f);
  host.readFile = f => files.get(f) ?? readFile.call(host, f);
  const program = ts.createProgram([...files.keys()], compilerOptions, host);
  const results = groups.map(() => []);
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const info = d.file && lineLabels.get(d.file.fileName);
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0];
    if (!info) {
      // A problem with the models themselves (e.g. a module that did not resolve): fail every group.
      results.forEach(r => r.push(`TypeScript: ${message}`));
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const label = info.labels[line - info.offset] ?? "?";
    const source = (info.text[line] ?? "").trim().slice(0, 100);
    results[info.group].push(`${label}: ${message.replace(/ in type '\{ .*'(\.?)$/, " in its schema$1")} [at ${source}]`);
  }
  return results;
}

/** Versions of the tools, for the summary. */
export function versions() {
  const v = p => JSON.parse(readFileSync(join(here, "node_modules", p, "package.json"), "utf8")).version;
  return {
    "kubernetes-models": v("kubernetes-models"),
    "@kubernetes-models/prometheus-operator": v("@kubernetes-models/prometheus-operator"),
    "@kubernetes-models/knative": v("@kubernetes-models/knative"),
    typescript: ts.version,
  };
}
