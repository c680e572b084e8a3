// Consistency of one overlay's rendered objects with each other and with the gateway: selectors,
// port names, probes, the security context, /tmp, the configuration file, environment variables,
// memory, graceful shutdown, Knative's restrictions.
import { envName, explainVariable, knownKey, parseProperties } from "./gateway.mjs";
import { typeKey } from "./schemas.mjs";

const MiB = 1024 * 1024;
/**
 * Memory outside the heap, measured on JDK 17 with 2 processors and the heap touched in full: the
 * JVM's own (~120 MiB: metaspace, code, threads, Netty's buffers) and the local model's (~180 MiB
 * once loaded, ~280 MiB after batches on both inference threads); and from docs/memory.md the
 * smallest heap and the application's share of it. docs/kubernetes.md, "Memory".
 */
export const MEMORY = { jvmNonHeap: 128 * MiB, localModel: 280 * MiB, minHeap: 256 * MiB, application: 100 * MiB, headroom: 0.1 };
/** /tmp: the local model's native libraries (~30 MB) and its 90 MB file while it loads; without it, small files only. */
const TMP = { withLocalModel: 160 * MiB, without: 32 * MiB };

const DEPLOYMENT = "apps/v1/Deployment";
const KSERVICE = "serving.knative.dev/v1/Service";

/** Knative Serving (1.8 and newer, default feature flags): what a revision's pod spec and container may hold. */
const KNATIVE_POD_FIELDS = new Set([
  "containers", "volumes", "serviceAccountName", "imagePullSecrets", "enableServiceLinks", "automountServiceAccountToken",
  "containerConcurrency", "timeoutSeconds", "idleTimeoutSeconds", "responseStartTimeoutSeconds",
]);
const KNATIVE_CONTAINER_FIELDS = new Set([
  "name", "args", "command", "env", "workingDir", "envFrom", "image", "imagePullPolicy", "livenessProbe", "ports",
  "readinessProbe", "resources", "securityContext", "terminationMessagePath", "terminationMessagePolicy", "volumeMounts",
]);
const KNATIVE_AUTOSCALING = new Set([
  "class", "metric", "target", "target-utilization-percentage", "min-scale", "max-scale", "initial-scale",
  "scale-down-delay", "window", "scale-to-zero-pod-retention-period", "activation-scale", "panic-window-percentage",
  "panic-threshold-percentage", "target-burst-capacity",
]);

export function quantityBytes(q) {
  if (q === undefined || q === null) return undefined;
  const m = String(q).match(/^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/);
  if (!m) return NaN;
  const f = { Ki: 1024, Mi: MiB, Gi: 1024 * MiB, Ti: 1024 * 1024 * MiB, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2]] ?? 1;
  return Number(m[1]) * f;
}

export function cpuMillis(q) {
  if (q === undefined || q === null) return undefined;
  const m = String(q).match(/^(\d+(?:\.\d+)?)(m)?$/);
  return m ? Number(m[1]) * (m[2] ? 1 : 1000) : NaN;
}

/** Quarkus MemorySize: 16M, 256m, 1G, plain bytes. */
function memorySize(v) {
  const m = String(v).trim().match(/^(\d+)([kKmMgGtT])?$/);
  if (!m) return NaN;
  return Number(m[1]) * ({ k: 1024, m: MiB, g: 1024 * MiB, t: 1024 * 1024 * MiB }[m[2]?.toLowerCase()] ?? 1);
}

/** Durations as Quarkus reads them: 60s, 1m, 500ms, PT1M, a plain number of seconds. */
function seconds(v) {
  const s = String(v).trim();
  let m = s.match(/^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/);
  if (m) return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? "s"]);
  m = s.match(/^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/i);
  if (m) return (Number(m[1] ?? 0) * 3600) + (Number(m[2] ?? 0) * 60) + Number(m[3] ?? 0);
  return NaN;
}

const subset = (sel, labels) =>
  sel && Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => labels?.[k] === v);

