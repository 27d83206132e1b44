import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ToolApprovals } from '../../../shared/chatDto';
import type { Logger } from '../logging/logger';
import { writeFileAtomic } from '../storage/atomicWrite';

const fileSchema = z.object({
  servers: z.array(z.string().min(1).max(200)).max(1_000),
  tools: z.array(z.object({ server: z.string().min(1).max(200), tool: z.string().min(1).max(200) })).max(10_000),
});

/**
 * The tools and servers the user chose to "always allow" in a chat, kept in
 * `<dataDir>/mcp-approvals.json` (beside `mcp.json`, not in it: that file is the user's, in the
 * shape other apps share). Applies to every chat until revoked. An unreadable file allows nothing
 * (asking again is the safe side) and is replaced on the next change.
 */
export class ToolApprovalStore {
  readonly path: string;
  private approvals: ToolApprovals | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    dataDir: string,
    private readonly logger: Logger,
  ) {
    this.path = join(dataDir, 'mcp-approvals.json');
  }

  async list(): Promise<ToolApprovals> {
    return structuredClone(await this.load());
  }

  /** True when this tool, or its whole server, is always allowed. */
  async allows(server: string, tool: string): Promise<boolean> {
    const approvals = await this.load();
    return approvals.servers.includes(server) || approvals.tools.some((t) => t.server === server && t.tool === tool);
  }

  /** Always allows a server (`tool` absent) or one of its tools. */
  allow(server: string, tool?: string): Promise<ToolApprovals> {
    return this.change((approvals) => {
      if (tool === undefined) {
        if (!approvals.servers.includes(server)) approvals.servers.push(server);
      } else if (!approvals.tools.some((t) => t.server === server && t.tool === tool)) {
        approvals.tools.push({ server, tool });
      }
    });
  }

  /** Forgets "always allow" for a server (`tool` absent; its single tools stay) or one tool. */
  revoke(server: string, tool?: string): Promise<ToolApprovals> {
    return this.change((approvals) => {
      if (tool === undefined) approvals.servers = approvals.servers.filter((s) => s !== server);
      else approvals.tools = approvals.tools.filter((t) => !(t.server === server && t.tool === tool));
    });
  }

  private change(edit: (approvals: ToolApprovals) => void): Promise<ToolApprovals> {
    const next = this.queue.then(async () => {
      const approvals = structuredClone(await this.load());
      edit(approvals);
      await writeFileAtomic(this.path, `${JSON.stringify(approvals, null, 2)}\n`);
      this.approvals = approvals;
      return structuredClone(approvals);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async load(): Promise<ToolApprovals> {
    if (this.approvals) return this.approvals;
    let text: string | null = null;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn('could not read the tool approvals; every call asks', { path: this.path, error: String(error) });
    }
    let approvals: ToolApprovals = { servers: [], tools: [] };
    if (text !== null) {
      try {
        approvals = fileSchema.parse(JSON.parse(text));
      } catch (error) {
        this.logger.warn('the tool approvals file is invalid; every call asks until a decision rewrites it', { path: this.path, error: String(error) });
      }
    }
    this.approvals = approvals;
    return approvals;
  }
}
