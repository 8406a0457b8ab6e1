// Routes under /api/sensing/… (devices, readings, device health, rules, responders) and /api/alerts/… (list,
// read, acknowledge, feedback, live stream). Thin: check the permission, hand over to the service.

import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requirePermission } from '../../platform/auth/viewer.ts';
import { actorOf } from '../people/people.service.ts';
import type { FeedEvent } from './alert-feed.ts';
import { demandRoutes } from './demand-forecast.ts';
import {
  AlertOut,
  AlertPageOut,
  AlertQuery,
  DeviceCreateBody,
  DeviceOut,
  DevicePageOut,
  DeviceQuery,
  FeedbackBody,
  HealthOut,
  HealthQuery,
  IdParams,
  ReadingsOut,
  ReadingsQuery,
  ResponderCreateBody,
  RuleOut,
  RuleParams,
  RuleUpdateBody,
} from './sensing.schema.ts';
import { createSensingService } from './sensing.service.ts';
import { createSensingHub, type SensingHub } from './sensing-hub.ts';

declare module 'fastify' {
  interface FastifyInstance {
    sensing: SensingHub;
  }
}

export async function sensingRoutes(app: FastifyInstance) {
  const hub = createSensingHub(app.deps.database, app.deps.config, app.log);
  app.decorate('sensing', hub);
  // Device cache, rules and responders load with the app; MQTT and timers start only through hub.start().
  app.addHook('onReady', async () => {
    await hub.load();
  });
  app.addHook('onClose', async () => {
    await hub.stop();
  });
  const service = createSensingService(app.deps.database, hub);
  const tags = ['sensing'];
  await demandRoutes(app);

  app.get(
    '/api/sensing/devices',
    {
      schema: {
        tags,
        summary: '物联设备清单（本管辖范围）',
        querystring: DeviceQuery,
        response: { 200: DevicePageOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'sensing:read');
      return service.listDevices(actorOf(request, viewer), request.query as DeviceQuery);
    },
  );

  app.post(
    '/api/sensing/devices',
    {
      schema: {
        tags,
        summary: '登记设备并绑定房屋、设施或居民',
        body: DeviceCreateBody,
        response: { 201: DeviceOut },
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'sensing:manage');
      return reply
        .code(201)
        .send(await service.registerDevice(actorOf(request, viewer), request.body as DeviceCreateBody));
    },
  );

  app.get(
    '/api/sensing/devices/:id/readings',
    {
      schema: {
        tags,
        summary: '设备读数（时间倒序；住户设备的读取记入审计）',
        params: IdParams,
        querystring: ReadingsQuery,
        response: { 200: ReadingsOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'sensing:read');
      return service.readings(
        actorOf(request, viewer),
        (request.params as IdParams).id,
        request.query as ReadingsQuery,
      );
    },
  );

  app.get(
    '/api/sensing/health',
    {
      schema: {
        tags,
        summary: '设备健康：本管辖范围内每台登记设备的状态（在线、离线、从未上报）及接收与拒收的计数、原因',
        querystring: HealthQuery,
        response: { 200: HealthOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'sensing:read');
      return service.health(actorOf(request, viewer), request.query as HealthQuery);
    },
  );

  app.get(
    '/api/sensing/rules',
    { schema: { tags, summary: '预警规则', response: { 200: Type.Array(RuleOut) } } },
    async (request) => {
      requirePermission(request, 'sensing:read');
      return service.listRules();
    },
  );

  app.put(
    '/api/sensing/rules/:code',
    {
      schema: {
        tags,
        summary: '修改预警规则参数（区级账号）',
        params: RuleParams,
        body: RuleUpdateBody,
        response: { 200: RuleOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'sensing:manage');
      return service.updateRule(
        actorOf(request, viewer),
        (request.params as RuleParams).code,
        request.body as RuleUpdateBody,
      );
    },
  );

  app.post(
    '/api/sensing/responders',
    {
      schema: {
        tags,
        summary: '登记处置力量（微型消防站、社区民警、网格员、家属联系人）',
        body: ResponderCreateBody,
        response: { 201: Type.Object({ id: Type.Integer() }) },
      },
    },
    async (request, reply) => {
      const viewer = requirePermission(request, 'sensing:manage');
      return reply
        .code(201)
        .send(await service.createResponder(actorOf(request, viewer), request.body as ResponderCreateBody));
    },
  );

  const alertTags = ['alerts'];
  app.get(
    '/api/alerts',
    {
      schema: {
        tags: alertTags,
        summary: '告警列表（本管辖范围，新的在前）',
        querystring: AlertQuery,
        response: { 200: AlertPageOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'sensing:read');
      return service.listAlerts(actorOf(request, viewer), request.query as AlertQuery);
    },
  );

  app.get(
    '/api/alerts/stream',
    { schema: { tags: alertTags, summary: '告警实时推送（Server-Sent Events；用 fetch 携带令牌读取）' } },
    async (request, reply) => {
      const viewer = requirePermission(request, 'sensing:read');
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-request-id': request.id,
      });
      res.write(': alert feed\n\n');
      const send = (event: FeedEvent) => {
        if (!event.scopePath.startsWith(viewer.scopePath)) return;
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      };
      const unsubscribe = hub.feed.subscribe(send);
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      heartbeat.unref();
      const end = () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
      request.raw.on('close', end);
      app.addHook('onClose', async () => {
        end();
        res.end();
      });
    },
  );

  app.get(
    '/api/alerts/:id',
    {
      schema: {
        tags: alertTags,
        summary: '告警详情与处置派单',
        params: IdParams,
        response: { 200: AlertOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'sensing:read');
      return service.readAlert(actorOf(request, viewer), (request.params as IdParams).id);
    },
  );

  app.post(
    '/api/alerts/:id/acknowledge',
    {
      schema: {
        tags: alertTags,
        summary: '确认接警（停止向下一位处置人升级）',
        params: IdParams,
        response: { 200: AlertOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'alert:handle');
      return service.acknowledge(actorOf(request, viewer), (request.params as IdParams).id);
    },
  );

  app.post(
    '/api/alerts/:id/feedback',
    {
      schema: {
        tags: alertTags,
        summary: '反馈告警真实或误报（调整该设备的阈值）',
        params: IdParams,
        body: FeedbackBody,
        response: { 200: AlertOut },
      },
    },
    async (request) => {
      const viewer = requirePermission(request, 'alert:handle');
      return service.feedback(
        actorOf(request, viewer),
        (request.params as IdParams).id,
        request.body as FeedbackBody,
      );
    },
  );
}

// Not encapsulated (what fastify-plugin does): `app.sensing` must be visible on the root instance, for serve,
// the tests and the requests domain's work-order hook.
Object.assign(sensingRoutes, { [Symbol.for('skip-override')]: true });
