// The request (诉求) category tree as data: 2 levels (大类 → 小类), each leaf with its responsible department and its
// handling deadline. Routing (接诉即办) dispatches a work order to the leaf's department; the classifier in
// src/lib/classify predicts a leaf code, from which the department and deadline follow.
//
// Codes: a 2-digit major class and a 4-digit leaf (major + 2-digit minor), in the style of GB/T 30428.2
// (see /work/shared/domain/urban-mgmt-codes.md). They are this platform's own codes, not the standard's numbers:
// the hotline tree mixes urban-management events with social services that the standard does not cover.
//
// Deadlines follow the tiers commonly cited for 接诉即办 (jiesu-jiban.md): emergencies / risk to life or property
// 2 hours; time-critical utilities (water, power, gas, heating) 24 hours; general requests 7 days; complex or
// difficult ones 15 days. Hour tiers run on wall-clock time; day tiers are working days (工作日) by default —
// whether the rule means calendar or working days is unconfirmed, so the requests domain keeps that configurable.

/** Responsible units a work order can be dispatched to. */
export const DEPARTMENTS = {
  cityManagement: { zh: '区城管局', en: 'District Urban Management Bureau' },
  housing: { zh: '区住建局', en: 'District Housing and Construction Bureau' },
  civilAffairs: { zh: '区民政局', en: 'District Civil Affairs Bureau' },
  health: { zh: '区卫健委', en: 'District Health Commission' },
  street: { zh: '街道办', en: 'Street Office' },
  community: { zh: '社区居委会', en: 'Community Residents’ Committee' },
  property: { zh: '物业公司', en: 'Property Management Company' },
  water: { zh: '供水公司', en: 'Water Supply Company' },
  heating: { zh: '供热公司', en: 'Heating Company' },
  gas: { zh: '燃气公司', en: 'Gas Company' },
  power: { zh: '供电公司', en: 'Power Supply Company' },
  transport: { zh: '区交通局', en: 'District Transport Bureau' },
  police: { zh: '公安分局', en: 'Public Security Sub-bureau' },
  market: { zh: '区市场监管局', en: 'District Market Regulation Bureau' },
  humanResources: { zh: '区人社局', en: 'District Human Resources and Social Security Bureau' },
  education: { zh: '区教育局', en: 'District Education Bureau' },
  ecology: { zh: '区生态环境分局', en: 'District Ecology and Environment Sub-bureau' },
  landscaping: { zh: '区园林绿化局', en: 'District Landscaping Bureau' },
  planning: { zh: '区规划和自然资源分局', en: 'District Planning and Natural Resources Sub-bureau' },
  medicalInsurance: { zh: '区医保局', en: 'District Medical Insurance Bureau' },
  hotline: { zh: '12345热线中心', en: '12345 Hotline Centre' },
} as const;

export type DepartmentKey = keyof typeof DEPARTMENTS;

/** Handling-time tier of a category (jiesu-jiban.md): 2 h, 24 h, 7 working days, 15 working days. */
export type DeadlineTier = 'emergency' | 'utility' | 'general' | 'complex';

export interface Deadline {
  tier: DeadlineTier;
  /** Hours tiers run on wall-clock time. */
  unit: 'hours' | 'workdays';
  value: number;
}

export const DEADLINE_TIERS: Record<DeadlineTier, Deadline> = {
  emergency: { tier: 'emergency', unit: 'hours', value: 2 },
  utility: { tier: 'utility', unit: 'hours', value: 24 },
  general: { tier: 'general', unit: 'workdays', value: 7 },
  complex: { tier: 'complex', unit: 'workdays', value: 15 },
};

export interface RequestCategory {
  /** 4-digit leaf code (major + minor). */
  code: string;
  zh: string;
  en: string;
  majorCode: string;
  department: DepartmentKey;
  deadline: Deadline;
}

export interface RequestMajorCategory {
  /** 2-digit major-class code. */
  code: string;
  zh: string;
  en: string;
  children: RequestCategory[];
}

