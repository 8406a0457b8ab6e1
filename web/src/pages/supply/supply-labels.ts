// Names of the service categories and provider kinds the supply pages show (codes stay in the API).
import type { Lang } from '../../i18n/index.tsx';

const CATEGORY_NAMES: Record<string, readonly [string, string]> = {
  home_care: ['居家养老', 'Home care'],
  elderly_care: ['养老照护', 'Elderly care'],
  meal_delivery: ['助餐配餐', 'Meals'],
  rehabilitation: ['康复护理', 'Rehabilitation'],
  cleaning: ['保洁', 'Cleaning'],
  home_repair: ['上门维修', 'Home repair'],
  child_care: ['托育', 'Child care'],
  legal_aid: ['法律援助', 'Legal aid'],
  psychological_support: ['心理支持', 'Psychological support'],
};

export const CATEGORIES = Object.keys(CATEGORY_NAMES);

const KIND_NAMES: Record<string, readonly [string, string]> = {
  company: ['企业', 'Company'],
  social_org: ['社会组织', 'Social organization'],
  volunteer_team: ['志愿队伍', 'Volunteer team'],
  public_institution: ['事业单位', 'Public institution'],
};

const pick = (names: Record<string, readonly [string, string]>, code: string, lang: Lang) => {
  const n = names[code];
  return n ? n[lang === 'en' ? 1 : 0] : code;
};

export const categoryLabel = (code: string, lang: Lang) => pick(CATEGORY_NAMES, code, lang);
export const kindLabel = (code: string, lang: Lang) => pick(KIND_NAMES, code, lang);
