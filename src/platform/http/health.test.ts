import { expect, it } from 'vitest';
import { createTestApp, describeEachBackend } from '../../testing/test-context.ts';

describeEachBackend('health and error format', createTestApp, (ctx, backend) => {
  it('answers GET /api/health with status ok when the database answers', async () => {
    const res = await ctx().app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: backend });
  });

  it('answers an unknown route with 404 in the one error format, Chinese first', async () => {
    const res = await ctx().app.inject({ method: 'GET', url: '/api/nowhere' });
    expect(res.statusCode).toBe(404);
    const body = res.json();
    expect(body.error).toMatchObject({
      code: 'ROUTE_NOT_FOUND',
      message: '接口不存在',
      messageEn: 'No such endpoint',
    });
    expect(body.error.requestId).toBe(res.headers['x-request-id']);
  });

  it('writes the console runtime settings from the configuration', async () => {
    const res = await ctx().app.inject({ method: 'GET', url: '/runtime-config.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/javascript');
    expect(res.body).toBe('window.__CBRAIN__ = {};\n');
  });

  it('serves an OpenAPI 3 document listing the health route', async () => {
    const res = await ctx().app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().openapi).toMatch(/^3\./);
    expect(Object.keys(res.json().paths)).toContain('/api/health');
  });
});
