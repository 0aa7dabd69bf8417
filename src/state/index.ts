/** The state store: the contract (store.ts) and its SQLite implementation (openStore). */
export type * from './store.js';
export { openStore, databasePath, stateDirectory, DATABASE_FILE, type OpenStoreOptions } from './open-store.js';
export { STATE_DIR } from './state-dir.js';
export { thisProcessLockOwner } from './lock-store.js';
export { isProcessAlive } from './process-alive.js';
export { LATEST_SCHEMA_VERSION } from './migrations.js';
