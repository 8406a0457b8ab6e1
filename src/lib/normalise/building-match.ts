// Matches parsed addresses to the known buildings: first by compound and building number (compound names are
// unique in a district), then by road, road number and building number. A key that fits several buildings is
// ambiguous and matches none: a wrong building is worse than no building. Pure; the caller loads the buildings.
import type { AddressParts } from './address.ts';
import { cleanText } from './text.ts';

export interface KnownBuilding {
  id: number;
  compound: string | null;
  road: string | null;
  roadNo: string | null;
  buildingNo: string;
}

export type BuildingMatch =
  | { buildingId: number; by: 'compound' | 'road' }
  | { buildingId: null; by: 'none' | 'ambiguous' | 'no_building_number' };

const AMBIGUOUS = -1;

function key(...parts: string[]): string {
  return parts.map((p) => cleanText(p).replace(/\s+/g, '')).join('|');
}

function roadNumber(roadNo: string): string {
  return roadNo.replace(/号$/, '');
}

export interface BuildingMatcher {
  match(parts: AddressParts): BuildingMatch;
  readonly size: number;
}

export function createBuildingMatcher(buildings: Iterable<KnownBuilding>): BuildingMatcher {
  const byCompound = new Map<string, number>();
  const byRoad = new Map<string, number>();
  const put = (map: Map<string, number>, k: string, id: number) => {
    const seen = map.get(k);
    map.set(k, seen === undefined || seen === id ? id : AMBIGUOUS);
  };
  let size = 0;
  for (const b of buildings) {
    size++;
    const no = String(Number(b.buildingNo) || b.buildingNo);
    if (b.compound) put(byCompound, key(b.compound, no), b.id);
    if (b.road && b.roadNo) put(byRoad, key(b.road, roadNumber(b.roadNo), no), b.id);
  }
  return {
    size,
    match(parts) {
      if (!parts.building) return { buildingId: null, by: 'no_building_number' };
      let ambiguous = false;
      if (parts.compound) {
        const id = byCompound.get(key(parts.compound, parts.building));
        if (id !== undefined && id !== AMBIGUOUS) return { buildingId: id, by: 'compound' };
        ambiguous ||= id === AMBIGUOUS;
      }
      if (parts.road && parts.roadNo) {
        const id = byRoad.get(key(parts.road, roadNumber(parts.roadNo), parts.building));
        if (id !== undefined && id !== AMBIGUOUS) return { buildingId: id, by: 'road' };
        ambiguous ||= id === AMBIGUOUS;
      }
      return { buildingId: null, by: ambiguous ? 'ambiguous' : 'none' };
    },
  };
}
