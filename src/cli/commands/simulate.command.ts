// `cbrain simulate`: streams simulated devices of the district to an MQTT broker for load and demos. It registers
// SIM-… devices on the district's homes and facilities first (idempotent), so it needs the platform's database:
// with PostgreSQL (DATABASE_URL) alongside a running server; with PGlite, which one process holds at a time, use
// --embedded to run ingestion in this process instead.
import type { Command } from 'commander';
import mqtt from 'mqtt';
import pino from 'pino';
import { createSensingHub } from '../../domains/sensing/sensing-hub.ts';
import { provisionSimDevices, simDevices, startLiveSimulation } from '../../domains/sensing/simulator.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { configFrom, type GlobalOptions, openRuntime } from '../runtime.ts';

interface SimulateOptions extends GlobalOptions {
  devices: string;
  rate: string;
  seconds: string;
  url?: string;
  embedded?: boolean;
  seed: string;
}

function positiveInt(name: string, raw: string, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new CliError(`--${name} must be an integer from 1 to ${max}`, EXIT.USAGE);
  return n;
}

export function registerSimulateCommand(program: Command) {
  program
    .command('simulate')
    .description('模拟物联设备上报 Stream simulated devices (with injected anomalies) over MQTT')
    .option('--devices <n>', 'number of simulated devices', '1000')
    .option('--rate <r>', 'messages per second, all devices together', '500')
    .option('--seconds <s>', 'how long to stream', '60')
    .option(
      '--url <mqtt-url>',
      'broker URL (default: MQTT_URL, else the embedded broker at 127.0.0.1:MQTT_PORT)',
    )
    .option('--embedded', 'run the broker and ingestion in this process (PGlite)')
    .option('--seed <n>', 'seed of the injected anomalies', '20261130')
    .action(async (_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<SimulateOptions>();
      const count = positiveInt('devices', opts.devices, 1_000_000);
      const rate = positiveInt('rate', opts.rate, 1_000_000);
      const seconds = positiveInt('seconds', opts.seconds, 86_400);
      const seed = positiveInt('seed', opts.seed, 2 ** 31 - 1);
      const config = configFrom(opts, {
        deviceRatePerSecond: Math.max(5, rate),
        deviceBurst: Math.max(50, rate),
      });
      const runtime = await openRuntime(config);
      const hub = opts.embedded ? createSensingHub(runtime.database, config, pino({ level: 'warn' })) : null;
      try {
        const provisioned = await provisionSimDevices(runtime.database, count);
        const devices = (await simDevices(runtime.database)).slice(0, count);
        if (devices.length === 0)
          throw new CliError(
            'no homes to put devices in: load the demo district first (cbrain demo)',
            EXIT.USAGE,
          );
        const url = hub
          ? await hub.start({ port: 0, clientId: `cbrain-simulate-ingest-${process.pid}` })
          : (opts.url ?? config.mqttUrl ?? `mqtt://127.0.0.1:${config.mqttPort}`);
        const client = await mqtt.connectAsync(url, { clientId: `cbrain-simulate-${process.pid}` });
        console.log(
          `streaming ${devices.length} of ${provisioned} simulated devices to ${url} at ${rate} msg/s for ${seconds} s`,
        );
        const sim = startLiveSimulation(client, devices, {
          ratePerSecond: rate,
          seed,
          alarmEverySeconds: 10,
        });
        const started = Date.now();
        await new Promise<void>((resolve) => {
          const t = setInterval(() => {
            const elapsed = (Date.now() - started) / 1000;
            const stored = hub ? `, stored ${hub.ingestor.stats.stored}` : '';
            console.log(`${elapsed.toFixed(0)} s: published ${sim.published()}${stored}`);
            if (elapsed >= seconds) {
              clearInterval(t);
              resolve();
            }
          }, 5000);
        });
        await sim.stop();
        if (hub) {
          await hub.ingestor.flush();
          console.log(
            `ingested ${hub.ingestor.stats.stored} of ${hub.ingestor.stats.received} messages; rejected ${JSON.stringify(hub.ingestor.stats.rejected)}`,
          );
        }
      } finally {
        await hub?.stop();
        await runtime.close();
      }
    });
}
