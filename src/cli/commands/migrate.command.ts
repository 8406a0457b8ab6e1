import type { Command } from 'commander';
import { migrate, openDatabase } from '../../platform/db/index.ts';
import { configFrom, type GlobalOptions } from '../runtime.ts';

export function registerMigrateCommand(program: Command) {
  program
    .command('migrate')
    .description('应用数据库迁移 Apply the SQL migrations in migrations/ to the configured database')
    .action(async (_opts, cmd: Command) => {
      const config = configFrom(cmd.optsWithGlobals<GlobalOptions>());
      const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
      try {
        const result = await migrate(database);
        console.log(
          result.applied.length > 0
            ? `applied ${result.applied.length} migration(s): ${result.applied.join(', ')}`
            : `database is up to date (${result.alreadyApplied} migrations) on ${database.label}`,
        );
      } finally {
        await database.close();
      }
    });
}
