// `cbrain`: the platform's command line. Each command lives in commands/ and is a thin adapter over services.
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { MigrationError } from '../platform/db/index.ts';
import { registerAllocateCommand } from './commands/allocate.command.ts';
import { registerAuditCommand } from './commands/audit.command.ts';
import { registerBenchCommand } from './commands/bench.command.ts';
import { registerClassifyCommand } from './commands/classify.command.ts';
import { registerDeaCommand } from './commands/dea.command.ts';
import { registerDemoCommand } from './commands/demo.command.ts';
import { registerDetectCommand } from './commands/detect.command.ts';
import { registerEligibilityCommand } from './commands/eligibility.command.ts';
import { registerForecastCommand } from './commands/forecast.command.ts';
import { registerIdentityCommand } from './commands/identity.command.ts';
import { registerDemoExportsCommand, registerImportCommand } from './commands/import.command.ts';
import { registerLinkCommand } from './commands/link.command.ts';
import { registerMigrateCommand } from './commands/migrate.command.ts';
import { registerPlanCommand } from './commands/plan.command.ts';
import { registerRequestsCommand } from './commands/requests.command.ts';
import { registerServeCommand } from './commands/serve.command.ts';
import { registerSimulateCommand } from './commands/simulate.command.ts';
import { registerUserCommand } from './commands/user.command.ts';
import { registerWalkCommand } from './commands/walk.command.ts';
import { CliError, EXIT } from './exit-codes.ts';

const program = new Command();
program
  .name('cbrain')
  .description('社区大脑 Community Brain — command line')
  .option('--data <dir>', 'PGlite data directory (env DATA_DIR, default ./data)')
  .option(
    '--database-url <url>',
    'PostgreSQL server URL (env DATABASE_URL); without it the embedded PGlite is used',
  )
  .showHelpAfterError()
  .exitOverride();

registerServeCommand(program);
registerMigrateCommand(program);
registerDemoCommand(program);
registerBenchCommand(program);
registerDeaCommand(program);
registerPlanCommand(program);
registerWalkCommand(program);
registerLinkCommand(program);
registerUserCommand(program);
registerAuditCommand(program);
registerClassifyCommand(program);
registerAllocateCommand(program);
registerEligibilityCommand(program);
registerForecastCommand(program);
registerSimulateCommand(program);
registerImportCommand(program);
registerRequestsCommand(program);
registerDemoExportsCommand(program);
registerDetectCommand(program);
registerIdentityCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? EXIT.OK : EXIT.USAGE);
  }
  if (error instanceof CliError) {
    console.error(`cbrain: ${error.message}`);
    process.exit(error.exitCode);
  }
  if (error instanceof ConfigError || error instanceof MigrationError) {
    console.error(`cbrain: ${error.message}`);
    process.exit(EXIT.CONFIG);
  }
  console.error(error);
  process.exit(EXIT.FAILURE);
}
