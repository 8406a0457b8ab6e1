import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { sendError } from './error-handler.ts';

export async function healthRoutes(app: FastifyInstance) {
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['platform'],
        summary: '健康检查：数据库可用时返回 ok',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }) },
      },
    },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(app.deps.database.db);
      } catch {
        return sendError(reply, request, 'DATABASE_UNAVAILABLE');
      }
      return { status: 'ok' as const, database: app.deps.database.backend };
    },
  );
}
