// Ranked, explainable matching of providers to a procurement project or a single service request. Pure: facts in,
// ranking out. Every component is a score in 0…1 with the raw value and a sentence saying why; the weights are
// data (table match_weight) and are normalised to sum to 1, so the total is a weighted mean in 0…1.
// Hard requirements (an active provider, a valid qualification for the category, the category itself, the
// location inside the service area, capacity left, a price within the budget) do not vanish into the score: a
// provider that misses one is ranked after every eligible one and the blockers are listed.
import { haversine } from '../../lib/location/geometry.ts';
import type { MatchComponent } from '../../platform/db/schema.ts';

export const MATCH_COMPONENTS: readonly MatchComponent[] = [
  'qualification',
  'category',
  'distance',
  'capacity',
  'price',
  'rating',
  'performance',
];

export type MatchWeights = Record<MatchComponent, number>;

export interface MatchSubject {
  category: string;
  lng: number;
  lat: number;
  /** Capacity the work needs (service hours or visits a month). */
  requiredCapacity: number;
  /** Date the qualification must be valid on (yyyy-mm-dd, China). */
  on: string;
  /** Most the work may cost, when there is a budget. */
  budget?: number;
}

export interface ProviderFacts {
  id: number;
  name: string;
  status: 'active' | 'suspended' | 'blacklisted';
  categories: string[];
  lng: number | null;
  lat: number | null;
  serviceRadiusM: number | null;
  capacityPerMonth: number | null;
  /** Capacity already used in the last 30 days (delivered services). */
  usedLast30Days: number;
  /** Price of this work (a bid, or the hourly price × hours); null when unknown. */
  price: number | null;
  rating: number | null;
  qualifications: {
    kind: string;
    number: string;
    categories: string[];
    validFrom: string;
    validUntil: string;
  }[];
  history: { deliveries: number; confirmed: number; averageResidentRating: number | null };
}

export interface Explained {
  zh: string;
  en: string;
}

export interface ScoreComponent {
  component: MatchComponent;
  weight: number;
  score: number;
  contribution: number;
  value: number | string | null;
  why: Explained;
}

export interface RankedProvider {
  rank: number;
  providerId: number;
  name: string;
  eligible: boolean;
  blockers: Explained[];
  score: number;
  components: ScoreComponent[];
}

/** Weights normalised to sum to 1; all-zero weights are an error the caller reports. */
export function normaliseWeights(weights: MatchWeights): MatchWeights {
  const total = MATCH_COMPONENTS.reduce((a, c) => a + Math.max(0, weights[c] ?? 0), 0);
  if (!(total > 0)) throw new RangeError('the weights sum to zero');
  return Object.fromEntries(
    MATCH_COMPONENTS.map((c) => [c, Math.max(0, weights[c] ?? 0) / total]),
  ) as MatchWeights;
}

const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;

