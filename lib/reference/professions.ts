/** Reference data of DESIGN.md §6, in one place. */
export const PROFESSIONS = [
  'constructor',
  'cost_engineer',
  'architect',
  'structural_engineer',
] as const;
export type Profession = (typeof PROFESSIONS)[number];

export type ProfessionInfo = {
  name: string;
  certificate: string;
  specialties: readonly string[];
  validityYears: number;
  /** Digit in registration numbers (苏 + digit + year + serial). */
  digit: number;
  /** Qualified in another province: an out-of-province entry must be approved first (rule 14). */
  outOfProvinceEntry: boolean;
};

export const professions: Record<Profession, ProfessionInfo> = {
  constructor: {
    name: '二级注册建造师',
    certificate: '《二级建造师注册证书》',
    specialties: ['建筑工程', '公路工程', '水利水电工程', '市政公用工程', '矿业工程', '机电工程'],
    validityYears: 3,
    digit: 1,
    outOfProvinceEntry: false,
  },
  cost_engineer: {
    name: '二级注册造价工程师',
    certificate: '《二级注册造价工程师注册证书》',
    specialties: ['土木建筑工程', '交通运输工程', '水利工程', '安装工程'],
    validityYears: 4,
    digit: 2,
    outOfProvinceEntry: false,
  },
  architect: {
    name: '二级注册建筑师',
    certificate: '《二级注册建筑师注册证书》',
    specialties: [],
    validityYears: 2,
    digit: 3,
    outOfProvinceEntry: true,
  },
  structural_engineer: {
    name: '二级注册结构工程师',
    certificate: '《二级注册结构工程师注册证书》',
    specialties: [],
    validityYears: 3,
    digit: 4,
    outOfProvinceEntry: true,
  },
};

/** Wujiang District, Suzhou: the only district of demonstration-zone registrations (rule 13). */
export const DEMONSTRATION_ZONE_DISTRICT = '320509';
