// Code tables for forms and filters: any signed-in user may read them (they are national standards, no
// personal data).
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireViewer } from '../../platform/auth/auth.plugin.ts';
import { AppError } from '../../platform/http/errors.ts';
import { findCodeSet, findCodeValues } from './codes.repository.ts';

const Params = Type.Object({ codeSet: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }) });

const CodeSetOut = Type.Object({
  codeSet: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  sourceStd: Type.String({ description: '所依据的标准' }),
  values: Type.Array(
    Type.Object({
      code: Type.String(),
      labelZh: Type.String(),
      labelEn: Type.String(),
      sortOrder: Type.Integer(),
      sensitive: Type.Boolean({ description: '敏感取值（如特殊群体标签）在居民信息中默认脱敏' }),
    }),
  ),
});

export async function codesRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;
  app.get(
    '/api/codes/:codeSet',
    {
      schema: {
        tags: ['codes'],
        summary: '代码表取值（性别、民族、家庭关系、人口类型等）',
        params: Params,
        response: { 200: CodeSetOut },
      },
    },
    async (request) => {
      requireViewer(request);
      const { codeSet } = request.params as Static<typeof Params>;
      const set = await findCodeSet(db, codeSet);
      if (!set) throw new AppError('NOT_FOUND', [{ field: 'params/codeSet', message: '没有这个代码表' }]);
      const values = await findCodeValues(db, [codeSet]);
      return {
        codeSet: set.code_set,
        nameZh: set.name_zh,
        nameEn: set.name_en,
        sourceStd: set.source_std,
        values: values.map((v) => ({
          code: v.code,
          labelZh: v.label_zh,
          labelEn: v.label_en,
          sortOrder: v.sort_order,
          sensitive: v.sensitive,
        })),
      };
    },
  );
}
