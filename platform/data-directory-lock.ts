/**
 * One process per embedded data directory, the way PostgreSQL's `postmaster.pid` does
 * it: beside `.data/<subgraph>/` lies `.data/<subgraph>.pid`, naming the process that
 * has the directory open. It is taken before PGlite (or anything else) touches the
 * directory, held for as long as the database is open, and removed on exit. After a
 * crash (kill -9, power cut) the file stays behind; it is stale — and taken over — when
 * the process it names is gone: no such PID, a zombie (killed, not yet reaped), a PID
 * now reused by another process (its start time differs), or a machine that has
 * restarted since (another boot id).
 *
 * Reading and replacing the file happens under a short-lived proper-lockfile mutex, so
 * two processes starting at once never both take a stale file over. The mutex is only
 * held for those few milliseconds; a holder killed inside them leaves a mutex that
 * proper-lockfile itself treats as stale after MUTEX_STALE_MS.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import lockfile from "proper-lockfile";

/** proper-lockfile's smallest: a mutex left by a process killed inside it is taken over after 2 s. */
const MUTEX_STALE_MS = 2000;

/**
 * Runs `critical` with SIGTERM and SIGINT held back: a supervisor stopping a child that
 * is inside the mutex would otherwise leave the mutex behind (proper-lockfile only
 * cleans up locks it has finished taking). A signal that came meanwhile is raised again
 * afterwards, when nothing else in the process listens for it (else they have heard it).
 */
async function withSignalsDeferred<T>(critical: () => Promise<T>): Promise<T> {
  const signals: NodeJS.Signals[] = ["SIGTERM", "SIGINT"];
  const received: NodeJS.Signals[] = [];
  const defer = (signal: NodeJS.Signals) => void received.push(signal);
  for (const signal of signals) process.on(signal, defer);
  try {
    return await critical();
  } finally {
    for (const signal of signals) process.removeListener(signal, defer);
    const signal = received[0];
    if (signal && process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  }
}

/** A data directory that cannot be used as it is: a configuration problem, not a crash. */
export class DataDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataDirectoryError";
  }
}

export interface DataDirectoryOwner {
  pid: number;
  host: string;
  /** /proc/sys/kernel/random/boot_id of the machine when the lock was taken (Linux). */
  bootId: string | null;
  /** The owner's start time in clock ticks since boot (/proc/<pid>/stat field 22, Linux). */
  startTicks: string | null;
  since: string;
}

export class DataDirectoryInUseError extends DataDirectoryError {
  constructor(
    readonly dataDir: string,
    readonly owner: DataDirectoryOwner,
    readonly pidFile: string,
  ) {
    const where = owner.host === os.hostname() ? "" : ` on ${owner.host}`;
    super(
      `the data directory ${dataDir} is in use by process ${owner.pid}${where} (since ${owner.since}); two processes must never open one embedded database. ` +
        `Stop that hub first, or give this one another HUB_DATA_DIR${owner.host === os.hostname() ? "" : ` (if that process is gone, delete ${pidFile})`}.`,
    );
    this.name = "DataDirectoryInUseError";
  }
}

export interface DataDirectoryLock {
  pidFile: string;
  release(): void;
}

function readFirstLine(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8").trim() || null;
  } catch {
    return null;
  }
}

function bootId(): string | null {
  return readFirstLine("/proc/sys/kernel/random/boot_id");
}

/** Fields 3… of /proc/<pid>/stat (state, ppid, …); null where there is no /proc (macOS). */
function procStat(pid: number): string[] | null {
  const stat = readFirstLine(`/proc/${pid}/stat`);
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count from the last ")".
  return stat ? stat.slice(stat.lastIndexOf(")") + 2).split(" ") : null;
}

/** When `pid` started, in clock ticks since boot (field 22). */
function startTicks(pid: number): string | null {
  return procStat(pid)?.[19] ?? null;
}

