import { describe, expect, it } from 'vitest';
import { maskAddress, maskIdNumber, maskName, maskPersonalNumbers, maskPhone } from './masking.ts';

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

  it('masks the mobile and ID numbers a resident typed into free text, and leaves other numbers alone', () => {
    expect(maskPersonalNumbers('我电话13912345678，身份证11010119900307123X，3号楼502室')).toBe(
      '我电话139****5678，身份证110101********123X，3号楼502室',
    );
    // A 12-digit number is no phone, a 19-digit one no ID number; an order number stays readable.
    expect(maskPersonalNumbers('工单 2026030112345 编号 139123456789')).toBe(
      '工单 2026030112345 编号 139123456789',
    );
  });
});
