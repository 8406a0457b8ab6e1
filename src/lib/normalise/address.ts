// Free-text Chinese addresses split into their parts, from the province down to the room:
//   浙江省杭州市云溪区东湖街道幸福社区湖滨路12号幸福新村3幢2单元502室
//   幸福新村三栋二单元502    幸福新村3-2-502    湖滨路12号3号楼502室
// Parts are peeled off the front in administrative order, then the building / unit / room tail is read from the
// end; what lies between is the compound (小区). Numbers in Chinese numerals become digits so that 三栋 and 3幢
// compare equal. Pure; matching the parts against known buildings is ./building-match.ts.
import { chineseNumeral, cleanText } from './text.ts';

export interface AddressParts {
  province: string | null;
  city: string | null;
  district: string | null;
  street: string | null;
  community: string | null;
  road: string | null;
  roadNo: string | null;
  compound: string | null;
  building: string | null;
  unit: string | null;
  room: string | null;
}

const NUM = '(\\d+|[零〇一二两三四五六七八九十百]+)';
const PROVINCE = /^(.{2,7}?(?:省|自治区))/;
const MUNICIPALITY = /^(北京市|天津市|上海市|重庆市)/;
const CITY = /^(.{2,7}?(?:市|自治州|地区|盟))/;
const DISTRICT = /^(.{1,4}?(?:区|县|旗))/;
const STREET = /^(.{2,6}?(?:街道|镇|乡))/;
const COMMUNITY = /^(.{2,8}?(?:社区居委会|社区|居委会|村委会))/;
const ROAD = /^(.{1,10}?(?:大道|路|街|巷|弄))(\d+(?:-\d+)?)号/;
const TAIL_WORDS = new RegExp(
  `${NUM}\\s*(?:号楼|幢|栋|座|号)\\s*(?:${NUM}\\s*单元)?\\s*(?:(\\d+)\\s*(?:室|号|房)?)?$`,
);
const TAIL_DASHES = /(\d+)-(\d+)-(\d+)(?:室)?$/;
const TAIL_TWO_DASHES = /(\d+)-(\d+)(?:室)?$/;

function num(text: string | undefined): string | null {
  if (text === undefined) return null;
  const n = chineseNumeral(text);
  return n === null ? null : String(n);
}

export function emptyAddress(): AddressParts {
  return {
    province: null,
    city: null,
    district: null,
    street: null,
    community: null,
    road: null,
    roadNo: null,
    compound: null,
    building: null,
    unit: null,
    room: null,
  };
}

export function parseAddress(raw: string | null | undefined): AddressParts {
  const parts = emptyAddress();
  let s = cleanText(raw)
    .replace(/\s+/g, '')
    .replace(/[—–－]/g, '-');
  if (s === '') return parts;
  const take = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(s);
    if (m) s = s.slice(m[0].length);
    return m;
  };
  const province = take(PROVINCE);
  if (province) parts.province = province[1]!;
  const municipality = take(MUNICIPALITY);
  if (municipality) parts.city = municipality[1]!;
  else if (province || /^.{2,5}?市/.test(s)) {
    const city = take(CITY);
    if (city) parts.city = city[1]!;
  }
  // A bare "…区" at the front is a district only after a city, or when a street or road follows it; otherwise
  // it is more likely a compound's part (南苑东区).
  const district = DISTRICT.exec(s);
  if (
    district &&
    (parts.city || STREET.test(s.slice(district[0].length)) || ROAD.test(s.slice(district[0].length)))
  ) {
    parts.district = district[1]!;
    s = s.slice(district[0].length);
  }
  const street = take(STREET);
  if (street) parts.street = street[1]!;
  const community = take(COMMUNITY);
  if (community) parts.community = community[1]!;
  const road = take(ROAD);
  if (road) {
    parts.road = road[1]!;
    parts.roadNo = road[2]!;
  }
  const dashes = TAIL_DASHES.exec(s);
  const words = dashes ? null : TAIL_WORDS.exec(s);
  const twoDashes = dashes || words ? null : TAIL_TWO_DASHES.exec(s);
  if (dashes) {
    parts.building = String(Number(dashes[1]));
    parts.unit = String(Number(dashes[2]));
    parts.room = dashes[3]!;
  } else if (words) {
    parts.building = num(words[1]);
    parts.unit = num(words[2]);
    parts.room = words[3] ?? null;
  } else if (twoDashes) {
    parts.building = String(Number(twoDashes[1]));
    parts.room = twoDashes[2]!;
  }
  const tail = dashes ?? words ?? twoDashes;
  const compound = (tail ? s.slice(0, tail.index) : s).replace(/[,，、]+$/, '');
  if (compound !== '') parts.compound = compound;
  return parts;
}
