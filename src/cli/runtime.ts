// Shared start-up for CLI commands: configuration, the data key and the database, migrated.
import { type Config, loadConfig } from '../config.ts';
import { createFieldCipher, type FieldCipher, loadDataKey } from '../platform/crypto/field-cipher.ts';
import { type Database, migrate, openDatabase } from '../platform/db/index.ts';

export interface GlobalOptions {
  data?: string;
  databaseUrl?: string;
}

export interface Runtime {
  config: Config;
  database: Database;
  cipher: FieldCipher;
  close(): Promise<void>;
}

export function configFrom(options: GlobalOptions, overrides: Partial<Config> = {}): Config {
  const env = { ...process.env };
  if (options.data) env['DATA_DIR'] = options.data;
  if (options.databaseUrl) env['DATABASE_URL'] = options.databaseUrl;
  return loadConfig(env, overrides);
}

export async function openRuntime(config: Config): Promise<Runtime> {
  const cipher = createFieldCipher(loadDataKey(config.dataKey, config.dataDir));
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
  });
  await migrate(database);
  return { config, database, cipher, close: () => database.close() };
}

/** Who runs a command, as its audit entries name them: the operating-system user at the server. */
export function commandLineUsername(): string {
  return `cli:${process.env['USER'] ?? 'operator'}`;
}
