/**
 * deploy/kubernetes/, read as `kubectl apply -k deploy/kubernetes` would build it (no cluster
 * here): the objects its kustomization.yaml lists, in its namespace. Every object is checked
 * against the Kubernetes API's own schemas (kubernetes-models), then against the hub: one
 * Deployment and Service per process of the list (subgraphs/index.ts), the Dockerfile's image
 * and entry points, docker-compose.yml's environment, settings platform/config.ts reads and
 * accepts, secrets mounted where the settings point and held by the processes that need them
 * only, probes, security context, autoscaler, disruption budgets, and the NetworkPolicies
 * evaluated (test/support/network-policies.ts): exactly the flows the gateway and the service
 * routes of contracts/ need, nothing else.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import {
  DEFAULT_GATEWAY_PORT,
  loadGatewayConfig,
  loadSubgraphConfig,
  subgraphPortVariable,
  subgraphUrlVariable,
} from "../../platform/config";
import { SUBGRAPH_NAMES, SUBGRAPHS } from "../../subgraphs/index";
import {
  connectionAllowed,
  selects,
  type Endpoint,
  type LabelSelector,
  type NetworkPolicy,
  type Pod,
  type Port,
} from "../support/network-policies";
import { unknownFieldProblems } from "../support/kubernetes-known-fields";

const ROOT = path.resolve(__dirname, "..", "..");
const MANIFESTS = path.join(ROOT, "deploy", "kubernetes");
const PROCESSES = [...SUBGRAPH_NAMES, "gateway"];
const PORT_OF: Record<string, number> = {
  ...Object.fromEntries(SUBGRAPHS.map(({ name, port }) => [name, port])),
  gateway: DEFAULT_GATEWAY_PORT,
};

// ---- the build: what kustomize would make of the tree ----

interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // The objects are read from YAML: each kind's fields are read where a test needs them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  [field: string]: unknown;
}

/** The fields of a kustomization this test models; any other would change the build unseen. */
const MODELLED_FIELDS = ["apiVersion", "kind", "namespace", "resources", "components", "images"];

interface Build {
  objects: KubernetesObject[];
  files: string[];
  images: Array<{ name: string; newName?: string; newTag?: string }>;
}

function readYaml(file: string): KubernetesObject[] {
  return parseAllDocuments(fs.readFileSync(file, "utf8"))
    .map((document) => {
      if (document.errors.length) throw new Error(`${file}: ${document.errors[0].message}`);
      return document.toJSON() as KubernetesObject | null;
    })
    .filter((object): object is KubernetesObject => object !== null);
}

function build(dir: string): Build {
  const kustomization = parse(fs.readFileSync(path.join(dir, "kustomization.yaml"), "utf8")) as Record<string, unknown>;
  const unmodelled = Object.keys(kustomization).filter((field) => !MODELLED_FIELDS.includes(field));
  if (unmodelled.length) throw new Error(`${dir}/kustomization.yaml: fields this test does not model: ${unmodelled}`);
  const result: Build = { objects: [], files: [path.join(dir, "kustomization.yaml")], images: [] };
  const entries = [...((kustomization.resources as string[]) ?? []), ...((kustomization.components as string[]) ?? [])];
  for (const entry of entries) {
    const target = path.resolve(dir, entry);
    if (fs.statSync(target).isDirectory()) {
      const inner = build(target);
      result.objects.push(...inner.objects);
      result.files.push(...inner.files);
      result.images.push(...inner.images);
    } else {
      result.objects.push(...readYaml(target));
      result.files.push(target);
    }
  }
  result.images.push(...((kustomization.images as Build["images"]) ?? []));
  const namespace = kustomization.namespace as string | undefined;
  if (namespace)
    for (const object of result.objects) if (object.kind !== "Namespace") object.metadata.namespace = namespace;
  return result;
}

function allFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? allFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

const PROMETHEUS = path.join(MANIFESTS, "components", "prometheus");
const base = build(MANIFESTS);
// As an overlay adds it: beside the base, not under the base's `namespace:`.
const prometheus = build(PROMETHEUS);
const withPrometheus: Build = {
  objects: [...base.objects, ...prometheus.objects],
  files: [...base.files, ...prometheus.files],
  images: [...base.images, ...prometheus.images],
};
const NAMESPACE = (parse(fs.readFileSync(path.join(MANIFESTS, "kustomization.yaml"), "utf8")) as { namespace: string })
  .namespace;

