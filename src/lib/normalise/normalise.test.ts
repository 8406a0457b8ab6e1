import { describe, expect, it } from 'vitest';
import { makeIdNumber } from '../id-number.ts';
import {
  chineseNumeral,
  cleanName,
  cleanText,
  createBuildingMatcher,
  parseAddress,
  parseLooseDate,
  parsePhone,
  parseSex,
  reconcileIdentity,
  suggestMapping,
} from './index.ts';

const TODAY = new Date('2026-11-30T00:00:00Z');

describe('text', () => {
  it('turns full-width characters half-width and collapses every kind of whitespace', () => {
    expect(cleanText('　ＡＢＣ１２３\t\n  x ')).toBe('ABC123 x');
    expect(cleanText('不详')).toBe('');
    expect(cleanText(' NULL ')).toBe('');
  });
  it('cleans text that skips NFKC exactly as text that goes through it', () => {
    // The skip covers printable ASCII and the CJK Unified Ideographs: each of them, alone and after a neighbour
    // of either kind, must be NFKC already, or the skip would change results.
    const skipped: string[] = [];
    for (let c = 0x20; c <= 0x7e; c++) skipped.push(String.fromCharCode(c));
    for (let c = 0x4e00; c <= 0x9fff; c++) skipped.push(String.fromCharCode(c));
    const changed = skipped.filter((ch) =>
      [ch, `a${ch}`, `1${ch}`, `中${ch}`, `${ch}a`].some((s) => s.normalize('NFKC') !== s),
    );
    expect(changed).toEqual([]);
    // Compatibility ideographs and circled digits sit outside the skipped ranges and are still normalised.
    expect(cleanText('\uf900①号楼')).toBe('豈1号楼');
    expect(cleanText('朝晖里1号楼 1单元')).toBe('朝晖里1号楼 1单元');
  });
  it('removes spaces between Chinese characters of a name and unifies the middle dot', () => {
    expect(cleanName('王 小 明')).toBe('王小明');
    expect(cleanName('安德烈•史密斯')).toBe('安德烈·史密斯');
  });
  it('reads Chinese numerals', () => {
    expect(chineseNumeral('三')).toBe(3);
    expect(chineseNumeral('十二')).toBe(12);
    expect(chineseNumeral('二十三')).toBe(23);
    expect(chineseNumeral('一百零五')).toBe(105);
    expect(chineseNumeral('一〇五')).toBe(105);
    expect(chineseNumeral('幸福')).toBeNull();
  });
});

describe('dates', () => {
  it.each([
    ['2024-01-02', '2024-01-02'],
    ['2024/1/2', '2024-01-02'],
    ['20240102', '2024-01-02'],
    ['2024年1月2日', '2024-01-02'],
    ['2024.1.2', '2024-01-02'],
    ['２０２４－０１－０２', '2024-01-02'],
    ['2024-01-02 08:30:00', '2024-01-02'],
    ['45293', '2024-01-02'],
  ])('reads %s as %s', (raw, iso) => {
    expect(parseLooseDate(raw)).toEqual({ ok: true, value: iso });
  });
  it('names what is wrong with a date', () => {
    expect(parseLooseDate('')).toEqual({ ok: false, problem: 'empty' });
    expect(parseLooseDate('2023-02-29')).toEqual({ ok: false, problem: 'not_a_date' });
    expect(parseLooseDate('1850-01-01')).toEqual({ ok: false, problem: 'out_of_range' });
    expect(parseLooseDate('去年春天')).toEqual({ ok: false, problem: 'format' });
  });
});

describe('phones', () => {
  it('reads mobiles with country codes, spaces and dashes', () => {
    expect(parsePhone('+86 138-0013-8000')).toEqual({ ok: true, value: '13800138000', kind: 'mobile' });
    expect(parsePhone('008613800138000')).toMatchObject({ value: '13800138000' });
    expect(parsePhone('１３８００１３８０００')).toMatchObject({ value: '13800138000' });
  });
  it('reads landlines with area code and drops an extension', () => {
    expect(parsePhone('(0571)87654321转 802')).toEqual({ ok: true, value: '057187654321', kind: 'landline' });
  });
  it('rejects what is no phone number', () => {
    expect(parsePhone('12345')).toEqual({ ok: false, problem: 'format' });
    expect(parsePhone('无')).toEqual({ ok: false, problem: 'empty' });
    expect(parsePhone('138001380001')).toEqual({ ok: false, problem: 'format' });
  });
});

