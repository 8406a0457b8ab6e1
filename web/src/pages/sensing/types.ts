// What the sensing API answers (src/domains/sensing/sensing.schema.ts and demand-forecast.ts), as the pages use it.

export interface Dispatch {
  rank: number;
  responderId: number;
  responderKind: string;
  responderName: string;
  responderPhone: string | null;
  travelM: number;
  status: string;
  notifiedAt: string | null;
  ackDueAt: string | null;
  acknowledgedAt: string | null;
}

export interface SensingAlert {
  id: number;
  ruleCode: string;
  severity: 'emergency' | 'warning' | 'info';
  status: 'open' | 'acknowledged' | 'closed';
  deviceId: number;
  deviceUid: string;
  deviceKind: string;
  scopePath: string;
  lng: number;
  lat: number;
  raisedAt: string;
  observedAt: string;
  details: Record<string, unknown>;
  feedback: 'real' | 'false_alarm' | null;
  workOrderRef: string | null;
  dispatch: Dispatch[];
}

export interface Device {
  id: number;
  deviceUid: string;
  kind: string;
  kindLabel: string;
  label: string;
  scopePath: string;
  houseId: number | null;
  facilityId: number | null;
  personId: number | null;
  lng: number;
  lat: number;
  topic: string;
  active: boolean;
  lastSeenAt: string | null;
  /** Decided by the server from the kind's reporting interval. */
  online: boolean;
  battery: number | null;
}

export interface DeviceHealth {
  deviceUid: string;
  kind: string | null;
  accepted: number;
  duplicate: number;
  malformed: number;
  unknownDevice: number;
  badUnit: number;
  clockSkew: number;
  replayed: number;
  rateLimited: number;
  lastProblem: string | null;
  lastProblemAt: string | null;
  lastSeenAt: string | null;
  online: boolean;
}

export interface Readings {
  deviceId: number;
  items: Array<{ ts: string; msgId: string; values: Record<string, number | boolean | string> }>;
}

export interface MethodScore {
  method: string;
  mae: number;
  mape: number | null;
  relativeMae: number | null;
}

export interface CategoryForecast {
  category: string;
  total: number;
  observed?: Array<{ period: string; value: number }>;
  method?: string;
  forecast: Array<{ period: string; value: number; lower: number; upper: number }> | null;
  backtest?: { origins: number; horizon: number; points: number; scores: MethodScore[] };
  error: string | null;
}

export interface DemandForecast {
  area: string;
  frequency: 'day' | 'week';
  horizon: number;
  categories: CategoryForecast[];
}
