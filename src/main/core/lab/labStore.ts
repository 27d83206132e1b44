import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabRun } from '../../../shared/labDto';
import type { Logger } from '../logging/logger';
import { writeFileAtomic } from '../storage/atomicWrite';

/**
 * Lab runs on disk: one file per run, `<dataDir>/lab/runs/<id>.json`, each stamped with the
 * machine it ran on (speed is only meaningful where it was measured; the list shows this machine's).
 */
export class LabStore {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly logger: Logger,
  ) {
    this.dir = join(dataDir, 'lab', 'runs');
  }

  async save(run: LabRun): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(join(this.dir, `${run.id}.json`), `${JSON.stringify(run, null, 2)}\n`);
  }

  /** Every readable run of `machineKey`, newest first; unreadable files are logged and skipped. */
  async list(machineKey: string): Promise<LabRun[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((name) => name.endsWith('.json'));
    } catch {
      return [];
    }
    const runs: LabRun[] = [];
    for (const name of names) {
      try {
        const run = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as LabRun;
        if (run.schemaVersion === 1 && run.machine?.key === machineKey && Array.isArray(run.files)) runs.push(run);
      } catch (error) {
        this.logger.warn('unreadable lab result skipped', { file: name, error: String(error) });
      }
    }
    return runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }
}