export function checkOverlay(objects, facts) {
  const errors = [];
  const id = o => `${o.kind}/${o.metadata?.name}`;
  const fail = (o, msg) => errors.push(`${o ? id(o) : "overlay"}: ${msg}`);

  // --- the set as a whole ---
  const seen = new Set();
  for (const o of objects) {
    const key = `${typeKey(o)}/${o.metadata?.name}`;
    if (seen.has(key)) fail(o, "defined twice");
    seen.add(key);
    if (o.metadata?.labels?.["app.kubernetes.io/name"] !== "embedgate") fail(o, "label app.kubernetes.io/name=embedgate missing");
    if (o.kind === "Secret") fail(o, "a Secret in the manifests: keys stay out of the repository (kubectl create secret, docs/kubernetes.md)");
  }
  const byType = t => objects.filter(o => typeKey(o) === t);
  const configMaps = new Map(byType("v1/ConfigMap").map(o => [o.metadata.name, o]));
  const workloads = [...byType(DEPLOYMENT), ...byType(KSERVICE)];
  if (workloads.length === 0) fail(null, "no Deployment or Knative Service");
  const hpas = byType("autoscaling/v2/HorizontalPodAutoscaler");

  const podLabels = w => w.spec?.template?.metadata?.labels ?? {};
  const mountedConfigMaps = new Set();

  for (const w of workloads) {
    const knative = typeKey(w) === KSERVICE;
    const pod = w.spec?.template?.spec ?? {};
    const labels = podLabels(w);

    if (!knative) {
      const sel = w.spec?.selector ?? {};
      if (sel.matchExpressions) fail(w, "selector.matchExpressions: this check reads matchLabels only");
      if (!subset(sel.matchLabels, labels)) fail(w, "selector.matchLabels do not select the pod template's labels");
      const spread = (pod.topologySpreadConstraints ?? []).some(c => subset(c.labelSelector?.matchLabels, labels))
        || (pod.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [])
          .some(t => subset(t.podAffinityTerm?.labelSelector?.matchLabels, labels))
        || (pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [])
          .some(t => subset(t.labelSelector?.matchLabels, labels));
      if (!spread) fail(w, "no topologySpreadConstraints or pod anti-affinity that selects its own pods");
      if (hpas.some(h => h.spec?.scaleTargetRef?.name === w.metadata.name) && w.spec?.replicas !== undefined) {
        fail(w, "spec.replicas is set although a HorizontalPodAutoscaler owns the count (each apply would reset it)");
      }
    } else {
      for (const field of Object.keys(pod)) {
        if (!KNATIVE_POD_FIELDS.has(field)) fail(w, `spec.template.spec.${field}: not allowed by Knative Serving's default feature flags`);
      }
      checkKnativeAnnotations(w, fail);
    }
    if (pod.automountServiceAccountToken !== false) fail(w, "automountServiceAccountToken should be false: the gateway never calls the Kubernetes API");

    const volumes = new Map((pod.volumes ?? []).map(v => [v.name, v]));
    for (const v of pod.volumes ?? []) {
      if (v.configMap) {
        if (!configMaps.has(v.configMap.name)) fail(w, `volume ${v.name}: ConfigMap ${v.configMap.name} is not in the manifests`);
        mountedConfigMaps.add(v.configMap.name);
      }
      if (v.secret) checkSecretRef(w, fail, facts, v.secret.secretName, null);
      if (knative && ["configMap", "secret", "projected", "emptyDir"].filter(k => v[k]).length !== 1) {
        fail(w, `volume ${v.name}: Knative allows configMap, secret, projected or emptyDir volumes only`);
      }
    }

    const containers = pod.containers ?? [];
    if (containers.length === 0) fail(w, "no containers");
    for (const c of containers) {
      checkContainer(w, c, { knative, pod, volumes, configMaps, facts, fail });
    }
  }

  // --- Services, PodDisruptionBudgets, autoscalers, ServiceMonitors ---
  const deployments = byType(DEPLOYMENT);
  const services = byType("v1/Service");
  for (const s of services) {
    const targets = deployments.filter(d => subset(s.spec?.selector, podLabels(d)));
    if (targets.length === 0) { fail(s, "selector matches the pods of no Deployment"); continue; }
    for (const p of s.spec?.ports ?? []) {
      if (!p.name) fail(s, `port ${p.port}: no name (a ServiceMonitor refers to ports by name)`);
      const ok = targets.every(d => (d.spec.template.spec.containers ?? []).some(c => (c.ports ?? []).some(cp =>
        typeof p.targetPort === "string" ? cp.name === p.targetPort : cp.containerPort === (p.targetPort ?? p.port))));
      if (!ok) fail(s, `port ${p.name ?? p.port}: targetPort ${p.targetPort ?? p.port} is no container port of ${targets.map(id).join(", ")}`);
    }
  }
  for (const b of byType("policy/v1/PodDisruptionBudget")) {
    const targets = deployments.filter(d => subset(b.spec?.selector?.matchLabels, podLabels(d)));
    if (b.spec?.selector?.matchExpressions) fail(b, "selector.matchExpressions: this check reads matchLabels only");
    if (targets.length === 0) fail(b, "selector matches the pods of no Deployment");
    if ((b.spec?.minAvailable === undefined) === (b.spec?.maxUnavailable === undefined)) fail(b, "needs exactly one of minAvailable, maxUnavailable");
    for (const d of targets) {
      const hpa = hpas.find(h => h.spec?.scaleTargetRef?.name === d.metadata.name);
      const fewest = hpa ? (hpa.spec.minReplicas ?? 1) : (d.spec.replicas ?? 1);
      if (typeof b.spec?.minAvailable === "number" && b.spec.minAvailable >= fewest) {
        fail(b, `minAvailable ${b.spec.minAvailable} with ${fewest} replica(s): no node could ever be drained`);
      }
      if (b.spec?.maxUnavailable === 0) fail(b, "maxUnavailable 0: no node could ever be drained");
    }
  }
  for (const h of hpas) {
    const ref = h.spec?.scaleTargetRef ?? {};
    const target = deployments.find(d => ref.kind === "Deployment" && ref.apiVersion === "apps/v1" && d.metadata.name === ref.name);
    if (!target) { fail(h, `scaleTargetRef ${ref.apiVersion}/${ref.kind}/${ref.name} is not in the manifests`); continue; }
    if ((h.spec.minReplicas ?? 1) > h.spec.maxReplicas) fail(h, "minReplicas above maxReplicas");
    const resources = (h.spec.metrics ?? []).filter(m => m.type === "Resource").map(m => m.resource.name);
    if (!resources.includes("cpu")) fail(h, "no CPU metric");
    for (const r of resources) {
      for (const c of target.spec.template.spec.containers ?? []) {
        if (c.resources?.requests?.[r] === undefined) fail(h, `scales on ${r}, but container ${c.name} requests no ${r}`);
      }
    }
  }
  for (const m of byType("monitoring.coreos.com/v1/ServiceMonitor")) {
    const targets = services.filter(s => subset(m.spec?.selector?.matchLabels, s.metadata?.labels));
    if (targets.length === 0) { fail(m, "selector matches the labels of no Service"); continue; }
    for (const e of m.spec?.endpoints ?? []) {
      if (!e.port || !targets.every(s => (s.spec.ports ?? []).some(p => p.name === e.port))) {
        fail(m, `endpoint port ${e.port ?? e.targetPort}: not a port name of ${targets.map(id).join(", ")}`);
      }
      if (e.path !== facts.endpoints.metrics) fail(m, `endpoint path ${e.path}: the gateway's metrics are at ${facts.endpoints.metrics}`);
      if (e.scheme && e.scheme !== "http") fail(m, `endpoint scheme ${e.scheme}: the gateway serves plain HTTP`);
    }
  }
  for (const [name, cm] of configMaps) {
    if (!mountedConfigMaps.has(name)) fail(cm, "mounted by no workload");
  }
  return errors;
}

