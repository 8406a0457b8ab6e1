// Test helpers for the engine commands (dea, plan): run `node bin/cbrain.mjs …` and write small CSV files.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile('node', ['bin/cbrain.mjs', ...args], { cwd: process.cwd() }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed (exit 0) and returns its JSON output. */
export async function runJson(args: string[]) {
  const run = await runCli(args);
  if (run.code !== 0) throw new Error(`cbrain ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return { ...run, json: JSON.parse(run.stdout) };
}

/** A temporary directory; `write(name, text)` puts a file in it and returns its path. */
export function csvDir(prefix: string) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
}
