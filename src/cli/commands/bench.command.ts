// `cbrain bench` (npm run bench): runs every bench/<name>.bench.ts in turn. Each benchmark prints its own
// figures; this runner adds a heading, the wall time and any failure, and exits non-zero if one failed.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { CliError, EXIT } from '../exit-codes.ts';

interface BenchOptions {
  size: string;
  only?: string;
}

export function registerBenchCommand(program: Command) {
  program
    .command('bench')
    .description('运行基准测试 Run the benchmarks in bench/ and print their figures')
    .option(
      '--size <size>',
      'default | large (large: ≈1 million residents / records where a benchmark has sizes)',
      'default',
    )
    .option('--only <names>', 'comma-separated benchmark names, e.g. demo,search')
    .action(async (opts: BenchOptions) => {
      if (opts.size !== 'default' && opts.size !== 'large') {
        throw new CliError('--size must be default or large', EXIT.USAGE);
      }
      const dir = path.resolve('bench');
      const wanted = opts.only ? new Set(opts.only.split(',').map((s) => s.trim())) : null;
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.bench.ts'))
        .sort()
        .filter((f) => !wanted || wanted.has(f.replace(/\.bench\.ts$/, '')));
      if (files.length === 0) throw new CliError('no benchmark matched', EXIT.USAGE);
      const failed: string[] = [];
      for (const file of files) {
        const name = file.replace(/\.bench\.ts$/, '');
        console.log(`\n=== ${name} (size ${opts.size}) ===`);
        const started = Date.now();
        try {
          const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as {
            run(o: { size: 'default' | 'large' }): Promise<void>;
          };
          await mod.run({ size: opts.size as 'default' | 'large' });
          console.log(`--- ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        } catch (error) {
          failed.push(name);
          console.error(`--- ${name} FAILED:`, error);
        }
      }
      if (failed.length > 0) throw new CliError(`benchmarks failed: ${failed.join(', ')}`);
    });
}
