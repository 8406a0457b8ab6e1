// Test helpers for the sensing domain: a mini district with devices and responders, a publisher, and waiting.
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import type { App } from '../../app.ts';
import { MINI, type MiniDistrict, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import type { TestAppContext } from '../../testing/test-context.ts';
import type { DeviceKind } from './device-kinds.ts';
import { deviceTopic } from './payload.ts';

export interface SensingFixture {
  mini: MiniDistrict;
  /** The house of the mini district's first resident (an elderly man living alone, grid A1). */
  houseA1: number;
  houseC1: number;
  token: (username: string) => Promise<string>;
}

export async function seedSensing(ctx: TestAppContext): Promise<SensingFixture> {
  const mini = await seedMiniDistrict(ctx.database.db, ctx.cipher);
  const houses = await ctx.database.db
    .selectFrom('person')
    .select(['id', 'house_id'])
    .orderBy('id')
    .execute();
  const tokens = new Map<string, string>();
  return {
    mini,
    houseA1: houses[0]!.house_id!,
    houseC1: houses[4]!.house_id!,
    async token(username) {
      if (!tokens.has(username)) tokens.set(username, await login(ctx.app, username, MINI.password));
      return tokens.get(username)!;
    },
  };
}

export async function registerDevice(
  app: App,
  token: string,
  body: { deviceUid: string; kind: DeviceKind; houseId?: number; personId?: number; facilityId?: number },
) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/sensing/devices',
    headers: authed(token),
    payload: body,
  });
  if (res.statusCode !== 201) throw new Error(`device registration failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: number; topic: string };
}

export function message(msgId: string, values: Record<string, unknown>, ts: number | string = Date.now()) {
  return JSON.stringify({ msgId, ts, values });
}

export async function publisher(url: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId: `test-pub-${Math.random().toString(36).slice(2)}` });
}

export function topicOf(kind: DeviceKind, uid: string, district = '330192') {
  return deviceTopic(district, kind, uid);
}

export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An embedded broker on an ephemeral loopback port, for tests of MQTT clients; `prepare` tunes it before it listens. */
export async function startTestBroker(prepare?: (broker: Aedes) => void) {
  const broker = await Aedes.createBroker();
  prepare?.(broker);
  const server = createServer((socket) => broker.handle(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    broker,
    url,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
