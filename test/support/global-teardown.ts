import fs from "node:fs";
import { Client } from "pg";
import { stopHubProcess, type HubProcess } from "./processes";
import type { EmbeddedPostgres } from "../../platform/database";

export default async function globalTeardown(): Promise<void> {
  const handles = (
    globalThis as {
      __hubHandles?: {
        processes: HubProcess[];
        embedded: EmbeddedPostgres[];
        serverDatabases: { adminUrl: string; names: string[] };
        tmpDir: string;
      };
    }
  ).__hubHandles;
  if (!handles) return;
  await Promise.all(handles.processes.map((hub) => stopHubProcess(hub)));
  await Promise.all(handles.embedded.map((embedded) => embedded.stop()));
  if (handles.serverDatabases.adminUrl) {
    const admin = new Client({ connectionString: handles.serverDatabases.adminUrl });
    await admin.connect();
    for (const name of handles.serverDatabases.names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
  fs.rmSync(handles.tmpDir, { recursive: true, force: true });
}