function ofKind(objects: KubernetesObject[], kind: string): KubernetesObject[] {
  return objects.filter((object) => object.kind === kind);
}
const deployments = ofKind(base.objects, "Deployment");
const deployment = (name: string): KubernetesObject => {
  const found = deployments.find((object) => object.metadata.name === name);
  if (!found) throw new Error(`no Deployment ${name}`);
  return found;
};

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  envFrom?: unknown[];
  readinessProbe?: { httpGet?: { path: string; port: number | string } };
  livenessProbe?: { httpGet?: { path: string; port: number | string } };
  startupProbe?: { httpGet?: { path: string; port: number | string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}

interface Volume {
  name: string;
  emptyDir?: unknown;
  secret?: { secretName: string; items?: Array<{ key: string; path: string }> };
  projected?: { sources: Array<{ secret?: { name: string; items?: Array<{ key: string; path: string }> } }> };
}

function podSpec(object: KubernetesObject) {
  return object.spec.template.spec as {
    containers: Container[];
    initContainers?: Container[];
    volumes?: Volume[];
    securityContext?: Container["securityContext"] & { seccompProfile?: { type: string } };
    automountServiceAccountToken?: boolean;
    enableServiceLinks?: boolean;
    hostNetwork?: boolean;
  };
}
const containerOf = (name: string): Container => {
  const containers = podSpec(deployment(name)).containers;
  expect(containers).toHaveLength(1);
  return containers[0];
};

/** A container's environment as the process sees it: a Secret's value is a stand-in of its form. */
function environmentOf(name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of containerOf(name).env ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (variable.valueFrom?.secretKeyRef?.name === "survivor-hub-redis")
      env[variable.name] = "redis://:from-the-secret@192.0.2.11:6379";
    else if (variable.valueFrom?.secretKeyRef)
      env[variable.name] = `postgres://${name}_app:from-the-secret@192.0.2.10:5432/${name}`;
    else throw new Error(`${name}: ${variable.name} is neither a value nor a Secret's key`);
  }
  return env;
}

/** The variables the kubelet adds for every Service of the namespace unless enableServiceLinks is false. */
function serviceLinkEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const service of ofKind(base.objects, "Service")) {
    const prefix = service.metadata.name.toUpperCase().replace(/-/g, "_");
    const port = (service.spec.ports as Array<{ port: number }>)[0].port;
    env[`${prefix}_SERVICE_HOST`] = "10.96.0.10";
    env[`${prefix}_SERVICE_PORT`] = String(port);
    env[`${prefix}_PORT`] = `tcp://10.96.0.10:${port}`;
  }
  return env;
}

/** Loads the process's configuration from `env`, recording every variable it reads. */
function loadConfig(name: string, env: Record<string, string>) {
  const read = new Set<string>();
  const recording = new Proxy(env, {
    get(target, variable) {
      if (typeof variable === "string") read.add(variable);
      return typeof variable === "string" ? target[variable] : undefined;
    },
  });
  const config =
    name === "gateway" ? loadGatewayConfig(SUBGRAPHS, recording) : loadSubgraphConfig(SUBGRAPHS, name, recording);
  return { config, read };
}

function resolvePort(container: Container, port: number | string): number | undefined {
  return typeof port === "number" ? port : container.ports?.find((declared) => declared.name === port)?.containerPort;
}

function podLabels(object: KubernetesObject): Record<string, string> {
  return object.spec.template.metadata.labels as Record<string, string>;
}

/** The Deployments whose pods `selector` selects. */
function selected(selector: LabelSelector | Record<string, string>, plain = false): string[] {
  const asSelector: LabelSelector = plain ? { matchLabels: selector as Record<string, string> } : selector;
  return deployments.filter((object) => selects(asSelector, podLabels(object))).map((object) => object.metadata.name);
}

// ---- the schemas ----

interface SchemaAnswer {
  problems: string[];
}