export function scoreProviders(
  subject: MatchSubject,
  providers: ProviderFacts[],
  weights: MatchWeights,
): RankedProvider[] {
  const w = normaliseWeights(weights);
  const prices = providers.map((p) => p.price).filter((p): p is number => p !== null && p > 0);
  const cheapest = prices.length > 0 ? Math.min(...prices) : null;
  const rows = providers.map((p) => {
    const blockers: Explained[] = [];
    const components: ScoreComponent[] = [];
    const add = (component: MatchComponent, score: number, value: number | string | null, why: Explained) =>
      components.push({
        component,
        weight: round(w[component]),
        score: round(score),
        contribution: round(w[component] * score),
        value,
        why,
      });

    if (p.status !== 'active')
      blockers.push({ zh: `服务商状态为「${p.status}」`, en: `provider status is ${p.status}` });

    const valid = p.qualifications.filter(
      (q) =>
        q.validFrom <= subject.on &&
        q.validUntil >= subject.on &&
        (q.categories.length === 0 || q.categories.includes(subject.category)),
    );
    const expired = p.qualifications.filter((q) => q.validUntil < subject.on);
    if (valid.length > 0) {
      const until = valid
        .map((q) => q.validUntil)
        .sort()
        .at(-1)!;
      add('qualification', 1, until, { zh: `资质有效至 ${until}`, en: `qualification valid until ${until}` });
    } else {
      const why =
        expired.length > 0
          ? {
              zh: `资质已于 ${expired
                .map((q) => q.validUntil)
                .sort()
                .at(-1)} 过期`,
              en: `qualification expired on ${expired
                .map((q) => q.validUntil)
                .sort()
                .at(-1)}`,
            }
          : {
              zh: `无「${subject.category}」类有效资质`,
              en: `no valid qualification for ${subject.category}`,
            };
      add('qualification', 0, null, why);
      blockers.push(why);
    }

    if (p.categories.includes(subject.category)) {
      add('category', 1, subject.category, {
        zh: `服务类别含「${subject.category}」`,
        en: `offers ${subject.category}`,
      });
    } else {
      const why = { zh: `服务类别不含「${subject.category}」`, en: `does not offer ${subject.category}` };
      add('category', 0, p.categories.join(','), why);
      blockers.push(why);
    }

    if (p.lng === null || p.lat === null) {
      add('distance', 0.5, null, {
        zh: '服务商位置未登记，按中性分计',
        en: 'provider location unknown: neutral score',
      });
    } else {
      const d = haversine(p.lng, p.lat, subject.lng, subject.lat);
      const radius = p.serviceRadiusM ?? 5000;
      const score = Math.max(0, 1 - d / radius);
      add('distance', score, Math.round(d), {
        zh: `距离 ${Math.round(d)} 米（服务半径 ${radius} 米）`,
        en: `${Math.round(d)} m away (service radius ${radius} m)`,
      });
      if (p.serviceRadiusM !== null && d > p.serviceRadiusM)
        blockers.push({
          zh: `超出服务半径 ${p.serviceRadiusM} 米`,
          en: `outside the ${p.serviceRadiusM} m service radius`,
        });
    }

    if (p.capacityPerMonth === null) {
      add('capacity', 0.5, null, {
        zh: '未登记服务能力，按中性分计',
        en: 'capacity not registered: neutral score',
      });
    } else {
      const left = p.capacityPerMonth - p.usedLast30Days;
      const score =
        subject.requiredCapacity > 0
          ? Math.max(0, Math.min(1, left / subject.requiredCapacity))
          : left > 0
            ? 1
            : 0;
      add('capacity', score, left, {
        zh: `剩余能力 ${left}，需要 ${subject.requiredCapacity}`,
        en: `${left} capacity left, ${subject.requiredCapacity} needed`,
      });
      if (left < subject.requiredCapacity)
        blockers.push({
          zh: `剩余能力 ${left} 不足 ${subject.requiredCapacity}`,
          en: `capacity left ${left} is below ${subject.requiredCapacity}`,
        });
    }

    if (p.price === null || cheapest === null) {
      add('price', 0, null, { zh: '未报价', en: 'no price' });
    } else {
      const score = p.price > 0 ? cheapest / p.price : 1;
      add('price', score, p.price, {
        zh: `报价 ${p.price}，最低报价 ${cheapest}`,
        en: `price ${p.price}, lowest ${cheapest}`,
      });
      if (subject.budget !== undefined && p.price > subject.budget)
        blockers.push({
          zh: `报价 ${p.price} 超出预算 ${subject.budget}`,
          en: `price ${p.price} exceeds the budget ${subject.budget}`,
        });
    }

    if (p.rating === null)
      add('rating', 0.5, null, { zh: '暂无评级，按中性分计', en: 'no rating yet: neutral score' });
    else add('rating', p.rating / 5, p.rating, { zh: `评级 ${p.rating} / 5`, en: `rated ${p.rating} of 5` });

    const h = p.history;
    if (h.deliveries === 0) {
      add('performance', 0.5, null, {
        zh: '暂无服务记录，按中性分计',
        en: 'no service history: neutral score',
      });
    } else {
      // Half from how many services residents confirmed, half from their ratings (neutral when none rated).
      const confirmedShare = h.confirmed / h.deliveries;
      const rated = h.averageResidentRating === null ? 0.5 : h.averageResidentRating / 5;
      add('performance', 0.5 * confirmedShare + 0.5 * rated, h.deliveries, {
        zh: `服务 ${h.deliveries} 次，居民确认 ${h.confirmed} 次，平均评分 ${h.averageResidentRating === null ? '无' : round(h.averageResidentRating, 2)}`,
        en: `${h.deliveries} services, ${h.confirmed} confirmed by residents, average rating ${h.averageResidentRating === null ? 'none' : round(h.averageResidentRating, 2)}`,
      });
    }
    const score = round(components.reduce((a, c) => a + w[c.component] * c.score, 0));
    return { providerId: p.id, name: p.name, eligible: blockers.length === 0, blockers, score, components };
  });
  rows.sort(
    (a, b) => Number(b.eligible) - Number(a.eligible) || b.score - a.score || a.providerId - b.providerId,
  );
  return rows.map((r, i) => ({ rank: i + 1, ...r }));
}
