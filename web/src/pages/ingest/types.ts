// The shapes /api/ingest/… answers with, as the server declares them (src/domains/ingest/ingest.schema.ts):
// type-only imports, so nothing of the server enters the bundle and a change of shape there fails the console's
// typecheck.
// The unified model's fields are the server's own list, so the wizard can never offer a field the importer lacks.
import type { Static } from '@sinclair/typebox';
import type {
  FigureOut,
  OffenderPageOut,
  PreviewOut,
  Problem as ProblemOut,
  QualityOut,
  QuarantineOut,
  RunOut,
  SourceOut,
  StagedPersonOut,
} from '../../../../src/domains/ingest/ingest.schema.ts';
import type { QualityField, Dimension as ServerDimension } from '../../../../src/domains/ingest/quality.ts';
import type { ColumnMapping } from '../../../../src/lib/normalise/column-mapping.ts';

export { TARGET_FIELDS, type TargetField } from '../../../../src/lib/normalise/column-mapping.ts';
export type Mapping = ColumnMapping;

// quality.ts reads the database, so its lists cannot enter the bundle; these copies are held to its types both
// ways (a field or dimension added or dropped on either side fails the typecheck).
export const QUALITY_FIELDS = [
  'name',
  'id_number',
  'sex',
  'birth_date',
  'phone',
  'address',
  'record_date',
] as const satisfies readonly QualityField[];
export const DIMENSIONS = [
  'completeness',
  'validity',
  'uniqueness',
  'consistency',
  'timeliness',
] as const satisfies readonly ServerDimension[];
export type Dimension = (typeof DIMENSIONS)[number];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true[]> = T;
export type ListsMatchServer = Assert<
  [Same<(typeof QUALITY_FIELDS)[number], QualityField>, Same<Dimension, ServerDimension>]
>;

export type Preview = Static<typeof PreviewOut>;
export type Source = Static<typeof SourceOut>;
// The schema lets a failed run's error be any object; the importer writes the API error's code and messages.
export type Run = Omit<Static<typeof RunOut>, 'error'> & {
  error: { code?: string; message?: string; messageEn?: string } | null;
};
export type Problem = Static<typeof ProblemOut>;
export type QuarantineRow = Static<typeof QuarantineOut>;
export type Figure = Static<typeof FigureOut>;
export type Quality = Static<typeof QualityOut>;
export type StagedPerson = Static<typeof StagedPersonOut>;
export type Offenders = Static<typeof OffenderPageOut>;

export interface QualityRule {
  id?: number;
  source: string | null;
  field: string;
  dimension: Dimension;
  threshold: number;
  params: Record<string, unknown>;
  enabled: boolean;
}
