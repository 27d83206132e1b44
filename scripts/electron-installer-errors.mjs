// Preloaded (node --import) into Electron's own installer by scripts/ensure-electron.mjs.
// On failure the installer prints the whole stack (`console.error(err.stack)`); this keeps its
// first line in the file named by HEARTH_ELECTRON_INSTALL_ERROR instead, so the caller can say
// what went wrong in one line. Progress (written to stderr directly) is untouched.
import { appendFileSync } from 'node:fs';

const target = process.env.HEARTH_ELECTRON_INSTALL_ERROR;
if (target) {
  console.error = (...args) => {
    const first = args.map(String).join(' ').split('\n').find((line) => line.trim() !== '') ?? '';
    try {
      appendFileSync(target, `${first.trim()}\n`);
    } catch {
      // Nowhere to put it: the caller then reports the exit code alone.
    }
  };
}
