// Name material for generated residents: surnames weighted roughly by their frequency in China's population
// (the top 100 cover ~85%), and given-name characters by sex and generation, so that repeats and homophones occur
// as they do in real registers. Nothing here is a real person.

/** [surname, weight per 10,000 people], approximate national frequencies. */
export const SURNAMES: ReadonlyArray<readonly [string, number]> = [
  ['王', 710],
  ['李', 700],
  ['张', 640],
  ['刘', 540],
  ['陈', 460],
  ['杨', 330],
  ['黄', 230],
  ['赵', 220],
  ['吴', 200],
  ['周', 190],
  ['徐', 130],
  ['孙', 120],
  ['马', 120],
  ['朱', 110],
  ['胡', 100],
  ['郭', 100],
  ['何', 90],
  ['林', 90],
  ['高', 90],
  ['罗', 80],
  ['郑', 80],
  ['梁', 70],
  ['谢', 60],
  ['宋', 60],
  ['唐', 60],
  ['许', 60],
  ['韩', 50],
  ['冯', 50],
  ['邓', 50],
  ['曹', 50],
  ['彭', 50],
  ['曾', 45],
  ['肖', 45],
  ['田', 45],
  ['董', 45],
  ['袁', 40],
  ['潘', 40],
  ['于', 40],
  ['蒋', 40],
  ['蔡', 40],
  ['余', 40],
  ['杜', 40],
  ['叶', 40],
  ['程', 35],
  ['苏', 35],
  ['魏', 35],
  ['吕', 35],
  ['丁', 35],
  ['任', 35],
  ['沈', 35],
  ['姚', 30],
  ['卢', 30],
  ['姜', 30],
  ['崔', 30],
  ['钟', 30],
  ['谭', 30],
  ['陆', 30],
  ['汪', 30],
  ['范', 30],
  ['金', 30],
  ['石', 30],
  ['廖', 25],
  ['贾', 25],
  ['夏', 25],
  ['韦', 25],
  ['付', 25],
  ['方', 25],
  ['白', 25],
  ['邹', 25],
  ['孟', 25],
  ['熊', 25],
  ['秦', 25],
  ['邱', 25],
  ['江', 25],
  ['尹', 20],
  ['薛', 20],
  ['闫', 20],
  ['段', 20],
  ['雷', 20],
  ['侯', 20],
  ['龙', 20],
  ['史', 20],
  ['陶', 20],
  ['黎', 20],
  ['贺', 20],
  ['顾', 20],
  ['毛', 20],
  ['郝', 20],
  ['龚', 20],
  ['邵', 20],
  ['万', 20],
  ['钱', 20],
  ['严', 15],
  ['覃', 15],
  ['武', 15],
  ['戴', 15],
  ['莫', 15],
  ['孔', 15],
  ['向', 15],
  ['汤', 15],
  ['章', 10],
  ['欧阳', 3],
  ['司马', 1],
  ['诸葛', 1],
  ['上官', 1],
];

/**
 * Given names by generation and sex: two-character names as people of that generation were named, and the
 * characters used as one-character names. Names are drawn from these lists or recombined from their characters
 * (never from random characters), which keeps them plausible; short lists make repeats (王伟, 李秀英) and
 * homophones (王伟/汪伟, 子涵 for boys and girls) as common as they are in real registers.
 */
