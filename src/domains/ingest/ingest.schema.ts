// Request and response schemas of /api/ingest/…: validation, types and the OpenAPI document in one place.
import { type Static, Type } from '@sinclair/typebox';
import { PageQuery, pageOf } from '../../platform/http/pagination.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
export const SourceName = Type.String({
  pattern: '^[a-z0-9_-]{1,64}$',
  description: '数据来源标识，如 police',
});
const MappedColumn = Type.String({ minLength: 1, maxLength: 200 });
export const Mapping = Type.Partial(
  Type.Object(
    {
      source_key: MappedColumn,
      name: MappedColumn,
      id_number: MappedColumn,
      sex: MappedColumn,
      birth_date: MappedColumn,
      phone: MappedColumn,
      address: MappedColumn,
      record_date: MappedColumn,
    },
    { additionalProperties: false },
  ),
  { description: '目标字段 → 文件中的列名' },
);

export const UploadQuery = Type.Object({
  fileName: Type.String({ minLength: 1, maxLength: 200 }),
  source: Type.Optional(SourceName),
  encoding: Type.Optional(Type.String({ maxLength: 20 })),
});
export type UploadQuery = Static<typeof UploadQuery>;

export const UploadParams = Type.Object({ uploadId: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });
export type UploadParams = Static<typeof UploadParams>;
export const PreviewQuery = Type.Object({
  source: Type.Optional(SourceName),
  encoding: Type.Optional(Type.String({ maxLength: 20 })),
});
export type PreviewQuery = Static<typeof PreviewQuery>;

export const PreviewOut = Type.Object({
  uploadId: Type.String(),
  fileName: Type.String(),
  size: Type.Integer(),
  format: Type.String(),
  encoding: Type.Union([Type.String(), Type.Null()]),
  header: Type.Array(Type.String()),
  rows: Type.Array(Type.Array(Type.String()), { description: '前若干行（按建议的字段脱敏）' }),
  suggestion: Type.Object({
    mapping: Mapping,
    columns: Type.Array(
      Type.Object({
        column: Type.String(),
        field: Type.Union([Type.String(), Type.Null()]),
        confidence: Type.Number(),
        reason: Type.String(),
      }),
    ),
  }),
  savedMapping: Type.Union([Mapping, Type.Null()]),
});

export const SourceParams = Type.Object({ name: SourceName });
export type SourceParams = Static<typeof SourceParams>;
export const SaveMappingBody = Type.Object(
  { label: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), mapping: Mapping },
  { additionalProperties: false },
);
export type SaveMappingBody = Static<typeof SaveMappingBody>;
export const SourceOut = Type.Object({
  name: Type.String(),
  label: Type.String(),
  mapping: Mapping,
  lastRunId: Type.Union([Type.Integer(), Type.Null()]),
});

export const RunBody = Type.Object(
  {
    uploadId: Type.String({ pattern: '^[0-9a-f-]{36}$' }),
    source: SourceName,
    mapping: Type.Optional(Mapping),
    encoding: Type.Optional(Type.String({ maxLength: 20 })),
    saveMapping: Type.Optional(Type.Boolean()),
    background: Type.Optional(
      Type.Boolean({ description: '在后台导入：建好导入批次即返回 202，之后查询批次的进度与报告' }),
    ),
  },
  { additionalProperties: false },
);
export type RunBody = Static<typeof RunBody>;

export const RunOut = Type.Object({
  id: Type.Integer(),
  source: Type.String(),
  fileName: Type.String(),
  format: Type.String(),
  encoding: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  mapping: Mapping,
  rowsRead: Type.Integer(),
  accepted: Type.Integer(),
  inserted: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  superseded: Type.Integer(),
  quarantined: Type.Integer(),
  warnings: Type.Integer(),
  checkpointRow: Type.Integer(),
  error: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  startedBy: Type.String(),
  startedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  progress: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
    description: '已读文件的比例（进行中的后台导入；完成为 1，未知为 null）',
  }),
});
export const RunParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export type RunParams = Static<typeof RunParams>;
export const RunListQuery = Type.Composite([PageQuery, Type.Object({ source: Type.Optional(SourceName) })]);
export type RunListQuery = Static<typeof RunListQuery>;
export const RunPageOut = pageOf(RunOut);