/** Validates objects in a Node process of its own (kubernetes-models is ES modules only: see the helper). */
function validateAgainstSchemas(objects: unknown[]): SchemaAnswer[] {
  const run = spawnSync(process.execPath, [path.join(ROOT, "test", "support", "kubernetes-schema-check.mjs")], {
    cwd: ROOT,
    input: JSON.stringify(objects),
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`schema check failed to run: ${run.stderr}`);
  return JSON.parse(run.stdout) as SchemaAnswer[];
}

describe("deploy/kubernetes", () => {
  it("builds from kustomization.yaml: every manifest in the tree is in a build, in the hub's namespace", () => {
    const built = new Set([...withPrometheus.files]);
    const yamlFiles = allFiles(MANIFESTS).filter((file) => /\.ya?ml$/.test(file));
    expect(yamlFiles.filter((file) => !built.has(file)).map((file) => path.relative(ROOT, file))).toEqual([]);
    // The Prometheus component is opt-in: not in the default build.
    expect(base.files).not.toContain(path.join(PROMETHEUS, "network-policy.yaml"));
    expect(ofKind(base.objects, "Namespace").map((object) => object.metadata.name)).toEqual([NAMESPACE]);
    for (const object of withPrometheus.objects.filter((object) => object.kind !== "Namespace"))
      expect({ object: object.metadata.name, namespace: object.metadata.namespace }).toEqual({
        object: object.metadata.name,
        namespace: NAMESPACE,
      });
    // Pod Security Admission's restricted profile: the API server refuses a pod that drops the settings checked below.
    expect(ofKind(base.objects, "Namespace")[0].metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
    });
  });

  // kubectl is not a dependency of the project: where it is on PATH, kustomize's own build is the reference.
  const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status === 0;
  (kubectl ? it : it.skip)(
    `reads what kustomize itself builds, with and without the Prometheus component${kubectl ? "" : " (skipped: no kubectl on PATH)"}`,
    () => {
      const sorted = (value: unknown): string =>
        JSON.stringify(value, (_key, inner: unknown) =>
          inner && typeof inner === "object" && !Array.isArray(inner)
            ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
            : inner,
        );
      const kustomize = (dir: string): string[] => {
        const run = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
        if (run.status !== 0) throw new Error(`kubectl kustomize ${dir}: ${run.stderr}`);
        return parseAllDocuments(run.stdout)
          .map((document) => sorted(document.toJSON()))
          .sort();
      };
      // The one transform the test does not apply itself: the image's name and tag.
      const expected = (objects: KubernetesObject[]): string[] =>
        structuredClone(objects)
          .map((object) => {
            for (const container of object.kind === "Deployment" ? podSpec(object).containers : []) {
              const image = base.images.find((candidate) => candidate.name === container.image)!;
              container.image = `${image.newName ?? image.name}:${image.newTag ?? "latest"}`;
            }
            return sorted(object);
          })
          .sort();
      expect(kustomize(MANIFESTS)).toEqual(expected(base.objects));
      const overlay = fs.mkdtempSync(path.join(os.tmpdir(), "kustomize-overlay-"));
      try {
        fs.writeFileSync(
          path.join(overlay, "kustomization.yaml"),
          JSON.stringify({
            apiVersion: "kustomize.config.k8s.io/v1beta1",
            kind: "Kustomization",
            resources: [path.relative(overlay, MANIFESTS)],
            components: [path.relative(overlay, PROMETHEUS)],
          }),
        );
        expect(kustomize(overlay)).toEqual(expected(withPrometheus.objects));
      } finally {
        fs.rmSync(overlay, { recursive: true, force: true });
      }
    },
  );

  it("validates every object against its kind's Kubernetes API schema, and the check refuses broken ones", () => {
    const objects = withPrometheus.objects;
    const broken = (change: (copy: KubernetesObject) => void): KubernetesObject => {
      const copy = structuredClone(deployment("victims"));
      change(copy);
      return copy;
    };
    const controls = [
      broken((copy) => (copy.spec.replicas = "two")),
      broken((copy) => delete (podSpec(copy).containers[0] as Partial<Container>).name),
      broken((copy) => (podSpec(copy).containers[0].ports![0].containerPort = "http" as unknown as number)),
      { ...structuredClone(ofKind(objects, "NetworkPolicy")[0]), spec: { podSelector: "all" } },
      { ...structuredClone(ofKind(objects, "HorizontalPodAutoscaler")[0]), apiVersion: "autoscaling/v9" },
    ];
    const answers = validateAgainstSchemas([...objects, ...controls]);
    const real = answers.slice(0, objects.length);
    expect(
      real
        .map((answer, index) => ({ object: `${objects[index].kind} ${objects[index].metadata.name}`, ...answer }))
        .filter((answer) => answer.problems.length > 0),
    ).toEqual([]);
    expect(answers.slice(objects.length).map((answer) => answer.problems.length > 0)).toEqual(controls.map(() => true));
    expect(new Set(objects.map((object) => object.kind))).toEqual(
      new Set([
        "Namespace",
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
      ]),
    );
  });

  it("names no field its kind does not have (the API server's strict field validation would refuse it)", () => {
    const objects = withPrometheus.objects;
    const misspelt = structuredClone(deployment("victims"));
    const container = podSpec(misspelt).containers[0] as Container & { readinesProbe?: unknown };
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;
    const misplaced = structuredClone(ofKind(objects, "NetworkPolicy")[0]);
    misplaced.spec.ingres = [];
    const problems = unknownFieldProblems([...objects, misspelt, misplaced], __dirname);
    expect(
      problems
        .slice(0, objects.length)
        .map((list, index) => ({ object: `${objects[index].kind} ${objects[index].metadata.name}`, list }))
        .filter((answer) => answer.list.length > 0),
    ).toEqual([]);
    expect(problems.slice(objects.length)).toEqual([
      [expect.stringContaining("'\"readinesProbe\"' does not exist")],
      [expect.stringContaining("'\"ingres\"' does not exist")],
    ]);
  });

  it("runs one Deployment per process of the list, from the Dockerfile's image, each with its entry point", () => {
    expect(deployments.map((object) => object.metadata.name).sort()).toEqual([...PROCESSES].sort());
    const images = base.images.map((image) => image.name);
    expect(images).toEqual(["survivor-hub"]);
    const dockerfile = fs.readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
    expect(cmd).toEqual(["node", "dist/gateway/index.js"]);
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    for (const name of PROCESSES) {
      const container = containerOf(name);
      expect(container.image).toBe("survivor-hub");
      expect(container.args).toBeUndefined();
      const entry = name === "gateway" ? cmd : ["node", `dist/subgraphs/${name}/index.js`];
      expect(container.command).toEqual(entry);
      // The compiled entry's source exists (the image's dist/ is built from it).
      const source = entry[1].replace(/^dist\//, "").replace(/\.js$/, ".ts");
      expect(fs.existsSync(path.join(ROOT, source))).toBe(true);
      expect(podSpec(deployment(name)).initContainers).toBeUndefined();
    }
  });

  it("sets only settings platform/config.ts reads, which it accepts, the same as docker-compose.yml's", () => {
    const compose = parse(fs.readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as {
      services: Record<string, { environment: Record<string, string> }>;
    };
    // What the manifests add to compose's environment, each for a reason of Kubernetes's.
    const KUBERNETES_ONLY = [
      "SHUTDOWN_DRAIN_MS", // endpoints take seconds to drop a terminating pod
      "REDIS_URL", // replicas share rate limits and used signatures (compose runs one of each process)
    ];
    for (const name of PROCESSES) {
      const env = environmentOf(name);
      expect(containerOf(name).envFrom).toBeUndefined();
      const { config, read } = loadConfig(name, env);
      expect({ name, unread: Object.keys(env).filter((variable) => !read.has(variable)) }).toEqual({
        name,
        unread: [],
      });
      expect(config.environment).toBe("production");
      expect(config.port).toBe(PORT_OF[name]);
      expect(config.host).toBe("0.0.0.0");
      const composed = compose.services[name].environment;
      expect(Object.keys(env).sort()).toEqual([...Object.keys(composed), ...KUBERNETES_ONLY].sort());
      for (const variable of ["NODE_ENV", "SUBGRAPH_HOST", "GATEWAY_HOST", "GATEWAY_PORT", subgraphPortVariable(name)])
        expect({ variable, value: env[variable] }).toEqual({ variable, value: composed[variable] });
      for (const subgraph of SUBGRAPH_NAMES)
        expect(env[subgraphUrlVariable(subgraph)]).toBe(composed[subgraphUrlVariable(subgraph)]);
      if (name !== "gateway") expect(env.SEED_DEMO_DATA).toBe("never");
      // docs/kubernetes.md's overlay sets the token issuer's values by these positions (a JSON patch).
      expect(
        containerOf(name)
          .env!.slice(2, 4)
          .map((variable) => variable.name),
      ).toEqual(["JWT_ISSUER", "JWT_AUDIENCE"]);
    }
  });

  it("keeps the kubelet's Service variables out, which the hub would read as its port settings and refuse", () => {
    for (const name of PROCESSES) {
      expect(podSpec(deployment(name)).enableServiceLinks).toBe(false);
      // Why: with them, VICTIMS_PORT=tcp://… reaches every process, and no process starts.
      expect(() => loadConfig(name, { ...serviceLinkEnvironment(), ...environmentOf(name) })).toThrow(
        /_PORT must be a TCP port number/,
      );
    }
  });

  it("points every process at each subgraph's Service, which selects that subgraph's pods on its port", () => {
    const services = ofKind(base.objects, "Service");
    expect(services.map((service) => service.metadata.name).sort()).toEqual([...PROCESSES].sort());
    for (const service of services) {
      const name = service.metadata.name;
      expect(selected(service.spec.selector as Record<string, string>, true)).toEqual([name]);
      const [port] = service.spec.ports as Array<{ port: number; targetPort: number | string; protocol?: string }>;
      expect(port.port).toBe(PORT_OF[name]);
      expect(resolvePort(containerOf(name), port.targetPort)).toBe(PORT_OF[name]);
      expect(service.spec.type ?? "ClusterIP").toBe("ClusterIP");
    }
    for (const name of PROCESSES) {
      const { config } = loadConfig(name, environmentOf(name));
      const urls = "subgraphUrls" in config ? config.subgraphUrls : config.peerUrls;
      for (const subgraph of SUBGRAPH_NAMES) {
        const url = new URL(urls[subgraph]);
        expect({ subgraph, host: url.hostname, port: Number(url.port) }).toEqual({
          subgraph,
          host: subgraph,
          port: PORT_OF[subgraph],
        });
      }
    }
  });

  it("probes /ready and /health on the process's own port", () => {
    for (const name of PROCESSES) {
      const container = containerOf(name);
      const port = PORT_OF[name];
      expect(container.ports).toEqual([expect.objectContaining({ containerPort: port })]);
      for (const [probe, route] of [
        ["readinessProbe", "/ready"],
        ["livenessProbe", "/health"],
      ] as const) {
        const check = container[probe]?.httpGet;
        expect({ name, probe, path: check?.path, port: check && resolvePort(container, check.port) }).toEqual({
          name,
          probe,
          path: route,
          port,
        });
      }
      // The liveness probe waits for start-up (migrations run before the listener opens).
      expect(container.startupProbe?.httpGet?.path).toBe("/health");
    }
  });

  it("runs every process as a non-root user with a read-only root filesystem, no privilege, no capability", () => {
    for (const name of PROCESSES) {
      const pod = podSpec(deployment(name));
      const container = containerOf(name);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      // The image's USER is a name (`node`): runAsNonRoot can check a number only.
      const user = container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
      expect(Number.isInteger(user) && user! > 0).toBe(true);
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      });
      expect(container.securityContext?.capabilities?.add).toBeUndefined();
      expect(container.securityContext?.privileged ?? false).toBe(false);
      expect(container.securityContext?.runAsNonRoot ?? true).toBe(true);
      expect(pod.hostNetwork ?? false).toBe(false);
      expect(pod.automountServiceAccountToken).toBe(false);
      // The restricted profile's volume kinds; none reaches the node.
      for (const volume of pod.volumes ?? [])
        expect({ volume: volume.name, kinds: Object.keys(volume).filter((key) => key !== "name") }).toEqual({
          volume: volume.name,
          kinds: [expect.stringMatching(/^(emptyDir|secret|projected)$/)],
        });
      // Writable only where an emptyDir is mounted.
      const volumes = new Map((pod.volumes ?? []).map((volume) => [volume.name, volume]));
      for (const mount of container.volumeMounts ?? [])
        expect({ mount: mount.mountPath, writable: !mount.readOnly }).toEqual({
          mount: mount.mountPath,
          writable: volumes.get(mount.name)?.emptyDir !== undefined,
        });
      expect(container.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources?.limits?.memory).toEqual(expect.any(String));
    }
  });

  it("mounts each secret where the settings point, and only into the processes that need it", () => {
    const mountsOf = (name: string): Map<string, { secret: string; key: string }> => {
      const pod = podSpec(deployment(name));
      const files = new Map<string, { secret: string; key: string }>();
      for (const mount of containerOf(name).volumeMounts ?? []) {
        const volume = pod.volumes!.find((candidate) => candidate.name === mount.name)!;
        const sources = volume.projected
          ? volume.projected.sources.map((source) => source.secret!)
          : volume.secret
            ? [{ name: volume.secret.secretName, items: volume.secret.items }]
            : [];
        for (const source of sources) {
          // A whole Secret mounted as a directory (the public keys): the directory itself.
          if (!source.items) files.set(mount.mountPath, { secret: source.name, key: "*" });
          for (const item of source.items ?? [])
            files.set(`${mount.mountPath}/${item.path}`, { secret: source.name, key: item.key });
        }
      }
      return files;
    };
    const secretsOf = (name: string): string[] => [
      ...new Set([
        ...[...mountsOf(name).values()].map((mount) => mount.secret),
        ...(containerOf(name).env ?? []).flatMap((variable) =>
          variable.valueFrom?.secretKeyRef ? [variable.valueFrom.secretKeyRef.name] : [],
        ),
      ]),
    ];
    for (const name of PROCESSES) {
      const env = environmentOf(name);
      const mounts = mountsOf(name);
      for (const variable of Object.keys(env).filter((variable) => /_(FILE|DIR)$/.test(variable)))
        expect({ variable, mounted: mounts.has(env[variable]) }).toEqual({ variable, mounted: true });
      const expected = [
        "survivor-hub-jwt-public-key",
        "survivor-hub-metrics-token",
        "survivor-hub-redis",
        `survivor-hub-request-signing-key-${name}`,
        ...(name === "gateway"
          ? []
          : [
              "survivor-hub-service-secret",
              "survivor-hub-request-signing-public-keys",
              `survivor-hub-database-${name}`,
            ]),
        // The data key ring only where values are encrypted at rest (subgraphs/index.ts `encryptsData`).
        ...(SUBGRAPHS.some((entry) => entry.name === name && "encryptsData" in entry && entry.encryptsData)
          ? ["survivor-hub-data-key"]
          : []),
      ];
      // The gateway holds no service secret and no database; a signing key is its process's alone.
      expect(secretsOf(name).sort()).toEqual(expected.sort());
    }
  });

  it("holds no secret value: no Secret object, no generator, no key, no password", () => {
    for (const file of allFiles(MANIFESTS)) {
      const text = fs.readFileSync(file, "utf8");
      expect({ file, pem: /-----BEGIN/.test(text), url: /postgres(ql)?:\/\/[^\s:@/]+:[^\s@/<]+@/.test(text) }).toEqual({
        file,
        pem: false,
        url: false,
      });
      if (/\.ya?ml$/.test(file))
        for (const object of readYaml(file))
          expect({ file, kind: object.kind, generator: "secretGenerator" in object }).toEqual({
            file,
            kind: expect.not.stringMatching(/^Secret$/),
            generator: false,
          });
    }
  });

  it("scales the gateway with a HorizontalPodAutoscaler that owns its replicas", () => {
    const [autoscaler, ...others] = ofKind(base.objects, "HorizontalPodAutoscaler");
    expect(others).toEqual([]);
    expect(autoscaler.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "gateway" });
    expect(autoscaler.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(autoscaler.spec.maxReplicas).toBeGreaterThan(autoscaler.spec.minReplicas);
    // A Deployment's replicas would be reset by every apply, fighting the autoscaler.
    expect(deployment("gateway").spec.replicas).toBeUndefined();
    // Utilisation is measured against the request.
    expect(containerOf("gateway").resources?.requests?.cpu).toBeDefined();
  });

  it("gives every Deployment a PodDisruptionBudget selecting its pods that still lets a node drain", () => {
    const budgets = ofKind(base.objects, "PodDisruptionBudget");
    const autoscaler = ofKind(base.objects, "HorizontalPodAutoscaler")[0];
    for (const name of PROCESSES) {
      const mine = budgets.filter((budget) => selected(budget.spec.selector as LabelSelector).includes(name));
      expect({ name, budgets: mine.length }).toEqual({ name, budgets: 1 });
      const [budget] = mine;
      expect(selected(budget.spec.selector as LabelSelector)).toEqual([name]);
      const replicas = (deployment(name).spec.replicas as number | undefined) ?? autoscaler.spec.minReplicas;
      expect(replicas).toBeGreaterThanOrEqual(2);
      expect(budget.spec.minAvailable).toBeGreaterThanOrEqual(1);
      expect(budget.spec.minAvailable).toBeLessThan(replicas);
    }
  });
});

