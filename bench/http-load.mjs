#!/usr/bin/env node
// HTTP load generator, run as its own process so that its CPU (JSON, sockets, timing) is not charged to the
// server's event loop. Autocannon-like: N keep-alive clients each post the next body as soon as their previous
// answer arrived, until the bodies are used up or the time is over.
//
//   node bench/http-load.mjs --url http://127.0.0.1:PORT/api/requests --bodies FILE.jsonl
//        [--concurrency 32] [--seconds 30] [--warmup 100]
//
// FILE.jsonl holds one request body per line. Prints one JSON line: requests, seconds, rate, p50, p90, p99, max
// (ms) and the count per status code. Warm-up requests (JIT, connection pool) are sent first and not counted.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    bodies: { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '100' },
  },
});
if (!values.url || !values.bodies) {
  console.error('usage: http-load.mjs --url URL --bodies FILE.jsonl [--concurrency N] [--seconds S]');
  process.exit(2);
}
const target = new URL(values.url);
const concurrency = Number(values.concurrency);
const bodies = readFileSync(values.bodies, 'utf8').split('\n').filter(Boolean);
const warmup = Math.min(Number(values.warmup), Math.floor(bodies.length / 10));
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function post(body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function run(list, maxSeconds) {
  const latencies = [];
  const statuses = {};
  let next = 0;
  const t0 = performance.now();
  const deadline = t0 + maxSeconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < list.length && performance.now() < deadline) {
        const body = list[next++];
        const s = performance.now();
        const status = await post(body);
        latencies.push(performance.now() - s);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    requests: latencies.length,
    seconds,
    rate: latencies.length / seconds,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: latencies.at(-1) ?? NaN,
    statuses,
    concurrency,
  };
}

await run(bodies.slice(0, warmup), 10);
const result = await run(bodies.slice(warmup), Number(values.seconds));
agent.destroy();
console.log(JSON.stringify(result));