export const Problem = Type.Object({
  column: Type.Union([Type.String(), Type.Null()]),
  field: Type.String(),
  code: Type.String(),
  message: Type.String(),
  messageEn: Type.String(),
});
export const QuarantineOut = Type.Object({
  id: Type.Integer(),
  source: Type.String(),
  runId: Type.Integer(),
  sourceRow: Type.Integer(),
  status: Type.String(),
  problems: Type.Array(Problem),
  cells: Type.Record(Type.String(), Type.String(), { description: '原始单元格（个人信息脱敏）' }),
  sourcePersonId: Type.Union([Type.Integer(), Type.Null()]),
});
export const QuarantineQuery = Type.Composite([
  PageQuery,
  Type.Object({
    source: Type.Optional(SourceName),
    runId: Type.Optional(Type.Integer({ minimum: 1 })),
    status: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('reimported'), Type.Literal('dismissed')]),
    ),
  }),
]);
export type QuarantineQuery = Static<typeof QuarantineQuery>;
export const QuarantinePageOut = pageOf(QuarantineOut);
export const QuarantineFixBody = Type.Object(
  {
    cells: Type.Record(
      Type.String({ maxLength: 200 }),
      Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
      {
        description: '要修改的单元格（列名 → 新值；null 删除多余的列）',
      },
    ),
  },
  { additionalProperties: false },
);
export type QuarantineFixBody = Static<typeof QuarantineFixBody>;
export const QuarantineDismissBody = Type.Object(
  { status: Type.Literal('dismissed') },
  { additionalProperties: false },
);
export const ReimportBody = Type.Object(
  { source: SourceName, ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 5000 })) },
  { additionalProperties: false },
);
export type ReimportBody = Static<typeof ReimportBody>;
export const ReimportOut = Type.Object({
  checked: Type.Integer(),
  reimported: Type.Integer(),
  stillFailing: Type.Integer(),
});
export const QuarantineExportQuery = Type.Object({ source: SourceName });

export const QualityQuery = Type.Object({ source: SourceName });
export const FigureOut = Type.Object({
  field: Type.String(),
  dimension: Type.String(),
  checked: Type.Integer(),
  passed: Type.Integer(),
  rate: Type.Union([Type.Number(), Type.Null()]),
  threshold: Type.Union([Type.Number(), Type.Null()]),
  meetsThreshold: Type.Union([Type.Boolean(), Type.Null()]),
  trend: Type.Array(
    Type.Object({
      runId: Type.Integer(),
      computedAt: Type.String(),
      rate: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});
export const QualityOut = Type.Object({
  source: Type.String(),
  lastRunId: Type.Union([Type.Integer(), Type.Null()]),
  figures: Type.Array(FigureOut),
});
export const OffenderQuery = Type.Composite([
  PageQuery,
  Type.Object({
    source: SourceName,
    field: Type.String({ maxLength: 20 }),
    dimension: Type.Union([
      Type.Literal('completeness'),
      Type.Literal('validity'),
      Type.Literal('uniqueness'),
      Type.Literal('consistency'),
      Type.Literal('timeliness'),
    ]),
  }),
]);
export type OffenderQuery = Static<typeof OffenderQuery>;
export const StagedPersonOut = Type.Object({
  id: Type.Integer(),
  source: Type.String(),
  sourceKey: Type.String(),
  sourceRow: Type.Integer(),
  name: Nullable(Type.String()),
  sex: Nullable(Type.String()),
  birthDate: Nullable(Type.String()),
  idNumber: Nullable(Type.String({ description: '脱敏' })),
  phone: Nullable(Type.String({ description: '脱敏' })),
  address: Nullable(Type.String({ description: '只到小区与楼栋' })),
  buildingId: Type.Union([Type.Integer(), Type.Null()]),
  recordDate: Nullable(Type.String()),
  warnings: Type.Array(Type.String()),
});
export const OffenderPageOut = Type.Object({
  records: Type.Array(StagedPersonOut),
  quarantined: Type.Array(QuarantineOut),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

const Dimension = Type.Union([
  Type.Literal('completeness'),
  Type.Literal('validity'),
  Type.Literal('uniqueness'),
  Type.Literal('consistency'),
  Type.Literal('timeliness'),
]);
const QualityFieldName = Type.Union([
  Type.Literal('name'),
  Type.Literal('id_number'),
  Type.Literal('sex'),
  Type.Literal('birth_date'),
  Type.Literal('phone'),
  Type.Literal('address'),
  Type.Literal('record_date'),
]);
export const QualityRuleIn = Type.Object(
  {
    source: Type.Union([SourceName, Type.Null()], { description: 'null：适用于全部来源' }),
    field: QualityFieldName,
    dimension: Dimension,
    threshold: Type.Number({ minimum: 0, maximum: 1 }),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const QualityRulesBody = Type.Object(
  { rules: Type.Array(QualityRuleIn, { maxItems: 500 }) },
  { additionalProperties: false },
);
export type QualityRulesBody = Static<typeof QualityRulesBody>;
export const QualityRuleOut = Type.Object({
  id: Type.Integer(),
  source: Type.Union([Type.String(), Type.Null()]),
  field: Type.String(),
  dimension: Type.String(),
  threshold: Type.Number(),
  params: Type.Record(Type.String(), Type.Unknown()),
  enabled: Type.Boolean(),
});
export const QualityRulesOut = Type.Object({ rules: Type.Array(QualityRuleOut) });