// ---- the network ----

/** Who is on the network: the hub's pods as the Deployments make them, and what is around them. */
function endpoints(objects: KubernetesObject[]): Endpoint[] {
  const namespaceLabels = (name: string): Record<string, string> => ({ "kubernetes.io/metadata.name": name });
  const hub: Pod[] = ofKind(objects, "Deployment").map((object) => ({
    kind: "pod",
    name: object.metadata.name,
    namespace: object.metadata.namespace!,
    namespaceLabels: namespaceLabels(object.metadata.namespace!),
    labels: podLabels(object),
    ports: podSpec(object).containers.flatMap((container) => container.ports ?? []),
  }));
  // The documented defaults (docs/kubernetes.md): ingress-nginx, kube-dns, Prometheus in `monitoring`.
  const around = (name: string, namespace: string, labels: Record<string, string>, ports: Pod["ports"]): Pod => ({
    kind: "pod",
    name,
    namespace,
    namespaceLabels: namespaceLabels(namespace),
    labels,
    ports,
  });
  return [
    ...hub,
    around("ingress-controller", "ingress-nginx", { "app.kubernetes.io/name": "ingress-nginx" }, [
      { name: "https", containerPort: 443 },
    ]),
    around("kube-dns", "kube-system", { "k8s-app": "kube-dns" }, [
      { name: "dns", containerPort: 53, protocol: "UDP" },
      { name: "dns-tcp", containerPort: 53 },
    ]),
    around("prometheus", "monitoring", { "app.kubernetes.io/name": "prometheus" }, [{ containerPort: 9090 }]),
    // Anything else someone runs in the hub's namespace, and a pod of another namespace.
    around("stranger-in-namespace", NAMESPACE, { "app.kubernetes.io/name": "debug" }, [{ containerPort: 8080 }]),
    around("pod-elsewhere", "default", { app: "other" }, [{ containerPort: 8080 }]),
    { kind: "address", name: "database", ip: "192.0.2.10" },
    { kind: "address", name: "redis", ip: "192.0.2.11" },
    { kind: "address", name: "internet", ip: "203.0.113.7" },
  ];
}

