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
  // --- profiles ---
  RULES_INVALID: { status: 400, zh: '规则不正确', en: 'The rules are not valid' },
  RULES_NOT_SET: { status: 409, zh: '尚未配置画像与政策规则', en: 'No profile and policy rules are set' },
  CASE_NOT_FOUND: { status: 404, zh: '未找到该核查事项', en: 'Eligibility case not found' },
  CASE_ALREADY_DECIDED: {
    status: 409,
    zh: '该事项已审核，不能重复审核',
    en: 'The case has already been decided',
  },
  APPEAL_NOT_FOUND: { status: 404, zh: '未找到该申诉', en: 'Appeal not found' },
  APPEAL_ALREADY_RESOLVED: { status: 409, zh: '该申诉已处理', en: 'The appeal has already been resolved' },
  APPEAL_ALREADY_OPEN: {
    status: 409,
    zh: '该居民此项政策已有未处理的申诉',
    en: 'An appeal for this resident and policy is already open',
  },
  POLICY_NOT_FOUND: { status: 404, zh: '未找到该政策', en: 'Policy not found' },
  // --- end profiles ---
  // --- sensing ---
  DEVICE_NOT_FOUND: { status: 404, zh: '未找到该设备', en: 'Device not found' },
  DEVICE_BINDING_REQUIRED: {
    status: 400,
    zh: '设备须绑定一处房屋、设施或居民',
    en: 'A device must be bound to a house, a facility or a resident',
  },
  ALERT_NOT_FOUND: { status: 404, zh: '未找到该告警', en: 'Alert not found' },
  ALERT_NOT_PENDING: {
    status: 409,
    zh: '该告警没有等待确认的处置人',
    en: 'The alert has no responder waiting for acknowledgement',
  },
  RULE_NOT_FOUND: { status: 404, zh: '未找到该预警规则', en: 'Rule not found' },
  RULE_PARAMS_INVALID: { status: 400, zh: '预警规则参数不正确', en: 'The rule parameters are not valid' },
  // --- end sensing ---
  DATABASE_UNAVAILABLE: { status: 503, zh: '数据库暂时不可用', en: 'The database is unavailable' },
  // supply: planning, providers, procurement, deliveries, evaluation
  FACILITY_TYPE_NOT_FOUND: { status: 404, zh: '未找到该设施类型', en: 'Facility type not found' },
  SITE_OUTSIDE_AREA: {
    status: 400,
    zh: '候选点位不在您的管辖范围内',
    en: 'A candidate site lies outside your area',
  },
  NO_DEMAND: {
    status: 422,
    zh: '范围内没有符合条件的居民',
    en: 'No residents in the area match the criteria',
  },
  NO_CANDIDATE_SITES: { status: 422, zh: '没有可用的候选点位', en: 'There are no candidate sites' },
  SCENARIO_NOT_FOUND: { status: 404, zh: '未找到该规划情景', en: 'Scenario not found' },
  PROVIDER_NOT_FOUND: { status: 404, zh: '未找到该服务商', en: 'Provider not found' },
  PROJECT_NOT_FOUND: { status: 404, zh: '未找到该采购项目', en: 'Procurement project not found' },
  PROJECT_CLOSED: { status: 409, zh: '该采购项目已结束', en: 'The procurement project is closed' },
  WEIGHT_SET_NOT_FOUND: { status: 400, zh: '未找到该权重方案', en: 'Weight set not found' },
  NO_ELIGIBLE_PROVIDER: { status: 422, zh: '没有可匹配的服务商', en: 'No provider can be matched' },
  OVERRIDE_REASON_REQUIRED: {
    status: 400,
    zh: '未选择排名第一的服务商时须说明理由',
    en: 'Choosing other than the top-ranked provider needs a reason',
  },
  DELIVERY_NOT_FOUND: { status: 404, zh: '未找到该服务记录', en: 'Service record not found' },
  DELIVERY_ALREADY_CONFIRMED: {
    status: 409,
    zh: '该服务记录已确认',
    en: 'The service record is already confirmed',
  },
  ALLOCATION_INFEASIBLE: {
    status: 422,
    zh: '约束条件无法同时满足',
    en: 'The constraints cannot all be met',
  },
  DEA_INPUT_INVALID: {
    status: 422,
    zh: '评价数据不完整或有误',
    en: 'The evaluation data is incomplete or wrong',
  },
  CJK_FONT_MISSING: {
    status: 503,
    zh: '服务器未安装中文字体，无法生成 PDF',
    en: 'No CJK font is installed on the server; the PDF cannot be made',
  },
  // end supply
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
  INGEST_RULES_INVALID: { status: 400, zh: '数据质量规则不正确', en: 'The data-quality rules are not valid' },
  // ── end ingest ──
  INTERNAL: { status: 500, zh: '服务器内部错误，请联系管理员', en: 'Internal server error' },
  // requests (接诉即办)
  ORDER_NOT_FOUND: { status: 404, zh: '未找到该工单', en: 'Work order not found' },
  ORDER_TRANSITION_ILLEGAL: {
    status: 409,
    zh: '工单当前状态不允许此操作',
    en: 'The work order cannot take this step in its current state',
  },
  CATEGORY_UNKNOWN: { status: 400, zh: '诉求类别不存在', en: 'Unknown request category' },
  UNIT_UNKNOWN: { status: 400, zh: '承办单位不存在', en: 'Unknown handling unit' },
  LOCATION_OUTSIDE_DISTRICT: {
    status: 400,
    zh: '位置不在本辖区内',
    en: 'The location is outside the district',
  },
  REQUEST_TEXT_TOO_LONG: { status: 413, zh: '诉求内容过长', en: 'The request text is too long' },
  ATTACHMENT_TOO_LARGE: { status: 413, zh: '照片过大', en: 'The photo is too large' },
  ATTACHMENT_TYPE_UNSUPPORTED: {
    status: 415,
    zh: '照片格式不支持（仅支持 JPEG、PNG、WebP）',
    en: 'Unsupported photo type (JPEG, PNG or WebP only)',
  },
  ORDER_ACCESS_DENIED: {
    status: 403,
    zh: '查询码不正确',
    en: 'The access code does not match this request',
  },
  OPEN311_API_KEY_INVALID: { status: 403, zh: 'api_key 无效', en: 'Invalid api_key' },
  // end requests
  // orders console
  ORDER_EXPORT_TOO_LARGE: {
    status: 400,
    zh: '导出的工单过多，请缩小筛选范围',
    en: 'Too many orders to export; narrow the filters',
  },
  // end orders console
  // request classifier
  CLASSIFIER_NOT_READY: {
    status: 409,
    zh: '尚无启用的分类模型，请先训练并启用一个版本',
    en: 'No classifier version is active; train and activate one first',
  },
  CLASSIFIER_VERSION_NOT_FOUND: { status: 404, zh: '未找到该模型版本', en: 'Model version not found' },
  CLASSIFIER_VERSION_NOT_READY: {
    status: 409,
    zh: '该模型版本尚未训练完成或训练失败，不能启用',
    en: 'The model version has not finished training (or failed) and cannot be activated',
  },
  CLASSIFIER_TRAINING_RUNNING: {
    status: 409,
    zh: '已有模型正在训练，请稍后再试',
    en: 'A model is already being trained; try again later',
  },
  CLASSIFIER_TRAINING_DATA_TOO_SMALL: {
    status: 409,
    zh: '已确认类别的工单太少，无法训练模型',
    en: 'Too few orders with a confirmed category to train a model',
  },
  CLASSIFIER_NO_PREVIOUS: {
    status: 409,
    zh: '没有可回退的上一个启用版本',
    en: 'There is no previously active version to roll back to',
  },
  // end request classifier
  // identity (entity resolution, golden records)
  IDENTITY_RUN_NOT_FOUND: { status: 404, zh: '未找到该识别批次', en: 'Identity run not found' },
  IDENTITY_RUN_BUSY: {
    status: 409,
    zh: '已有识别批次正在运行，请等待其完成',
    en: 'An identity run is already running; wait for it to finish',
  },
  IDENTITY_SETTINGS_INVALID: { status: 400, zh: '匹配参数不正确', en: 'The linkage settings are not valid' },
  IDENTITY_REVIEW_NOT_FOUND: { status: 404, zh: '未找到该待核对记录对', en: 'Review pair not found' },
  IDENTITY_REVIEW_CLOSED: {
    status: 409,
    zh: '该记录对已不在待核对范围内（最近一次识别未再提出）',
    en: 'The pair is no longer in review (the latest run did not raise it)',
  },
  IDENTITY_ENTITY_NOT_FOUND: {
    status: 404,
    zh: '未找到该房屋、户或组织',
    en: 'House, household or organisation not found',
  },
  IDENTITY_MERGE_NOT_FOUND: { status: 404, zh: '未找到该合并记录', en: 'Merge not found' },
  IDENTITY_MERGE_NOT_LATEST: {
    status: 409,
    zh: '只能撤销该居民最近一次仍有效的合并',
    en: "Only the person's latest merge still in force can be undone",
  },
  IDENTITY_REVIEW_NOT_PAIR: {
    status: 409,
    zh: '该项是单条记录（无法落位的登记记录或待定户主的户），不是记录对，不能确认或拆分',
    en: 'This item is about one record (a register record not placed, or a household without its head), not a pair: it cannot be confirmed or split',
  },
  IDENTITY_DECISION_INVALID: {
    status: 400,
    zh: '该核对项不支持此处理方式（不予落位只用于无法落位的记录，选定户主需指定候选人员）',
    en: 'This decision does not fit the item (dismiss is for records not placed and households without a head; choose needs a candidate person)',
  },
  IDENTITY_HEAD_NOT_CANDIDATE: {
    status: 400,
    zh: '该人员不是该户的候选户主（需为候选人员或同一房屋的居民）',
    en: 'The person is not a candidate head of the household (a candidate, or a resident of its house)',
  },
  IDENTITY_REVIEW_DECIDED: {
    status: 409,
    zh: '该户已选定户主；如需更改，请先撤销选定户主的合并',
    en: 'A head has been chosen for this household; undo that merge to choose again',
  },
  IDENTITY_HEAD_TAKEN: {
    status: 409,
    zh: '该人员已是其他户的户主或属于其他户',
    en: 'The person already heads or belongs to another household',
  },
  IDENTITY_ENTITY_IN_USE: {
    status: 409,
    zh: '合并新建的房屋、户或组织已被其他业务引用，无法撤销',
    en: 'The house, household or organisation the merge created is referenced elsewhere; it cannot be undone',
  },
  IDENTITY_MERGE_IN_USE: {
    status: 409,
    zh: '合并新建的居民已被其他业务引用，无法撤销',
    en: 'The person the merge created is referenced elsewhere; it cannot be undone',
  },
  IDENTITY_RULE_INVALID: { status: 400, zh: '存活规则不正确', en: 'The survivorship rule is not valid' },
  // end identity
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
