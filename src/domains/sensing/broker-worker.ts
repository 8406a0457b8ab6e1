// The MQTT side of ingestion in a thread of its own: the embedded aedes broker (with an in-process subscription,
// so the subscriber needs no MQTT encode/decode of its own), or a client of an external broker. Parsing MQTT then
// never shares the event loop with the database writer and the detectors. Messages go to the main thread in
// batches (one per socket read, at most FORWARD_MAX): topics, and the payloads packed into one transferred buffer.
//
// QoS 1 acknowledgement: a message is acknowledged once it is in this thread's batch. Holding the acknowledgement
// until the main thread has validated it would stall a publisher's whole socket read (aedes and mqtt.js both
// process a connection's packets in order) for a round trip that can wait behind a database write.
import { createServer, type Server } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { TOPIC_FILTER } from './payload.ts';

export interface BrokerWorkerData {
  /** External broker; without it a broker is embedded on port/host. */
  url?: string | undefined;
  port: number;
  host: string;
  clientId: string;
}

export type FromBrokerWorker =
  | { type: 'ready'; url: string; port: number | null }
  | { type: 'batch'; topics: string[]; payloads: Uint8Array; ends: Uint32Array }
  | { type: 'error'; message: string }
  | { type: 'closed' };

export type ToBrokerWorker = { type: 'close' };

const FORWARD_MAX = 4000;

function startForwarding(port: NonNullable<typeof parentPort>) {
  let topics: string[] = [];
  let payloads: Buffer[] = [];
  let bytes = 0;
  let scheduled = false;
  function forward() {
    scheduled = false;
    if (topics.length === 0) return;
    const packed = new Uint8Array(bytes);
    const ends = new Uint32Array(payloads.length);
    let at = 0;
    for (let i = 0; i < payloads.length; i++) {
      packed.set(payloads[i]!, at);
      at += payloads[i]!.length;
      ends[i] = at;
    }
    const message: FromBrokerWorker = { type: 'batch', topics, payloads: packed, ends };
    port.postMessage(message, [packed.buffer, ends.buffer]);
    topics = [];
    payloads = [];
    bytes = 0;
  }
  return (topic: string, payload: Buffer) => {
    topics.push(topic);
    payloads.push(payload);
    bytes += payload.length;
    if (topics.length >= FORWARD_MAX) forward();
    else if (!scheduled) {
      scheduled = true;
      // After the current socket read: one batch per read keeps an alarm's wait to well under a millisecond.
      setImmediate(forward);
    }
  };
}

async function main() {
  const port = parentPort;
  if (!port) throw new Error('broker-worker.ts runs as a worker thread');
  const data = workerData as BrokerWorkerData;
  const push = startForwarding(port);
  const post = (m: FromBrokerWorker) => port.postMessage(m);
  let close: () => Promise<void>;
  try {
    if (data.url) {
      const client = await mqtt.connectAsync(data.url, {
        clientId: data.clientId,
        clean: false,
        reconnectPeriod: 1000,
        connectTimeout: 5000,
      });
      client.on('message', (topic, payload) => push(topic, payload));
      await client.subscribeAsync(TOPIC_FILTER, { qos: 1 });
      close = () => client.endAsync();
      post({ type: 'ready', url: data.url, port: null });
    } else {
      const broker = await Aedes.createBroker({ concurrency: 1000, queueLimit: 100_000 });
      await new Promise<void>((resolve) =>
        broker.subscribe(
          TOPIC_FILTER,
          (packet, done) => {
            push(packet.topic, packet.payload as Buffer);
            done();
          },
          () => resolve(),
        ),
      );
      const server: Server = createServer(broker.handle);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(data.port, data.host, () => resolve());
      });
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : data.port;
      close = async () => {
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        await new Promise<void>((resolve) => server.close(() => resolve()));
      };
      const host = data.host === '0.0.0.0' ? '127.0.0.1' : data.host;
      post({ type: 'ready', url: `mqtt://${host}:${actual}`, port: actual });
    }
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  port.on('message', (m: ToBrokerWorker) => {
    if (m.type !== 'close') return;
    close()
      .catch(() => {})
      .finally(() => {
        post({ type: 'closed' });
        port.close();
      });
  });
}

void main();
