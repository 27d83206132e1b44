import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The real reference MCP servers the tests run (devDependencies), started as a user would
 * configure them: `node <their bin>`.
 */
const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** `@modelcontextprotocol/server-everything` over stdio: echo, get-sum, trigger-long-running-operation, get-env, … */
export function everythingServer(): { command: string; args: string[] } {
  return { command: process.execPath, args: [join(packageDir('@modelcontextprotocol/server-everything'), 'dist', 'index.js'), 'stdio'] };
}

/** `@modelcontextprotocol/server-filesystem` allowed to read and write `folder` only. */
export function filesystemServer(folder: string): { command: string; args: string[] } {
  return { command: process.execPath, args: [join(packageDir('@modelcontextprotocol/server-filesystem'), 'dist', 'index.js'), folder] };
}
