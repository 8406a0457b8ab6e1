// A run that a killed server left `running` no longer blocks later runs: the next server start fails it with
// the reason, and leaves alone the runs its own process carries.
import { expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { AppError } from '../../platform/http/errors.ts';
import { createTestDatabase, describeEachBackend } from '../../testing/test-context.ts';
import { commandLineIdentityActor } from './identity.routes.ts';
import { createIdentityService } from './identity.service.ts';

describeEachBackend(
  'identity runs interrupted by a server stop',
  (backend) => createTestDatabase(backend),
  (ctx) => {
    it('are marked failed with the reason at the next server start, and no longer block a new run', async () => {
      const { database, cipher, config } = ctx();
      const { db } = database;
      const row = (status: 'running' | 'completed') => ({
        status,
        stage: status === 'running' ? 'comparing pairs' : 'done',
        scope_path: '/test/',
        started_by: 'killed-server',
        settings: '{}',
        model: '{}',
      });
      const stale = await db
        .insertInto('identity_run')
        .values(row('running'))
        .returning('id')
        .executeTakeFirstOrThrow();
      const done = await db
        .insertInto('identity_run')
        .values(row('completed'))
        .returning('id')
        .executeTakeFirstOrThrow();

      // Before the restart the stale run blocks every new one.
      const actor = commandLineIdentityActor('test', '/test/');
      const before = createIdentityService(database, cipher);
      await expect(before.start(actor, { apply: false })).rejects.toMatchObject({
        code: 'IDENTITY_RUN_BUSY',
      });

      const app = await buildApp({ config, database, cipher, logger: false });
      try {
        await app.ready();
        const runs = await db.selectFrom('identity_run').selectAll().orderBy('id').execute();
        const failed = runs.find((r) => Number(r.id) === Number(stale.id))!;
        expect(failed.status).toBe('failed');
        expect(failed.stage).toBe('failed');
        expect(failed.finished_at).not.toBeNull();
        expect(failed.error).toMatchObject({ code: 'INTERRUPTED' });
        expect((failed.error as { message: string }).message).toMatch(/服务在该批次完成前停止/);
        expect(runs.find((r) => Number(r.id) === Number(done.id))!.status).toBe('completed');
      } finally {
        await app.close();
      }

      // A run this process carries is left alone; another start is refused while it runs.
      const service = createIdentityService(database, cipher);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const run = await service.start(actor, { apply: false }, { prepare: () => gate });
      expect(await service.failInterrupted()).toEqual([]);
      const live = await db
        .selectFrom('identity_run')
        .select('status')
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(live.status).toBe('running');
      const refused = await service.start(actor, { apply: false }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as AppError).code).toBe('IDENTITY_RUN_BUSY');
      release();
      await service.wait(run.id);
      const settled = await db
        .selectFrom('identity_run')
        .select('status')
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow();
      expect(settled.status).not.toBe('running');
    }, 120_000);
  },
);
