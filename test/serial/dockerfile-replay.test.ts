/**
 * No Docker engine runs here, so the Dockerfile is replayed: each stage's COPY is done into a
 * temporary directory (honouring .dockerignore), each RUN runs there in order with the stage's
 * ENV and WORKDIR, and the runtime stage's entry points are started from what it copied, on a
 * test port with an embedded database in a temp data dir, until they say they are ready. It
 * proves the image's build steps and that its runtime stage holds what its processes load; it
 * does not prove the base image (the machine's Node stands in for node:24). `npm ci` runs with
 * the machine's npm cache first (npm_config_prefer_offline), so it needs the registry only for
 * what the cache lacks.
 */
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const PORT = Number(process.env.TEST_PORT_BASE ?? 4100) + 90;

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name?: string;
  instructions: Instruction[];
}

/** The forms this Dockerfile uses: one instruction a line, `\` continuations, JSON or shell CMD. */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.replace(/\\\n/g, " ").split("\n");
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const [, op, args] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (!op) throw new Error(`unparsed Dockerfile line: ${line}`);
    if (op.toUpperCase() === "FROM") {
      stages.push({ name: /\sAS\s+(\S+)/i.exec(args)?.[1], instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ op: op.toUpperCase(), args });
    }
  }
  return stages;
}

function ignored(relative: string, patterns: string[]): boolean {
  // .dockerignore here lists top-level names only; that is the form honoured.
  return patterns.includes(relative.split(path.sep)[0]);
}

function copyInto(sourceRoot: string, sources: string[], dest: string, ignore: string[]): void {
  for (const source of sources) {
    const from = path.join(sourceRoot, source);
    const target = dest.endsWith("/") ? path.join(dest, path.basename(source)) : dest;
    fs.cpSync(from, target, {
      recursive: true,
      filter: (file) => !ignored(path.relative(sourceRoot, file), ignore),
    });
  }
}

function words(args: string): string[] {
  return args.trim().startsWith("[") ? (JSON.parse(args) as string[]) : args.split(/\s+/);
}

// The image's build and entry points do not depend on the database the suite runs against: replayed once, in
// the embedded run (a full `npm ci` and build, so here in the tier that runs alone).
const describeOnce = process.env.TEST_DATABASE_URL ? describe.skip : describe;

