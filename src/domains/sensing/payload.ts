// Parses one MQTT message: topic `cb/v1/{district}/{kind}/{deviceUid}/up`, JSON payload
// `{ "msgId": "…", "ts": "2026-11-30T08:00:00Z" | epoch-ms, "values": { "usage": { "v": 12.5, "u": "L" },
//   "alarm": { "vb": true }, "event": { "vs": "fire_hazard" } } }` (SenML-style v / vb / vs with SenML unit names).
// Pure: the caller supplies the clock. Every rejection names its reason, which the health counters use.
import { type DeviceKind, isDeviceKind, KIND_SPECS } from './device-kinds.ts';

export type Rejection =
  | 'malformed'
  | 'unknown_device'
  | 'bad_unit'
  | 'clock_skew'
  | 'replayed'
  | 'rate_limited';

export interface TopicParts {
  district: string;
  kind: DeviceKind;
  deviceUid: string;
}

export interface ParsedMessage {
  msgId: string;
  tsMs: number;
  /** Values in canonical units. */
  values: Record<string, number | boolean | string>;
}

export type ParseResult =
  | { ok: true; message: ParsedMessage }
  | { ok: false; reason: Rejection; problem: string };

const TOPIC = /^cb\/v1\/(\d{6})\/([a-z_]+)\/([A-Za-z0-9_-]{3,64})\/up$/;
export const TOPIC_FILTER = 'cb/v1/+/+/+/up';

export function deviceTopic(district: string, kind: DeviceKind, deviceUid: string): string {
  return `cb/v1/${district}/${kind}/${deviceUid}/up`;
}

/** Topic parts, or null when the topic is not ours or names an unknown kind. */
export function parseTopic(topic: string): TopicParts | null {
  const m = TOPIC.exec(topic);
  if (!m || !isDeviceKind(m[2]!)) return null;
  return { district: m[1]!, kind: m[2], deviceUid: m[3]! };
}

/** A message of at most this size; anything larger is malformed. */
export const MAX_PAYLOAD_BYTES = 4096;

export interface TimeLimits {
  nowMs: number;
  maxFutureMs: number;
  maxAgeMs: number;
}

const fail = (reason: Rejection, problem: string): ParseResult => ({ ok: false, reason, problem });

export function parsePayload(kind: DeviceKind, payload: Buffer | string, limits: TimeLimits): ParseResult {
  if (payload.length > MAX_PAYLOAD_BYTES)
    return fail('malformed', `payload larger than ${MAX_PAYLOAD_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    return fail('malformed', 'payload is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return fail('malformed', 'payload is not an object');
  const { msgId, ts, values } = body as Record<string, unknown>;
  if (typeof msgId !== 'string' || !/^[\w.:-]{1,64}$/.test(msgId))
    return fail('malformed', 'msgId missing or invalid');
  const tsMs = typeof ts === 'number' ? ts : typeof ts === 'string' ? Date.parse(ts) : Number.NaN;
  if (!Number.isFinite(tsMs)) return fail('malformed', 'ts missing or not a time');
  if (tsMs > limits.nowMs + limits.maxFutureMs) return fail('clock_skew', 'ts is in the future');
  if (tsMs < limits.nowMs - limits.maxAgeMs) return fail('clock_skew', 'ts is too old');
  if (!values || typeof values !== 'object' || Array.isArray(values))
    return fail('malformed', 'values missing');
  const spec = KIND_SPECS[kind];
  const out: Record<string, number | boolean | string> = {};
  for (const [name, raw] of Object.entries(values as Record<string, unknown>)) {
    const metric = spec.metrics[name];
    if (!metric) return fail('malformed', `unknown metric ${name}`);
    if (!raw || typeof raw !== 'object') return fail('malformed', `metric ${name} is not an object`);
    const r = raw as { v?: unknown; vb?: unknown; vs?: unknown; u?: unknown };
    if (metric.type === 'number') {
      if (typeof r.v !== 'number' || !Number.isFinite(r.v))
        return fail('malformed', `metric ${name} needs a number v`);
      const factor = typeof r.u === 'string' ? metric.units[r.u] : undefined;
      if (factor === undefined) {
        return fail('bad_unit', `unit of ${name} must be one of ${Object.keys(metric.units).join(', ')}`);
      }
      const v = r.v * factor;
      if (v < metric.min || v > metric.max) return fail('malformed', `${name} out of range`);
      out[name] = v;
    } else if (metric.type === 'boolean') {
      if (typeof r.vb !== 'boolean') return fail('malformed', `metric ${name} needs a boolean vb`);
      out[name] = r.vb;
    } else {
      if (typeof r.vs !== 'string' || !metric.values.includes(r.vs)) {
        return fail('malformed', `metric ${name} must be one of ${metric.values.join(', ')}`);
      }
      out[name] = r.vs;
    }
  }
  if (!spec.required.some((name) => name in out)) {
    return fail('malformed', `values need at least one of ${spec.required.join(', ')}`);
  }
  return { ok: true, message: { msgId, tsMs, values: out } };
}
