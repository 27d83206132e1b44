import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

// The prestart step of `npm start` against Electron's real installer, offline: a copy of the
// electron package (without its binary) and a local stand-in for Electron's download mirror
// (ELECTRON_MIRROR). The installer either gets a small fake Electron zip and unpacks it, or a
// 404, and the step must then say so in one line naming `npm run serve`.

const root = fileURLToPath(new URL('..', import.meta.url));
const script = join(root, 'scripts/ensure-electron.mjs');
const { version } = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
const platformName = { darwin: 'darwin', win32: 'win32' }[process.platform as string] ?? 'linux';
const zipName = `electron-v${version}-${platformName}-${process.arch}.zip`;
const executable = { darwin: 'Electron.app/Contents/MacOS/Electron', win32: 'electron.exe' }[process.platform as string] ?? 'electron';

const work = mkdtempSync(join(tmpdir(), 'hearth-ensure-electron-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of node_modules/electron without its binary; its dependencies resolve to the real ones. */
function electronPackageCopy(name: string): string {
  const modules = join(work, name, 'node_modules');
  const dir = join(modules, 'electron');
  mkdirSync(dir, { recursive: true });
  for (const file of ['package.json', 'install.js', 'checksums.json', 'index.js']) copyFileSync(join(root, 'node_modules/electron', file), join(dir, file));
  for (const scope of ['@electron', '@electron-internal']) symlinkSync(join(root, 'node_modules', scope), join(modules, scope), 'junction');
  return dir;
}

/** A zip (stored, no compression) holding `files`. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by Unix, so the mode below counts
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100755 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

let server: Server | undefined;
const requests: string[] = [];
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** Electron's download mirror, on 127.0.0.1: `files` by name, 404 for anything else. */
async function mirror(files: Record<string, Buffer>): Promise<string> {
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const name = (request.url ?? '').split('/').pop() ?? '';
    const body = files[name];
    response.writeHead(body ? 200 : 404, { 'Content-Length': body ? body.length : 0 });
    response.end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`;
}

/** Runs the prestart step; only this machine's mirror and a fresh download cache are used. */
function ensureElectron(electronDir: string, mirrorUrl: string, extraEnv: Record<string, string> = {}) {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/electron/i.test(key)) env[key] = value;
  Object.assign(env, { HEARTH_ELECTRON_DIR: electronDir, ELECTRON_MIRROR: mirrorUrl, electron_config_cache: join(electronDir, '..', '..', 'cache'), ...extraEnv });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm start: Electron binary step', () => {
  it('offline, says so in one line that names `npm run serve`, and fails', async () => {
    const electronDir = electronPackageCopy('offline');
    const mirrorUrl = await mirror({});
    const { code, stdout, stderr } = await ensureElectron(electronDir, mirrorUrl);
    expect(code).toBe(1);
    expect(stdout.trim()).toMatch(/^Electron's binary is not installed yet: fetching Electron \S+ with its installer/);
    const lines = stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^hearth: could not fetch Electron's binary \(HTTPError: Response code 404.*\)\. Without it, run Hearth headless with `npm run serve`/);
    // The installer really asked (the mirror saw it) and left nothing behind.
    expect(requests.some((url) => url.endsWith(zipName))).toBe(true);
    expect(existsSync(join(electronDir, 'path.txt'))).toBe(false);
  });

  it('fetches and unpacks the binary with Electron\'s installer, then says nothing on the next start', async () => {
    const electronDir = electronPackageCopy('online');
    const archive = zip({ [executable]: '#!/bin/sh\necho fake electron\n', version: `v${version}` });
    const sums = `${createHash('sha256').update(archive).digest('hex')} *${zipName}\n`;
    const mirrorUrl = await mirror({ [zipName]: archive, 'SHASUMS256.txt': Buffer.from(sums) });
    // The fake zip cannot match the real checksums bundled with electron; the installer's own
    // switch makes it check against the mirror's SHASUMS256.txt instead.
    const first = await ensureElectron(electronDir, mirrorUrl, { electron_use_remote_checksums: '1' });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Electron ${version} is ready.`);
    expect(readFileSync(join(electronDir, 'path.txt'), 'utf8')).toBe(executable);
    expect(existsSync(join(electronDir, 'dist', executable))).toBe(true);

    const again = await ensureElectron(electronDir, 'http://127.0.0.1:9/');
    expect(again).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});