type LeafSpec = readonly [zh: string, en: string, department: DepartmentKey, tier: DeadlineTier];
type MajorSpec = readonly [zh: string, en: string, leaves: readonly LeafSpec[]];

// Order matters: codes are assigned by position (major 01…, minor 01…). Append, never reorder, so codes stay stable.
const TREE: readonly MajorSpec[] = [
  [
    '城市管理',
    'Urban management',
    [
      ['占道经营', 'Street vending / occupying the road', 'cityManagement', 'general'],
      ['乱停乱放', 'Illegal parking of vehicles and bicycles', 'cityManagement', 'general'],
      ['非法小广告', 'Illegal flyers and posters', 'cityManagement', 'general'],
      ['露天烧烤', 'Open-air barbecue', 'cityManagement', 'general'],
      ['井盖缺失破损', 'Missing or broken manhole cover', 'cityManagement', 'emergency'],
      ['路灯不亮', 'Street lights out', 'cityManagement', 'general'],
    ],
  ],
  [
    '市容环境',
    'City appearance and sanitation',
    [
      ['垃圾清运', 'Uncollected rubbish', 'cityManagement', 'general'],
      ['垃圾分类', 'Waste sorting', 'street', 'general'],
      ['道路保洁', 'Dirty roads', 'cityManagement', 'general'],
      ['公厕问题', 'Public toilets', 'cityManagement', 'general'],
      ['建筑垃圾渣土', 'Construction waste and spoil', 'cityManagement', 'general'],
    ],
  ],
  [
    '噪音扰民',
    'Noise nuisance',
    [
      ['施工噪音', 'Construction noise', 'cityManagement', 'general'],
      ['商业噪音', 'Shop and business noise', 'cityManagement', 'general'],
      ['广场舞噪音', 'Square-dance noise', 'street', 'general'],
      ['邻居噪音', 'Noise from neighbours', 'community', 'general'],
      ['交通噪音', 'Traffic noise', 'ecology', 'complex'],
    ],
  ],
  [
    '供水',
    'Water supply',
    [
      ['停水', 'Water cut', 'water', 'utility'],
      ['水压低', 'Low water pressure', 'water', 'utility'],
      ['水质问题', 'Water quality', 'water', 'utility'],
      ['管道漏水爆管', 'Leaking or burst water main', 'water', 'emergency'],
      ['水费水表', 'Water bills and meters', 'water', 'general'],
    ],
  ],
  [
    '供暖',
    'Heating',
    [
      ['暖气不热', 'Radiators not warm', 'heating', 'utility'],
      ['暖气漏水', 'Leaking radiator', 'heating', 'utility'],
      ['供暖收费', 'Heating fees', 'heating', 'general'],
      ['供暖开通报停', 'Starting or stopping heating service', 'heating', 'general'],
    ],
  ],
  [
    '燃气',
    'Gas',
    [
      ['燃气泄漏', 'Gas leak', 'gas', 'emergency'],
      ['停气', 'Gas cut', 'gas', 'utility'],
      ['燃气缴费开户', 'Gas bills and accounts', 'gas', 'general'],
      ['燃气安全检查', 'Gas safety inspection', 'gas', 'general'],
    ],
  ],
  [
    '物业管理',
    'Property management',
    [
      ['物业服务质量', 'Quality of property services', 'property', 'general'],
      ['物业收费', 'Property fees', 'housing', 'general'],
      ['电梯故障', 'Lift breakdown', 'property', 'utility'],
      ['小区停车', 'Parking in the estate', 'property', 'general'],
      ['公共设施维修', 'Repair of shared facilities', 'property', 'general'],
      ['业委会选举', 'Owners’ committee', 'street', 'complex'],
    ],
  ],
  [
    '房屋安全',
    'Building safety',
    [
      ['房屋漏雨渗水', 'Leaking roof or walls', 'housing', 'general'],
      ['墙体开裂', 'Cracked walls', 'housing', 'emergency'],
      ['老旧小区改造', 'Renovation of old estates', 'housing', 'complex'],
      ['加装电梯', 'Adding lifts to old buildings', 'housing', 'complex'],
      ['外墙脱落', 'Falling facade', 'housing', 'emergency'],
    ],
  ],
  [
    '交通出行',
    'Traffic and transport',
    [
      ['公交线路', 'Bus routes and stops', 'transport', 'general'],
      ['道路破损', 'Damaged roads', 'transport', 'general'],
      ['交通信号灯', 'Traffic lights', 'police', 'general'],
      ['出租车网约车', 'Taxis and ride-hailing', 'transport', 'general'],
      ['共享单车', 'Shared bicycles', 'transport', 'general'],
    ],
  ],
  [
    '养老服务',
    'Elderly care',
    [
      ['居家养老', 'Home-based elderly care', 'civilAffairs', 'general'],
      ['老年食堂助餐', 'Meals for the elderly', 'street', 'general'],
      ['养老机构', 'Care homes', 'civilAffairs', 'general'],
      ['高龄津贴', 'Old-age allowance', 'civilAffairs', 'general'],
      ['独居老人关爱', 'Elderly people living alone', 'community', 'emergency'],
    ],
  ],
  [
    '医疗卫生',
    'Health',
    [
      ['社区医院服务', 'Community health centres', 'health', 'general'],
      ['医保报销', 'Medical insurance reimbursement', 'medicalInsurance', 'general'],
      ['疫苗接种', 'Vaccination', 'health', 'general'],
      ['病媒防治', 'Pests and disease vectors', 'health', 'general'],
    ],
  ],
  [
    '社会保障',
    'Social security',
    [
      ['低保救助', 'Minimum living allowance', 'civilAffairs', 'complex'],
      ['残疾人补贴', 'Disability benefits', 'civilAffairs', 'general'],
      ['社保缴纳', 'Social insurance contributions', 'humanResources', 'general'],
      ['养老金', 'Pensions', 'humanResources', 'general'],
    ],
  ],
  [
    '教育',
    'Education',
    [
      ['入学招生', 'School enrolment', 'education', 'general'],
      ['校外培训', 'Private tutoring', 'education', 'general'],
      ['幼儿园托育', 'Kindergartens and childcare', 'education', 'general'],
      ['校园周边安全', 'Safety around schools', 'education', 'general'],
    ],
  ],
  [
    '劳动就业',
    'Labour and employment',
    [
      ['拖欠工资', 'Unpaid wages', 'humanResources', 'complex'],
      ['劳动合同', 'Employment contracts', 'humanResources', 'general'],
      ['就业培训', 'Job training and placement', 'humanResources', 'general'],
    ],
  ],
  [
    '市场监管',
    'Market regulation',
    [
      ['食品安全', 'Food safety', 'market', 'general'],
      ['预付卡退费', 'Prepaid-card refunds', 'market', 'complex'],
      ['价格欺诈', 'Price fraud', 'market', 'general'],
      ['无证经营', 'Unlicensed business', 'market', 'general'],
    ],
  ],
  [
    '公共安全',
    'Public safety',
    [
      ['消防隐患', 'Fire hazards', 'street', 'emergency'],
      ['电动车充电', 'E-bike charging indoors', 'street', 'emergency'],
      ['治安问题', 'Public order', 'police', 'general'],
      ['电信诈骗', 'Telecom fraud', 'police', 'general'],
    ],
  ],
  [
    '邻里纠纷',
    'Neighbour disputes',
    [
      ['楼上漏水纠纷', 'Leak from the flat above', 'community', 'general'],
      ['宠物扰民', 'Pets', 'community', 'general'],
      ['公共空间占用', 'Occupying shared spaces', 'community', 'general'],
    ],
  ],
  [
    '违法建设',
    'Illegal construction',
    [
      ['私搭乱建', 'Unauthorised structures', 'cityManagement', 'complex'],
      ['违规装修', 'Illegal alterations in flats', 'housing', 'general'],
      ['侵占绿地', 'Building on green space', 'cityManagement', 'complex'],
    ],
  ],
  [
    '园林绿化',
    'Landscaping',
    [
      ['树木修剪', 'Tree pruning', 'landscaping', 'general'],
      ['倒伏断枝', 'Fallen trees and branches', 'landscaping', 'emergency'],
      ['绿地养护', 'Green-space upkeep', 'landscaping', 'general'],
    ],
  ],
  [
    '环境保护',
    'Environmental protection',
    [
      ['油烟污染', 'Kitchen fumes', 'ecology', 'general'],
      ['废气异味', 'Exhaust and odours', 'ecology', 'general'],
      ['水体污染', 'Polluted water bodies', 'ecology', 'complex'],
      ['扬尘污染', 'Dust', 'ecology', 'general'],
    ],
  ],
  [
    '其他',
    'Other',
    [
      ['政策咨询', 'Policy enquiries', 'hotline', 'general'],
      ['表扬感谢', 'Praise and thanks', 'hotline', 'general'],
      ['其他诉求', 'Other requests', 'street', 'general'],
    ],
  ],
];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** The category tree, majors in code order, each with its leaves. */
export const REQUEST_CATEGORY_TREE: readonly RequestMajorCategory[] = TREE.map(([zh, en, leaves], i) => {
  const majorCode = pad2(i + 1);
  return {
    code: majorCode,
    zh,
    en,
    children: leaves.map(([lzh, len, department, tier], j) => ({
      code: `${majorCode}${pad2(j + 1)}`,
      zh: lzh,
      en: len,
      majorCode,
      department,
      deadline: DEADLINE_TIERS[tier],
    })),
  };
});