describeOnce("Dockerfile (replayed without Docker)", () => {
  it("builds, and its runtime stage starts a subgraph and the gateway", async () => {
    const stages = parseDockerfile(fs.readFileSync(path.join(ROOT, "Dockerfile"), "utf8"));
    const ignore = fs
      .readFileSync(path.join(ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "dockerfile-replay-"));
    const roots = new Map<string, string>();
    let runtime: { root: string; env: Record<string, string>; workdir: string; cmd: string[] } | undefined;
    try {
      for (const [index, stage] of stages.entries()) {
        const root = path.join(work, `stage-${index}`);
        fs.mkdirSync(root);
        if (stage.name) roots.set(stage.name, root);
        const env: Record<string, string> = {};
        let workdir = "/";
        let cmd: string[] = [];
        for (const { op, args } of stage.instructions) {
          const here = path.join(root, workdir);
          if (op === "WORKDIR") {
            workdir = path.posix.resolve(workdir, args);
            fs.mkdirSync(path.join(root, workdir), { recursive: true });
          } else if (op === "ENV") {
            const [key, value] = args.split("=");
            env[key] = value;
          } else if (op === "COPY") {
            const parts = words(args);
            const from = parts[0].startsWith("--from=") ? parts.shift()!.slice("--from=".length) : undefined;
            const dest = parts.pop()!;
            const target = path.join(here, dest);
            if (from) {
              const fromRoot = roots.get(from)!;
              copyInto(
                fromRoot,
                parts.map((p) => path.relative("/", path.posix.resolve("/", p))),
                target,
                [],
              );
            } else {
              copyInto(ROOT, parts, dest.endsWith("/") ? target + "/" : target, ignore);
            }
          } else if (op === "RUN") {
            const result = spawnSync("sh", ["-c", args], {
              cwd: here,
              env: { ...process.env, ...env, npm_config_prefer_offline: "true", npm_config_update_notifier: "false" },
              encoding: "utf8",
            });
            if (result.status !== 0) throw new Error(`RUN ${args} failed:\n${result.stdout}\n${result.stderr}`);
          } else if (op === "CMD" || op === "ENTRYPOINT") {
            cmd = words(args);
          } else if (op !== "USER") {
            throw new Error(`Dockerfile instruction not replayed: ${op}`);
          }
        }
        runtime = { root, env, workdir, cmd };
      }
      const stage = runtime!;
      const app = path.join(stage.root, stage.workdir);
      // What the runtime stage must not carry: sources, dev dependencies.
      expect(fs.existsSync(path.join(app, "platform"))).toBe(false);
      for (const devOnly of ["jest", "typescript", "ts-node", "tsx"])
        expect({ devOnly, present: fs.existsSync(path.join(app, "node_modules", devOnly)) }).toEqual({
          devOnly,
          present: false,
        });

      const keys = path.join(work, "keys");
      fs.mkdirSync(keys);
      const { publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
      fs.writeFileSync(path.join(keys, "pub.pem"), publicKey.export({ type: "spki", format: "pem" }));
      fs.writeFileSync(path.join(keys, "service"), crypto.randomBytes(48).toString("base64"));
      // The victims subgraph holds values encrypted at rest: production needs its data key ring (owner-only).
      const dataKey = () => crypto.randomBytes(32).toString("base64");
      fs.writeFileSync(
        path.join(keys, "data-keys.json"),
        JSON.stringify({
          version: 1,
          data: { current: "d1", keys: { d1: dataKey() } },
          matching: { current: "m1", keys: { m1: dataKey() } },
        }),
        { mode: 0o600 },
      );
      // Each process's own Ed25519 request-signing key; the subgraph accepts the public keys in one folder.
      const publicKeys = path.join(keys, "public");
      fs.mkdirSync(publicKeys);
      for (const name of ["gateway", "victims"]) {
        const pair = crypto.generateKeyPairSync("ed25519");
        fs.writeFileSync(path.join(keys, `${name}.key.pem`), pair.privateKey.export({ type: "pkcs8", format: "pem" }));
        fs.writeFileSync(
          path.join(publicKeys, `${name}.pub.pem`),
          pair.publicKey.export({ type: "spki", format: "pem" }),
        );
      }
      const env = {
        PATH: process.env.PATH!,
        ...stage.env,
        HUB_DATA_DIR: path.join(work, "data"),
        JWT_ISSUER: "replay",
        JWT_AUDIENCE: "replay",
        JWT_PUBLIC_KEY_FILE: path.join(keys, "pub.pem"),
        HUB_REQUEST_SIGNING_PUBLIC_KEYS_DIR: publicKeys,
        HUB_SERVICE_SECRET_FILE: path.join(keys, "service"),
        HUB_DATA_KEY_FILE: path.join(keys, "data-keys.json"),
        VICTIMS_PORT: String(PORT),
        VICTIMS_URL: `http://127.0.0.1:${PORT}/graphql`,
        GATEWAY_PORT: String(PORT + 1),
        GATEWAY_HOST: "127.0.0.1",
      };
      // The victims subgraph (compose's command), then the image's CMD (the gateway).
      for (const [name, argv, ready] of [
        ["victims", ["node", "dist/subgraphs/victims/index.js"], "subgraph ready"],
        ["gateway", stage.cmd, "gateway ready"],
      ] as const) {
        const child = spawn(argv[0], argv.slice(1), {
          cwd: app,
          env: { ...env, HUB_REQUEST_SIGNING_KEY_FILE: path.join(keys, `${name}.key.pem`) },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        const reached = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 45_000);
          const onData = (chunk: Buffer): void => {
            output += chunk.toString();
            if (output.includes(ready)) {
              clearTimeout(timer);
              resolve(true);
            }
          };
          child.stdout.on("data", onData);
          child.stderr.on("data", onData);
          child.on("exit", () => {
            clearTimeout(timer);
            resolve(output.includes(ready));
          });
        });
        if (!reached) child.kill("SIGKILL");
        expect({ argv, reached, output: reached ? "" : output.slice(-2000) }).toEqual({
          argv,
          reached: true,
          output: "",
        });
        if (argv[0] === "node" && argv[1].includes("gateway")) child.kill("SIGTERM");
        else children.push(child);
      }
    } finally {
      for (const child of children) child.kill("SIGTERM");
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);
});

const children: import("node:child_process").ChildProcess[] = [];