const GIVEN_NAMES = {
  // Born before 1960: the revolutionary and traditional names of the 1930s–50s.
  old: {
    male: {
      double:
        '建国 建华 国庆 志明 德明 永福 福生 金生 国华 卫国 援朝 振华 桂林 长林 根发 玉林 德胜 宝山 文华 明德 海清 跃进'.split(
          ' ',
        ),
      single: '军 华 明 林 平 忠 福 强 斌 荣'.split(' '),
    },
    female: {
      double:
        '秀英 桂兰 玉兰 秀兰 桂英 玉珍 淑珍 凤英 秀珍 翠花 玉梅 美华 月娥 素珍 彩凤 金凤 爱华 淑英 桂芳 秀芳 兰英 菊英'.split(
          ' ',
        ),
      single: '英 兰 芳 珍 梅 华 琴 霞'.split(' '),
    },
  },
  // 1960–1979.
  middle: {
    male: {
      double:
        '建军 海涛 志强 晓东 建平 卫东 红兵 立新 国平 建伟 永强 春雷 志刚 海波 宏伟 振宇 文斌 小平 晓峰 剑锋'.split(
          ' ',
        ),
      single: '伟 勇 军 杰 涛 斌 刚 磊 波 峰 辉 强'.split(' '),
    },
    female: {
      double:
        '海燕 丽娟 晓红 春燕 红梅 秀丽 晓燕 丽萍 建英 艳华 彩霞 小红 晓敏 美玲 玉芬 雪梅 慧敏 丽华'.split(
          ' ',
        ),
      single: '丽 静 敏 燕 艳 娟 霞 芳 红 萍 玲 琳'.split(' '),
    },
  },
  // 1980–1999.
  young: {
    male: {
      double:
        '俊杰 浩然 晓东 家豪 文博 子豪 鹏飞 志远 天宇 明轩 嘉伟 宇航 博文 晨阳 俊峰 一鸣 思远 子健 佳乐 晓宇'.split(
          ' ',
        ),
      single: '磊 超 洋 鹏 浩 宇 杰 帅 博 凯 晨 亮'.split(' '),
    },
    female: {
      double:
        '婷婷 晓雪 佳怡 雨婷 梦婷 思雨 欣怡 丹丹 晓丽 诗琪 雅琪 佳琪 文静 思琪 媛媛 倩倩 梦瑶 晓琳'.split(
          ' ',
        ),
      single: '婷 静 洁 雪 倩 颖 丹 瑶 琪 蕾 璐 佳'.split(' '),
    },
  },
  // 2000 and later.
  youngest: {
    male: {
      double:
        '子轩 浩宇 宇轩 梓豪 沐宸 奕辰 一诺 皓轩 子涵 俊熙 睿泽 锦程 浩然 承泽 嘉懿 铭轩 梓睿 煜祺 逸凡 天佑'.split(
          ' ',
        ),
      single: '睿 轩 宸 泽 航 哲 皓 诚 朗 翊'.split(' '),
    },
    female: {
      double:
        '欣怡 子涵 梓涵 雨涵 一诺 若汐 语桐 梓萱 可馨 诗涵 思彤 佳怡 语嫣 紫萱 若曦 雨桐 欣妍 梦琪 芷若 书瑶'.split(
          ' ',
        ),
      single: '萱 涵 怡 彤 琪 妍 悦 瑶 菲 沫'.split(' '),
    },
  },
} as const;

/** Share of one-character given names, higher for older generations. */
const SINGLE_SHARE = { old: 0.3, middle: 0.35, young: 0.25, youngest: 0.1 } as const;

type Generation = keyof typeof GIVEN_NAMES;

function generationOf(birthYear: number): Generation {
  return birthYear < 1960 ? 'old' : birthYear < 1980 ? 'middle' : birthYear < 2000 ? 'young' : 'youngest';
}

/**
 * First and second characters of each generation's two-character names. Two in three two-character names are
 * recombined from them (建国 + 振华 → 建华, 振国), which keeps the generation's style while giving a district of
 * 100,000 people the spread of names a real one has (tens of thousands of distinct names, the commonest full
 * name a few dozen times).
 */
const CHARACTERS = Object.fromEntries(
  (Object.keys(GIVEN_NAMES) as Generation[]).map((g) => [
    g,
    {
      male: charactersOf(GIVEN_NAMES[g].male.double),
      female: charactersOf(GIVEN_NAMES[g].female.double),
    },
  ]),
) as Record<Generation, Record<'male' | 'female', { first: string[]; second: string[] }>>;

function charactersOf(names: readonly string[]): { first: string[]; second: string[] } {
  return {
    first: [...new Set(names.map((n) => n[0]!))],
    second: [...new Set(names.map((n) => n[1]!))],
  };
}

/** A given name typical of people of this sex born in this year. `random` returns a uniform number in [0, 1). */
export function givenNameFor(birthYear: number, sex: '1' | '2', random: () => number): string {
  const generation = generationOf(birthYear);
  const key = sex === '1' ? 'male' : 'female';
  const names = GIVEN_NAMES[generation][key];
  const pick = (pool: readonly string[]) => pool[Math.floor(random() * pool.length)]!;
  if (random() < SINGLE_SHARE[generation]) return pick(names.single);
  if (random() < 0.35) return pick(names.double);
  const { first, second } = CHARACTERS[generation][key];
  const a = pick(first);
  const b = pick(second);
  // A doubled character (婷婷) is a name of its own, not a recombination.
  return a === b ? pick(names.double) : a + b;
}

/**
 * GB/T 3304 ethnicity codes with rough shares of a Zhejiang city's population: Han above 98%, then the She
 * (畲族, native to Zhejiang) and the groups most present among migrants (Tujia, Miao, Hui, Zhuang, Buyei, Dong,
 * Yi, Manchu, Korean …); the remaining groups are rare.
 */
export const ETHNICITIES: ReadonlyArray<readonly [string, number]> = [
  ['01', 98_300],
  ['22', 300],
  ['15', 280],
  ['06', 250],
  ['03', 180],
  ['08', 120],
  ['09', 110],
  ['12', 100],
  ['07', 70],
  ['11', 60],
  ['10', 40],
  ['13', 30],
  ['02', 25],
  ['05', 20],
  ['14', 20],
  ['04', 15],
  ['25', 15],
  ['19', 10],
  ['18', 8],
  ['16', 7],
  ['17', 5],
  ['33', 5],
];