function checkKnativeAnnotations(w, fail) {
  const a = w.spec?.template?.metadata?.annotations ?? {};
  const get = k => a[`autoscaling.knative.dev/${k}`];
  for (const key of Object.keys(a)) {
    const m = key.match(/^autoscaling\.knative\.dev\/(.+)$/);
    if (m && !KNATIVE_AUTOSCALING.has(m[1])) fail(w, `annotation ${key}: not a Knative autoscaling annotation`);
  }
  for (const key of ["min-scale", "max-scale", "initial-scale"]) {
    if (get(key) !== undefined && !/^\d+$/.test(get(key))) fail(w, `autoscaling.knative.dev/${key} must be a whole number, not ${get(key)}`);
  }
  if (get("min-scale") !== undefined && get("max-scale") !== undefined && Number(get("max-scale")) !== 0
      && Number(get("min-scale")) > Number(get("max-scale"))) {
    fail(w, "autoscaling.knative.dev/min-scale above max-scale");
  }
  if (!["concurrency", "rps", undefined].includes(get("metric"))) fail(w, `autoscaling.knative.dev/metric ${get("metric")}: concurrency or rps`);
  const target = get("target");
  if (target === undefined) fail(w, "no autoscaling.knative.dev/target (the concurrency each pod aims at)");
  else if (!(Number(target) > 0)) fail(w, `autoscaling.knative.dev/target ${target}: a positive number`);
  const cc = w.spec?.template?.spec?.containerConcurrency;
  if (cc === undefined) fail(w, "no containerConcurrency (0: no hard limit per pod)");
  else if (!(Number.isInteger(cc) && cc >= 0)) fail(w, `containerConcurrency ${cc}: a whole number, 0 or more`);
  else if (cc > 0 && Number(target) > cc) fail(w, `autoscaling.knative.dev/target ${target} above containerConcurrency ${cc}`);
}

