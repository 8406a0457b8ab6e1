// The devices of the sensing benchmark, in a thread of their own (devices are not in the server's process): publishes
// QoS 1 messages with a window of 5,000 in flight and reports when each smoke alarm was handed to the client, in
// epoch milliseconds (performance.timeOrigin + now, comparable across threads). The meters share one connection (a
// gateway's, many packets to a socket write: mqtt-gateway.ts); the smoke detectors publish with mqtt.js on a
// connection of their own, as a detector does, so an alarm is not measured queued behind 5,000 readings of someone
// else's socket. BENCH_SENSING_ALARM_CONNECTION=shared puts them on
// the meters' connection, behind that window (the earlier way of measuring).
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';
import { deviceTopic } from '../src/domains/sensing/payload.ts';
import { type GatewayMessage, MqttGateway } from './mqtt-gateway.ts';

export interface PublisherJob {
  url: string;
  phase: 'raw' | 'e2e';
  /** Topic prefix of the raw phase (unique per run: an external broker may carry other traffic). */
  rawTopic: string;
  messages: number;
  meters: number;
  smokeDevices: number;
}

export interface PublisherDone {
  sent: number;
  /** When the first message was handed over, connections open and the thread warm (epoch ms). */
  startedAt: number;
  smokeSentAt: Array<[msgId: string, epochMs: number]>;
}

const epochNow = () => performance.timeOrigin + performance.now();

async function main() {
  const job = workerData as PublisherJob;
  const gateway = await MqttGateway.open(job.url, `bench-pub-${job.phase}-${process.pid}`);
  const shared = process.env['BENCH_SENSING_ALARM_CONNECTION'] === 'shared';
  const alarmClient = shared
    ? null
    : await mqtt.connectAsync(job.url, { clientId: `bench-alarms-${job.phase}-${process.pid}` });
  const smokeSentAt: Array<[string, number]> = [];
  const smokeEvery = Math.floor(job.messages / job.smokeDevices);
  const payload = JSON.stringify({ msgId: 'x', ts: Date.now(), values: { usage: { v: 1.5, u: 'L' } } });
  function* messages(): Generator<GatewayMessage> {
    for (let i = 0; i < job.messages; i++) {
      if (job.phase === 'raw') {
        yield { topic: `${job.rawTopic}/${i % job.meters}`, payload };
        continue;
      }
      const now = Date.now();
      if (i % smokeEvery === smokeEvery - 1) {
        const d = Math.floor(i / smokeEvery);
        const msgId = `smoke-${d}`;
        const alarm = {
          topic: deviceTopic('330192', 'smoke_detector', `BENCH-SD-${d}`),
          payload: JSON.stringify({ msgId, ts: now, values: { alarm: { vb: true } } }),
        };
        smokeSentAt.push([msgId, epochNow()]);
        if (alarmClient) alarmClient.publish(alarm.topic, alarm.payload, { qos: 1 });
        else yield alarm;
      } else {
        yield {
          topic: deviceTopic('330192', 'water_meter', `BENCH-WM-${i % job.meters}`),
          payload: JSON.stringify({ msgId: `m${i}`, ts: now, values: { usage: { v: 1.5, u: 'L' } } }),
        };
      }
    }
  }
  const startedAt = epochNow();
  let sent = await gateway.publishAll(messages(), 5000);
  if (alarmClient) {
    sent += smokeSentAt.length;
    await alarmClient.endAsync();
  }
  await gateway.close();
  const done: PublisherDone = { sent, startedAt, smokeSentAt };
  parentPort!.postMessage(done);
}

void main();
