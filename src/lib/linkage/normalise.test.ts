import { describe, expect, it } from 'vitest';
import {
  bigramTokens,
  canonicalIdNumber,
  initialsKey,
  isNullValue,
  normaliseAddress,
  normaliseText,
  parseDateDays,
  parseNumber,
  phoneDigits,
  pinyinKey,
  pinyinSwapKey,
  wordTokens,
} from './normalise.ts';

describe('pinyin keys of names', () => {
  it('make homophones and romanised forms agree (张伟, 章伟, "Zhang Wei", "ZHANG WEI")', () => {
    expect(new Set(['张伟', '章伟', 'Zhang Wei', 'ZHANG WEI'].map(pinyinKey))).toEqual(new Set(['zhangwei']));
    expect(pinyinKey('吕芳')).toBe('lvfang');
  });

  it('read the first character as a surname (单 shan, 曾 zeng)', () => {
    expect(pinyinKey('单雄')).toBe('shanxiong');
    expect(pinyinKey('曾国')).toBe('zengguo');
  });

  it('ignore the order of surname and given name in the swap key ("Wei Zhang" = 张伟)', () => {
    expect(pinyinSwapKey('Wei Zhang')).toBe(pinyinSwapKey('张伟'));
    expect(pinyinSwapKey('Xiaoming Zhang')).toBe(pinyinSwapKey('张晓明'));
    expect(initialsKey('张伟')).toBe('zw');
  });
});

describe('value normalisation', () => {
  it('folds width, case and punctuation, and treats null words as missing', () => {
    expect(normaliseText('ＡＢＣ，Smith  Jr.')).toBe('abc smith jr');
    expect(normaliseText(' N/A ')).toBe('');
    expect(isNullValue('不详')).toBe(true);
    expect(isNullValue('0')).toBe(false);
  });

  it('parses the date styles of exports to one day number, and rejects impossible dates', () => {
    const days = [
      '1990-03-07',
      '1990/3/7',
      '19900307',
      '1990年3月7日',
      '07/03/1990',
      '1990-03-07T08:00:00Z',
    ].map(parseDateDays);
    expect(new Set(days)).toEqual(new Set([Date.UTC(1990, 2, 7) / 86_400_000]));
    expect(parseDateDays('1990-02-30')).toBeNaN();
    expect(parseDateDays('not a date')).toBeNaN();
    expect(parseDateDays('')).toBeNaN();
  });

  it('upgrades 15-digit ID numbers to 18 and gives "" for anything that is no ID number', () => {
    expect(canonicalIdNumber('110105900307123')).toBe('110105199003071239');
    expect(canonicalIdNumber('11010519900307123x')).toBe('11010519900307123X');
    expect(canonicalIdNumber('12345')).toBe('');
  });

  it('reduces phones to digits without the country code', () => {
    expect(phoneDigits('+86 138 0013 8000')).toBe('13800138000');
    expect(phoneDigits('138-0013-8000')).toBe('13800138000');
  });

  it('folds address styles to building-unit-room and drops the city prefix', () => {
    expect(normaliseAddress('北京市朝阳区花家地社区3号楼2单元501室')).toBe(
      normaliseAddress('朝阳区花家地社区3栋2单元501'),
    );
    expect(normaliseAddress('12 Main St.')).toBe('12mainst');
  });

  it('reads numbers with currency, thousands separators and units; NaN when there is none', () => {
    expect(['$1,299.00', '¥ 30', '12%', '-3.5e2'].map(parseNumber)).toEqual([1299, 30, 12, -350]);
    expect(parseNumber('abc')).toBeNaN();
    expect(parseNumber('')).toBeNaN();
  });

  it('splits words (Chinese per character) and character bigrams', () => {
    expect(wordTokens('北京 Main St')).toEqual(['北', '京', 'main', 'st']);
    expect(bigramTokens('北京市')).toEqual(['北京', '京市']);
    expect(bigramTokens('A')).toEqual(['a']);
  });
});
