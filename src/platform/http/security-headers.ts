// Security headers on every response, and no caching of API answers (they may hold personal data).
// The CSP allows what the console needs and nothing else: same-origin scripts and API, MapLibre's blob: workers,
// data:/blob: images, inline styles (Ant Design's CSS-in-JS), and an optional configured tile server.
import type { FastifyInstance } from 'fastify';

export function contentSecurityPolicy(mapTileUrl: string | undefined): string {
  let tiles = '';
  if (mapTileUrl) {
    try {
      tiles = ` ${new URL(mapTileUrl.replace(/\{[a-z]\}/g, '0')).origin}`;
    } catch {
      tiles = '';
    }
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${tiles}`,
    `connect-src 'self'${tiles}`,
    "worker-src 'self' blob:",
    "font-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

export function registerSecurityHeaders(app: FastifyInstance, mapTileUrl: string | undefined) {
  const csp = contentSecurityPolicy(mapTileUrl);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    // The interactive API docs (/docs) use inline scripts of their own; everything else gets the strict policy.
    if (!request.url.startsWith('/docs')) reply.header('content-security-policy', csp);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
}
