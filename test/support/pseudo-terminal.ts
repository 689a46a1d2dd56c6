/** Whether util-linux `script`, which runs a command on a pseudo-terminal, is installed (tests of terminal output need it). */
import { execFileSync } from "node:child_process";

export const hasScript = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
