import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveHubEndpoint, resolveHubToken } from './hubToken';

describe('resolveHubToken', () => {
  const files = (map: Record<string, string>) => (p: string) => map[p];
  it('prefers HF_TOKEN, then $HF_HOME/token, then ~/.cache/huggingface/token', () => {
    const read = files({ [path.join('/hf', 'token')]: 'hf_home\n', [path.join('/home/u', '.cache', 'huggingface', 'token')]: ' hf_default \n' });
    expect(resolveHubToken({ HF_TOKEN: 'hf_env', HF_HOME: '/hf', HOME: '/home/u' }, read)).toBe('hf_env');
    expect(resolveHubToken({ HF_HOME: '/hf', HOME: '/home/u' }, read)).toBe('hf_home');
    expect(resolveHubToken({ HOME: '/home/u' }, read)).toBe('hf_default');
    expect(resolveHubToken({ HOME: '/nobody' }, read)).toBeUndefined();
    expect(resolveHubToken({ HF_TOKEN: '  ', HOME: '/nobody' }, read)).toBeUndefined();
    expect(resolveHubToken({}, read)).toBeUndefined();
  });
});

describe('resolveHubEndpoint', () => {
  it('defaults to huggingface.co and strips trailing slashes', () => {
    expect(resolveHubEndpoint({})).toBe('https://huggingface.co');
    expect(resolveHubEndpoint({ HF_ENDPOINT: 'https://hf-mirror.com//' })).toBe('https://hf-mirror.com');
    expect(() => resolveHubEndpoint({ HF_ENDPOINT: 'ftp://x' })).toThrow(/http\(s\)/);
  });
});
