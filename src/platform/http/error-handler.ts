// Turns every failure into the platform's one error format, in Chinese and English, with field details for
// validation errors. Unknown errors are logged with the request id and answered as 500 without internals.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, errors, type FieldProblem } from './errors.ts';

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Chinese wording for the JSON-schema keywords our routes use. */
function zhForIssue(issue: AjvIssue): string {
  const p = issue.params ?? {};
  switch (issue.keyword) {
    case 'required':
      return `缺少必填字段 ${String(p['missingProperty'] ?? '')}`;
    case 'minLength':
      return `长度不能少于 ${p['limit']} 个字符`;
    case 'maxLength':
      return `长度不能超过 ${p['limit']} 个字符`;
    case 'minimum':
      return `不能小于 ${p['limit']}`;
    case 'maximum':
      return `不能大于 ${p['limit']}`;
    case 'type':
      return `类型应为 ${String(p['type'])}`;
    case 'enum':
    case 'anyOf':
    case 'const':
      return '取值不在允许范围内';
    case 'pattern':
    case 'format':
      return '格式不正确';
    case 'additionalProperties':
      return `不允许的字段 ${String(p['additionalProperty'] ?? '')}`;
    case 'minItems':
      return `至少需要 ${p['limit']} 项`;
    case 'maxItems':
      return `最多 ${p['limit']} 项`;
    default:
      return issue.message ?? '取值不正确';
  }
}

export function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  details?: FieldProblem[],
  messageZh?: string,
) {
  const entry = errors[code];
  return reply.status(entry.status).send({
    error: {
      code,
      message: messageZh ?? entry.zh,
      messageEn: entry.en,
      ...(details && details.length > 0 ? { details } : {}),
      requestId: request.id,
    },
  });
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler(
    (error: FastifyError & { validation?: AjvIssue[]; validationContext?: string }, request, reply) => {
      if (error instanceof AppError)
        return sendError(reply, request, error.code, error.details, error.messageZh);
      if (error.validation) {
        const details = error.validation.map((issue) => {
          const extra =
            issue.keyword === 'required' ? `/${String(issue.params?.['missingProperty'] ?? '')}` : '';
          return {
            field: `${error.validationContext ?? 'body'}${issue.instancePath ?? ''}${extra}`,
            message: zhForIssue(issue),
            messageEn: issue.message ?? 'invalid',
          };
        });
        return sendError(reply, request, 'VALIDATION_FAILED', details);
      }
      if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
        return sendError(reply, request, 'BAD_JSON');
      }
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, request, 'PAYLOAD_TOO_LARGE');
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
        return sendError(reply, request, 'UNSUPPORTED_MEDIA_TYPE');
      if (error.statusCode === 429) return sendError(reply, request, 'RATE_LIMITED');
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return sendError(reply, request, 'VALIDATION_FAILED', [{ field: 'request', message: error.message }]);
      }
      request.log.error({ err: error }, 'unhandled error');
      return sendError(reply, request, 'INTERNAL');
    },
  );
}
