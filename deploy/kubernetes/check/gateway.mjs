// What the manifests must agree with, read from the repository itself: the gateway's configuration
// keys (its @ConfigMapping interface and its properties files), the image (Dockerfile.jvm), the
// health and metrics endpoints (gateway-app's dependencies), and the Secret the docs tell users to make.
import { readFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Quarkus' own keys the manifests may set. Quarkus warns at start-up about an unknown quarkus.* key,
 * but only at start-up; add a key here only after checking it in Quarkus' configuration reference. */
export const QUARKUS_KEYS = ["quarkus.shutdown.timeout"];

/** The environment name Quarkus matches a property against: every character that is not a letter or
 * a digit becomes an underscore, and the rest upper case (gateway.cache.redis.url -> GATEWAY_CACHE_REDIS_URL). */
export function envName(key) {
  return key.replace(/[^A-Za-z0-9]/g, "_").toUpperCase();
}

/** Key/value pairs of a .properties file (comments, blank lines and profile-specific %keys left out). */
export function parseProperties(text) {
  const out = new Map();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    while (line.endsWith("\\") && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i].trim();
    }
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    const m = line.match(/^((?:\\.|[^=:\s])+)\s*[=:\s]\s*(.*)$/);
    const key = m ? m[1] : line;
    if (key.startsWith("%")) continue;
    out.set(key, m ? m[2] : "");
  }
  return out;
}

/** Names of the variables a properties file reads in expressions: ${NAME} and ${NAME:default}. */
export function referencedVariables(text) {
  const names = new Set();
  for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::|\})/g)) names.add(m[1]);
  return names;
}

function stripJavaComments(src) {
  return src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
}

function bodyOf(src, openBrace) {
  let depth = 0;
  for (let i = openBrace; i < src.length; i++) {
    if (src[i] === "{") depth++;
    else if (src[i] === "}" && --depth === 0) return src.slice(openBrace + 1, i);
  }
  throw new Error("unbalanced braces in the @ConfigMapping interface");
}

