import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createTestDatabase, describeEachBackend } from '../../testing/test-context.ts';
import { commandLineActor, runImport } from '../ingest/index.ts';
import { generateDepartmentExports } from './department-exports.ts';

describeEachBackend(
  'department exports of the demo district',
  (backend) => createTestDatabase(backend),
  (ctx) => {
    it('are deterministic, overlap by at least 30%, and import with every row accounted for', async () => {
      const a = mkdtempSync(path.join(tmpdir(), 'exports-a-'));
      const b = mkdtempSync(path.join(tmpdir(), 'exports-b-'));
      const first = await generateDepartmentExports({ size: 'small', seed: 7, outDir: a });
      const second = await generateDepartmentExports({
        size: 'small',
        seed: 7,
        outDir: b,
        only: ['civil_affairs'],
      });
      expect(first.exports.map((e) => e.format)).toContain('xlsx');
      expect(first.exports.filter((e) => e.encoding === 'gbk').length).toBeGreaterThanOrEqual(2);
      expect(first.overlapShare).toBeGreaterThanOrEqual(0.3);
      const civil = first.exports.find((e) => e.source === 'civil_affairs')!;
      expect(readFileSync(civil.file)).toEqual(readFileSync(second.exports[0]!.file));

      const { database, cipher } = ctx();
      for (const e of first.exports.filter((x) => ['civil_affairs', 'health'].includes(x.source))) {
        const report = await runImport(database, cipher, {
          file: e.file,
          fileName: path.basename(e.file),
          source: e.source,
          mapping: e.mapping,
          actor: commandLineActor('tester', '/'),
          today: new Date('2026-11-30T00:00:00Z'),
        });
        expect(report.rowsRead).toBe(e.rows);
        expect(report.accepted + report.quarantined).toBe(e.rows);
        // The noise (legacy IDs, spaces, homophones, missing fields) is normalised, not rejected.
        expect(report.quarantined).toBe(0);
      }
      const legacy = await database.db
        .selectFrom('source_person')
        .select('id')
        .where('id_converted_from15', '=', true)
        .execute();
      expect(legacy.length).toBeGreaterThan(0);
    }, 120_000);
  },
);