const PORTS: Port[] = [
  ...Object.values(PORT_OF).map((port) => ({ protocol: "TCP" as const, port })),
  { protocol: "TCP", port: 5432 },
  { protocol: "TCP", port: 6379 },
  { protocol: "UDP", port: 53 },
  { protocol: "TCP", port: 53 },
  { protocol: "TCP", port: 443 },
  { protocol: "TCP", port: 8080 },
];

const flow = (from: string, to: string, port: Port): string => `${from} -> ${to}:${port.port}/${port.protocol}`;

/** Every connection the policies allow where at least one end is in the hub's namespace. */
function allowedFlows(objects: KubernetesObject[], policies = ofKind(objects, "NetworkPolicy")): string[] {
  const all = endpoints(objects);
  const ours = (endpoint: Endpoint) => endpoint.kind === "pod" && endpoint.namespace === NAMESPACE;
  const flows: string[] = [];
  for (const source of all)
    for (const destination of all)
      if (source !== destination && (ours(source) || ours(destination)))
        for (const port of PORTS)
          if (connectionAllowed(policies as unknown as NetworkPolicy[], source, destination, port))
            flows.push(flow(source.name, destination.name, port));
  return flows.sort();
}

interface ContractShape {
  path: string;
  answeredBy: readonly string[];
  askers: readonly string[];
}

