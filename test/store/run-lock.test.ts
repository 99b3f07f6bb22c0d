import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/store/state/state-store.js';
import { dialects, openStateStore } from '../support/stores.js';

/** Resolves when `release` is called: a run in progress, from the lock's point of view. */
const held = () => {
  let release = () => undefined as void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
};

for (const dialect of dialects) {
  describe.runIf(dialect.available)(`run lock on ${dialect.name}`, () => {
    let store: StateStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await openStateStore(dialect.name));
    });
    afterEach(async () => cleanup());

    it('refuses a second run while one holds the store, and lets the next one in once it ends', async () => {
      // A second process is another StateStore on the same location (and schema).
      const other =
        dialect.name === 'sqlite'
          ? await StateStore.open(store.location)
          : await StateStore.open(store.location, { schema: store.schema! });
      try {
        const first = held();
        const running = store.exclusively(() => first.done);
        await new Promise((resolve) => setTimeout(resolve, 50));
        await expect(other.exclusively(() => Promise.resolve('second'))).rejects.toThrow(
          /another cutover run is using the state store/,
        );
        first.release();
        await running;
        await expect(other.exclusively(() => Promise.resolve('next'))).resolves.toBe('next');
      } finally {
        await other.close();
      }
    });
  });
}

describe('run lock file of a SQLite state store', () => {
  it('takes over the lock a run killed with -9 left, once its process is gone', async () => {
    const { store, cleanup } = await openStateStore('sqlite');
    try {
      const gone = spawnSync(process.execPath, ['-e', '0']).pid;
      writeFileSync(`${store.location}.lock`, JSON.stringify({ pid: gone, host: hostname(), since: 'then' }));
      await expect(store.exclusively(() => Promise.resolve('taken'))).resolves.toBe('taken');
      expect(existsSync(`${store.location}.lock`)).toBe(false);
    } finally {
      await cleanup();
    }
  });
});
