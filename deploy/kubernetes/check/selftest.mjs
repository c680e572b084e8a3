// Broken copies of the rendered overlays that the checks must reject, each for the reason given in
// `expect` (a fragment of the message). If one passes, a check has stopped working.
const find = (objs, kind, name = "embedgate") => {
  const o = objs.find(x => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`self-test: no ${kind}/${name}`);
  return o;
};
const gateway = (objs, kind = "Deployment") => find(objs, kind).spec.template.spec.containers[0];
const env = (c, name) => c.env.find(e => e.name === name);
const configMap = objs => objs.find(o => o.kind === "ConfigMap");

export const mutations = [
  {
    name: "Service selector with a typo", overlay: "base", expect: "selector matches the pods of no Deployment",
    apply: objs => { find(objs, "Service").spec.selector["app.kubernetes.io/component"] = "gatway"; },
  },
  {
    name: "container without its securityContext", overlay: "base", expect: "readOnlyRootFilesystem is not true",
    apply: objs => { delete gateway(objs).securityContext; },
  },
  {
    name: "misspelt field (imagePullPolicy)", overlay: "base", expect: "'\"imagePullPolicyy\"' does not exist",
    apply: objs => {
      const c = gateway(objs);
      c.imagePullPolicyy = c.imagePullPolicy;
      delete c.imagePullPolicy;
    },
  },
  {
    name: "misspelt field deep in the Knative Service", overlay: "overlays/knative", expect: "'\"failureTreshold\"' does not exist",
    apply: objs => {
      const probe = gateway(objs, "Service").livenessProbe;
      probe.failureTreshold = probe.failureThreshold;
      delete probe.failureThreshold;
    },
  },
  {
    name: "wrong type (replicas as a string)", overlay: "base", expect: "must be integer",
    apply: objs => { find(objs, "Deployment").spec.replicas = "two"; },
  },
  {
    name: "environment variable with a typo", overlay: "overlays/remote-only", expect: "GATEWAY_PROVIDER_LOCAL_ENABLED maps to no configuration key",
    apply: objs => { env(gateway(objs), "GATEWAY_PROVIDERS_LOCAL_ENABLED").name = "GATEWAY_PROVIDER_LOCAL_ENABLED"; },
  },
  {
    name: "configuration key with a typo", overlay: "overlays/production", expect: "quarkus.shutdown.timout in the mounted application.properties",
    apply: objs => {
      const cm = configMap(objs);
      cm.data["application.properties"] = cm.data["application.properties"].replace("quarkus.shutdown.timeout", "quarkus.shutdown.timout");
    },
  },
  {
    name: "local model in 512 MiB", overlay: "overlays/production", expect: "outside a",
    apply: objs => {
      const r = gateway(objs).resources;
      r.limits.memory = r.requests.memory = "512Mi";
    },
  },
  {
    name: "ServiceMonitor on a port name the Service lacks", overlay: "overlays/production", expect: "not a port name",
    apply: objs => { find(objs, "ServiceMonitor").spec.endpoints[0].port = "metrics"; },
  },
  {
    name: "autoscaler aimed at a Deployment that is not there", overlay: "overlays/production", expect: "is not in the manifests",
    apply: objs => { find(objs, "HorizontalPodAutoscaler").spec.scaleTargetRef.name = "embedgate-gateway"; },
  },
  {
    name: "PodDisruptionBudget selecting nothing", overlay: "base", expect: "PodDisruptionBudget/embedgate: selector matches the pods of no Deployment",
    apply: objs => { find(objs, "PodDisruptionBudget").spec.selector.matchLabels["app.kubernetes.io/name"] = "gateway"; },
  },
  {
    name: "readiness probe on the wrong path", overlay: "base", expect: "readinessProbe path /q/health",
    apply: objs => { gateway(objs).readinessProbe.httpGet.path = "/q/health"; },
  },
  {
    name: "probe on a port name the container lacks", overlay: "base", expect: "livenessProbe port web",
    apply: objs => { gateway(objs).livenessProbe.httpGet.port = "web"; },
  },
  {
    name: "no writable /tmp", overlay: "base", expect: "no writable /tmp",
    apply: objs => { const c = gateway(objs); c.volumeMounts = c.volumeMounts.filter(m => m.mountPath !== "/tmp"); },
  },
  {
    name: "grace period shorter than the shutdown timeout", overlay: "base", expect: "terminationGracePeriodSeconds 30",
    apply: objs => { find(objs, "Deployment").spec.template.spec.terminationGracePeriodSeconds = 30; },
  },
  {
    name: "Secret key that the docs do not create", overlay: "base", expect: "key OPENAI_KEY",
    apply: objs => { env(gateway(objs), "OPENAI_API_KEY").valueFrom.secretKeyRef.key = "OPENAI_KEY"; },
  },
  {
    name: "configuration mounted under a name that was not rewritten", overlay: "overlays/knative", expect: "ConfigMap embedgate-config is not in the manifests",
    apply: objs => { find(objs, "Service").spec.template.spec.volumes.find(v => v.configMap).configMap.name = "embedgate-config"; },
  },
  {
    name: "Knative Service with a field Knative rejects", overlay: "overlays/knative", expect: "terminationGracePeriodSeconds: not allowed",
    apply: objs => { find(objs, "Service").spec.template.spec.terminationGracePeriodSeconds = 75; },
  },
  {
    name: "Knative port named like a Deployment's", overlay: "overlays/knative", expect: "Knative port name must be http1 or h2c",
    apply: objs => { gateway(objs, "Service").ports[0].name = "http"; },
  },
  {
    name: "a Secret with keys in the manifests", overlay: "base", expect: "a Secret in the manifests",
    apply: objs => {
      objs.push({
        apiVersion: "v1", kind: "Secret", metadata: { name: "embedgate-keys", labels: { "app.kubernetes.io/name": "embedgate" } },
        stringData: { OPENAI_API_KEY: "sk-example" },
      });
    },
  },
];
