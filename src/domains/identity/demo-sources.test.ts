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
    it('imports every department as a source and every register, links persons, houses, households and organisations (one identity run each) and writes golden records with provenance, once', async () => {
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
      expect(job!.entityType).toBe('person');
      const steps = await job!.done;
      expect(steps.map((s) => s.entityType)).toEqual(['person', 'house', 'household', 'organization']);
      const runs = await database.db
        .selectFrom('identity_run')
        .selectAll()
        .where(
          'id',
          'in',
          steps.map((s) => s.runId!),
        )
        .orderBy('id')
        .execute();
      for (const r of runs)
        expect(r.status, `${r.entity_type}: ${JSON.stringify(r.error)}`).toBe('completed');
      const run = runs.find((r) => r.entity_type === 'person')!;
      expect(Number(run.id)).toBe(job!.runId);
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

      // Every register was staged, of the first street only, and each entity type has golden records whose
      // fields name the register they came from.
      const registers = await database.db
        .selectFrom('source_entity')
        .select(['entity_type', 'source'])
        .distinct()
        .execute();
      expect(registers.map((r) => `${r.entity_type}/${r.source}`).sort()).toEqual([
        'house/housing',
        'house/real_estate',
        'household/police',
        'organization/market_regulation',
        'organization/tax',
      ]);
      const firstStreet = await database.db
        .selectFrom('admin_division')
        .select('path')
        .where('level', '=', 4)
        .orderBy('code')
        .executeTakeFirstOrThrow();
      const keys = await database.db
        .selectFrom('identity_cluster_member as m')
        .innerJoin('identity_run as r', 'r.id', 'm.run_id')
        .innerJoin('house', 'house.id', 'm.person_id')
        .select(['house.scope_path'])
        .where('r.entity_type', '=', 'house')
        .where('m.ref', 'like', 'se:%')
        .execute();
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) expect(k.scope_path.startsWith(firstStreet.path)).toBe(true);
      for (const type of ['house', 'household', 'organization'] as const) {
        const r = runs.find((x) => x.entity_type === type)!;
        expect(r.persons_updated, type).toBeGreaterThan(0);
        const fromRegister = await database.db
          .selectFrom('identity_entity_provenance')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('entity_type', '=', type)
          .where('source_entity_id', 'is not', null)
          .executeTakeFirstOrThrow();
        expect(Number(fromRegister.n), type).toBeGreaterThan(0);
      }

      // A type whose run failed is tried again at the next start, and only that type.
      const household = runs.find((r) => r.entity_type === 'household')!;
      await database.db
        .updateTable('identity_run')
        .set({ status: 'failed', stage: 'failed' })
        .where('id', '=', household.id)
        .execute();
      const retry = await integrateDemoSources(database, cipher, {
        size: 'small',
        seed: 11,
        dir,
        streets: 1,
      });
      expect(retry?.entityType).toBe('household');
      expect((await retry!.done).map((s) => s.entityType)).toEqual(['household']);
      // Once only: a further start finds every type integrated and does nothing.
      expect(await integrateDemoSources(database, cipher, { size: 'small', seed: 11, dir })).toBeNull();
    }, 600_000);
  },
);
