/**
 * No Docker engine runs here, so the compose file is checked by reading it — against the
 * one list of subgraphs (subgraphs/index.ts): a service and a database per subgraph, its
 * port, the variables the code reads. A subgraph added to the list fails here until its
 * service and its database are added too.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import {
  DEFAULT_GATEWAY_PORT,
  databaseUrlVariable,
  subgraphPortVariable,
  subgraphUrlVariable,
} from "../platform/config";
import { SUBGRAPH_NAMES, SUBGRAPHS } from "../subgraphs/index";

const DEFAULT_SUBGRAPH_PORTS = Object.fromEntries(SUBGRAPHS.map(({ name, port }) => [name, port]));

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  secrets?: string[];
  volumes?: Array<string | { type: string; source: string; target: string; read_only?: boolean }>;
}

const ROOT = path.join(__dirname, "..");
const compose = parse(fs.readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
};
const services = compose.services;

describe("docker-compose.yml", () => {
  it("runs one PostgreSQL, every subgraph of the list and the gateway", () => {
    expect(Object.keys(services).sort()).toEqual([...SUBGRAPH_NAMES, "gateway", "postgres"].sort());
  });

  it("builds every hub service from the one Dockerfile, with the entry of that service", () => {
    expect(fs.existsSync(path.join(ROOT, "Dockerfile"))).toBe(true);
    for (const name of SUBGRAPH_NAMES) {
      expect(services[name].build).toBe(".");
      const entry = services[name].command!.at(-1)!;
      expect(entry).toBe(`dist/subgraphs/${name}/index.js`);
      expect(fs.existsSync(path.join(ROOT, entry.replace(/^dist\//, "").replace(/\.js$/, ".ts")))).toBe(true);
    }
    expect(services.gateway.command!.at(-1)).toBe("dist/gateway/index.js");
  });

  it("gives each subgraph its own database and login role, with the variable names the code reads", () => {
    const init = fs.readFileSync(path.join(ROOT, "docker", "postgres-init.sh"), "utf8");
    expect(init).toContain(`for name in ${SUBGRAPH_NAMES.join(" ")}; do`);
    expect(init).toMatch(/CREATE DATABASE \$\{name\} OWNER \$\{name\}_app/);
    for (const name of SUBGRAPH_NAMES) {
      const env = services[name].environment!;
      const url = new URL(env[databaseUrlVariable(name)]);
      expect(url.hostname).toBe("postgres");
      expect(url.username).toBe(`${name}_app`);
      expect(url.pathname).toBe(`/${name}`);
      // The init script reads <NAME>_DB_PASSWORD for each name of its loop (set -u: a missing one aborts it).
      const password = services.postgres.environment![`${name.toUpperCase()}_DB_PASSWORD`];
      expect(password).toMatch(/^\$\{[A-Z]+_DB_PASSWORD:-.+\}$/);
      expect(env[databaseUrlVariable(name)]).toContain(`:${password}@postgres:`);
      expect(env[subgraphPortVariable(name)]).toBe(String(DEFAULT_SUBGRAPH_PORTS[name]));
      expect(env.NODE_ENV).toBe("production");
      expect(env.JWT_PUBLIC_KEY_FILE).toBe("/run/secrets/jwt_public_key");
      expect(services[name].secrets).toContain("jwt_public_key");
    }
  });

  it("points the gateway and the subgraphs at each other by service name and port", () => {
    for (const service of [...SUBGRAPH_NAMES, "gateway"]) {
      const env = services[service].environment!;
      for (const name of SUBGRAPH_NAMES) {
        expect(env[subgraphUrlVariable(name)]).toBe(`http://${name}:${DEFAULT_SUBGRAPH_PORTS[name]}/graphql`);
      }
    }
  });

  it("gives the subgraphs, and only them, the secret of service-to-service calls", () => {
    for (const name of SUBGRAPH_NAMES) {
      expect(services[name].environment!.HUB_SERVICE_SECRET_FILE).toBe("/run/secrets/hub_service_secret");
      expect(services[name].secrets).toContain("hub_service_secret");
    }
    expect(services.gateway.environment!.HUB_SERVICE_SECRET_FILE).toBeUndefined();
    expect(services.gateway.secrets).not.toContain("hub_service_secret");
    expect(compose.secrets.hub_service_secret.file).toMatch(/dev-service-secret\}$/);
  });

  it("gives the data key ring to the subgraphs that encrypt at rest, and to no other process", () => {
    for (const entry of SUBGRAPHS) {
      const encrypts = "encryptsData" in entry && entry.encryptsData === true;
      expect({ name: entry.name, file: services[entry.name].environment!.HUB_DATA_KEY_FILE }).toEqual({
        name: entry.name,
        file: encrypts ? "/run/secrets/hub_data_key" : undefined,
      });
      expect({ name: entry.name, mounted: (services[entry.name].secrets ?? []).includes("hub_data_key") }).toEqual({
        name: entry.name,
        mounted: encrypts,
      });
    }
    expect(services.gateway.environment!.HUB_DATA_KEY_FILE).toBeUndefined();
    expect(services.gateway.secrets).not.toContain("hub_data_key");
    expect(compose.secrets.hub_data_key.file).toMatch(/data-keys\.json\}$/);
  });

  it("gives every hub process a request-signing key of its own, and no other process that key", () => {
    for (const name of [...SUBGRAPH_NAMES, "gateway"]) {
      const secret = `hub_request_signing_key_${name}`;
      expect(services[name].environment!.HUB_REQUEST_SIGNING_KEY_FILE).toBe(`/run/secrets/${secret}`);
      expect(services[name].secrets).toContain(secret);
      for (const other of Object.keys(services).filter((service) => service !== name))
        expect({ other, secrets: services[other].secrets ?? [] }).toEqual({
          other,
          secrets: expect.not.arrayContaining([secret]),
        });
      expect(compose.secrets[secret].file).toMatch(new RegExp(`/request-signing/${name}\\.key\\.pem\\}$`));
    }
    // No shared request-signing secret is left.
    expect(Object.keys(compose.secrets).filter((secret) => /request_signing_secret/.test(secret))).toEqual([]);
  });

  it("gives every subgraph the public keys of the processes it accepts, read-only", () => {
    for (const name of SUBGRAPH_NAMES) {
      const dir = services[name].environment!.HUB_REQUEST_SIGNING_PUBLIC_KEYS_DIR;
      expect(dir).toBe("/etc/survivor-hub/request-signing-public-keys");
      expect(services[name].volumes).toContainEqual(
        expect.objectContaining({
          type: "bind",
          source: expect.stringMatching(/\/request-signing\/public\}$/),
          target: dir,
          read_only: true,
        }),
      );
    }
    expect(services.gateway.environment!.HUB_REQUEST_SIGNING_PUBLIC_KEYS_DIR).toBeUndefined();
  });

  it("publishes only the gateway's port", () => {
    const publishing = Object.entries(services).filter(([, service]) => service.ports?.length);
    expect(publishing.map(([name]) => name)).toEqual(["gateway"]);
    expect(services.gateway.ports![0]).toMatch(new RegExp(`:${DEFAULT_GATEWAY_PORT}$`));
  });

  it("starts services only when what they need is healthy, checked on /ready", () => {
    for (const name of SUBGRAPH_NAMES) {
      expect(services[name].depends_on!.postgres.condition).toBe("service_healthy");
      expect(services[name].healthcheck!.test.join(" ")).toContain(`127.0.0.1:${DEFAULT_SUBGRAPH_PORTS[name]}/ready`);
      if (name !== "victims") expect(services[name].depends_on!.victims.condition).toBe("service_healthy");
    }
    for (const name of SUBGRAPH_NAMES) expect(services.gateway.depends_on![name].condition).toBe("service_healthy");
    expect(services.gateway.healthcheck!.test.join(" ")).toContain(`127.0.0.1:${DEFAULT_GATEWAY_PORT}/ready`);
    expect(services.postgres.healthcheck!.test.join(" ")).toContain("pg_isready");
  });
});
