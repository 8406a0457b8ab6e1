import { expect, it } from 'vitest';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import { encodeCopyRow } from '../../platform/db/copy-format.ts';
import { copyRow, normaliseBatches, stagedLineEncoder } from './import-batches.ts';
import type { StagedPerson } from './row-normaliser.ts';
import type { TableRow } from './table-reader.ts';

/** Seals deterministically, so that two encodings of one record can be compared byte for byte. */
const fixedCipher: FieldCipher = {
  seal: (plain) => Buffer.from(`sealed:${plain}`),
  open: (sealed) => Buffer.from(sealed).toString().slice(7),
  blindIndex: (plain) => Buffer.from(`index:${plain}`),
};

function person(over: Partial<StagedPerson> = {}): StagedPerson {
  return {
    row: 7,
    sourceKey: 'K\t1',
    rowHash: 'h',
    name: '张\\三',
    sex: '1',
    birthDate: '1960-04-05',
    idNumber: '330192196004050118',
    idConvertedFrom15: true,
    phone: '13800138000',
    address: '湖滨路1号\n1单元',
    parts: {
      province: null,
      city: null,
      district: null,
      street: '云溪街道',
      community: null,
      road: '湖滨路',
      roadNo: '1',
      compound: null,
      building: '1',
      unit: '1',
      room: '502\r',
    },
    buildingId: 12,
    buildingMatch: 'exact',
    gridId: 3,
    scopePath: '/33/3301/330192/',
    streetCode: '330192',
    recordDate: null,
    extra: { 备注: 'a\tb "c"', 'x\\y': '' },
    warnings: ['id_upgraded_from_15', 'say "hi"\\'],
    ...over,
  };
}

it('encodes a staged record as the same COPY line as its values would give, escapes and NULLs included', () => {
  const encode = stagedLineEncoder('police\\dept', 42, fixedCipher);
  for (const r of [
    person(),
    person({ idNumber: null, phone: null, address: null, gridId: null, buildingId: null, name: null }),
    person({ idConvertedFrom15: false, extra: {}, warnings: [], sex: null, birthDate: null }),
  ])
    expect(encode(r)).toBe(encodeCopyRow(copyRow(r, 'police\\dept', 42, fixedCipher)));
});

it('batches keep one record per source key (the last row wins, in first-seen order) and count the rest', async () => {
  const header = ['key', 'name'];
  const rows: TableRow[] = [
    { row: 1, cells: ['X', '戌'] },
    { row: 2, cells: ['B', '乙'] },
    { row: 3, cells: ['A', '甲'] },
    { row: 4, cells: ['B', '丙'] },
    { row: 5, cells: ['C', ''] },
    { row: 6, cells: ['D', '丁'] },
  ];
  async function* table() {
    yield* rows;
  }
  const ctx = {
    header,
    mapping: { source_key: 'key', name: 'name' },
    matcher: { match: () => ({ buildingId: null, by: 'none' }) },
    placeOf: () => undefined,
    scopePath: '/33/',
    today: new Date('2026-11-30T00:00:00Z'),
    idKey: (id: string) => id,
  } as never;
  const batches = [];
  for await (const b of normaliseBatches(table(), ctx, fixedCipher, {
    source: 's',
    runId: 1,
    scopePath: '/33/',
    resumedAfterRow: 1,
    batchSize: 4,
    encode: true,
    bytesRead: () => 0,
  }))
    batches.push(b);
  // Row 1 was committed before: the batches start after it.
  expect(
    batches.map((b) => [b.keys, b.rows, b.superseded, b.quarantined.length, b.lastRow, b.rowsRead]),
  ).toEqual([
    [['B', 'A'], 4, 1, 1, 5, 4],
    [['D'], 1, 0, 0, 6, 5],
  ]);
  expect(batches[0]!.lines![0]).toContain('\t丙\t');
  expect(batches[0]!.records).toBeNull();
});
