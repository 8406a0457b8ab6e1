// MQTT transport: an embedded aedes broker on its own port (MQTT_PORT, default 1884 since a system Mosquitto often
// holds 1883), or any external broker by MQTT_URL; and the ingestion subscriber. The subscriber uses a fixed client
// id with a persistent session (clean: false) and QoS 1, so messages published while it reconnects are queued by
// the broker and delivered afterwards; it acknowledges once the message is validated and queued for the next
// flush (at most SENSING_FLUSH_MS later), and the table's key drops any redelivery.
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { TOPIC_FILTER } from './payload.ts';

export interface EmbeddedBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(port: number, host = '127.0.0.1'): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker({ concurrency: 1000, queueLimit: 100_000 });
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `mqtt://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}`,
    port: actual,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Subscriber {
  client: MqttClient;
  close(): Promise<void>;
}

export async function subscribeIngestion(
  url: string,
  onMessage: (topic: string, payload: Buffer) => void,
  clientId = 'cbrain-ingest',
): Promise<Subscriber> {
  const client = await mqtt.connectAsync(url, {
    clientId,
    clean: false,
    reconnectPeriod: 1000,
    connectTimeout: 5000,
  });
  client.on('message', (topic, payload) => onMessage(topic, payload));
  await client.subscribeAsync(TOPIC_FILTER, { qos: 1 });
  return {
    client,
    async close() {
      await client.endAsync();
    },
  };
}
