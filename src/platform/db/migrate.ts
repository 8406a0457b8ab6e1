// Applies the plain SQL files in migrations/ in order, each in its own transaction, on either backend.
// A file that has been applied is never edited: its checksum is recorded and a changed file stops the start.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './connect.ts';

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
);

export interface MigrationFile {
  version: string;
  name: string;
  checksum: string;
  sql: string;
}

export class MigrationError extends Error {}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      return {
        version: file.slice(0, 4),
        name: file.slice(5, -4),
        checksum: createHash('sha256').update(text).digest('hex'),
        sql: text,
      };
    });
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(database: Database, files = readMigrations()): Promise<MigrateResult> {
  await database.bulk((s) =>
    s.script(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`),
  );
  const done = await database.bulk((s) => s.exec('SELECT version, name, checksum FROM schema_migrations'));
  const byVersion = new Map(done.map((r) => [String(r['version']), r]));
  const applied: string[] = [];
  for (const file of files) {
    const previous = byVersion.get(file.version);
    if (previous) {
      if (previous['checksum'] !== file.checksum) {
        throw new MigrationError(
          `migration ${file.version}_${file.name} was changed after it was applied; add a new migration instead`,
        );
      }
      continue;
    }
    await database.bulk(async (s) => {
      await s.script(file.sql);
      await s.exec('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        file.version,
        file.name,
        file.checksum,
      ]);
    });
    applied.push(`${file.version}_${file.name}`);
  }
  return { applied, alreadyApplied: files.length - applied.length };
}