/** Every service route of contracts/ (each file there declares one or more). */
function contracts(): ContractShape[] {
  const found: ContractShape[] = [];
  const files = allFiles(path.join(ROOT, "contracts")).filter((file) => file.endsWith(".ts"));
  for (const file of files)
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- every file of the folder, found at run time
    for (const value of Object.values(require(file) as Record<string, unknown>)) {
      const candidate = value as Partial<ContractShape> | null;
      if (
        typeof candidate?.path === "string" &&
        candidate.path.startsWith("/internal/") &&
        Array.isArray(candidate.answeredBy) &&
        Array.isArray(candidate.askers)
      )
        found.push(candidate as ContractShape);
    }
  return found;
}

/** The flows the hub needs: clients to the gateway, the gateway to each subgraph, every service route, databases, DNS. */
function neededFlows(): string[] {
  const tcp = (port: number): Port => ({ protocol: "TCP", port });
  const flows = new Set<string>([flow("ingress-controller", "gateway", tcp(DEFAULT_GATEWAY_PORT))]);
  for (const name of SUBGRAPH_NAMES) {
    flows.add(flow("gateway", name, tcp(PORT_OF[name])));
    flows.add(flow(name, "database", tcp(5432)));
  }
  for (const route of contracts())
    for (const asker of route.askers)
      for (const answerer of route.answeredBy.filter((answerer) => answerer !== asker))
        flows.add(flow(asker, answerer, tcp(PORT_OF[answerer])));
  for (const name of PROCESSES) flows.add(flow(name, "redis", tcp(6379)));
  for (const name of [...PROCESSES, "stranger-in-namespace"])
    for (const protocol of ["UDP", "TCP"] as const) flows.add(flow(name, "kube-dns", { protocol, port: 53 }));
  return [...flows].sort();
}

