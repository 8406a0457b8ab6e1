export {
  type Backend,
  type BulkSession,
  type CopyRow,
  type Database,
  type OpenOptions,
  openDatabase,
} from './connect.ts';
export { MigrationError, migrate, readMigrations } from './migrate.ts';
export type * from './schema.ts';

import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

/** What repositories take as their first argument: the database or a transaction the caller opened. */
export type Db = Kysely<DB> | Transaction<DB>;
