/**
 * Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), as the API documents them, for
 * the manifests test: whether a connection from one endpoint to another on a port is allowed.
 * - A pod is isolated for ingress (egress) when some policy of its namespace selects it with
 *   that policy type; an isolated pod accepts (opens) only what one of those policies' rules
 *   allows, the union of them all. A pod no policy isolates allows everything that way.
 * - A connection needs both ends: egress allowed at the source and ingress at the
 *   destination. An endpoint outside the cluster (an address) has no policy of its own.
 * - A rule with no `from`/`to` peers matches every peer, with no `ports` every port; a peer
 *   with a podSelector alone means pods of the policy's namespace, a namespaceSelector and a
 *   podSelector in one peer both must match, an ipBlock matches addresses (the API leaves
 *   pod IPs in an ipBlock to the network plugin: pods here match none).
 * - A named port resolves against the destination pod's container ports; the protocol
 *   defaults to TCP.
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }>;
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

interface Rule {
  peers?: Peer[];
  ports?: PolicyPort[];
}

export interface NetworkPolicy {
  metadata: { name: string; namespace?: string };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: Array<"Ingress" | "Egress">;
    ingress?: Array<{ from?: Peer[]; ports?: PolicyPort[] }>;
    egress?: Array<{ to?: Peer[]; ports?: PolicyPort[] }>;
  };
}

export interface Pod {
  kind: "pod";
  name: string;
  namespace: string;
  namespaceLabels: Record<string, string>;
  labels: Record<string, string>;
  ports: Array<{ name?: string; containerPort: number; protocol?: string }>;
}

export interface Address {
  kind: "address";
  name: string;
  ip: string;
}

export type Endpoint = Pod | Address;

export interface Port {
  protocol: "TCP" | "UDP";
  port: number;
}

export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    const matches =
      operator === "In"
        ? has && values.includes(labels[key])
        : operator === "NotIn"
          ? !has || !values.includes(labels[key])
          : operator === "Exists"
            ? has
            : !has;
    if (!matches) return false;
  }
  return true;
}

function ipv4(address: string): number {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255))
    throw new Error(`not an IPv4 address: ${address}`);
  return parts.reduce((value, part) => value * 256 + part, 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base) / size);
}

function peerMatches(peer: Peer, policyNamespace: string, endpoint: Endpoint): boolean {
  if (peer.ipBlock)
    return (
      endpoint.kind === "address" &&
      inCidr(endpoint.ip, peer.ipBlock.cidr) &&
      !(peer.ipBlock.except ?? []).some((except) => inCidr(endpoint.ip, except))
    );
  if (endpoint.kind !== "pod") return false;
  const namespaceMatches = peer.namespaceSelector
    ? selects(peer.namespaceSelector, endpoint.namespaceLabels)
    : endpoint.namespace === policyNamespace;
  return namespaceMatches && (!peer.podSelector || selects(peer.podSelector, endpoint.labels));
}

function portMatches(entry: PolicyPort, port: Port, destination: Endpoint): boolean {
  if ((entry.protocol ?? "TCP") !== port.protocol) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === "string") {
    if (destination.kind !== "pod") return false;
    return destination.ports.some(
      (declared) =>
        declared.name === entry.port &&
        declared.containerPort === port.port &&
        (declared.protocol ?? "TCP") === port.protocol,
    );
  }
  return entry.endPort === undefined ? entry.port === port.port : port.port >= entry.port && port.port <= entry.endPort;
}

function ruleMatches(rule: Rule, policyNamespace: string, peer: Endpoint, port: Port, destination: Endpoint): boolean {
  const peerOk = !rule.peers?.length || rule.peers.some((candidate) => peerMatches(candidate, policyNamespace, peer));
  const portOk = !rule.ports?.length || rule.ports.some((entry) => portMatches(entry, port, destination));
  return peerOk && portOk;
}

function types(policy: NetworkPolicy): Array<"Ingress" | "Egress"> {
  return policy.spec.policyTypes ?? (policy.spec.egress ? ["Ingress", "Egress"] : ["Ingress"]);
}

function namespaceOf(policy: NetworkPolicy): string {
  if (!policy.metadata.namespace) throw new Error(`NetworkPolicy ${policy.metadata.name} has no namespace`);
  return policy.metadata.namespace;
}

/** Whether `pod`'s side allows the connection in `direction` with `peer` on `port` (to `destination`). */
function sideAllows(
  policies: readonly NetworkPolicy[],
  pod: Pod,
  direction: "Ingress" | "Egress",
  peer: Endpoint,
  port: Port,
  destination: Endpoint,
): boolean {
  const isolating = policies.filter(
    (policy) =>
      namespaceOf(policy) === pod.namespace &&
      selects(policy.spec.podSelector, pod.labels) &&
      types(policy).includes(direction),
  );
  if (isolating.length === 0) return true;
  return isolating.some((policy) =>
    (direction === "Ingress"
      ? (policy.spec.ingress ?? []).map((rule) => ({ peers: rule.from, ports: rule.ports }))
      : (policy.spec.egress ?? []).map((rule) => ({ peers: rule.to, ports: rule.ports }))
    ).some((rule) => ruleMatches(rule, namespaceOf(policy), peer, port, destination)),
  );
}

/** Whether `policies` let `source` open a connection to `destination` on `port`. */
export function connectionAllowed(
  policies: readonly NetworkPolicy[],
  source: Endpoint,
  destination: Endpoint,
  port: Port,
): boolean {
  const egress = source.kind !== "pod" || sideAllows(policies, source, "Egress", destination, port, destination);
  const ingress = destination.kind !== "pod" || sideAllows(policies, destination, "Ingress", source, port, destination);
  return egress && ingress;
}
