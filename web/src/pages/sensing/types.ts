// What the sensing API answers, as the server declares it (src/domains/sensing/sensing.schema.ts): type-only
// imports, so nothing of the server enters the bundle, and a change of shape on the server fails the console's
// typecheck. The demand forecast (demand-forecast.ts) declares no response schema, so its shape is written here.
import type { Static } from '@sinclair/typebox';
import type {
  AlertOut,
  DeviceOut,
  DispatchOut,
  HealthOut,
  ReadingsOut,
} from '../../../../src/domains/sensing/sensing.schema.ts';

export type Dispatch = Static<typeof DispatchOut>;
export type SensingAlert = AlertOut;
export type Device = DeviceOut;
export type HealthPage = Static<typeof HealthOut>;
export type DeviceHealth = HealthPage['items'][number];
export type DeviceState = DeviceHealth['state'];
export type Readings = Static<typeof ReadingsOut>;

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
