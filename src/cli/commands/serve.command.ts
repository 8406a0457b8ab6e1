import path from 'node:path';
import type { Command } from 'commander';
import { buildApp } from '../../app.ts';
import { parseDemoSize } from '../../config.ts';
import { isDatabaseEmpty, loadDemo } from '../../domains/demo/index.ts';
import { integrateDemoSources } from '../../domains/identity/index.ts';
import {
  createLiveArrivals,
  DEMO_REQUESTS_PER_DAY,
  loadRequestDemo,
  QUICK_TRAINING,
  requestCategoryCatalog,
  startRequestJobs,
} from '../../domains/requests/index.ts';
import { startSensingForServe } from '../../domains/sensing/serve-sensing.ts';
import { addRequestDeliveries } from '../../domains/supply/index.ts';
import { progressBar } from '../progress.ts';
import { configFrom, type GlobalOptions, openRuntime } from '../runtime.ts';
import { buildWebConsole, webBuildIsStale } from '../web-build.ts';

interface ServeOptions extends GlobalOptions {
  port?: string;
  host?: string;
  demo: boolean;
  demoSize?: string;
  buildWebIfNeeded?: boolean;
}

export function registerServeCommand(program: Command) {
  program
    .command('serve')
    .description('启动平台 Start the platform (HTTP API, console, demo district on an empty database)')
    .option('--port <port>', 'HTTP port (env PORT, default 8080)')
    .option('--host <host>', 'listen address (env HOST, default 0.0.0.0)')
    .option('--no-demo', 'do not load the demo district into an empty database (env DEMO=false)')
    .option('--demo-size <size>', 'small | medium | large (env DEMO_SIZE, default medium)')
    .option('--build-web-if-needed', 'build the web console first when its sources are newer than the build')
    .action(async (_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<ServeOptions>();
      const started = Date.now();
      const config = configFrom(opts, {
        ...(opts.port !== undefined ? { port: Number(opts.port) } : {}),
        ...(opts.host ? { host: opts.host } : {}),
        ...(opts.demo === false ? { demo: false } : {}),
        ...(opts.demoSize ? { demoSize: parseDemoSize(opts.demoSize) } : {}),
      });
      const webRoot = path.resolve('web');
      if (opts.buildWebIfNeeded && webBuildIsStale(webRoot, config.webDist)) {
        console.log('building the web console …');
        await buildWebConsole(webRoot);
      }
      const runtime = await openRuntime(config);
      if (config.demo && (await isDatabaseEmpty(runtime.database.db))) {
        console.log(`loading the demo district (${config.demoSize}) into the empty database …`);
        const bar = progressBar('demo');
        const summary = await loadDemo(runtime.database, runtime.cipher, {
          size: config.demoSize,
          seed: config.demoSeed,
          onProgress: (done, total, label) => bar.update(done, total, label),
        });
        bar.stop();
        console.log(
          `demo district loaded: ${summary.persons} residents, ${summary.households} households, ` +
            `${summary.grids} grids in ${(summary.generateSeconds + summary.loadSeconds).toFixed(1)} s`,
        );
      }
      // requests: two years of 接诉即办 history for the demo district, once (when it has no orders yet).
      if (config.demo) {
        const anyOrder = await runtime.database.db
          .selectFrom('work_order')
          .select('id')
          .limit(1)
          .executeTakeFirst();
        const anyGrid = await runtime.database.db.selectFrom('grid').select('id').limit(1).executeTakeFirst();
        if (!anyOrder && anyGrid) {
          console.log('loading two years of resident requests as work orders …');
          const bar = progressBar('requests');
          const n = await loadRequestDemo(runtime.database, runtime.cipher, requestCategoryCatalog(), {
            seed: config.demoSeed,
            perDay: DEMO_REQUESTS_PER_DAY[config.demoSize],
            onProgress: (done, total) => bar.update(done, total, 'orders'),
          });
          bar.stop();
          console.log(`request history loaded: ${n} work orders`);
          // supply: the services those requests caused, traceable from request to delivery to cost.
          const delivered = await addRequestDeliveries(runtime.database.db, config.demoSeed);
          console.log(`services caused by requests: ${delivered} deliveries`);
        }
      }
      const app = await buildApp({
        config,
        database: runtime.database,
        cipher: runtime.cipher,
        logger: { level: config.logLevel },
      });
      // sensing: MQTT ingestion (embedded broker on MQTT_PORT or MQTT_URL) and the demo district's simulated devices
      const stopSensing = config.sensingEnabled
        ? await startSensingForServe(app, runtime.database, config)
        : null;
      // requests: the deadline sweeper and roll-up refresh; in the demo, a new request every half minute.
      const requestJobs = startRequestJobs(app, {
        extra: config.demo
          ? [
              {
                everyMs: 30_000,
                run: createLiveArrivals(runtime.database, app.requests.service, config.demoSeed),
              },
            ]
          : [],
      });
      // requests: the demo's first classifier version, trained in a worker thread when none exists yet.
      if (config.demo) {
        void app.requestClassifier
          .ensureInitialModel(QUICK_TRAINING)
          .then(async (training) => {
            if (!training) return;
            console.log('training the first request classifier version in the background …');
            await training;
            console.log('request classifier ready');
          })
          .catch((err) => app.log.error({ err }, 'first classifier version failed'));
      }
      const shutdown = async () => {
        requestJobs.stop();
        await stopSensing?.();
        await app.close();
        await runtime.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      console.log(
        `社区大脑 Community Brain is running at http://localhost:${port}/ (${runtime.database.label}); ` +
          `API docs at /docs; ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      // identity: the district as integrated from its departments' exports, once, in the background after the
      // server is ready (progress on the console's 实体识别 page). The medium and large districts take one street's
      // residents, which keeps the first start to minutes on the embedded database.
      if (config.demo) {
        void integrateDemoSources(runtime.database, runtime.cipher, {
          size: config.demoSize,
          seed: config.demoSeed,
          dir: path.join(config.dataDir, 'demo-exports'),
          ...(config.demoSize === 'small' ? {} : { streets: 1 }),
          log: (line) => console.log(line),
        })
          .then(async (job) => {
            if (!job) return;
            const t0 = Date.now();
            console.log(
              `integrating the department exports and registers in the background (identity run ${job.runId}, 实体识别) …`,
            );
            for (const step of await job.done) {
              if (step.runId === null) {
                console.log(`integrating ${step.entityType} records did not start: ${step.error}`);
                continue;
              }
              const run = await runtime.database.db
                .selectFrom('identity_run')
                .selectAll()
                .where('id', '=', step.runId)
                .executeTakeFirstOrThrow();
              console.log(
                run.status !== 'completed'
                  ? `integrating ${step.entityType} records failed: ${JSON.stringify(run.error)}`
                  : step.entityType === 'person'
                    ? `department sources integrated: ${run.records} records, ${run.clusters} clusters, ` +
                      `${run.reviews} to review, ${run.persons_updated} residents updated, ${run.persons_created} created`
                    : `${step.entityType} registers integrated: ${run.records} records, ${run.clusters} clusters, ` +
                      `${run.reviews} to review, ${run.persons_updated} updated, ${run.persons_created} created, ` +
                      `${run.conflicts} conflicts, ${run.unplaced} unplaced`,
              );
            }
            console.log(`integration finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
          })
          .catch((err) => app.log.error({ err }, 'integrating the demo department sources failed'));
      }
    });
}
