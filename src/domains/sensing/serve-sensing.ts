// What `npm start` runs for sensing: ingestion on the embedded broker (MQTT_PORT) or MQTT_URL, and, with
// SIMULATE on and the demo district loaded, its simulated devices streaming live with injected anomalies.
import mqtt from 'mqtt';
import type { App } from '../../app.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../platform/db/index.ts';
import { provisionSimDevices, simDevices, startLiveSimulation } from './simulator.ts';

export async function startSensingForServe(
  app: App,
  database: Database,
  config: Config,
): Promise<() => Promise<void>> {
  const url = await app.sensing.start({ port: config.mqttPort, host: config.host });
  console.log(`MQTT ingestion on ${url} (topics cb/v1/{district}/{kind}/{deviceUid}/up)`);
  if (!config.simulate) return async () => {};
  const n = await provisionSimDevices(database, 3000);
  await app.sensing.ingestor.loadDevices();
  await app.sensing.dispatch.reload();
  const devices = await simDevices(database);
  if (devices.length === 0) return async () => {};
  const client = await mqtt.connectAsync(url, { clientId: `cbrain-simulator-${process.pid}` });
  const sim = startLiveSimulation(client, devices, {
    ratePerSecond: 50,
    seed: config.demoSeed,
    alarmEverySeconds: 120,
  });
  console.log(`device simulator streaming ${n} simulated devices (SIMULATE=false turns it off)`);
  return () => sim.stop();
}