describe("deploy/kubernetes network policies (evaluated)", () => {
  it("finds the service routes the subgraphs ask each other", () => {
    const routes = contracts().map((route) => route.path);
    expect(routes).toEqual(expect.arrayContaining(["/internal/victim-access", "/internal/travel-readiness"]));
    expect(new Set(routes).size).toBe(routes.length);
  });

  it("allow exactly the flows the hub needs, and nothing else", () => {
    expect(allowedFlows(base.objects)).toEqual(neededFlows());
  });

  it("refuse what no route needs: a subgraph another does not ask, a database to the gateway, anyone else", () => {
    const allowed = new Set(allowedFlows(base.objects));
    const tcp = (port: number): Port => ({ protocol: "TCP", port });
    for (const refused of [
      flow("shelters", "embassies", tcp(4003)),
      flow("embassies", "shelters", tcp(4002)),
      flow("embassies", "repatriation", tcp(4004)),
      flow("gateway", "database", tcp(5432)),
      flow("ingress-controller", "victims", tcp(4001)),
      flow("stranger-in-namespace", "victims", tcp(4001)),
      flow("stranger-in-namespace", "database", tcp(5432)),
      flow("pod-elsewhere", "gateway", tcp(4000)),
      flow("prometheus", "victims", tcp(4001)),
      flow("victims", "internet", tcp(443)),
      flow("gateway", "internet", tcp(443)),
    ])
      expect({ refused, allowed: allowed.has(refused) }).toEqual({ refused, allowed: false });
  });

  it("are read by a live evaluator: without the policies everything flows, with one rule more that flow opens", () => {
    const open = allowedFlows(base.objects, []);
    expect(open).toContain(flow("shelters", "embassies", { protocol: "TCP", port: 4003 }));
    expect(open).toContain(flow("gateway", "database", { protocol: "TCP", port: 5432 }));
    const policies = structuredClone(ofKind(base.objects, "NetworkPolicy"));
    const embassies = policies.find((policy) => policy.metadata.name === "embassies")!;
    embassies.spec.ingress[0].from.push({ podSelector: { matchLabels: { "app.kubernetes.io/name": "shelters" } } });
    const shelters = policies.find((policy) => policy.metadata.name === "shelters")!;
    shelters.spec.egress.push({
      to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "embassies" } } }],
      ports: [{ protocol: "TCP", port: 4003 }],
    });
    expect(allowedFlows(base.objects, policies)).toEqual(
      [...neededFlows(), flow("shelters", "embassies", { protocol: "TCP", port: 4003 })].sort(),
    );
  });

  it("with the Prometheus component, add Prometheus to each process's port and nothing else", () => {
    const scrapes = PROCESSES.map((name) => flow("prometheus", name, { protocol: "TCP", port: PORT_OF[name] }));
    expect(allowedFlows(withPrometheus.objects)).toEqual([...neededFlows(), ...scrapes].sort());
  });
});
