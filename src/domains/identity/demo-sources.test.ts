import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createTestApp, describeEachBackend } from '../../testing/test-context.ts';
import { loadDemo } from '../demo/index.ts';
import { integrateDemoSources } from './demo-sources.ts';

describeEachBackend(
  'the demo district integrated from its department exports',
  (backend) => createTestApp(backend),
  (ctx) => {
    it('imports every department as a source, links them in one identity run and writes golden records with provenance, once', async () => {
      const { database, cipher } = ctx();
      await loadDemo(database, cipher, { size: 'small', seed: 11, today: '2026-11-30', profiles: false });
      const dir = mkdtempSync(path.join(tmpdir(), 'demo-sources-'));
      // A run still in progress (another start is integrating) is left to finish: nothing starts.
      const busy = await database.db
        .insertInto('identity_run')
        .values({ status: 'running', scope_path: '/', started_by: 'demo', settings: '{}', model: '{}' })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(
        await integrateDemoSources(database, cipher, { size: 'small', seed: 11, dir, streets: 1 }),
      ).toBeNull();
      // The earlier start's run failed (a killed server's run is failed at the next start): the integration is
      // tried again.
      await database.db
        .updateTable('identity_run')
        .set({
          status: 'failed',
          stage: 'failed',
          error: JSON.stringify({ code: 'INTERRUPTED', message: 'x' }),
        })
        .where('id', '=', busy.id)
        .execute();
      const job = await integrateDemoSources(database, cipher, { size: 'small', seed: 11, dir, streets: 1 });
      expect(job).not.toBeNull();
      // The run row exists at once and shows the import stage while the exports are written and imported.
      const first = await database.db
        .selectFrom('identity_run')
        .select(['status', 'stage'])
        .where('id', '=', job!.runId)
        .executeTakeFirstOrThrow();
      expect(first.status).toBe('running');
      expect(first.stage).toMatch(/queued|generating|importing/);
      await job!.done;
      const run = await database.db
        .selectFrom('identity_run')
        .selectAll()
        .where('id', '=', job!.runId)
        .executeTakeFirstOrThrow();
      expect(run.status, JSON.stringify(run.error)).toBe('completed');
      const sources = await database.db
        .selectFrom('source_person')
        .select(['source', sql<number>`count(*)::int`.as('n')])
        .groupBy('source')
        .execute();
      expect(sources.map((s) => s.source).sort()).toEqual(
        ['civil_affairs', 'disabled', 'grid_collect', 'health', 'housing', 'hrss', 'police'].sort(),
      );
      expect(run.persons_updated).toBeGreaterThan(100);
      const provenance = await database.db
        .selectFrom('identity_field_provenance')
        .select(sql<number>`count(distinct source)::int`.as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(provenance.n)).toBeGreaterThanOrEqual(3);
      // Once only: a second start finds the run and does nothing.
      expect(await integrateDemoSources(database, cipher, { size: 'small', seed: 11, dir })).toBeNull();
    }, 600_000);
  },
);
