import { afterAll } from 'vitest';
import { openStore } from '../../src/state/open-store.js';
import { removeTempRoots, tempRoot } from './fixtures.js';
import { describeStoreContract } from './store-contract.js';

afterAll(removeTempRoots);

describeStoreContract('SQLite', () => {
  const root = tempRoot();
  return { store: openStore(root), cleanup: () => {} };
});
