// Normal forms of houses' addresses and organisations' names and credit codes, so that the linkage engine
// compares like with like. Registers write one room as 望湖苑3号楼2单元501室, 望湖苑3-2-501, 望湖苑三栋二单元501 or
// in separate columns (三幢 / 二单元 / 501室); and one company as 杭州某某科技有限公司, 某某科技有限责任公司 or
// 某某科技（杭州）有限公司. Pure functions.
import { parseUscc } from '../uscc.ts';
import { normaliseText } from './normalise.ts';

const CN_NUMERALS: Record<string, string> = {
  零: '0',
  一: '1',
  二: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
};

/** Chinese numerals up to 99 as digits (三 → 3, 十 → 10, 十二 → 12, 二十三 → 23). */
export function arabicNumerals(text: string): string {
  return text
    .replace(/([一二三四五六七八九])?十([一二三四五六七八九])?/g, (_m, tens?: string, ones?: string) =>
      String((tens ? Number(CN_NUMERALS[tens]) : 1) * 10 + (ones ? Number(CN_NUMERALS[ones]) : 0)),
    )
    .replace(/[零一二三四五六七八九]/g, (c) => CN_NUMERALS[c]!);
}

export interface HouseParts {
  /** The compound (小区) as written after the road number, '' when the address names none. */
  compound: string;
  building: string;
  unit: string;
  room: string;
}

// building, unit and room at the end of an address: 3号楼2单元501室, 3栋2单元501, 3幢2-501, 3-2-501.
const HOUSE_TAIL = /(\d+)(?:号楼|栋|幢|座|-)(?:(\d+)(?:单元|-))?(\d+)(?:室|号)?$/;

/**
 * The compound, building, unit and room of an address (null when it does not end in a building and room). The
 * compound is what follows the last 号 of the road number, so a full address and a compound-only one agree.
 */
export function houseAddressParts(raw: string): HouseParts | null {
  // Not normaliseText: it turns the dashes of 3-2-501 into spaces.
  const text = arabicNumerals(raw.normalize('NFKC').replace(/\s+/g, ''));
  const m = HOUSE_TAIL.exec(text);
  if (!m) return null;
  const head = text.slice(0, m.index);
  const road = head.lastIndexOf('号');
  return {
    compound: road >= 0 ? head.slice(road + 1) : head,
    building: m[1]!,
    unit: m[2] ?? '',
    room: m[3]!,
  };
}

const BUILDING_MARK = /(\d+)(?:号楼|栋|幢|座)/g;

/**
 * The compound and building number an address names (a shop at 望湖苑3号楼底商, an office at 3幢201室), null when
 * it names no building of a compound. The compound is read as houseAddressParts reads it, so a building's own
 * address (…望湖苑3号楼) and a room's give the same parts.
 */
export function buildingAddressParts(raw: string): { compound: string; building: string } | null {
  const house = houseAddressParts(raw);
  if (house?.compound) return { compound: house.compound, building: house.building };
  const text = arabicNumerals(raw.normalize('NFKC').replace(/\s+/g, ''));
  let m: RegExpExecArray | null = null;
  for (const hit of text.matchAll(BUILDING_MARK)) m = hit;
  if (!m) return null;
  const head = text.slice(0, m.index);
  const compound = head.slice(head.lastIndexOf('号') + 1);
  return compound ? { compound, building: m[1]! } : null;
}

/** A road's number as an address writes it (云溪大道8号, 云溪大道八号): the digits, '' when it names none. */
export function roadNumberAfter(address: string, road: string): string {
  const text = arabicNumerals(address.normalize('NFKC').replace(/\s+/g, ''));
  const name = arabicNumerals(road.normalize('NFKC').replace(/\s+/g, ''));
  const at = name ? text.indexOf(name) : -1;
  if (at < 0) return '';
  const m = /^(\d+)号(?!楼)/.exec(text.slice(at + name.length));
  return m ? String(Number(m[1])) : '';
}

/** The house's parts from an address and, where a register keeps them apart, its own columns. */
export function houseParts(
  address: string,
  columns: { building?: string | null; unit?: string | null; room?: string | null } = {},
): HouseParts | null {
  if (!columns.building || !columns.room) return houseAddressParts(address);
  const digits = (s: string | null | undefined) => {
    const m = /\d+/.exec(arabicNumerals(s ?? ''));
    return m ? String(Number(m[0])) : '';
  };
  const compoundOf = houseAddressParts(`${address}1-1`)?.compound ?? address;
  return {
    compound: compoundOf,
    building: digits(columns.building),
    unit: digits(columns.unit),
    room: digits(columns.room),
  };
}

const LEGAL_FORMS = /(股份有限公司|有限责任公司|有限公司|股份公司|集团公司|公司)$/;
const CITY_MARKS = /[（(](杭州|浙江|中国)[）)]|^(浙江省?|杭州市?)/g;

/**
 * The distinctive part of an organisation's name: no city in front or in brackets, no legal form at the end,
 * full-width forms folded (杭州某某科技有限公司 and 某某科技（杭州）有限责任公司 both give 某某科技).
 */
export function organizationNameCore(raw: string): string {
  const s = raw.normalize('NFKC').replace(/\s+/g, '').replace(CITY_MARKS, '').replace(LEGAL_FORMS, '');
  return normaliseText(s).replace(/ /g, '');
}

/** The credit code in its canonical form (upper case, no spaces), or '' when it is no valid code. */
export function usccKey(raw: string): string {
  const r = parseUscc(raw);
  return r.ok ? r.value : '';
}
