// Run after `npm install` changes package-lock.json on this project's build machines.
//
// Why: the npm registry these machines reach answers 404 for other platforms' optional binary
// packages (e.g. @node-llama-cpp/win-x64, @tailwindcss/oxide-darwin-arm64). `npm install`
// silently leaves them out of the lock, and `npm ci` then refuses the lock as out of sync with
// package.json. This adds each missing optional dependency back as an optional lock entry with
// its pinned version, so `npm ci` accepts the lock everywhere; on a machine of another platform
// npm resolves them as usual, here it skips them like any optional package it cannot fetch.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const lockPath = fileURLToPath(new URL('../package-lock.json', import.meta.url));
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path === '' ? '' : `${path}/`;
    const nested = `${base}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] || packages[hoisted]) continue;
    if (!/^\d+\.\d+\.\d+/.test(spec)) {
      console.warn(`skipped ${name}@${spec}: not a pinned version`);
      continue;
    }
    packages[hoisted] = { version: spec, optional: true };
    added++;
  }
}
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} optional platform entries`);
