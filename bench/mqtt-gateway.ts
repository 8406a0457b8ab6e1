// A gateway's MQTT 3.1.1 connection for the benchmark: QoS 1 PUBLISH packets encoded here and written many to one
// socket write, with at most `window` unacknowledged, as a gateway forwarding a building's meters does. mqtt.js
// encodes, writes and tracks every packet on its own (a write, a callback and a store entry each), which on these 2
// cores made the publishing thread, not the server, the ceiling of both the raw and the end-to-end figure.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

export interface GatewayMessage {
  topic: string;
  payload: string;
}

const CONNECT = 0x10;
const CONNACK = 0x20;
const PUBLISH_QOS1 = 0x32;
const PUBACK = 0x40;
/** Packets per socket write. */
const PACKETS_PER_WRITE = 256;

function varintLength(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

function writeVarint(buf: Buffer, at: number, n: number): number {
  let v = n;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    buf[at++] = byte;
  } while (v > 0);
  return at;
}

function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId);
  // Variable header: protocol name "MQTT", level 4, flags clean session, keep-alive 60 s; payload: client id.
  const body = Buffer.concat([
    Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 60, id.length >> 8, id.length & 0xff]),
    id,
  ]);
  const out = Buffer.alloc(1 + varintLength(body.length) + body.length);
  out[0] = CONNECT;
  body.copy(out, writeVarint(out, 1, body.length));
  return out;
}

export class MqttGateway {
  #socket: Socket;
  #inFlight = 0;
  #nextId = 1;
  #wake: (() => void) | null = null;
  #failure: Error | null = null;
  #pending = Buffer.alloc(0);
  #connected: Promise<void>;

  private constructor(socket: Socket) {
    this.#socket = socket;
    let onConnack: (() => void) | null = null;
    this.#connected = new Promise((resolve) => (onConnack = resolve));
    socket.on('data', (chunk: Buffer) => {
      let buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
      let at = 0;
      for (;;) {
        if (buf.length - at < 2) break;
        let len = 0;
        let mul = 1;
        let i = at + 1;
        for (; i < buf.length; i++) {
          len += (buf[i]! & 0x7f) * mul;
          mul *= 128;
          if (!(buf[i]! & 0x80)) break;
        }
        if (i >= buf.length || i + 1 + len > buf.length) break;
        const type = buf[at]! & 0xf0;
        if (type === PUBACK) this.#acked();
        else if (type === CONNACK) {
          if (buf[i + 2] !== 0) this.#fail(new Error(`connection refused (${buf[i + 2]})`));
          onConnack?.();
        }
        at = i + 1 + len;
      }
      buf = buf.subarray(at);
      this.#pending = buf.length ? Buffer.from(buf) : Buffer.alloc(0);
    });
    socket.on('error', (e) => this.#fail(e));
    socket.on('close', () => this.#fail(new Error('connection closed')));
  }

  static async open(url: string, clientId: string): Promise<MqttGateway> {
    const u = new URL(url);
    const socket = connect(Number(u.port || 1883), u.hostname);
    await once(socket, 'connect');
    socket.setNoDelay(true);
    const gateway = new MqttGateway(socket);
    socket.write(connectPacket(clientId));
    await gateway.#connected;
    return gateway;
  }

  #acked() {
    this.#inFlight--;
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  #fail(e: Error) {
    this.#failure ??= e;
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  async #waitUntil(ok: () => boolean) {
    while (!ok()) {
      if (this.#failure) throw this.#failure;
      await new Promise<void>((r) => (this.#wake = r));
    }
    if (this.#failure) throw this.#failure;
  }

  /** Publishes every message at QoS 1, at most `window` unacknowledged; resolves when all are acknowledged. */
  async publishAll(messages: Iterable<GatewayMessage>, window: number): Promise<number> {
    let sent = 0;
    let parts: Buffer[] = [];
    const flush = async () => {
      if (parts.length === 0) return;
      const ok = this.#socket.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
      parts = [];
      if (!ok) await once(this.#socket, 'drain');
    };
    for (const m of messages) {
      if (this.#inFlight >= window) {
        await flush();
        // Room for a whole write again, not for one packet: a full window would otherwise write one at a time.
        await this.#waitUntil(() => this.#inFlight <= window - Math.min(PACKETS_PER_WRITE, window / 2));
      }
      const topic = Buffer.from(m.topic);
      const payload = Buffer.from(m.payload);
      const remaining = 2 + topic.length + 2 + payload.length;
      const packet = Buffer.allocUnsafe(1 + varintLength(remaining) + remaining);
      packet[0] = PUBLISH_QOS1;
      let at = writeVarint(packet, 1, remaining);
      at = packet.writeUInt16BE(topic.length, at);
      at += topic.copy(packet, at);
      at = packet.writeUInt16BE(this.#nextId, at);
      payload.copy(packet, at);
      this.#nextId = this.#nextId === 65_535 ? 1 : this.#nextId + 1;
      parts.push(packet);
      this.#inFlight++;
      sent++;
      if (parts.length >= PACKETS_PER_WRITE) await flush();
    }
    await flush();
    await this.#waitUntil(() => this.#inFlight === 0);
    return sent;
  }

  async close(): Promise<void> {
    this.#socket.removeAllListeners('close');
    this.#socket.end(Buffer.from([0xe0, 0])); // DISCONNECT
    await once(this.#socket, 'close').catch(() => {});
  }
}