describe('identity', () => {
  const id18 = makeIdNumber('330192', '1948-03-15', 11); // male (odd sequence)
  const id15 = `330192480315011`;
  it('reads sex words', () => {
    expect(parseSex('男')).toBe('1');
    expect(parseSex('Ｆ')).toBe('2');
    expect(parseSex('')).toBeNull();
    expect(parseSex('不男不女')).toBeUndefined();
  });
  it('upgrades a 15-digit number to 18 and derives sex and birth date', () => {
    const r = reconcileIdentity({ idNumber: id15, sex: '男', birthDate: '1948年3月15日' }, TODAY);
    expect(r).toEqual({
      idNumber: id18,
      idConvertedFrom15: true,
      sex: '1',
      birthDate: '1948-03-15',
      problems: [],
    });
  });
  it('names each field that disagrees with the ID number', () => {
    const r = reconcileIdentity({ idNumber: id18, sex: '女', birthDate: '1948-03-16' }, TODAY);
    expect(r.problems).toEqual([
      { field: 'sex', code: 'sex_mismatch' },
      { field: 'birth_date', code: 'birth_mismatch' },
    ]);
  });
  it('reports a wrong check digit', () => {
    const bad = id18.slice(0, 17) + (id18[17] === '1' ? '2' : '1');
    expect(reconcileIdentity({ idNumber: bad }, TODAY).problems).toEqual([
      { field: 'id_number', code: 'id_check_digit' },
    ]);
  });
  it('keeps the stated fields when there is no ID number', () => {
    expect(reconcileIdentity({ sex: '女', birthDate: '1990/5/6' }, TODAY)).toMatchObject({
      idNumber: null,
      sex: '2',
      birthDate: '1990-05-06',
      problems: [],
    });
  });
});

describe('addresses', () => {
  it('splits a full address down to the room', () => {
    expect(parseAddress('浙江省杭州市云溪区东湖街道幸福社区湖滨路12号幸福新村3幢2单元502室')).toEqual({
      province: '浙江省',
      city: '杭州市',
      district: '云溪区',
      street: '东湖街道',
      community: '幸福社区',
      road: '湖滨路',
      roadNo: '12',
      compound: '幸福新村',
      building: '3',
      unit: '2',
      room: '502',
    });
  });
  it('reads Chinese numerals, 栋 and a missing 室', () => {
    expect(parseAddress('幸福新村三栋二单元502')).toMatchObject({
      compound: '幸福新村',
      building: '3',
      unit: '2',
      room: '502',
    });
  });
  it('reads the dash style building-unit-room', () => {
    expect(parseAddress('幸福新村 3-2-502')).toMatchObject({
      compound: '幸福新村',
      building: '3',
      unit: '2',
      room: '502',
    });
  });
  it('reads 号楼 after a road number without a compound', () => {
    expect(parseAddress('云溪区湖滨路12号3号楼502室')).toMatchObject({
      district: '云溪区',
      road: '湖滨路',
      roadNo: '12',
      compound: null,
      building: '3',
      room: '502',
    });
  });
  it('does not take a compound part ending in 区 for a district', () => {
    expect(parseAddress('南苑东区5幢101室')).toMatchObject({
      district: null,
      compound: '南苑东区',
      building: '5',
    });
  });
  it('matches buildings by compound, then by road, and refuses ambiguous keys', () => {
    const matcher = createBuildingMatcher([
      { id: 1, compound: '幸福新村', road: '湖滨路', roadNo: '12号', buildingNo: '3' },
      { id: 2, compound: '阳光花园', road: '文三路', roadNo: '5号', buildingNo: '1' },
      { id: 3, compound: '翠竹苑', road: '文三路', roadNo: '5号', buildingNo: '1' },
    ]);
    expect(matcher.match(parseAddress('幸福新村三幢502'))).toEqual({ buildingId: 1, by: 'compound' });
    expect(matcher.match(parseAddress('湖滨路12号3号楼502室'))).toEqual({ buildingId: 1, by: 'road' });
    expect(matcher.match(parseAddress('文三路5号1号楼101室'))).toEqual({ buildingId: null, by: 'ambiguous' });
    expect(matcher.match(parseAddress('不存在小区1幢'))).toEqual({ buildingId: null, by: 'none' });
    expect(matcher.match(parseAddress('幸福新村'))).toEqual({ buildingId: null, by: 'no_building_number' });
  });
});

describe('column mapping suggestions', () => {
  it('maps Chinese headers and recognises an unlabeled ID column by its values', () => {
    const header = ['序号', '人员姓名', '性别', '出生年月', '联系方式', '现住址', '字段7', '登记日期'];
    const id = makeIdNumber('330192', '1990-01-02', 12);
    const rows = [
      ['1', '张三', '男', '1990.1.2', '13800138000', '幸福新村3幢502室', id, '2024-05-01'],
      [
        '2',
        '李四',
        '女',
        '1991.2.3',
        '13900139000',
        '阳光花园1-1-101',
        makeIdNumber('330192', '1991-02-03', 14),
        '2024-05-02',
      ],
    ];
    const { mapping, columns } = suggestMapping(header, rows);
    expect(mapping).toEqual({
      name: '人员姓名',
      sex: '性别',
      birth_date: '出生年月',
      phone: '联系方式',
      address: '现住址',
      id_number: '字段7',
      record_date: '登记日期',
    });
    expect(columns[6]).toMatchObject({ field: 'id_number', reason: 'values' });
    expect(columns[0]).toMatchObject({ field: null });
  });
});