/** Every leaf category, in code order. */
export const REQUEST_CATEGORIES: readonly RequestCategory[] = REQUEST_CATEGORY_TREE.flatMap(
  (m) => m.children,
);

const byCode = new Map<string, RequestCategory>(REQUEST_CATEGORIES.map((c) => [c.code, c]));
const majorByCode = new Map<string, RequestMajorCategory>(REQUEST_CATEGORY_TREE.map((m) => [m.code, m]));
const byName = new Map<string, RequestCategory>();
for (const m of REQUEST_CATEGORY_TREE) {
  for (const c of m.children) {
    byName.set(c.zh, c);
    byName.set(`${m.zh}/${c.zh}`, c);
  }
}

/** The leaf with this 4-digit code, or undefined. */
export function requestCategory(code: string): RequestCategory | undefined {
  return byCode.get(code);
}

/** The major class with this 2-digit code (or of this 4-digit leaf code), or undefined. */
export function requestMajorCategory(code: string): RequestMajorCategory | undefined {
  return majorByCode.get(code.slice(0, 2));
}

export function isRequestCategoryCode(code: string): boolean {
  return byCode.has(code);
}

/** A leaf by its Chinese name ("停水") or its path ("供水/停水"). */
export function requestCategoryByName(name: string): RequestCategory | undefined {
  return byName.get(name.trim());
}

/** The department responsible for a leaf, or undefined for an unknown code. */
export function departmentOf(code: string): { key: DepartmentKey; zh: string; en: string } | undefined {
  const c = byCode.get(code);
  return c ? { key: c.department, ...DEPARTMENTS[c.department] } : undefined;
}

/** "供水/停水" for a leaf code; undefined for an unknown one. */
export function requestCategoryPath(code: string, lang: 'zh' | 'en' = 'zh'): string | undefined {
  const c = byCode.get(code);
  const m = majorByCode.get(code.slice(0, 2));
  return c && m ? `${m[lang]}/${c[lang]}` : undefined;
}

/** Handling deadline in hours for an hours tier; undefined for a working-day tier (that needs a calendar). */
export function deadlineHours(code: string): number | undefined {
  const d = byCode.get(code)?.deadline;
  return d?.unit === 'hours' ? d.value : undefined;
}
