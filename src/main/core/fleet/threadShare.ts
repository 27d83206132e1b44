/**
 * Threads for each engine from `cores`: the ones generating share the cores equally (at least 1
 * each); an engine alone gets them all. ggml's compute threads spin on a barrier, so two engines
 * that together ask for more threads than there are cores slow each other far more than the
 * split costs (measured: README "Several models at once").
 */
export function threadShares(cores: number, generating: readonly boolean[]): number[] {
  const busy = generating.filter(Boolean).length;
  const share = Math.max(1, Math.floor(Math.max(1, cores) / Math.max(1, busy)));
  return generating.map((g) => (g ? share : Math.max(1, cores)));
}