function readOwner(pidFile: string): DataDirectoryOwner | null {
  try {
    const owner = JSON.parse(fs.readFileSync(pidFile, "utf8")) as Partial<DataDirectoryOwner>;
    if (
      typeof owner.pid !== "number" ||
      !Number.isInteger(owner.pid) ||
      owner.pid <= 0 ||
      typeof owner.host !== "string"
    )
      return null;
    return {
      pid: owner.pid,
      host: owner.host,
      bootId: owner.bootId ?? null,
      startTicks: owner.startTicks ?? null,
      since: String(owner.since ?? "an unknown time"),
    };
  } catch {
    // Absent, or not ours to read (we write it whole, by rename): nothing holds the directory.
    return null;
  }
}

/** Whether the process a lock file names still runs (and is that process, not a reused PID). */
function ownerAlive(owner: DataDirectoryOwner): boolean {
  // Another machine's process cannot be checked from here: assume it runs.
  if (owner.host !== os.hostname()) return true;
  const currentBoot = bootId();
  if (owner.bootId && currentBoot && owner.bootId !== currentBoot) return false;
  // Our own PID in the file is a left-over from before a restart (containers reuse PIDs);
  // a directory this process holds is refused earlier, from `held`.
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const stat = procStat(owner.pid);
  // A zombie has closed all its files: killed, not yet reaped (a container's PID 1 may never reap it).
  if (stat && (stat[0] === "Z" || stat[0] === "X")) return false;
  const ticks = stat?.[19];
  return !(owner.startTicks && ticks && ticks !== owner.startTicks);
}

/**
 * The running process that holds `dataDir`, or null when none does — a look, not a lock:
 * the supervisor asks before it starts anything, so a second hub is refused at once.
 */
export function dataDirectoryHolder(dataDir: string): DataDirectoryOwner | null {
  const owner = readOwner(`${path.resolve(dataDir)}.pid`);
  return owner && ownerAlive(owner) ? owner : null;
}

const held = new Map<string, DataDirectoryOwner>();

/**
 * Takes `dataDir` for this process, or throws DataDirectoryInUseError naming the process
 * that holds it. Creates nothing but the lock file (and the parent directory it lies in).
 */
export async function lockDataDirectory(dataDir: string): Promise<DataDirectoryLock> {
  const directory = path.resolve(dataDir);
  const pidFile = `${directory}.pid`;
  const mine = held.get(directory);
  if (mine) throw new DataDirectoryInUseError(directory, mine, pidFile);
  fs.mkdirSync(path.dirname(directory), { recursive: true });
  const owner: DataDirectoryOwner = {
    pid: process.pid,
    host: os.hostname(),
    bootId: bootId(),
    startTicks: startTicks(process.pid),
    since: new Date().toISOString(),
  };
  await withSignalsDeferred(async () => {
    let releaseMutex: () => Promise<void>;
    try {
      releaseMutex = await lockfile.lock(pidFile, {
        realpath: false,
        stale: MUTEX_STALE_MS,
        retries: { retries: 100, factor: 1.5, minTimeout: 20, maxTimeout: 100 },
      });
    } catch (error) {
      throw new DataDirectoryError(`could not lock the data directory ${directory}: ${(error as Error).message}`);
    }
    try {
      const current = readOwner(pidFile);
      if (current && ownerAlive(current)) throw new DataDirectoryInUseError(directory, current, pidFile);
      // Whole or not at all: a reader never sees half a file.
      const writing = `${pidFile}.${process.pid}`;
      fs.writeFileSync(writing, JSON.stringify(owner) + "\n");
      fs.renameSync(writing, pidFile);
    } finally {
      await releaseMutex();
    }
  });
  held.set(directory, owner);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.removeListener("exit", release);
    held.delete(directory);
    // Only our own file: never one a later owner wrote after ours was taken over.
    const current = readOwner(pidFile);
    if (current?.pid === owner.pid && current.since === owner.since) fs.rmSync(pidFile, { force: true });
  };
  process.on("exit", release);
  return { pidFile, release };
}
