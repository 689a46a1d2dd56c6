/** `npm run bench`: the benchmark, in scripts/bench/ (main.ts says what it measures). */
import { main } from "./bench/main";

void main();