function kebab(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/**
 * Every key of a SmallRye @ConfigMapping interface as a pattern: a '*' segment stands for a map key
 * (gateway.providers.*.api-key). Supports what GatewayConfig uses: nested interfaces, Map<String, X>,
 * Optional, List and plain types (enums included), @WithDefault, @WithName and @WithConverter (which
 * changes how a value is read, not the keys); groups may be interfaces of other files of the package
 * (pass every file's source, the @ConfigMapping one first); fails on anything else, so that a new
 * construct gets a look instead of a wrong list of keys.
 */
export function configMappingKeys(javaSource) {
  const src = stripJavaComments(javaSource);
  const prefix = src.match(/@ConfigMapping\(\s*prefix\s*=\s*"([^"]+)"\s*\)/);
  if (!prefix) throw new Error("no @ConfigMapping(prefix = ...) found");
  const interfaces = new Map();
  for (const m of src.matchAll(/\binterface\s+(\w+)\s*(?:extends[^{]*)?\{/g)) {
    const body = bodyOf(src, m.index + m[0].length - 1);
    interfaces.set(m[1], body);
  }
  const root = src.slice(prefix.index).match(/\binterface\s+(\w+)/)[1];
  const keys = [];
  const walk = (ifaceName, path, seen) => {
    if (seen.has(ifaceName)) throw new Error(`recursive config group ${ifaceName}`);
    const body = interfaces.get(ifaceName);
    // methods of this interface only: leave out the bodies of interfaces declared inside it
    let own = "";
    for (let i = 0, depth = 0; i < body.length; i++) {
      if (body[i] === "{") depth++;
      if (depth === 0) own += body[i];
      if (body[i] === "}") depth--;
    }
    own = own.replace(/\b(?:interface|enum)\s+\w+\s*(?:extends[^{;]*)?/g, "");
    for (const decl of own.split(";")) {
      const d = decl.trim();
      if (!d) continue;
      const annotations = [...d.matchAll(/@(\w+)(\([^)]*\))?/g)].map(a => ({ name: a[1], arg: a[2] }));
      for (const a of annotations) {
        if (!["WithDefault", "WithName", "WithConverter", "Override"].includes(a.name)) {
          throw new Error(`@${a.name} in ${ifaceName} is not understood by this checker`);
        }
      }
      const sig = d.replace(/@(\w+)(\([^)]*\))?/g, "").trim();
      const m = sig.match(/^(?:default\s+)?([\w<>,.?\s]+?)\s+(\w+)\s*\(\s*\)$/);
      if (!m) throw new Error(`cannot read '${sig}' in ${ifaceName}`);
      const withName = annotations.find(a => a.name === "WithName");
      const segment = withName ? withName.arg.match(/"([^"]+)"/)[1] : kebab(m[2]);
      addType(m[1].replace(/\s+/g, ""), [...path, segment], new Set([...seen, ifaceName]));
    }
  };
  const addType = (type, path, seen) => {
    const opt = type.match(/^Optional<(.+)>$/);
    if (opt) return addType(opt[1], path, seen);
    const map = type.match(/^Map<String,(.+)>$/);
    if (map) return addType(map[1], [...path, "*"], seen);
    const simple = type.replace(/<.*$/, "").split(".").pop();
    if (interfaces.has(simple)) return walk(simple, path, seen);
    keys.push(path.join("."));
  };
  walk(root, [prefix[1]], new Set());
  return keys;
}

function read(root, rel) {
  const p = join(root, rel);
  if (!existsSync(p)) throw new Error(`${rel} not found`);
  return readFileSync(p, "utf8");
}

/** Everything the rules need to know about the gateway, read once. */
export function loadGatewayFacts(root) {
  const propertiesFiles = {
    "gateway-app/src/main/resources/application.properties": read(root, "gateway-app/src/main/resources/application.properties"),
  };
  // Each provider module brings its own defaults (instance, key variables, models).
  for (const module of readdirSync(join(root, "providers")).sort()) {
    const rel = `providers/${module}/src/main/resources/META-INF/microprofile-config.properties`;
    if (existsSync(join(root, rel))) propertiesFiles[rel] = read(root, rel);
  }
  const builtIn = new Map();
  const variables = new Set();
  for (const text of Object.values(propertiesFiles)) {
    for (const [k, v] of parseProperties(text)) builtIn.set(k, v);
    for (const v of referencedVariables(text)) variables.add(v);
  }
  // The mapping (GatewayConfig) first, then the groups it names from files of their own.
  const configDir = "gateway-app/src/main/java/io/embedgate/config";
  const configSources = ["GatewayConfig.java", ...readdirSync(join(root, configDir)).filter(f => f.endsWith(".java") && f !== "GatewayConfig.java").sort()]
    .map(f => read(root, `${configDir}/${f}`));
  const mappingKeys = configMappingKeys(configSources.join("\n"));

  const dockerfile = read(root, "deploy/docker/Dockerfile.jvm");
  const workdir = dockerfile.match(/^WORKDIR\s+(\S+)/m)?.[1];
  const user = dockerfile.match(/^USER\s+(\d+)/m)?.[1];
  const javaOpts = dockerfile.match(/^ENV\s+JAVA_OPTS="([^"]*)"/m)?.[1];
  if (!workdir || !user || javaOpts === undefined) {
    throw new Error("deploy/docker/Dockerfile.jvm: WORKDIR, a numeric USER or ENV JAVA_OPTS=\"...\" not found");
  }
  // Variables the image itself reads (its ENTRYPOINT runs `java $JAVA_OPTS -jar ...`).
  const imageVariables = new Set();
  const entry = dockerfile.match(/^ENTRYPOINT\s+(.*)$/m)?.[1] ?? "";
  for (const m of entry.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)) imageVariables.add(m[1]);

  // The port: quarkus.http.port=${PORT:8080}
  const portExpr = builtIn.get("quarkus.http.port") ?? "8080";
  const portDefault = Number(portExpr.match(/(\d+)\}?$/)?.[1] ?? 8080);
  const portVariable = portExpr.match(/^\$\{([A-Z_][A-Z0-9_]*):/)?.[1];

  // /q/health/* and /q/metrics are where Quarkus puts them unless the configuration moves them.
  const pom = read(root, "gateway-app/pom.xml");
  for (const key of builtIn.keys()) {
    if (/^quarkus\.(http\.non-application-root-path|http\.root-path|smallrye-health\.|micrometer\.export\.prometheus\.path)/.test(key)) {
      throw new Error(`${key} moves the health or metrics endpoints: update the paths in the manifests and in check/rules.mjs`);
    }
  }
  const endpoints = {
    ready: pom.includes("<artifactId>quarkus-smallrye-health</artifactId>") ? "/q/health/ready" : null,
    live: pom.includes("<artifactId>quarkus-smallrye-health</artifactId>") ? "/q/health/live" : null,
    metrics: pom.includes("<artifactId>quarkus-micrometer-registry-prometheus</artifactId>") ? "/q/metrics" : null,
  };

  // The Secret the documentation tells users to create, and the keys it names.
  const doc = read(root, "docs/kubernetes.md");
  const secrets = new Map();
  for (const m of doc.matchAll(/kubectl\s+(?:(?:-n|--namespace)[\s=]\S+\s+)?create\s+secret\s+generic\s+([a-z0-9-]+)((?:[^\n]*\\\n)*[^\n]*)/g)) {
    const keys = new Set([...m[2].matchAll(/--from-literal=([A-Za-z_][A-Za-z0-9_]*)=/g)].map(k => k[1]));
    secrets.set(m[1], keys);
  }

  return {
    builtIn, variables, mappingKeys, workdir, user: Number(user), imageJavaOpts: javaOpts, imageVariables,
    port: { default: portDefault, variable: portVariable }, endpoints, secrets,
  };
}

