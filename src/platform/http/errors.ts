// The one catalogue of error codes the API returns, each with its HTTP status and its zh-CN and English text.
// Every error response has the same shape: { error: { code, message, messageEn, details?, requestId } }.

export const errors = {
  VALIDATION_FAILED: { status: 400, zh: '请求参数不正确', en: 'The request is not valid' },
  BAD_JSON: { status: 400, zh: '请求内容不是有效的 JSON', en: 'The request body is not valid JSON' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '请求内容过大', en: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型', en: 'Unsupported content type' },
  UNAUTHENTICATED: { status: 401, zh: '请先登录', en: 'Please sign in' },
  SESSION_EXPIRED: {
    status: 401,
    zh: '登录已过期，请重新登录',
    en: 'Your session has expired; please sign in again',
  },
  LOGIN_FAILED: { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  ACCOUNT_LOCKED: {
    status: 423,
    zh: '登录失败次数过多，账号已临时锁定，请稍后再试',
    en: 'Too many failed sign-ins; the account is locked for a while',
  },
  ACCOUNT_DISABLED: { status: 403, zh: '账号已停用', en: 'The account is disabled' },
  FORBIDDEN: { status: 403, zh: '您的角色无权进行此操作', en: 'Your role may not do this' },
  OUT_OF_SCOPE: { status: 403, zh: '目标不在您的管辖范围内', en: 'The target is outside your area' },
  NOT_FOUND: { status: 404, zh: '未找到', en: 'Not found' },
  PERSON_NOT_FOUND: { status: 404, zh: '未找到该居民', en: 'Resident not found' },
  HOUSEHOLD_NOT_FOUND: { status: 404, zh: '未找到该户', en: 'Household not found' },
  BUILDING_NOT_FOUND: { status: 404, zh: '未找到该楼栋', en: 'Building not found' },
  HOUSE_NOT_FOUND: { status: 404, zh: '未找到该房屋', en: 'House not found' },
  DIVISION_NOT_FOUND: { status: 404, zh: '未找到该区划或网格', en: 'Division or grid not found' },
  ACCOUNT_NOT_FOUND: { status: 404, zh: '未找到该账号', en: 'Account not found' },
  ROUTE_NOT_FOUND: { status: 404, zh: '接口不存在', en: 'No such endpoint' },
  ID_NUMBER_INVALID: { status: 400, zh: '身份证号码不正确', en: 'The ID number is not valid' },
  ID_NUMBER_MISMATCH: {
    status: 400,
    zh: '性别或出生日期与身份证号码不一致',
    en: 'Sex or birth date does not match the ID number',
  },
  USCC_INVALID: {
    status: 400,
    zh: '统一社会信用代码不正确',
    en: 'The unified social credit code is not valid',
  },
  PHONE_INVALID: { status: 400, zh: '电话号码格式不正确', en: 'The phone number is not valid' },
  DUPLICATE: { status: 409, zh: '记录已存在', en: 'The record already exists' },
  USERNAME_TAKEN: { status: 409, zh: '用户名已被使用', en: 'The username is taken' },
  SCOPE_INVALID: { status: 400, zh: '管辖范围不存在', en: 'The scope does not exist' },
  PURPOSE_REQUIRED: {
    status: 400,
    zh: '查看完整信息须说明用途',
    en: 'State a purpose to see the full value',
  },
  RATE_LIMITED: { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  DATABASE_UNAVAILABLE: { status: 503, zh: '数据库暂时不可用', en: 'The database is unavailable' },
  // ── ingest ──
  INGEST_FILE_EMPTY: { status: 400, zh: '文件为空', en: 'The file is empty' },
  INGEST_FILE_UNREADABLE: { status: 400, zh: '无法读取该文件', en: 'The file cannot be read' },
  INGEST_FILE_ENCRYPTED: {
    status: 400,
    zh: '文件已加密或为旧版 Excel，请去除密码并另存为 .xlsx 或 CSV',
    en: 'The file is password-protected or a legacy .xls; save it as .xlsx or CSV without a password',
  },
  INGEST_ENCODING_MISMATCH: {
    status: 400,
    zh: '文件编码与声明的不一致',
    en: 'The file encoding does not match the declared one',
  },
  INGEST_ENCODING_UNSUPPORTED: { status: 400, zh: '不支持的文件编码', en: 'Unsupported file encoding' },
  INGEST_CSV_MALFORMED: { status: 400, zh: 'CSV 文件格式错误', en: 'The CSV file is malformed' },
  INGEST_TOO_MANY_COLUMNS: { status: 400, zh: '文件的列数过多', en: 'The file has too many columns' },
  INGEST_MAPPING_INVALID: { status: 400, zh: '字段对应关系不正确', en: 'The column mapping is not valid' },
  INGEST_SOURCE_NOT_FOUND: { status: 404, zh: '未找到该数据来源', en: 'Data source not found' },
  INGEST_UPLOAD_NOT_FOUND: {
    status: 404,
    zh: '未找到上传的文件（可能已过期），请重新上传',
    en: 'Upload not found (it may have expired); upload the file again',
  },
  INGEST_RUN_NOT_FOUND: { status: 404, zh: '未找到该导入批次', en: 'Import run not found' },
  INGEST_QUARANTINE_NOT_FOUND: { status: 404, zh: '未找到该隔离记录', en: 'Quarantined row not found' },
  INGEST_QUARANTINE_CLOSED: {
    status: 409,
    zh: '该隔离记录已处理',
    en: 'The quarantined row has already been handled',
  },
  // ── end ingest ──
  INTERNAL: { status: 500, zh: '服务器内部错误，请联系管理员', en: 'Internal server error' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof errors;

export interface FieldProblem {
  /** JSON pointer-ish path of the field, e.g. "/idNumber" or "querystring/pageSize". */
  field: string;
  message: string;
  messageEn?: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly details?: FieldProblem[],
    /** Replaces the catalogue's Chinese text when a more specific one helps the user. */
    readonly messageZh?: string,
  ) {
    super(errors[code].en);
    this.status = errors[code].status;
  }
}

export function appError(code: ErrorCode, details?: FieldProblem[], messageZh?: string): AppError {
  return new AppError(code, details, messageZh);
}
