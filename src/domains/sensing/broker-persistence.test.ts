// The embedded broker skips the per-message lookup of offline subscriptions only while no persistent session has
// subscribed: a persistent session that subscribes later still gets what was published while it was away.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipOfflineLookupWhileUnused } from './broker-persistence.ts';
import { startTestBroker } from './sensing.testing.ts';

describe('embedded broker persistence', () => {
  let test: Awaited<ReturnType<typeof startTestBroker>>;
  let url: string;

  beforeAll(async () => {
    test = await startTestBroker(skipOfflineLookupWhileUnused);
    url = test.url;
  });

  afterAll(() => test.close());

  const received = (client: mqtt.MqttClient) => {
    const got: string[] = [];
    client.on('message', (_topic, payload) => got.push(payload.toString()));
    return got;
  };
  const waitFor = async (done: () => boolean) => {
    for (let waited = 0; !done() && waited < 2000; waited += 10) await new Promise((r) => setTimeout(r, 10));
  };

  it('delivers to a persistent session what was published while it was offline', async () => {
    const pub = await mqtt.connectAsync(url, { clientId: 'persist-pub' });
    // Before any persistent session: nothing is kept for anyone, and QoS 1 still reaches the connected.
    const live = await mqtt.connectAsync(url, { clientId: 'persist-live' });
    const liveGot = received(live);
    await live.subscribeAsync('t/live', { qos: 1 });
    await pub.publishAsync('t/live', 'one', { qos: 1 });
    await waitFor(() => liveGot.length === 1);
    expect(liveGot).toEqual(['one']);
    await live.endAsync();

    const away = await mqtt.connectAsync(url, { clientId: 'persist-away', clean: false });
    await away.subscribeAsync('t/away', { qos: 1 });
    await away.endAsync();
    await pub.publishAsync('t/away', 'while away', { qos: 1 });
    const back = await mqtt.connectAsync(url, { clientId: 'persist-away', clean: false });
    const backGot = received(back);
    await waitFor(() => backGot.length === 1);
    expect(backGot).toEqual(['while away']);
    await back.endAsync();
    await pub.endAsync();
  });
});
