// Builds the web console with Vite when its output is missing or older than its sources, so that
// `npm ci && npm start` needs no separate build step and a second start skips the build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

export function webBuildIsStale(webRoot: string, webDist: string): boolean {
  const index = path.join(webDist, 'index.html');
  if (!existsSync(index)) return true;
  if (existsSync(path.join(webRoot, 'portal.html')) && !existsSync(path.join(webDist, 'portal.html')))
    return true;
  const sources = [
    path.join(webRoot, 'src'),
    path.join(webRoot, 'index.html'),
    path.join(webRoot, 'portal.html'),
    path.join(webRoot, 'vite.config.ts'),
  ];
  const built = statSync(index).mtimeMs;
  return sources.some(
    (s) => existsSync(s) && (statSync(s).isDirectory() ? newestMtime(s) : statSync(s).mtimeMs) > built,
  );
}

export async function buildWebConsole(webRoot: string): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: path.join(webRoot, 'vite.config.ts'), logLevel: 'warn' });
}
