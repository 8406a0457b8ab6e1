// MQTT transport: the ingestion thread (broker-worker.ts) holds either an embedded aedes broker on its own port
// (MQTT_PORT, default 1884 since a system Mosquitto often holds 1883) or a client of any external broker by
// MQTT_URL. The external subscription (mqtt-subscriber.ts: MQTT 5 with a large receive maximum where the broker
// speaks it) uses a fixed client id with a persistent session and QoS 1,
// so messages published while it reconnects are queued by the broker and delivered afterwards; the table's key
// drops any redelivery. Batches of messages arrive here and are handed to `onMessage` one by one.
//
// Alarms come on a lane of their own (see broker-worker.ts): a MessagePort read as soon as it has a message and,
// since Node hands a port's whole backlog over before looking at another port, also polled synchronously every
// ALARM_POLL_EVERY messages while a batch is being taken, so an alarm never waits for a backlog of readings.
import type { EventLoopUtilization } from 'node:perf_hooks';
import { MessageChannel, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import { startTsWorker } from '../../platform/worker/ts-worker.ts';
import type { BrokerWorkerData, FromBrokerWorker, LaneMessage, ToBrokerWorker } from './broker-worker.ts';

const ALARM_POLL_EVERY = 128;

export interface IngestionThread {
  /** URL publishers connect to (the embedded broker's, or the external one). */
  url: string;
  /** Port of the embedded broker; null with an external broker. */
  port: number | null;
  /** Event-loop utilisation of the ingestion thread (a benchmark's view of where the time goes). */
  utilization(): EventLoopUtilization;
  close(): Promise<void>;
}

export async function startIngestionThread(
  options: { url?: string | undefined; port: number; host: string; clientId: string },
  onMessage: (topic: string, payload: Buffer | string, viaAlarmLane: boolean) => void,
  onError: (error: Error) => void,
): Promise<IngestionThread> {
  const lane = new MessageChannel();
  const data: BrokerWorkerData = { ...options, alarms: lane.port2 };
  const worker: Worker = startTsWorker(new URL('./broker-worker.ts', import.meta.url), data, [lane.port2]);
  const alarms = lane.port1;
  const takeAlarms = () => {
    for (let m = receiveMessageOnPort(alarms); m; m = receiveMessageOnPort(alarms)) {
      const alarm = m.message as LaneMessage;
      onMessage(alarm.topic, alarm.payload, true);
    }
  };
  // With the rest of the lane at once, in the same task: a burst of alarms is raised in one statement (the
  // dispatch groups what one task hands over), where Node would hand them over one task each.
  alarms.on('message', (m: LaneMessage) => {
    onMessage(m.topic, m.payload, true);
    takeAlarms();
  });
  let closed: (() => void) | null = null;
  // Batches are taken one per event-loop turn, not as Node hands a port's backlog over (all at once): database
  // replies, timers and the alarm lane get their turn between two batches.
  const backlog: Array<Extract<FromBrokerWorker, { type: 'batch' }>> = [];
  let scheduled = false;
  const takeBatch = () => {
    scheduled = false;
    const m = backlog.shift();
    if (!m) return;
    if (backlog.length > 0) {
      scheduled = true;
      setImmediate(takeBatch);
    }
    takeAlarms();
    const bytes = Buffer.from(m.payloads.buffer, m.payloads.byteOffset, m.payloads.byteLength);
    let start = 0;
    for (let i = 0; i < m.topics.length; i++) {
      if (i % ALARM_POLL_EVERY === ALARM_POLL_EVERY - 1) takeAlarms();
      const end = m.ends[i]!;
      onMessage(m.topics[i]!, bytes.subarray(start, end), false);
      start = end;
    }
  };
  const ready = new Promise<{ url: string; port: number | null }>((resolve, reject) => {
    worker.on('message', (m: FromBrokerWorker) => {
      switch (m.type) {
        case 'batch':
          backlog.push(m);
          if (!scheduled) {
            scheduled = true;
            setImmediate(takeBatch);
          }
          break;
        case 'ready':
          resolve({ url: m.url, port: m.port });
          break;
        case 'error':
          reject(new Error(m.message));
          break;
        case 'closed':
          closed?.();
          break;
      }
    });
    worker.once('error', (error) => {
      reject(error);
      onError(error);
    });
    worker.once('exit', (code) => reject(new Error(`ingestion thread exited (${code})`)));
  });
  let started: { url: string; port: number | null };
  try {
    started = await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return {
    ...started,
    utilization: () => worker.performance.eventLoopUtilization(),
    async close() {
      const done = new Promise<void>((resolve) => {
        closed = resolve;
        worker.once('exit', () => resolve());
      });
      const message: ToBrokerWorker = { type: 'close' };
      worker.postMessage(message);
      await Promise.race([done, new Promise((r) => setTimeout(r, 3000).unref())]);
      await worker.terminate();
      alarms.close();
    },
  };
}
