// The device kinds the platform ingests, and for each the metrics its messages carry: type, accepted units (SenML
// unit names, RFC 8428 / IANA registry where one exists) with the factor to the canonical unit we store.
export const DEVICE_KINDS = [
  'water_meter',
  'electricity_meter',
  'gas_detector',
  'smoke_detector',
  'door_sensor',
  'emergency_button',
  'environment',
  'video_box',
] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const DEVICE_KIND_LABELS: Record<DeviceKind, { zh: string; en: string }> = {
  water_meter: { zh: '智能水表', en: 'Smart water meter' },
  electricity_meter: { zh: '智能电表', en: 'Electricity meter' },
  gas_detector: { zh: '燃气报警器', en: 'Gas detector' },
  smoke_detector: { zh: '烟感', en: 'Smoke detector' },
  door_sensor: { zh: '门磁', en: 'Door sensor' },
  emergency_button: { zh: '紧急呼叫/跌倒报警按钮', en: 'Emergency / fall button' },
  environment: { zh: '环境监测（PM2.5、噪声）', en: 'Environment sensor (PM2.5, noise)' },
  video_box: { zh: 'AI 视频盒子事件', en: 'AI video box events' },
};

export type Metric =
  | { type: 'number'; units: Record<string, number>; canonical: string; min: number; max: number }
  | { type: 'boolean' }
  | { type: 'string'; values: readonly string[] };

export interface KindSpec {
  metrics: Record<string, Metric>;
  /** At least one of these must be present in every message. */
  required: readonly string[];
}

const percent: Metric = { type: 'number', units: { '%': 1 }, canonical: '%', min: 0, max: 100 };

export const VIDEO_EVENTS = [
  'occupied_road',
  'fire_hazard',
  'garbage_overflow',
  'illegal_parking',
  'blocked_fire_lane',
  'crowd',
  'none',
] as const;

export const KIND_SPECS: Record<DeviceKind, KindSpec> = {
  water_meter: {
    // usage = water drawn since the previous message
    metrics: {
      usage: { type: 'number', units: { L: 1, m3: 1000 }, canonical: 'L', min: 0, max: 100_000 },
      battery: percent,
    },
    required: ['usage'],
  },
  electricity_meter: {
    metrics: {
      energy: { type: 'number', units: { kWh: 1, Wh: 0.001 }, canonical: 'kWh', min: 0, max: 10_000 },
      power: { type: 'number', units: { W: 1, kW: 1000 }, canonical: 'W', min: 0, max: 1_000_000 },
    },
    required: ['energy', 'power'],
  },
  gas_detector: {
    metrics: {
      lel: { type: 'number', units: { '%LEL': 1 }, canonical: '%LEL', min: 0, max: 100 },
      alarm: { type: 'boolean' },
      battery: percent,
    },
    required: ['lel', 'alarm'],
  },
  smoke_detector: { metrics: { alarm: { type: 'boolean' }, battery: percent }, required: ['alarm'] },
  door_sensor: { metrics: { open: { type: 'boolean' }, battery: percent }, required: ['open'] },
  emergency_button: {
    metrics: { pressed: { type: 'boolean' }, fall: { type: 'boolean' }, battery: percent },
    required: ['pressed', 'fall'],
  },
  environment: {
    metrics: {
      pm25: { type: 'number', units: { 'ug/m3': 1, 'mg/m3': 1000 }, canonical: 'ug/m3', min: 0, max: 5000 },
      noise: { type: 'number', units: { dBA: 1, dB: 1 }, canonical: 'dBA', min: 0, max: 200 },
      temp: { type: 'number', units: { Cel: 1 }, canonical: 'Cel', min: -60, max: 80 },
      humidity: { type: 'number', units: { '%RH': 1 }, canonical: '%RH', min: 0, max: 100 },
    },
    required: ['pm25', 'noise'],
  },
  video_box: {
    metrics: {
      event: { type: 'string', values: VIDEO_EVENTS },
      confidence: { type: 'number', units: { '/': 1, '%': 0.01 }, canonical: '/', min: 0, max: 1 },
    },
    required: ['event'],
  },
};

export function isDeviceKind(s: string): s is DeviceKind {
  return (DEVICE_KINDS as readonly string[]).includes(s);
}

/**
 * How often each kind reports when nothing happens, in minutes: meters send their usage every hour, environment
 * sensors and video boxes every 20 minutes, battery devices (detectors, door sensors, buttons) a heartbeat at least
 * every eight hours. Three intervals are the silent-device rule's default limits (src/lib/anomaly/rules.ts), so a
 * device turns offline when that rule would raise its alert, not before.
 */
export const REPORTING_INTERVAL_MINUTES: Record<DeviceKind, number> = {
  water_meter: 60,
  electricity_meter: 60,
  gas_detector: 480,
  smoke_detector: 480,
  door_sensor: 480,
  emergency_button: 480,
  environment: 20,
  video_box: 20,
};

/** A device is online while its last message is at most this many of its kind's reporting intervals old. */
export const ONLINE_INTERVALS = 3;

/** Minutes a device of `kind` stays online after its last message (an unknown kind: as a meter). */
export function onlineMinutes(kind: string): number {
  return ONLINE_INTERVALS * (isDeviceKind(kind) ? REPORTING_INTERVAL_MINUTES[kind] : 60);
}

/** Whether a device of `kind` last seen at `lastSeenMs` counts as online at `nowMs` (never seen: offline). */
export function isOnline(kind: string, lastSeenMs: number | null, nowMs = Date.now()): boolean {
  if (lastSeenMs === null) return false;
  return nowMs - lastSeenMs <= onlineMinutes(kind) * 60_000;
}

export const DEVICE_STATES = ['online', 'offline', 'never'] as const;
/** What the device-health page shows: online, offline (silent past its interval) or never reported. */
export type DeviceState = (typeof DEVICE_STATES)[number];

export function deviceState(kind: string, lastSeenMs: number | null, nowMs = Date.now()): DeviceState {
  if (lastSeenMs === null) return 'never';
  return isOnline(kind, lastSeenMs, nowMs) ? 'online' : 'offline';
}
