import { describe, expect, it } from 'vitest';
import { maskAddress, maskIdNumber, maskName, maskPhone } from './masking.ts';

describe('display masking', () => {
  it('keeps the first 6 and last 4 characters of an ID number', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
  });

  it('keeps the first 3 and last 4 digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('138-1234-5678')).toBe('138****5678');
    expect(maskPhone('0571-8888123')).toBe('*******8123');
  });

  it('masks names by the surname rule, compound surnames included', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('张建明')).toBe('张*明');
    expect(maskName('欧阳明')).toBe('欧阳*');
    expect(maskName('欧阳明月')).toBe('欧阳**');
    expect(maskName('爱新觉罗启星')).toBe('爱*****');
    expect(maskName('王')).toBe('王');
  });

  it('cuts an address at the building', () => {
    expect(maskAddress('浙江省杭州市云溪区湖滨路12号幸福里3号楼2单元502室')).toBe(
      '浙江省杭州市云溪区湖滨路12号幸福里3号楼****',
    );
    expect(maskAddress('云溪区某某村5组')).toBe('****');
  });
});
