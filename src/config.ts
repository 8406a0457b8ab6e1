// Every environment variable and flag the platform reads, validated once at start and then passed down.
// Nothing else in the code reads process.env.
import path from 'node:path';

export type DemoSize = 'small' | 'medium' | 'large';

export interface Config {
  /** TCP port of the HTTP server (0 picks a free one, as the tests do). */
  port: number;
  host: string;
  /** PGlite data directory; also holds the generated data key when none is given. */
  dataDir: string;
  /** postgres://… selects the PostgreSQL server backend; undefined selects embedded PGlite. */
  databaseUrl: string | undefined;
  /** Load the demo district into an empty database at start. */
  demo: boolean;
  demoSize: DemoSize;
  demoSeed: number;
  logLevel: string;
  /** Idle timeout of a login session, minutes (等保 level 3: automatic logout). */
  sessionIdleMinutes: number;
  /** Absolute lifetime of a login session, hours. */
  sessionMaxHours: number;
  /** Consecutive failed logins before the account is locked. */
  loginMaxFailures: number;
  loginLockMinutes: number;
  /** Sign-in attempts allowed per client address and per username, each per minute. */
  loginRatePerClient: number;
  loginRatePerUsername: number;
  /** base64 of 32 bytes: key for field encryption and blind indexes. Generated into dataDir if absent. */
  dataKey: string | undefined;
  /** Optional raster tile URL template for the console map ({z}/{x}/{y}); without it the map draws our own GeoJSON only. */
  mapTileUrl: string | undefined;
  /** Attribution shown under the map tiles, as the tile provider's licence requires. */
  mapTileAttribution: string | undefined;
  /** "path" or "path#PostScriptName" of the CJK font embedded in PDF reports; unset: the usual Debian locations. */
  cjkFont: string | undefined;
  /** Directory of the built web console. */
  webDist: string;
  /** Database pool size for the PostgreSQL backend. */
  dbPoolSize: number;
  // --- sensing (IoT ingestion, anomaly detection, alerts) ---
  /** Start MQTT ingestion with `serve`. */
  sensingEnabled: boolean;
  /** Port of the embedded MQTT broker (1883 is often taken by a system Mosquitto; 0 picks a free one). */
  mqttPort: number;
  /** mqtt://… of an external broker; when set, no broker is embedded and ingestion subscribes there. */
  mqttUrl: string | undefined;
  /** Stream the demo district's simulated devices with `serve`. */
  simulate: boolean;
  /** Readings are written in batches at most this many milliseconds apart. */
  sensingFlushMs: number;
  /** Messages per second a device may send on average (token bucket), and the burst it may send at once. */
  deviceRatePerSecond: number;
  deviceBurst: number;
  /** Readings stamped further in the future than this (device clock ahead) are rejected. */
  sensorMaxFutureSeconds: number;
  /** Readings older than this are rejected (too late to matter, or replayed). */
  sensorMaxAgeDays: number;
  /** Seconds a notified responder has to acknowledge before the next one is asked. */
  alertAckSeconds: number;
  /** Travel distance = straight-line distance × this road factor. */
  roadFactor: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function numberVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolVar(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

export function parseDemoSize(raw: string): DemoSize {
  if (raw === 'small' || raw === 'medium' || raw === 'large') return raw;
  throw new ConfigError(`demo size must be small, medium or large, got "${raw}"`);
}

/** Builds the configuration from the environment, with command-line overrides taking precedence. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const databaseUrl = env['DATABASE_URL'] || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const dataKey = env['CBRAIN_DATA_KEY'] || undefined;
  if (dataKey && Buffer.from(dataKey, 'base64').length !== 32) {
    throw new ConfigError('CBRAIN_DATA_KEY must be 32 bytes in base64 (openssl rand -base64 32)');
  }
  const mqttUrl = env['MQTT_URL'] || undefined;
  if (mqttUrl && !/^(mqtts?|wss?|tcp):\/\//.test(mqttUrl)) {
    throw new ConfigError('MQTT_URL must start with mqtt://, mqtts://, tcp://, ws:// or wss://');
  }
  const config: Config = {
    port: intVar(env, 'PORT', 8080, 0, 65535),
    host: env['HOST'] || '0.0.0.0',
    dataDir: path.resolve(env['DATA_DIR'] || './data'),
    databaseUrl,
    demo: boolVar(env, 'DEMO', true),
    demoSize: parseDemoSize(env['DEMO_SIZE'] || 'medium'),
    demoSeed: intVar(env, 'DEMO_SEED', 20261123, 0, 2 ** 31 - 1),
    logLevel: env['LOG_LEVEL'] || 'info',
    sessionIdleMinutes: intVar(env, 'SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionMaxHours: intVar(env, 'SESSION_MAX_HOURS', 12, 1, 24 * 30),
    loginMaxFailures: intVar(env, 'LOGIN_MAX_FAILURES', 5, 1, 100),
    loginLockMinutes: intVar(env, 'LOGIN_LOCK_MINUTES', 15, 1, 24 * 60),
    loginRatePerClient: intVar(env, 'LOGIN_RATE_PER_CLIENT', 30, 1, 100_000),
    loginRatePerUsername: intVar(env, 'LOGIN_RATE_PER_USERNAME', 10, 1, 100_000),
    dataKey,
    mapTileUrl: env['MAP_TILE_URL'] || undefined,
    mapTileAttribution: env['MAP_TILE_ATTRIBUTION'] || undefined,
    cjkFont: env['CBRAIN_CJK_FONT'] || undefined,
    webDist: path.resolve(env['WEB_DIST'] || 'web/dist'),
    dbPoolSize: intVar(env, 'DB_POOL_SIZE', 10, 1, 200),
    sensingEnabled: boolVar(env, 'SENSING', true),
    mqttPort: intVar(env, 'MQTT_PORT', 1884, 0, 65535),
    mqttUrl,
    simulate: boolVar(env, 'SIMULATE', true),
    sensingFlushMs: intVar(env, 'SENSING_FLUSH_MS', 50, 1, 10_000),
    deviceRatePerSecond: numberVar(env, 'DEVICE_RATE_PER_SECOND', 5, 0.001, 100_000),
    deviceBurst: intVar(env, 'DEVICE_BURST', 50, 1, 1_000_000),
    sensorMaxFutureSeconds: intVar(env, 'SENSOR_MAX_FUTURE_SECONDS', 300, 0, 86_400),
    sensorMaxAgeDays: intVar(env, 'SENSOR_MAX_AGE_DAYS', 35, 1, 366),
    alertAckSeconds: intVar(env, 'ALERT_ACK_SECONDS', 120, 1, 86_400),
    roadFactor: numberVar(env, 'ROAD_FACTOR', 1.4, 1, 5),
  };
  return { ...config, ...stripUndefined(overrides) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
