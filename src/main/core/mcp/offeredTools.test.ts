import { describe, expect, it } from 'vitest';
import { toolSchema } from '../../../shared/toolSchemas';
import { offeredTools } from './offeredTools';

const schema = { type: 'object', properties: {} };

describe('offeredTools', () => {
  it('names each tool <server>__<tool> in the characters a request allows, unique, and maps it back', () => {
    const tools = offeredTools([
      { server: 'files', tools: [{ name: 'read_file', description: 'Reads a file', inputSchema: schema }] },
      { server: 'my server/2', tools: [{ name: 'search web', title: 'Search', inputSchema: schema }] },
      { server: 'my server_2', tools: [{ name: 'search_web', inputSchema: schema }] },
      { server: 'x'.repeat(100), tools: [{ name: 'y'.repeat(100), inputSchema: schema }] },
    ]);
    expect(tools.map((t) => [t.name.slice(0, 40), t.server.slice(0, 12), t.tool.slice(0, 12)])).toEqual([
      ['files__read_file', 'files', 'read_file'],
      ['my_server_2__search_web', 'my server/2', 'search web'],
      ['my_server_2__search_web-2', 'my server_2', 'search_web'],
      ['x'.repeat(40), 'x'.repeat(12), 'y'.repeat(12)],
    ]);
    expect(tools[0]).toMatchObject({ description: 'Reads a file', parameters: schema });
    expect(tools[1]!.description).toBe('Search');
    for (const tool of tools) expect(toolSchema.safeParse({ name: tool.name, description: tool.description, parameters: tool.parameters }).success).toBe(true);
  });
});
