import { describe, expect, it } from 'vitest';
import { buildAutoSettings, profileColumn } from './auto-settings.ts';
import { resolveSettings } from './settings.ts';

function kindOf(column: string, cells: string[]) {
  return profileColumn(column, cells, Int32Array.from(cells.keys())).kind;
}

const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

describe('auto settings: column kinds', () => {
  it.each([
    ['id_number', many(50, (i) => `11010519900307${String(1000 + i).slice(1)}X`), 'id_number'],
    ['mobile', many(50, (i) => `138${String(10_000_000 + i * 7919)}`), 'phone'],
    ['dob', many(50, (i) => `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`), 'date'],
    ['year', many(50, (i) => String(1950 + i)), 'year'],
    ['sex', many(50, (i) => (i % 2 ? 'M' : 'F')), 'category'],
    ['price', many(50, (i) => `$${(i * 13.7).toFixed(2)}`), 'numeric'],
    ['postcode', many(50, (i) => String(2000 + i * 37)), 'code'],
    [
      '姓名',
      many(200, (i) => `${'王李张刘陈'[i % 5]}${'伟芳娜秀英敏静丽强磊'[i % 10]}${'明华国'[i % 3]}`),
      'chinese_name',
    ],
    ['住址', many(50, (i) => `朝阳区花家地社区${i}号楼2单元501室`), 'chinese_address'],
    [
      'surname',
      many(200, (i) => ['smith', 'jones', 'brown', 'taylor', 'wilson', 'davies'][i % 6]! + (i % 7)),
      'name',
    ],
    ['title', many(50, (i) => `efficient query processing in distributed databases part ${i}`), 'long_text'],
    ['authors', many(50, (i) => `a smith, b jones ${i}`), 'short_text'],
  ])('%s is %s', (column, cells, kind) => {
    expect(kindOf(column, cells)).toBe(kind);
  });

  it('leaves out ground-truth labels, record ids, empty and constant columns', () => {
    expect(kindOf('cluster_id', many(50, String))).toBe('ignored');
    expect(kindOf('rec_id', many(50, String))).toBe('ignored');
    expect(
      kindOf(
        'notes',
        many(50, () => ''),
      ),
    ).toBe('ignored');
    expect(
      kindOf(
        'country',
        many(50, () => 'AU'),
      ),
    ).toBe('ignored');
  });
});

describe('auto settings: the whole settings object', () => {
  it('builds valid settings that compare each usable column and block on several of them', () => {
    const n = 3000;
    const columns = new Map<string, string[]>([
      [
        'given_name',
        many(n, (i) => ['anna', 'ben', 'carl', 'dora', 'emil', 'fay', 'gus'][i % 7]! + (i % 23)),
      ],
      ['surname', many(n, (i) => ['smith', 'jones', 'brown'][i % 3]! + (i % 101))],
      [
        'date_of_birth',
        many(
          n,
          (i) =>
            `19${40 + (i % 60)}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}`,
        ),
      ],
      ['truth', many(n, String)],
    ]);
    const auto = buildAutoSettings({ columns, recordCount: n, linkType: 'dedupe', uniqueId: 'rec_id' });
    const settings = resolveSettings(auto.settings, [...columns.keys()]);
    expect(settings.comparisons.map((c) => c.column)).toEqual(['given_name', 'surname', 'date_of_birth']);
    expect(settings.blocking.length).toBeGreaterThanOrEqual(2);
    expect(auto.profiles.find((p) => p.column === 'truth')).toMatchObject({ kind: 'ignored' });
  });

  it('leaves out the columns it is asked to ignore', () => {
    const columns = new Map([
      ['name', many(100, (i) => `name${i % 40}`)],
      ['city', many(100, (i) => `city${i % 30}x`)],
    ]);
    const auto = buildAutoSettings({
      columns,
      recordCount: 100,
      linkType: 'dedupe',
      uniqueId: 'id',
      ignore: ['city'],
    });
    expect((auto.settings['comparisons'] as { column: string }[]).map((c) => c.column)).toEqual(['name']);
  });
});
