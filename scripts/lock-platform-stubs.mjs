#!/usr/bin/env node
// The npm registry mirror this project is built with serves only the packages of the platforms it runs on, so
// `npm install` cannot record the other platforms' optional binaries (biome, rolldown, @node-rs/* …) in
// package-lock.json, and `npm ci` then refuses the lock as out of sync. This adds the standard lock entry for
// each such optional dependency — version, optional, and the os/cpu/libc its name declares — so that `npm ci`
// accepts the lock and skips those packages on platforms they do not fit, as it would with a full lock.
// Run after `npm install` changes dependencies: `node scripts/lock-platform-stubs.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const packages = lock.packages;

function platformOf(name) {
  const n = name.toLowerCase();
  const os =
    [
      'darwin',
      'win32',
      'linux',
      'android',
      'freebsd',
      'openbsd',
      'netbsd',
      'sunos',
      'aix',
      'openharmony',
      'wasi',
    ].find((o) => n.includes(o)) ?? (n.includes('windows') ? 'win32' : n.includes('macos') ? 'darwin' : null);
  const cpu =
    ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'].find(
      (c) => n.includes(c === 'arm' ? 'arm-' : c) || n.endsWith(`-${c}`),
    ) ?? (n.includes('aarch64') ? 'arm64' : null);
  const libc = n.includes('musl') ? 'musl' : n.includes('gnu') && os === 'linux' ? 'glibc' : null;
  return { os, cpu, libc };
}

let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  for (const [dep, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = key === '' ? 'node_modules' : `${key}/node_modules`;
    // npm resolves a dependency in the nearest node_modules up the tree.
    const candidates = [`${base}/${dep}`];
    let k = key;
    while (k.includes('node_modules/')) {
      k = k.slice(0, k.lastIndexOf('/node_modules/'));
      candidates.push(`${k}/node_modules/${dep}`);
    }
    candidates.push(`node_modules/${dep}`);
    if (candidates.some((c) => packages[c])) continue;
    const { os, cpu, libc } = platformOf(dep);
    const stub = {
      version: String(spec).replace(/^[\^~=]/, ''),
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      // Unknown platform names get an os no machine has, so npm never tries to fetch them.
      os: [os ?? 'none'],
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
    };
    packages[`node_modules/${dep}`] = stub;
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platform-stubs: added ${added} entries`);
