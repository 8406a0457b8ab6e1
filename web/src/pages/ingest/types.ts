// The shapes /api/ingest/… answers with (see src/domains/ingest/ingest.schema.ts).
// The unified model's fields are the server's own list, so the wizard can never offer a field the importer lacks.
import type { ColumnMapping } from '../../../../src/lib/normalise/column-mapping.ts';

export { TARGET_FIELDS, type TargetField } from '../../../../src/lib/normalise/column-mapping.ts';
export type Mapping = ColumnMapping;

export const QUALITY_FIELDS = [
  'name',
  'id_number',
  'sex',
  'birth_date',
  'phone',
  'address',
  'record_date',
] as const;
export const DIMENSIONS = ['completeness', 'validity', 'uniqueness', 'consistency', 'timeliness'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface Preview {
  uploadId: string;
  fileName: string;
  size: number;
  format: string;
  encoding: string | null;
  header: string[];
  rows: string[][];
  suggestion: {
    mapping: Mapping;
    columns: Array<{ column: string; field: string | null; confidence: number; reason: string }>;
  };
  savedMapping: Mapping | null;
}

export interface Source {
  name: string;
  label: string;
  mapping: Mapping;
  lastRunId: number | null;
}

export interface Run {
  id: number;
  source: string;
  fileName: string;
  format: string;
  status: 'running' | 'completed' | 'failed';
  rowsRead: number;
  accepted: number;
  inserted: number;
  updated: number;
  unchanged: number;
  superseded: number;
  quarantined: number;
  warnings: number;
  error: { code?: string; message?: string; messageEn?: string } | null;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  progress: number | null;
}

export interface Problem {
  column: string | null;
  field: string;
  code: string;
  message: string;
  messageEn: string;
}

export interface QuarantineRow {
  id: number;
  source: string;
  runId: number;
  sourceRow: number;
  status: string;
  problems: Problem[];
  cells: Record<string, string>;
}

export interface Figure {
  field: string;
  dimension: Dimension;
  checked: number;
  passed: number;
  rate: number | null;
  threshold: number | null;
  meetsThreshold: boolean | null;
  trend: Array<{ runId: number; computedAt: string; rate: number | null }>;
}

export interface Quality {
  source: string;
  lastRunId: number | null;
  figures: Figure[];
}

export interface StagedPerson {
  id: number;
  sourceKey: string;
  sourceRow: number;
  name: string | null;
  sex: string | null;
  birthDate: string | null;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
  buildingId: number | null;
  recordDate: string | null;
}

export interface Offenders {
  records: StagedPerson[];
  quarantined: QuarantineRow[];
}

export interface QualityRule {
  id?: number;
  source: string | null;
  field: string;
  dimension: Dimension;
  threshold: number;
  params: Record<string, unknown>;
  enabled: boolean;
}
