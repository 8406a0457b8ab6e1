// The subscribing client of an external broker: it asks for MQTT 5 (a receive maximum of its own) and, from a broker
// that refuses MQTT 5 (aedes, as older brokers do), settles for MQTT 3.1.1 and still gets its QoS 1 messages.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSubscriber } from './mqtt-subscriber.ts';
import { startTestBroker } from './sensing.testing.ts';

describe('MQTT subscriber of an external broker', () => {
  let test: Awaited<ReturnType<typeof startTestBroker>>;
  let url: string;

  beforeAll(async () => {
    test = await startTestBroker();
    url = test.url;
  });

  afterAll(() => test.close());

  it('falls back to MQTT 3.1.1 where the broker refuses MQTT 5, and receives QoS 1 messages', async () => {
    const client = await connectSubscriber(url, { clientId: 'test-subscriber', persistent: true });
    try {
      expect(client.options.protocolVersion).toBe(4);
      expect(client.options.clean).toBe(false);
      const got: string[] = [];
      client.on('message', (topic, payload) => got.push(`${topic} ${payload.toString()}`));
      await client.subscribeAsync('cb/v1/+/+/+/up', { qos: 1 });
      const pub = await mqtt.connectAsync(url, { clientId: 'test-subscriber-pub' });
      for (let i = 0; i < 3; i++)
        await pub.publishAsync(`cb/v1/330192/water_meter/WM-${i}/up`, `m${i}`, { qos: 1 });
      await pub.endAsync();
      for (let waited = 0; got.length < 3 && waited < 2000; waited += 10)
        await new Promise((r) => setTimeout(r, 10));
      expect(got.sort()).toEqual([0, 1, 2].map((i) => `cb/v1/330192/water_meter/WM-${i}/up m${i}`));
    } finally {
      await client.endAsync();
    }
  });

  it('does not retry what is not a protocol refusal', async () => {
    await expect(
      connectSubscriber('mqtt://127.0.0.1:1', {
        clientId: 'test-subscriber-x',
        persistent: false,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow();
  });
});
