/**
 * Two processes never open one embedded data directory, and the supervisor is honest:
 * a second `npm start` on a running hub's `.data/` (on the same ports, and on others)
 * exits non-zero within 10 s naming the directory and the process holding it, without
 * ever saying it is ready, and the first hub's acknowledged writes survive its restart;
 * a lock left by a process killed with SIGKILL is taken over; children of a supervisor
 * killed with SIGKILL stop by themselves; a port in use stops the hub with the reason
 * instead of a restart loop.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { DataDirectoryInUseError, lockDataDirectory } from "../platform/data-directory-lock";
import { DIST, ROOT } from "./support/processes";
import { testPort } from "./support/state";
import {
  alive,
  askAt,
  makeDataDir,
  startSupervisor,
  stopSupervisor,
  supervisedEnv,
  waitSupervisorReady,
  type SupervisedHub,
} from "./support/supervised";

const ngo = { role: "ngo", org: "ngo-one-hub" } as const;
const REGISTER = `mutation ($name: String!) { registerVictim(victim: { nationality: "KE", gender: FEMALE, ageBracket: AGE_18_25, preferredName: $name }) { id } }`;
const SUBGRAPH_PIDS = ["victims", "shelters", "embassies", "repatriation"];

async function secondHubRefused(env: Record<string, string>, dataDir: string): Promise<string> {
  const began = Date.now();
  const second: SupervisedHub = startSupervisor(env, "second-supervisor");
  const { code } = await second.exited;
  const output = second.output();
  expect(code).not.toBe(0);
  expect(Date.now() - began).toBeLessThan(10_000);
  expect(output).toMatch(new RegExp(`the data directory ${path.join(dataDir, "\\w+")} is in use by process \\d+`));
  expect(output).toContain("[supervisor] stopping the hub:");
  expect(output).not.toContain("is ready");
  expect(output).not.toMatch(/restart|\n\s+at /);
  return output;
}

describe("one hub per data directory", () => {
  it("a second hub on a running hub's data directory (same ports, then others) exits non-zero within 10 s naming the directory and the PID; the first hub's writes survive its restart; its children stop when its supervisor is killed", async () => {
    const dataDir = makeDataDir();
    const env = supervisedEnv(testPort(50), dataDir);
    const gateway = `http://127.0.0.1:${testPort(50)}/graphql`;
    let first = startSupervisor(env);
    try {
      await waitSupervisorReady(first);
      const before = await askAt<{ registerVictim: { id: string } }>(gateway, dataDir, ngo, REGISTER, {
        name: "Before the second hub (fictional)",
      });
      expect(before.errors).toBeUndefined();

      const sameOutput = await secondHubRefused(env, dataDir);
      await secondHubRefused(supervisedEnv(testPort(55), dataDir), dataDir);
      // The PID named is one of the first hub's subgraphs.
      const holders = SUBGRAPH_PIDS.map(
        (name) => (JSON.parse(fs.readFileSync(path.join(dataDir, `${name}.pid`), "utf8")) as { pid: number }).pid,
      );
      expect(holders.some((pid) => sameOutput.includes(`in use by process ${pid} `))).toBe(true);

      // The first hub never noticed: it serves and writes as before.
      const after = await askAt<{ registerVictim: { id: string } }>(gateway, dataDir, ngo, REGISTER, {
        name: "After the second hub (fictional)",
      });
      expect(after.errors).toBeUndefined();
      expect((await stopSupervisor(first)).code).toBe(0);
      // A clean stop leaves no lock behind.
      for (const name of SUBGRAPH_PIDS) expect(fs.existsSync(path.join(dataDir, `${name}.pid`))).toBe(false);

      first = startSupervisor(env);
      await waitSupervisorReady(first);
      for (const id of [before.data!.registerVictim.id, after.data!.registerVictim.id]) {
        const found = await askAt<{ victim: { id: string } | null }>(
          gateway,
          dataDir,
          ngo,
          "query ($id: ID!) { victim(id: $id) { id } }",
          { id },
        );
        expect(found.data?.victim?.id).toBe(id);
      }

      // The supervisor killed alone: its children notice and stop cleanly, releasing the directories.
      first.process.child.kill("SIGKILL");
      await first.exited;
      const deadline = Date.now() + 15_000;
      const locked = () => SUBGRAPH_PIDS.filter((name) => fs.existsSync(path.join(dataDir, `${name}.pid`)));
      while (locked().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(locked()).toEqual([]);
    } finally {
      await stopSupervisor(first);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it("a lock left by a process killed with SIGKILL is taken over; one held by a running process is refused, naming it, before anything is created", async () => {
    const dataDir = path.join(makeDataDir(), "victims");
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `require(${JSON.stringify(path.join(DIST, "platform", "data-directory-lock.js"))}).lockDataDirectory(process.argv[1]).then(() => { console.log("locked"); setInterval(() => undefined, 1000); })`,
        dataDir,
      ],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      await new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
      const refused = await lockDataDirectory(dataDir).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(DataDirectoryInUseError);
      expect((refused as Error).message).toContain(`the data directory ${dataDir} is in use by process ${holder.pid}`);
      expect(fs.existsSync(dataDir)).toBe(false);

      const killed = new Promise((resolve) => holder.once("exit", resolve));
      holder.kill("SIGKILL");
      await killed;
      expect(fs.existsSync(`${dataDir}.pid`)).toBe(true);
      const lock = await lockDataDirectory(dataDir);
      expect(JSON.parse(fs.readFileSync(lock.pidFile, "utf8")).pid).toBe(process.pid);
      lock.release();
      expect(fs.existsSync(lock.pidFile)).toBe(false);

      // A PID that now belongs to another process (as after a restart) is stale too: the start time differs.
      fs.writeFileSync(
        `${dataDir}.pid`,
        JSON.stringify({ pid: process.ppid, host: os.hostname(), bootId: null, startTicks: "1", since: "earlier" }),
      );
      (await lockDataDirectory(dataDir)).release();
    } finally {
      holder.kill("SIGKILL");
      fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
  });
});

describe("the supervisor", () => {
  it("a port in use (by something answering /ready): exits non-zero with the reason, stops its other children, never says ready, never restarts", async () => {
    const dataDir = makeDataDir();
    const squatter = http.createServer((_request, response) => response.end('{"status":"ready"}'));
    await new Promise<void>((resolve) => squatter.listen(testPort(60), "127.0.0.1", resolve));
    try {
      const hub = startSupervisor(supervisedEnv(testPort(60), dataDir));
      const { code } = await hub.exited;
      const output = hub.output();
      expect(code).toBe(2);
      expect(output).toContain(
        `[supervisor] stopping the hub: gateway failed to start: port ${testPort(60)} on 127.0.0.1 is already in use by another process`,
      );
      expect(output).not.toContain("is ready");
      expect(output).not.toMatch(/restart|\n\s+at /);
      // Every child it started is gone.
      for (const name of SUBGRAPH_PIDS) {
        const file = path.join(dataDir, `${name}.pid`);
        if (fs.existsSync(file))
          expect(alive((JSON.parse(fs.readFileSync(file, "utf8")) as { pid: number }).pid)).toBe(false);
      }
    } finally {
      squatter.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
