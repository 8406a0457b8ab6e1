// Evaluation: DEA efficiency of communities (budget, staff, facilities → services, hours, satisfied services) and
// of providers (cost, capacity → services, hours, satisfied services) with src/lib/dea; indicators shaped for
// ECharts; the same figures as an XLSX or PDF report. Bad data answers 422 naming the unit and the column.
import { type DeaModel, type DeaOrientation, runDea } from '../../lib/dea/dea.ts';
import { DeaDataError } from '../../lib/dea/dea-data.ts';
import type { TableReport } from '../../lib/report/table-report.ts';
import type { Viewer } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { communityFigures, providerFigures } from './evaluation.repository.ts';

export interface DeaQuery {
  year: number;
  model?: DeaModel;
  orientation?: DeaOrientation;
}

interface DeaUnit {
  id: string;
  name: string;
  inputs: Record<string, number>;
  outputs: Record<string, number>;
}

async function deaOf(units: DeaUnit[], inputNames: string[], outputNames: string[], q: DeaQuery) {
  if (units.length === 0)
    throw new AppError('DEA_INPUT_INVALID', [
      { field: 'scope', message: '范围内没有可评价的单位', messageEn: 'no units to evaluate in the area' },
    ]);
  try {
    const result = await runDea(
      {
        ids: units.map((u) => u.id),
        inputNames,
        outputNames,
        inputs: inputNames.map((n) => Float64Array.from(units, (u) => u.inputs[n]!)),
        outputs: outputNames.map((n) => Float64Array.from(units, (u) => u.outputs[n]!)),
      },
      { model: q.model ?? 'bcc', orientation: q.orientation ?? 'output' },
    );
    return {
      model: result.model,
      orientation: result.orientation,
      inputs: inputNames,
      outputs: outputNames,
      units: result.results.map((r, i) => ({
        id: r.id,
        name: units[i]!.name,
        status: r.status,
        efficiency: r.efficiency,
        peers: r.peers.map((p) => ({
          id: p.id,
          name: units.find((u) => u.id === p.id)?.name ?? p.id,
          lambda: p.lambda,
        })),
        inputValues: units[i]!.inputs,
        outputValues: units[i]!.outputs,
        targets: r.targets,
      })),
    };
  } catch (error) {
    if (error instanceof DeaDataError) {
      throw new AppError(
        'DEA_INPUT_INVALID',
        error.problems.map((p) => {
          const unit = p.unit !== undefined ? units[p.unit] : undefined;
          return {
            field: unit ? `${unit.id}${p.column ? `/${p.column}` : ''}` : (p.column ?? 'data'),
            message: `${unit ? `${unit.name}：` : ''}${p.messageZh}`,
            messageEn: p.message,
          };
        }),
      );
    }
    throw error;
  }
}

export async function communityDea(db: Db, viewer: Viewer, q: DeaQuery) {
  const figures = await communityFigures(db, viewer.scopePath, q.year);
  const missing = figures.filter((f) => f.budget === null || f.staff === null);
  if (missing.length > 0) {
    throw new AppError(
      'DEA_INPUT_INVALID',
      missing.map((f) => ({
        field: `${f.code}/budget`,
        message: `${f.name} 缺少 ${q.year} 年的预算和人员数据`,
        messageEn: `${f.code} has no budget and staff for ${q.year}`,
      })),
    );
  }
  // Requests resolved count as an output only where the area has request records for the year: a column of
  // zeros would say nothing and DEA rejects it.
  const withRequests = figures.some((f) => f.requestsResolved > 0);
  return deaOf(
    figures.map((f) => ({
      id: f.code,
      name: f.name,
      inputs: { budget: f.budget!, staff: f.staff!, facilities: f.facilities },
      outputs: {
        deliveries: f.deliveries,
        hours: f.hours,
        satisfied: f.satisfied,
        ...(withRequests ? { requestsResolved: f.requestsResolved } : {}),
      },
    })),
    ['budget', 'staff', 'facilities'],
    withRequests
      ? ['deliveries', 'hours', 'satisfied', 'requestsResolved']
      : ['deliveries', 'hours', 'satisfied'],
    q,
  );
}

export async function providerDea(db: Db, viewer: Viewer, q: DeaQuery) {
  const figures = await providerFigures(db, viewer.scopePath, q.year);
  return deaOf(
    figures.map((f) => ({
      id: String(f.id),
      name: f.name,
      inputs: { cost: f.cost, capacity: f.capacityPerMonth ?? 0 },
      outputs: { deliveries: f.deliveries, hours: f.hours, satisfied: f.satisfied },
    })),
    ['cost', 'capacity'],
    ['deliveries', 'hours', 'satisfied'],
    q,
  );
}

/** Per-community indicators as an ECharts option fragment: categories on x, one series per indicator. */
export async function communityIndicators(db: Db, viewer: Viewer, year: number) {
  const f = await communityFigures(db, viewer.scopePath, year);
  return {
    year,
    xAxis: { type: 'category' as const, data: f.map((c) => c.name) },
    series: [
      { name: '服务次数', nameEn: 'Services', type: 'bar' as const, data: f.map((c) => c.deliveries) },
      {
        name: '服务时长（小时）',
        nameEn: 'Hours',
        type: 'bar' as const,
        data: f.map((c) => Math.round(c.hours * 10) / 10),
      },
      { name: '服务费用（元）', nameEn: 'Cost (yuan)', type: 'bar' as const, data: f.map((c) => c.cost) },
      {
        name: '满意服务次数',
        nameEn: 'Satisfied services',
        type: 'bar' as const,
        data: f.map((c) => c.satisfied),
      },
      {
        name: '平均评分',
        nameEn: 'Average rating',
        type: 'line' as const,
        data: f.map((c) => (c.averageRating === null ? null : Math.round(c.averageRating * 100) / 100)),
      },
    ],
  };
}

/** The community report: figures, and DEA scores when every community has its inputs. */
export async function communityReport(db: Db, viewer: Viewer, year: number): Promise<TableReport> {
  const figures = await communityFigures(db, viewer.scopePath, year);
  const tables: TableReport['tables'] = [
    {
      title: '社区服务指标',
      columns: [
        '社区',
        '预算（元）',
        '人员',
        '设施',
        '服务次数',
        '时长（小时）',
        '费用（元）',
        '满意次数',
        '平均评分',
      ],
      rows: figures.map((f) => [
        f.name,
        f.budget,
        f.staff,
        f.facilities,
        f.deliveries,
        Math.round(f.hours * 10) / 10,
        f.cost,
        f.satisfied,
        f.averageRating,
      ]),
    },
  ];
  const subtitle = [`范围：${viewer.scopePath}`, `年度：${year}`, `生成时间：${new Date().toISOString()}`];
  try {
    const dea = await communityDea(db, viewer, { year });
    tables.push({
      title: 'DEA 效率（BCC，产出导向）',
      columns: ['社区', '效率', '状态', '参照社区'],
      rows: dea.units.map((u) => [u.name, u.efficiency, u.status, u.peers.map((p) => p.name).join('、')]),
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    subtitle.push(`DEA 未计算：${error.details?.map((d) => d.message).join('；') ?? error.message}`);
  }
  return { title: `社区服务评价报告 ${year}`, subtitle, tables };
}
