// Three years of the demo district's service supply: each community's budget and staff per year, and the services
// providers delivered to its residents (who, when, what, how long, what it cost, the resident's confirmation and
// rating). Communities differ in how well they turn budget and staff into services, and providers in price and
// quality, so efficiency (DEA) has a real spread to find. Deliveries here are caused by a policy (the home-care
// subsidy) or the community's service plan; those caused by resident requests are added once requests exist.

import type { SeededRandom } from '../../lib/random/seeded.ts';
import type { DemoLayout } from './district-layout.ts';
import type { PersonRow } from './population.ts';
import type { ProviderRow } from './services-supply.ts';

export interface CommunityResourceRow {
  communityCode: string;
  streetCode: string;
  year: number;
  budget: number;
  staff: number;
}

export interface DeliveryRow {
  id: number;
  providerId: number;
  person: PersonRow;
  workerName: string;
  category: string;
  description: string;
  startedAt: Date;
  minutes: number;
  cost: number;
  sourceKind: 'policy' | 'plan';
  sourceId: string;
  confirmedAt: Date | null;
  rating: number | null;
}

export interface SupplyHistory {
  resources: CommunityResourceRow[];
  deliveries: DeliveryRow[];
  /** Each provider's hourly price, as the deliveries were costed (the registry shows the same). */
  providerPrices: Map<number, number>;
}

/** Categories delivered at home, with what a visit is called. */
const HOME_SERVICES: Record<string, string> = {
  elderly_care: '上门助老服务',
  meal_delivery: '助餐送餐',
  rehabilitation: '康复护理',
  cleaning: '居家保洁',
  home_repair: '居家维修',
};

export const HOME_CARE_POLICY = 'HOME_CARE_SUBSIDY';

const WORKER_SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡';
const WORKER_GIVEN = '丽芳敏静燕红霞梅兰英华玲';

/** Visits per resident aged 60+ per year, before the community's own effectiveness. */
const VISITS_PER_ELDER_YEAR = 1.2;

export function generateSupplyHistory(
  layout: DemoLayout,
  persons: PersonRow[],
  providers: ProviderRow[],
  today: string,
  rng: SeededRandom,
): SupplyHistory {
  const thisYear = Number(today.slice(0, 4));
  const todayMs = Date.parse(`${today}T00:00:00+08:00`);
  const elders = new Map<string, PersonRow[]>();
  const residents = new Map<string, number>();
  for (const p of persons) {
    const code = p.grid.communityCode;
    residents.set(code, (residents.get(code) ?? 0) + 1);
    if (thisYear - Number(p.birthDate.slice(0, 4)) >= 60) {
      const list = elders.get(code);
      if (list) list.push(p);
      else elders.set(code, [p]);
    }
  }
  // Provider traits: price per hour and quality (drives ratings and how long a visit takes).
  const traits = new Map(
    providers.map((p) => [
      p.id,
      {
        price: p.kind === 'volunteer_team' ? 0 : 45 + Math.round(rng.next() * 45),
        quality: 0.55 + rng.next() * 0.45,
      },
    ]),
  );
  const resources: CommunityResourceRow[] = [];
  const deliveries: DeliveryRow[] = [];
  for (const community of layout.communities) {
    const code = community.code;
    const streetCode = code.slice(0, 9);
    const people = residents.get(code) ?? 0;
    const olds = elders.get(code) ?? [];
    // How well the community turns its budget and staff into services: fixed per community, a little drift per year.
    const effectiveness = 0.45 + rng.next() * 0.55;
    const serving = providers.filter(
      (p) => community.path.startsWith(p.scopePath) && p.serviceCategories.some((c) => c in HOME_SERVICES),
    );
    for (let year = thisYear - 2; year <= thisYear; year++) {
      const budget = Math.round((200_000 + olds.length * 1_500 * (0.8 + rng.next() * 0.5)) / 1000) * 1000;
      const staff = Math.max(3, Math.round((people / 800) * (0.8 + rng.next() * 0.5)) + 2);
      resources.push({ communityCode: code, streetCode, year, budget, staff });
      if (olds.length === 0 || serving.length === 0) continue;
      const yearStart = Date.parse(`${year}-01-01T00:00:00+08:00`);
      const yearEnd = Math.min(Date.parse(`${year + 1}-01-01T00:00:00+08:00`), todayMs);
      if (yearEnd <= yearStart) continue;
      const share = (yearEnd - yearStart) / (365 * 86_400_000);
      const drift = 0.9 + rng.next() * 0.2;
      const visits = Math.round(olds.length * VISITS_PER_ELDER_YEAR * effectiveness * drift * share);
      for (let v = 0; v < visits; v++) {
        const provider = rng.pick(serving);
        const t = traits.get(provider.id)!;
        const category = rng.pick(provider.serviceCategories.filter((c) => c in HOME_SERVICES));
        const person = rng.pick(olds);
        const day = yearStart + Math.floor(rng.next() * ((yearEnd - yearStart) / 86_400_000)) * 86_400_000;
        const startedAt = new Date(day + (8 + rng.int(0, 9)) * 3_600_000 + rng.int(0, 3) * 900_000);
        const minutes = Math.max(20, Math.round(((30 + rng.next() * 60) * (0.7 + 0.6 * t.quality)) / 5) * 5);
        const confirmed = rng.chance(0.6 + 0.35 * t.quality);
        const rating = confirmed
          ? Math.max(1, Math.min(5, Math.round(2 + 3 * t.quality + (rng.next() - 0.5) * 1.6)))
          : null;
        deliveries.push({
          id: deliveries.length + 1,
          providerId: provider.id,
          person,
          workerName: `${rng.pick([...WORKER_SURNAMES])}${rng.pick([...WORKER_GIVEN])}`,
          category,
          description: HOME_SERVICES[category]!,
          startedAt,
          minutes,
          cost: Math.round((minutes / 60) * t.price * 100) / 100,
          sourceKind: category === 'elderly_care' ? 'policy' : 'plan',
          sourceId: category === 'elderly_care' ? HOME_CARE_POLICY : `${code}-${year}`,
          confirmedAt: confirmed ? new Date(startedAt.getTime() + minutes * 60_000) : null,
          rating,
        });
      }
    }
  }
  return { resources, deliveries, providerPrices: new Map([...traits].map(([id, t]) => [id, t.price])) };
}
