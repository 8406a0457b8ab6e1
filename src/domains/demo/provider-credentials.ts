// What the provider registry needs beyond a name to rank a provider for a project: where it is based, how far it
// serves, what it charges and its licences with their validity. Most licences are valid, some run out within two
// months and a few have lapsed, so the demo's rankings show eligible providers beside blocked ones with the reason.
// A seeded generator of its own, so that adding these leaves every other part of the demo district unchanged.
import { SeededRandom } from '../../lib/random/seeded.ts';
import type { OrganizationRow, ProviderRow } from './services-supply.ts';

export interface QualificationRow {
  providerId: number;
  kind: string;
  number: string;
  issuedBy: string;
  categories: string[];
  validFrom: string;
  validUntil: string;
}

export interface ProviderCredentials {
  providerId: number;
  lng: number;
  lat: number;
  serviceRadiusM: number;
  pricePerHour: number;
  qualifications: QualificationRow[];
}

/** The licence that covers each service category, and who issues it. */
const LICENCES: Record<string, { kind: string; issuedBy: string; prefix: string }> = {
  elderly_care: { kind: '养老服务机构备案', issuedBy: '区民政局', prefix: 'YL' },
  meal_delivery: { kind: '食品经营许可证', issuedBy: '区市场监督管理局', prefix: 'JY' },
  rehabilitation: { kind: '医疗机构执业许可证', issuedBy: '区卫生健康局', prefix: 'YJ' },
  cleaning: { kind: '家政服务机构备案', issuedBy: '区商务局', prefix: 'JZ' },
  home_repair: { kind: '建筑业企业资质证书', issuedBy: '区住房和城乡建设局', prefix: 'JS' },
  child_care: { kind: '托育机构备案', issuedBy: '区卫生健康局', prefix: 'TY' },
  legal_aid: { kind: '法律服务机构执业许可证', issuedBy: '区司法局', prefix: 'SF' },
  psychological_support: { kind: '社会工作服务机构登记证书', issuedBy: '区民政局', prefix: 'SG' },
};
const VOLUNTEER_LICENCE = { kind: '志愿服务组织备案', issuedBy: '区志愿服务联合会', prefix: 'ZY' };

const DAY_MS = 86_400_000;

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Credentials for each provider. `prices` are the hourly prices the service history was costed with (so a
 * delivery's cost and the registry's price agree); `today` (yyyy-mm-dd) anchors the validity periods.
 */
export function generateProviderCredentials(
  providers: readonly ProviderRow[],
  organizations: readonly OrganizationRow[],
  prices: ReadonlyMap<number, number>,
  today: string,
  seed: number,
): ProviderCredentials[] {
  const rng = new SeededRandom(seed);
  const todayMs = Date.parse(`${today}T00:00:00Z`);
  const orgById = new Map(organizations.map((o) => [o.id, o]));
  const orgsOfStreet = (streetCode: string) =>
    organizations.filter((o) => o.grid.streetCode.startsWith(streetCode));
  return providers.map((p) => {
    // A volunteer team has no registered office: it meets at an organisation of its street.
    const near = orgsOfStreet(p.streetCode);
    const base =
      (p.organizationId !== null ? orgById.get(p.organizationId) : undefined) ??
      rng.pick(near.length > 0 ? near : organizations);
    if (!base)
      throw new Error('demo provider credentials: the district has no organisations to base providers at');
    const licences =
      p.kind === 'volunteer_team'
        ? [{ ...VOLUNTEER_LICENCE, categories: [...p.serviceCategories] }]
        : p.serviceCategories.map((c) => ({ ...(LICENCES[c] ?? VOLUNTEER_LICENCE), categories: [c] }));
    const qualifications = licences.map((l) => {
      const state = rng.next();
      // 80 % valid for 1–3 more years, 12 % ending within 60 days, 8 % lapsed up to 10 months ago.
      const untilMs =
        state < 0.8
          ? todayMs + rng.int(365, 3 * 365) * DAY_MS
          : state < 0.92
            ? todayMs + rng.int(5, 60) * DAY_MS
            : todayMs - rng.int(10, 300) * DAY_MS;
      const fromMs = untilMs - rng.int(3, 5) * 365 * DAY_MS;
      return {
        providerId: p.id,
        kind: l.kind,
        number: `${l.prefix}${today.slice(0, 4)}${String(rng.int(0, 999_999)).padStart(6, '0')}`,
        issuedBy: l.issuedBy,
        categories: l.categories,
        validFrom: isoDay(fromMs),
        validUntil: isoDay(untilMs),
      };
    });
    return {
      providerId: p.id,
      lng: base.lng,
      lat: base.lat,
      serviceRadiusM: p.kind === 'volunteer_team' ? rng.int(8, 15) * 100 : rng.int(20, 60) * 100,
      pricePerHour: prices.get(p.id) ?? 0,
      qualifications,
    };
  });
}
