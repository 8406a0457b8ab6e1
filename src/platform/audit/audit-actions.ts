/** Chinese and English labels of the audit actions, for the auditor's filter and table. Domains that audit a
 * new action add its label here. */
export const AUDIT_ACTION_LABELS: Record<string, { zh: string; en: string }> = {
  'auth.login': { zh: '登录', en: 'Sign in' },
  'auth.logout': { zh: '退出登录', en: 'Sign out' },
  'account.create': { zh: '新建账号', en: 'Create account' },
  'account.update': { zh: '修改账号', en: 'Update account' },
  'person.search': { zh: '查询居民', en: 'Search residents' },
  'person.read': { zh: '查看居民档案', en: 'Read resident record' },
  'person.unmask': { zh: '查看完整个人信息', en: 'Unmask personal data' },
  'person.create': { zh: '新增居民', en: 'Create resident' },
  'person.update': { zh: '修改居民信息', en: 'Update resident' },
  'household.read': { zh: '查看户信息', en: 'Read household' },
  'house.read': { zh: '查看房屋', en: 'Read house' },
  'building.read': { zh: '查看楼栋住户', en: 'Read building residents' },
  'audit.read': { zh: '查阅审计日志', en: 'Read audit log' },
  'audit.verify': { zh: '校验审计链', en: 'Verify audit chain' },
  'audit.export': { zh: '导出审计日志', en: 'Export audit log' },
  // supply
  'planning.coverage': { zh: '查看生活圈覆盖', en: 'Read life-circle coverage' },
  'planning.scenario.create': { zh: '保存规划情景', en: 'Save planning scenario' },
  'provider.create': { zh: '登记服务商', en: 'Register provider' },
  'provider.update': { zh: '修改服务商', en: 'Update provider' },
  'provider.qualification.add': { zh: '登记服务商资质', en: 'Add provider qualification' },
  'procurement.create': { zh: '新建采购项目', en: 'Create procurement project' },
  'procurement.bid': { zh: '登记投标', en: 'Record bid' },
  'provider.match': { zh: '服务商匹配打分', en: 'Score providers' },
  'provider.choose': { zh: '选定服务商', en: 'Choose provider' },
  'delivery.create': { zh: '登记服务记录', en: 'Record service delivery' },
  'delivery.confirm': { zh: '居民确认服务', en: 'Resident confirms service' },
  'delivery.read': { zh: '查看服务记录', en: 'Read service records' },
  'evaluation.export': { zh: '导出评价报告', en: 'Export evaluation report' },
  'planning.siting': { zh: '运行设施选址', en: 'Run facility siting' },
  'allocation.run': { zh: '运行资源分配', en: 'Run resource allocation' },
  // end supply
  // ingest
  'ingest.run': { zh: '导入部门数据', en: 'Import department data' },
  'ingest.preview': { zh: '预览导入文件', en: 'Preview an import file' },
  'ingest.mapping': { zh: '保存字段对应关系', en: 'Save column mapping' },
  'ingest.quarantine.read': { zh: '查看隔离数据', en: 'Read quarantined rows' },
  'ingest.quarantine.fix': { zh: '修正隔离数据', en: 'Fix a quarantined row' },
  'ingest.quarantine.reimport': { zh: '重新导入隔离数据', en: 'Re-import quarantined rows' },
  'ingest.quality.read': { zh: '查看数据质量明细', en: 'Read data-quality offenders' },
  // orders console
  'request.export': { zh: '导出工单', en: 'Export work orders' },
  // requests
  'request.create': { zh: '受理诉求', en: 'Take in a request' },
  'request.join': { zh: '诉求并入同一事件', en: 'Join a request to the same incident' },
  'request.read': { zh: '查看工单', en: 'Read work order' },
  'request.search': { zh: '查询工单', en: 'Search work orders' },
  'request.caller_lookup': { zh: '来电人查询', en: 'Look up a caller' },
  'request.sweep': { zh: '超时预警与升级', en: 'Deadline warnings and escalations' },
  'request.import': { zh: '批量导入热线记录', en: 'Import hotline records' },
  // end orders console
  // request classifier
  'classifier.train': { zh: '训练诉求分类模型', en: 'Train request classifier' },
  'classifier.activate': { zh: '启用诉求分类模型版本', en: 'Activate classifier version' },
  'classifier.rollback': { zh: '回退诉求分类模型版本', en: 'Roll back classifier version' },
  'ingest.rules': { zh: '修改数据质量规则', en: 'Change data-quality rules' },
  // identity
  'identity.run': { zh: '运行实体识别', en: 'Run entity resolution' },
  'identity.review.read': { zh: '查看待核对记录对', en: 'Read review pairs' },
  'identity.review.decide': { zh: '核对记录对（确认或拆分）', en: 'Confirm or split a pair' },
  'identity.golden.read': { zh: '查看黄金记录及来源', en: 'Read golden record and provenance' },
  'identity.merge.undo': { zh: '撤销合并', en: 'Undo a merge' },
  'identity.rule.update': { zh: '修改存活规则', en: 'Update a survivorship rule' },
  'person.prefill': { zh: '读取预填信息', en: 'Read prefill data' },
};

/** The label of an action; an action without one (a domain added it later) shows its own name. */
export function auditActionLabel(action: string): { zh: string; en: string } {
  return AUDIT_ACTION_LABELS[action] ?? { zh: action, en: action };
}
