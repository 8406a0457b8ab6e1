// First start to a populated console: spawn `cbrain serve` on an empty database (embedded PGlite in a fresh data
// directory, and PostgreSQL in a fresh schema when TEST_DATABASE_URL or DATABASE_URL is set), wait until it
// listens, sign in and load the overview the home page shows. The console build is done first and not counted.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildWebConsole, webBuildIsStale } from '../src/cli/web-build.ts';

const PG_URL = process.env['TEST_DATABASE_URL'] || process.env['DATABASE_URL'];

interface StartResult {
  listeningSeconds: number;
  populatedSeconds: number;
  peakRssMb: number | null;
}

async function firstStart(size: string, backend: 'pglite' | 'postgres'): Promise<StartResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cbrain-first-start-'));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const args = ['bin/cbrain.mjs', '--data', dataDir];
  if (backend === 'postgres') {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const url = new URL(PG_URL!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    args.push('--database-url', url.toString());
  }
  args.push('serve', '--port', '0', '--host', '127.0.0.1', '--demo-size', size);
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, LOG_LEVEL: 'warn', DEMO: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = output.match(/http:\/\/localhost:(\d+)\//);
        if (m) resolve(Number(m[1]));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (c: Buffer) => {
        output += c.toString();
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output.slice(-2000)}`)));
    });
    const listening = performance.now();
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'community01', password: 'Community@2026' }),
    });
    if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const { token } = (await login.json()) as { token: string };
    const [page, overview] = await Promise.all([
      fetch(`${base}/`),
      fetch(`${base}/api/stats/overview`, { headers: { authorization: `Bearer ${token}` } }),
    ]);
    if (!page.ok || !overview.ok) throw new Error(`console not ready: ${page.status} / ${overview.status}`);
    const stats = (await overview.json()) as { population?: number };
    if (!stats.population) throw new Error('the overview shows no population');
    const populated = performance.now();
    const peak = output.match(/peak RSS[^\d]*(\d+(?:\.\d+)?)\s*MB/i);
    return {
      listeningSeconds: (listening - started) / 1000,
      populatedSeconds: (populated - started) / 1000,
      peakRssMb: peak ? Number(peak[1]) : null,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
    rmSync(dataDir, { recursive: true, force: true });
    if (backend === 'postgres') {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  }
}

export async function run(opts: { size: 'default' | 'large' }): Promise<void> {
  const webRoot = path.resolve('web');
  if (webBuildIsStale(webRoot, path.resolve('web/dist'))) {
    const t = performance.now();
    await buildWebConsole(webRoot);
    console.log(`web console build (not counted below): ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const size = opts.size === 'large' ? 'large' : 'medium';
  const backends: Array<'pglite' | 'postgres'> = PG_URL ? ['pglite', 'postgres'] : ['pglite'];
  for (const backend of backends) {
    const r = await firstStart(size, backend);
    console.log(
      `first start, demo ${size}, ${backend}: listening after ${r.listeningSeconds.toFixed(1)} s, ` +
        `populated console (signed in, overview loaded) after ${r.populatedSeconds.toFixed(1)} s`,
    );
  }
}
