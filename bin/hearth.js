#!/usr/bin/env node
// Thin launcher: the CLI lives in the built headless entry (`npm run build` makes it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../out/main/headless.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('hearth: the app is not built yet. Run `npm run build` (or `npm run serve`).\n');
  process.exit(1);
}
const { runCli } = await import(entry);
runCli(process.argv.slice(2));
