import type { Command } from 'commander';
import { parseDemoSize } from '../../config.ts';
import { DemoNotEmptyError, loadDemo } from '../../domains/demo/index.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { progressBar } from '../progress.ts';
import { configFrom, type GlobalOptions, openRuntime } from '../runtime.ts';

interface DemoOptions extends GlobalOptions {
  size: string;
  seed?: string;
}

export function registerDemoCommand(program: Command) {
  program
    .command('demo')
    .description('加载演示区 Load the generated demo district into an empty database')
    .option(
      '--size <size>',
      '规模 size: small (约 3,000 居民 residents) | medium (约 10 万) | large (约 100 万)',
      'medium',
    )
    .option(
      '--seed <n>',
      '随机种子 generator seed (env DEMO_SEED); 同一种子生成同一演示区 same seed, same district',
    )
    .action(async (_opts, cmd: Command) => {
      const o = cmd.optsWithGlobals<DemoOptions>();
      let size: ReturnType<typeof parseDemoSize>;
      try {
        size = parseDemoSize(o.size);
      } catch (error) {
        throw new CliError((error as Error).message, EXIT.USAGE);
      }
      const config = configFrom(o);
      const seed = o.seed === undefined ? config.demoSeed : Number(o.seed);
      if (!Number.isInteger(seed) || seed < 0)
        throw new CliError('--seed must be a non-negative integer', EXIT.USAGE);
      const runtime = await openRuntime(config);
      const bar = progressBar('demo');
      try {
        const summary = await loadDemo(runtime.database, runtime.cipher, {
          size,
          seed,
          onProgress: (done, total, label) => bar.update(done, total, label),
        });
        bar.stop();
        console.log(
          JSON.stringify(
            {
              ...summary,
              generateSeconds: Number(summary.generateSeconds.toFixed(2)),
              loadSeconds: Number(summary.loadSeconds.toFixed(2)),
              peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
            },
            null,
            2,
          ),
        );
      } catch (error) {
        if (error instanceof DemoNotEmptyError) throw new CliError(error.message, EXIT.FAILURE);
        throw error;
      } finally {
        bar.stop();
        await runtime.close();
      }
    });
}
