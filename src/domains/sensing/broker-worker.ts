// The MQTT side of ingestion in a thread of its own: the embedded aedes broker (with an in-process subscription,
// so the subscriber needs no MQTT encode/decode of its own), or a client of an external broker. Parsing MQTT then
// never shares the event loop with the database writer and the detectors. Messages go to the main thread in
// batches (one per socket read, at most FORWARD_MAX): topics, and the payloads packed into one transferred buffer.
//
// Alarm lane: a message of a life-safety kind (smoke, gas, emergency/fall button), told by its topic, does not join
// the batch: it goes to the main thread at once on a channel of its own (`alarms`), which the main thread reads
// before, and in between, the batches. A device flooding that lane is moved back to the batch (per-device budget),
// so one broken smoke detector cannot delay another's fire alarm.
//
// QoS 1 acknowledgement: a message is acknowledged once it is in this thread's batch (or on the alarm lane). Holding the acknowledgement
// until the main thread has validated it would stall a publisher's whole socket read (aedes and mqtt.js both
// process a connection's packets in order) for a round trip that can wait behind a database write.
import { createServer, type Server, type Socket } from 'node:net';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { Aedes } from 'aedes';
import { skipOfflineLookupWhileUnused } from './broker-persistence.ts';
import { connectSubscriber } from './mqtt-subscriber.ts';
import { MAX_PAYLOAD_BYTES, TOPIC_FILTER } from './payload.ts';

export interface BrokerWorkerData {
  /** External broker; without it a broker is embedded on port/host. */
  url?: string | undefined;
  port: number;
  host: string;
  clientId: string;
  /** The alarm lane to the main thread (transferred). */
  alarms: MessagePort;
}

/** One message on the alarm lane. */
export interface LaneMessage {
  topic: string;
  payload: string;
}

export type FromBrokerWorker =
  | { type: 'ready'; url: string; port: number | null }
  | { type: 'batch'; topics: string[]; payloads: Uint8Array; ends: Uint32Array }
  | { type: 'error'; message: string }
  | { type: 'closed' };

export type ToBrokerWorker = { type: 'close' };

const FORWARD_MAX = 4000;

/** Kinds whose messages take the alarm lane (the topic's fourth segment). */
const ALARM_LANE_KINDS = new Set(['smoke_detector', 'gas_detector', 'emergency_button']);
/** Per device: this many lane messages at once, refilled at LANE_PER_SECOND; beyond, the batch takes them. */
const LANE_BURST = 10;
const LANE_PER_SECOND = 2;

/** The kind segment of `cb/v1/{district}/{kind}/{uid}/up`, without splitting the whole topic. */
function kindOf(topic: string): string {
  const a = topic.indexOf('/', 6); // after "cb/v1/"
  if (a < 0) return '';
  const b = topic.indexOf('/', a + 1);
  return b < 0 ? '' : topic.slice(a + 1, b);
}

function laneBudget() {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (topic: string, nowMs: number): boolean => {
    let b = buckets.get(topic);
    if (!b) {
      if (buckets.size > 50_000) buckets.clear(); // bounded memory whatever devices (or impostors) appear
      b = { tokens: LANE_BURST, at: nowMs };
      buckets.set(topic, b);
    }
    b.tokens = Math.min(LANE_BURST, b.tokens + ((nowMs - b.at) / 1000) * LANE_PER_SECOND);
    b.at = nowMs;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };
}

/**
 * Holds a connection's writes until the event loop has finished the current socket read: aedes writes every
 * acknowledgement (and every packet to a subscriber) on its own, a system call each; corked, the PUBACKs of one read
 * leave in one write.
 */
function coalesceWrites(socket: Socket) {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write(...args);
  }) as typeof socket.write;
}

function startForwarding(port: NonNullable<typeof parentPort>, alarms: MessagePort) {
  const mayTakeLane = laneBudget();
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
    if (
      payload.length <= MAX_PAYLOAD_BYTES &&
      ALARM_LANE_KINDS.has(kindOf(topic)) &&
      mayTakeLane(topic, Date.now())
    ) {
      // A string, not the Buffer: the payload is a view into the socket's read buffer, which cloning would copy whole.
      const message: LaneMessage = { topic, payload: payload.toString('utf8') };
      alarms.postMessage(message);
      return;
    }
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
  const push = startForwarding(port, data.alarms);
  const post = (m: FromBrokerWorker) => port.postMessage(m);
  let close: () => Promise<void>;
  try {
    if (data.url) {
      const client = await connectSubscriber(data.url, { clientId: data.clientId, persistent: true });
      client.on('message', (topic, payload) => push(topic, payload));
      await client.subscribeAsync(TOPIC_FILTER, { qos: 1 });
      close = () => client.endAsync();
      post({ type: 'ready', url: data.url, port: null });
    } else {
      const broker = await Aedes.createBroker({ concurrency: 1000, queueLimit: 100_000 });
      skipOfflineLookupWhileUnused(broker);
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
      const server: Server = createServer((socket) => {
        coalesceWrites(socket);
        broker.handle(socket);
      });
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
        data.alarms.close();
        port.close();
      });
  });
}

void main();
