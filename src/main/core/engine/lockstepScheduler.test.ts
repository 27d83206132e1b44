import { describe, expect, it } from 'vitest';
import type { Generation } from './generation';
import { LockstepScheduler } from './lockstepScheduler';

/** A stand-in generation that finishes after `steps` steps and records the order it was stepped in. */
function fake(id: number, steps: number, log: number[]) {
  let left = steps;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const generation = {
    requestId: `g${id}`,
    slot: { id },
    finished: false,
    abort() {
      left = 0;
    },
    step() {
      log.push(id);
      return Promise.resolve().then(() => {
        if (--left <= 0 && !generation.finished) {
          generation.finished = true;
          resolve();
        }
      });
    },
    fail() {
      return Promise.resolve();
    },
  };
  return { generation: generation as unknown as Generation, done };
}

describe('LockstepScheduler', () => {
  it('steps every active generation once per round, in ascending sequence id', async () => {
    const log: number[] = [];
    const scheduler = new LockstepScheduler();
    const a = fake(2, 2, log);
    const b = fake(0, 3, log);
    scheduler.add(a.generation);
    scheduler.add(b.generation);
    await Promise.all([a.done, b.done]);
    await scheduler.idle();
    expect(log).toEqual([2, 0, 2, 0, 0]);
  });

  it('runs exclusive work between rounds, never during one, and when idle at once', async () => {
    const log: Array<number | string> = [];
    const scheduler = new LockstepScheduler();
    const a = fake(0, 4, log as number[]);
    scheduler.add(a.generation);
    const exclusive = scheduler.exclusive(async () => {
      log.push('x-start');
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push('x-end');
      return 42;
    });
    await expect(exclusive).resolves.toBe(42);
    await a.done;
    await scheduler.idle();
    const start = log.indexOf('x-start');
    expect(log[start + 1]).toBe('x-end');
    expect(log.filter((entry) => entry === 0)).toHaveLength(4);
    // Ran before the generation finished: a reply pauses for it, it does not wait for the reply.
    expect(log.slice(start).filter((entry) => entry === 0).length).toBeGreaterThan(0);
    await expect(scheduler.exclusive(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(scheduler.exclusive(async () => 'idle')).resolves.toBe('idle');
  });

  it('runs a generation added just as the loop ends (no lost wake-up), whatever the microtask timing', async () => {
    for (let hops = 0; hops < 8; hops++) {
      const log: number[] = [];
      const scheduler = new LockstepScheduler();
      const first = fake(0, 1, log);
      scheduler.add(first.generation);
      let chain: Promise<void> = first.done;
      for (let i = 0; i < hops; i++) chain = chain.then(() => undefined);
      const second = fake(1, 2, log);
      await chain.then(() => scheduler.add(second.generation));
      const finished = await Promise.race([second.done.then(() => true), new Promise((r) => setTimeout(() => r(false), 500))]);
      expect(finished, `added ${hops} microtasks after the first finished`).toBe(true);
    }
  });
});
