// Every string of the console, in Chinese first and English second.
import { createContext, useContext } from 'react';

export type Lang = 'zh' | 'en';

const MESSAGES = {
  appName: ['社区大脑', 'Community Brain'],
  signIn: ['登录', 'Sign in'],
  signOut: ['退出', 'Sign out'],
  username: ['用户名', 'Username'],
  password: ['密码', 'Password'],
  home: ['首页', 'Home'],
  residents: ['居民查询', 'Residents'],
  map: ['地图', 'Map'],
  audit: ['审计日志', 'Audit log'],
  population: ['实有人口', 'Residents'],
  households: ['户数', 'Households'],
  aged60: ['60岁以上占比', 'Aged 60+'],
  elderlyAlone: ['独居老人', 'Elderly living alone'],
  disabled: ['残疾人', 'Disabled'],
  lowIncome: ['低保对象', 'Low income'],
  facilities: ['服务设施', 'Facilities'],
  grids: ['网格', 'Grids'],
  ageBands: ['年龄结构', 'Age structure'],
  searchPlaceholder: ['姓名、身份证号或手机号', 'Name, ID number or phone'],
  search: ['查询', 'Search'],
  name: ['姓名', 'Name'],
  sex: ['性别', 'Sex'],
  age: ['年龄', 'Age'],
  idNumber: ['身份证号', 'ID number'],
  phone: ['电话', 'Phone'],
  address: ['住址', 'Address'],
  grid: ['网格', 'Grid'],
  type: ['人口类型', 'Type'],
  tags: ['特殊群体', 'Groups'],
  masked: ['已脱敏', 'masked'],
  unmask: ['查看完整信息', 'Show full data'],
  purpose: ['查看用途', 'Purpose'],
  purposeHint: ['至少 4 个字，将记入审计日志', 'At least 4 characters; recorded in the audit log'],
  fields: ['字段', 'Fields'],
  auditNotice: ['本次查看已记入审计日志', 'This access has been recorded in the audit log'],
  verify: ['校验审计链', 'Verify chain'],
  chainOk: ['审计链完整', 'Chain intact'],
  chainBroken: ['审计链已被篡改', 'Chain broken'],
  time: ['时间', 'Time'],
  user: ['用户', 'User'],
  action: ['动作', 'Action'],
  outcome: ['结果', 'Outcome'],
  export: ['导出 CSV', 'Export CSV'],
  level: ['层级', 'Level'],
  street: ['街道', 'Streets'],
  community: ['社区', 'Communities'],
  densityLegend: ['人口密度（人/平方公里）', 'Density (per km²)'],
  noPermission: ['您的角色没有此功能', 'Your role has no access to this'],
  scope: ['管辖范围', 'Scope'],
} as const;

export type MessageKey = keyof typeof MESSAGES;

export const LangContext = createContext<Lang>('zh');

export function useT() {
  const lang = useContext(LangContext);
  return (key: MessageKey) => MESSAGES[key][lang === 'zh' ? 0 : 1];
}