function checkSecretRef(w, fail, facts, name, key) {
  const keys = facts.secrets.get(name);
  if (!keys) { fail(w, `Secret ${name}: not the Secret docs/kubernetes.md tells users to create (${[...facts.secrets.keys()].join(", ") || "none"})`); return; }
  if (key && !keys.has(key)) fail(w, `Secret ${name} key ${key}: not in docs/kubernetes.md's kubectl create secret command`);
}

function checkContainer(w, c, { knative, pod, volumes, configMaps, facts, fail }) {
  const where = `container ${c.name}`;
  if (knative) {
    for (const field of Object.keys(c)) {
      if (!KNATIVE_CONTAINER_FIELDS.has(field)) fail(w, `${where}: ${field} is not allowed in a Knative Service (Knative Serving 1.8)`);
    }
  }
  if (!c.image) fail(w, `${where}: no image`);

  // --- the configuration file: a ConfigMap's application.properties at <WORKDIR>/config ---
  const configDir = `${facts.workdir.replace(/\/$/, "")}/config`;
  const configMount = (c.volumeMounts ?? []).find(m => m.mountPath.replace(/\/$/, "") === configDir);
  let properties = new Map();
  if (!configMount) {
    fail(w, `${where}: nothing mounted at ${configDir} (Quarkus reads config/application.properties in its working directory, ${facts.workdir})`);
  } else {
    const cm = configMaps.get(volumes.get(configMount.name)?.configMap?.name);
    if (!volumes.get(configMount.name)?.configMap) fail(w, `${where}: ${configDir} is not a ConfigMap volume`);
    else if (!cm?.data?.["application.properties"]) fail(w, `${where}: the ConfigMap at ${configDir} has no application.properties`);
    else properties = parseProperties(cm.data["application.properties"]);
    if (configMount.readOnly !== true) fail(w, `${where}: mount ${configDir} readOnly`);
    if (configMount.subPath) fail(w, `${where}: a subPath mount of the configuration never sees the ConfigMap change`);
    for (const key of properties.keys()) {
      if (!knownKey(facts, key)) fail(w, `${where}: ${key} in the mounted application.properties is no configuration key of the gateway`);
    }
  }

  // --- environment ---
  if (c.envFrom) fail(w, `${where}: envFrom brings in variables no one can check; list them under env`);
  const env = new Map();
  for (const e of c.env ?? []) {
    if (env.has(e.name)) fail(w, `${where}: env ${e.name} set twice`);
    const ref = e.valueFrom?.secretKeyRef;
    if (e.valueFrom && !ref) fail(w, `${where}: env ${e.name}: only value or valueFrom.secretKeyRef`);
    if (ref) checkSecretRef(w, fail, facts, ref.name, ref.key);
    env.set(e.name, ref ? { secret: ref } : { value: e.value ?? "" });
    const meaning = explainVariable(facts, e.name, properties);
    if (!meaning) fail(w, `${where}: env ${e.name} maps to no configuration key of the gateway and is read by nothing in the image`);
  }
  const setting = key => {
    const e = env.get(envName(key));
    if (e) return e.value;
    return properties.get(key) ?? facts.builtIn.get(key);
  };
  const localModel = setting("gateway.providers.local.enabled") !== "false"
    && facts.builtIn.get("gateway.providers.local.type") === "local";

  // --- port and probes ---
  const ports = c.ports ?? [];
  let listening;
  if (knative) {
    if (ports.length > 1) fail(w, `${where}: Knative allows one port`);
    if (ports[0] && !["http1", "h2c", undefined].includes(ports[0].name)) fail(w, `${where}: Knative port name must be http1 or h2c, not ${ports[0].name}`);
    if (facts.port.variable && env.has(facts.port.variable)) fail(w, `${where}: ${facts.port.variable} is reserved by Knative (it sets it to the container port)`);
    listening = ports[0]?.containerPort ?? 8080;
  } else {
    const p = facts.port.variable && env.get(facts.port.variable);
    listening = p?.value ? Number(p.value) : facts.port.default;
  }
  const served = ports.find(p => p.containerPort === listening);
  if (!served) fail(w, `${where}: no container port ${listening}, where the gateway listens`);
  else if (!knative && !served.name) fail(w, `${where}: port ${listening} has no name for the probes and the Service`);
  const probes = { readinessProbe: [facts.endpoints.ready], livenessProbe: [facts.endpoints.live], startupProbe: [facts.endpoints.live, facts.endpoints.ready] };
  for (const [kind, paths] of Object.entries(probes)) {
    const probe = c[kind];
    if (!probe) {
      if (kind !== "startupProbe") fail(w, `${where}: no ${kind}`);
      continue;
    }
    if (!probe.httpGet) { fail(w, `${where}: ${kind} is not an httpGet`); continue; }
    if (!paths[0]) fail(w, `${where}: ${kind}: gateway-app has no quarkus-smallrye-health, so no health endpoints`);
    if (!paths.includes(probe.httpGet.path)) fail(w, `${where}: ${kind} path ${probe.httpGet.path}: expected ${paths.join(" or ")}`);
    const port = probe.httpGet.port;
    if (port === undefined) {
      if (!knative) fail(w, `${where}: ${kind} has no port`);
    } else if (typeof port === "string" ? !served || served.name !== port : port !== listening) {
      fail(w, `${where}: ${kind} port ${port} is not the port the gateway listens on (${served?.name ?? listening})`);
    }
  }

  // --- resources ---
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  for (const [what, v] of [["requests.cpu", req.cpu], ["requests.memory", req.memory], ["limits.memory", lim.memory]]) {
    if (v === undefined) fail(w, `${where}: no resources.${what}`);
  }
  if (req.memory !== undefined && lim.memory !== undefined && quantityBytes(req.memory) !== quantityBytes(lim.memory)) {
    fail(w, `${where}: requests.memory ${req.memory} differs from limits.memory ${lim.memory} (the heap is a share of the limit, and all of it may be used)`);
  }
  if (lim.cpu !== undefined && req.cpu !== undefined && cpuMillis(req.cpu) > cpuMillis(lim.cpu)) fail(w, `${where}: requests.cpu above limits.cpu`);

  // --- security context: the container's, over the pod's ---
  const psc = knative ? {} : (pod.securityContext ?? {});
  const sc = c.securityContext ?? {};
  const eff = k => sc[k] ?? psc[k];
  if (eff("runAsNonRoot") !== true) fail(w, `${where}: runAsNonRoot is not true`);
  if (eff("runAsUser") !== facts.user) fail(w, `${where}: runAsUser ${eff("runAsUser")}: the image runs as ${facts.user} (deploy/docker/Dockerfile.jvm)`);
  if (sc.allowPrivilegeEscalation !== false) fail(w, `${where}: allowPrivilegeEscalation is not false`);
  if (sc.readOnlyRootFilesystem !== true) fail(w, `${where}: readOnlyRootFilesystem is not true`);
  if (!(sc.capabilities?.drop ?? []).includes("ALL")) fail(w, `${where}: capabilities.drop does not include ALL`);
  if ((sc.capabilities?.add ?? []).length) fail(w, `${where}: capabilities.add is not empty`);
  if (sc.privileged === true) fail(w, `${where}: privileged`);
  if ((eff("seccompProfile") ?? {}).type !== "RuntimeDefault") fail(w, `${where}: seccompProfile is not RuntimeDefault`);

  // --- /tmp, the only place the gateway writes ---
  let tmpInMemory = 0;
  const tmp = (c.volumeMounts ?? []).find(m => m.mountPath.replace(/\/$/, "") === "/tmp");
  const tmpVolume = tmp && volumes.get(tmp.name);
  if (!tmp || tmp.readOnly) fail(w, `${where}: no writable /tmp (Vert.x, ONNX Runtime and the tokenizer write there)`);
  else if (!tmpVolume?.emptyDir) fail(w, `${where}: /tmp is not an emptyDir volume`);
  else {
    const size = quantityBytes(tmpVolume.emptyDir.sizeLimit);
    const needed = localModel ? TMP.withLocalModel : TMP.without;
    if (size === undefined) fail(w, `${where}: the /tmp emptyDir has no sizeLimit`);
    else if (!(size >= needed)) fail(w, `${where}: /tmp sizeLimit ${tmpVolume.emptyDir.sizeLimit} is under the ${needed / MiB} MiB it needs${localModel ? " with the local model" : ""}`);
    if (tmpVolume.emptyDir.medium === "Memory") tmpInMemory = size ?? 0;
  }
  for (const m of c.volumeMounts ?? []) {
    if (!volumes.has(m.name)) fail(w, `${where}: volumeMount ${m.name} names no volume`);
  }

  // --- memory: heap share of the limit, room outside it (docs/memory.md) ---
  const javaOpts = env.get("JAVA_OPTS")?.value ?? facts.imageJavaOpts;
  const limit = quantityBytes(lim.memory);
  if (limit) {
    const xmx = javaOpts.match(/-Xmx(\d+)([kKmMgG]?)\b/);
    const pct = Number(javaOpts.match(/-XX:MaxRAMPercentage=(\d+(?:\.\d+)?)/)?.[1] ?? 25);
    const heap = xmx ? memorySize(xmx[1] + xmx[2]) : limit * pct / 100;
    const outside = (MEMORY.jvmNonHeap + (localModel ? MEMORY.localModel : 0)) * (1 + MEMORY.headroom) + tmpInMemory;
    const mb = b => `${Math.round(b / MiB)} MiB`;
    if (heap < MEMORY.minHeap) fail(w, `${where}: heap ${mb(heap)} is under ${mb(MEMORY.minHeap)} (docs/memory.md)`);
    if (limit - heap < outside) {
      fail(w, `${where}: limit ${lim.memory} leaves ${mb(limit - heap)} outside a ${mb(heap)} heap; it needs ${mb(outside)} `
        + `(the JVM's own${localModel ? ", the local model" : ""}, 10% headroom${tmpInMemory ? ", /tmp in memory" : ""})`);
    }
    const budget = setting("gateway.limits.max-inflight-bytes");
    const cache = setting("gateway.cache.max-bytes");
    const inflight = budget !== undefined ? memorySize(budget) : 0.4 * heap;
    const cached = cache !== undefined ? memorySize(cache) : 0.25 * heap;
    if (MEMORY.application + inflight + cached > heap) {
      fail(w, `${where}: ${mb(inflight)} in flight + ${mb(cached)} cache + ${mb(MEMORY.application)} for the application exceed the ${mb(heap)} heap`);
    }
    if (!javaOpts.includes("-XX:+ExitOnOutOfMemoryError")) fail(w, `${where}: JAVA_OPTS without -XX:+ExitOnOutOfMemoryError`);
  }

  // --- stopping ---
  if (knative) {
    if (c.lifecycle) fail(w, `${where}: Knative allows no lifecycle hooks (it drains the pod itself)`);
  } else {
    const pre = c.lifecycle?.preStop;
    const cmd = pre?.exec?.command ?? [];
    const pause = pre?.sleep?.seconds
      ?? (cmd[0] === "sleep" ? Number(cmd[1]) : Number(cmd.join(" ").match(/^(?:\/bin\/)?sh -c sleep (\d+)$/)?.[1] ?? 0));
    if (!(pause > 0)) fail(w, `${where}: no preStop pause: the pod would stop before the endpoints stop sending it requests`);
    const timeout = setting("quarkus.shutdown.timeout");
    if (timeout === undefined) fail(w, `${where}: no quarkus.shutdown.timeout: SIGTERM would cut the requests in flight`);
    const grace = w.spec.template.spec.terminationGracePeriodSeconds ?? 30;
    const needed = (pause || 0) + (timeout === undefined ? 0 : seconds(timeout)) + 5;
    if (!(grace >= needed)) fail(w, `${where}: terminationGracePeriodSeconds ${grace} is under preStop ${pause || 0} s + quarkus.shutdown.timeout ${timeout} + 5 s`);
  }
}
