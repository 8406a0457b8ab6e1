// Display masking (GB/T 35273 展示限制). The platform's formats: ID 110105********1234, phone 138****5678,
// name 张*明 / 张* / 欧阳** , address cut at the building. Pure functions; the presenters decide when to call them.

export function maskIdNumber(id: string): string {
  if (id.length <= 10) return '*'.repeat(id.length);
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (/^1\d{10}$/.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  if (digits.length > 4) return '*'.repeat(digits.length - 4) + digits.slice(-4);
  return '*'.repeat(digits.length);
}

/** Compound (two-character) surnames keep both characters, so 欧阳明 becomes 欧阳*, not 欧**. */
const COMPOUND_SURNAMES = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '轩辕',
  '令狐',
  '钟离',
  '端木',
  '独孤',
  '南宫',
  '西门',
  '万俟',
  '闻人',
  '赫连',
  '澹台',
  '公冶',
  '太史',
  '申屠',
  '呼延',
]);

export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return name;
  const surnameLength = chars.length > 2 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) ? 2 : 1;
  if (chars.length === 2) return `${chars[0]}*`;
  if (chars.length === surnameLength + 1) return `${chars.slice(0, surnameLength).join('')}*`;
  // Three characters: keep the last, as 张*明; longer names hide everything after the surname.
  if (chars.length === 3 && surnameLength === 1) return `${chars[0]}*${chars[2]}`;
  return chars.slice(0, surnameLength).join('') + '*'.repeat(chars.length - surnameLength);
}

/**
 * An address down to the building: the unit and room are dropped. Addresses in the platform's standard form end
 * in "…号楼X单元Y室" / "…栋…"; anything after the building marker is removed.
 */
export function maskAddress(address: string): string {
  const m = address.match(/^(.*?(?:号楼|栋|幢|座))/);
  if (m) return `${m[1]}****`;
  return address.length > 8 ? `${address.slice(0, address.length - 6)}****` : '****';
}

/**
 * Free text (a request as the resident typed it) with every mobile number and ID number in it masked, for files
 * that leave the platform: residents often write their phone into the description.
 */
export function maskPersonalNumbers(text: string): string {
  return text
    .replace(/(?<![\dXx])\d{17}[\dXx](?![\dXx])/g, (id) => maskIdNumber(id))
    .replace(/(?<!\d)1[3-9]\d{9}(?!\d)/g, (phone) => maskPhone(phone));
}