/**
 * Whether a property key is one the gateway reads: a key of its @ConfigMapping whose map keys (the
 * '*' segments) are instance, model or key names that some properties file defines, a key of the
 * built-in configuration, or one of QUARKUS_KEYS.
 */
export function knownKey(facts, key) {
  if (facts.builtIn.has(key) || QUARKUS_KEYS.includes(key)) return true;
  return facts.mappingKeys.some(pattern => matchesPattern(pattern, key));
}

function matchesPattern(pattern, key) {
  const p = pattern.split(".");
  // A map key may itself contain dots only when quoted; the gateway's instance and model ids have none.
  const k = key.split(".");
  if (p.length !== k.length) return false;
  return p.every((seg, i) => seg === "*" ? k[i].length > 0 : seg === k[i]);
}

/** Map keys ('*' segments) defined by the given properties, by pattern prefix: gateway.providers -> {openai, ...}. */
export function definedMapKeys(facts, properties) {
  const names = new Map();
  const all = [...facts.builtIn.keys(), ...properties.keys()];
  for (const pattern of facts.mappingKeys) {
    const star = pattern.indexOf("*");
    if (star < 0) continue;
    const head = pattern.slice(0, star);
    const set = names.get(head) ?? new Set();
    for (const key of all) {
      if (key.startsWith(head)) set.add(key.slice(head.length).split(".")[0]);
    }
    names.set(head, set);
  }
  return names;
}

/**
 * What an environment variable set on the gateway's container means to it, or null when it means
 * nothing: a variable an expression in the configuration reads, one the image reads, or the
 * environment form of a configuration key (with map keys some properties file defines).
 */
export function explainVariable(facts, name, properties) {
  const mounted = [...properties.values()].join("\n");
  if (facts.variables.has(name) || referencedVariables(mounted).has(name)) return `read by the configuration as \${${name}}`;
  if (facts.imageVariables.has(name)) return "read by the image's entry point";
  for (const key of QUARKUS_KEYS) if (envName(key) === name) return key;
  for (const key of [...facts.builtIn.keys(), ...properties.keys()]) {
    if (envName(key) === name && knownKey(facts, key)) return key;
  }
  const mapKeys = definedMapKeys(facts, properties);
  for (const pattern of facts.mappingKeys) {
    for (const key of expand(pattern, mapKeys)) {
      if (envName(key) === name) return key;
    }
  }
  return null;
}

function expand(pattern, mapKeys) {
  const star = pattern.indexOf("*");
  if (star < 0) return [pattern];
  const head = pattern.slice(0, star);
  const out = [];
  for (const name of mapKeys.get(head) ?? []) {
    out.push(...expand(head + name + pattern.slice(star + 1), mapKeys));
  }
  return out;
}
