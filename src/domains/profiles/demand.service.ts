// Demand analysis over the stored tags and cases, and the elderly-care supply–demand gap per community. The
// targets (places per 100 residents aged 60+) are parameters, not facts: local plans set them.
import type { Db } from '../../platform/db/index.ts';
import { type DemandGrouping, demandBy, ELDER_CARE_SERVICES, elderCareSupply } from './demand.repository.ts';

export interface GapTargets {
  residentialPer100: number;
  dayCarePer100: number;
}

export function demandService(db: Db) {
  async function needs(scopePath: string, by: DemandGrouping, today: string) {
    return { by, asOf: today, groups: await demandBy(db, scopePath, by, today) };
  }

  async function elderCareGap(scopePath: string, today: string, targets: GapTargets) {
    const { elderly, capacity } = await elderCareSupply(db, scopePath, today);
    const target = { residential_care: targets.residentialPer100, day_care: targets.dayCarePer100 };
    const communities = elderly.map((c) => {
      const n = Number(c.n);
      return {
        communityCode: c.code,
        communityName: c.name ?? c.code,
        elderly60: n,
        services: ELDER_CARE_SERVICES.map((s) => {
          const rows = capacity.filter(
            (r) => r.code === c.code && (s.facilityTypes as readonly string[]).includes(r.type),
          );
          const places = rows.reduce((sum, r) => sum + Number(r.capacity ?? 0), 0);
          const needed = Math.ceil((target[s.service] * n) / 100);
          return {
            service: s.service,
            label: s.label,
            facilities: rows.reduce((sum, r) => sum + Number(r.facilities), 0),
            capacity: places,
            per100Elderly: n > 0 ? Math.round((places / n) * 10000) / 100 : null,
            targetPer100: target[s.service],
            needed,
            gap: Math.max(0, needed - places),
          };
        }),
      };
    });
    communities.sort((a, b) => a.communityCode.localeCompare(b.communityCode));
    return { asOf: today, targets, communities };
  }

  return { needs, elderCareGap };
}
