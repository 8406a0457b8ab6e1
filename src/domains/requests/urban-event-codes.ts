// Classes a grid worker reports on patrol, after the digital urban-management model (GB/T 30428.2 / CJ/T 214):
// events (事件, transient problems) and components (部件, fixed assets found broken or missing). A code is the
// kind letter, the 2-digit major class and a 2-digit minor class: E0102 = 事件/市容环境/暴露垃圾,
// C0101 = 部件/公用设施/上水井盖. Major classes follow the standard's order; minor numbers follow the order of
// the standard's typical lists and are local numbering until checked against the national tables.
const EVENTS: Record<string, [string, string[]]> = {
  '01': [
    '市容环境',
    [
      '私搭乱建',
      '暴露垃圾',
      '积存垃圾渣土',
      '道路不洁',
      '水域不洁',
      '绿地脏乱',
      '废弃家具设备',
      '非装饰性树挂',
      '蚊蝇孳生',
    ],
  ],
  '02': ['宣传广告', ['非法小广告', '违规设置广告牌匾', '悬挂横幅']],
  '03': ['施工管理', ['施工扰民', '工地扬尘', '道路遗撒', '施工占道', '无证掘路']],
  '04': [
    '突发事件',
    ['路面塌陷', '自来水管破裂', '燃气管道破裂', '下水道堵塞', '道路积水', '积雪结冰', '井盖丢失'],
  ],
  '05': [
    '街面秩序',
    [
      '无照经营游商',
      '店外经营',
      '占道废品收购',
      '机动车乱停放',
      '非机动车乱停放',
      '露天烧烤',
      '乱堆物堆料',
      '流浪乞讨',
    ],
  ],
  '06': ['其他事件', ['其他']],
};
const COMPONENTS: Record<string, [string, string[]]> = {
  '01': [
    '公用设施',
    [
      '上水井盖',
      '污水井盖',
      '雨水井盖',
      '雨水篦子',
      '电力井盖',
      '路灯井盖',
      '通讯井盖',
      '燃气井盖',
      '热力井盖',
      '消火栓',
      '电力设施',
      '路灯',
      '公用电话亭',
      '报刊亭',
      '监控电子眼',
    ],
  ],
  '02': [
    '道路交通',
    [
      '公交站亭',
      '交通信号灯',
      '交通标志牌',
      '交通护栏',
      '路名牌',
      '过街天桥',
      '地下通道',
      '桥梁',
      '停车场',
      '存车支架',
      '防撞柱',
    ],
  ],
  '03': ['市容环境', ['公共厕所', '垃圾箱', '垃圾间', '广告牌匾', '环卫设施']],
  '04': ['园林绿化', ['古树名木', '行道树', '护树设施', '绿地', '雕塑', '花架']],
  '05': ['房屋土地', ['宣传栏', '人防工事', '工地']],
  '06': ['其他设施', ['水域附属设施', '高压线铁塔']],
};

export interface UrbanClass {
  code: string;
  kind: 'event' | 'component';
  major: string;
  minor: string;
}

function expand(kind: 'event' | 'component', letter: string, table: Record<string, [string, string[]]>) {
  return Object.entries(table).flatMap(([major, [majorName, minors]]) =>
    minors.map((minor, i) => ({
      code: `${letter}${major}${String(i + 1).padStart(2, '0')}`,
      kind,
      major: majorName,
      minor,
    })),
  );
}

export const URBAN_CLASSES: readonly UrbanClass[] = [
  ...expand('event', 'E', EVENTS),
  ...expand('component', 'C', COMPONENTS),
];
const BY_CODE = new Map(URBAN_CLASSES.map((c) => [c.code, c]));

export function isUrbanEventCode(code: string): boolean {
  return BY_CODE.has(code);
}

export function urbanClass(code: string): UrbanClass | null {
  return BY_CODE.get(code) ?? null;
}
