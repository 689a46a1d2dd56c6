/**
 * The reference embassy portal's build: `npm run portal:build` writes portal/dist, which the
 * gateway serves at /portal in development (gateway/portal.ts). Everything is bundled from
 * this repository: the page loads no script, style or font from any other host.
 */
import path from "node:path";
import { defineConfig } from "vite";

export default defineConfig({
  root: path.resolve(import.meta.dirname),
  base: "/portal/",
  build: {
    outDir: path.resolve(import.meta.dirname, "dist"),
    emptyOutDir: true,
    // One module script and one stylesheet: nothing inlined, so a strict Content-Security-Policy holds.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
