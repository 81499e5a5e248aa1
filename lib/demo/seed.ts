import { birthDateFromIdNumber, genderFromIdNumber, hashPassword } from '../identity/index.js';
import type { ApplicationDraft, ApplicationKind, WorkflowDeps } from '../workflow/index.js';
import type { EducationLevel } from '../reference/index.js';
import { addDays, addMonths, businessDate, recordAudit } from '../platform/index.js';
import type { Clock, Sql, Tx } from '../platform/index.js';
import type { Profession } from '../reference/index.js';
import { professions } from '../reference/index.js';
import { nextRegistrationNumber } from '../registrations/index.js';
import { findTransition, snapshotOf, toConfirmMessage } from '../workflow/index.js';
import { materialsFor } from '../filing/index.js';
import { demoPhoto, demoScan } from './files.js';
import type { FileStore } from '../files/index.js';
import { storeFile } from '../files/index.js';
import type { AccountKind } from '../identity/index.js';
import type { Calendar } from '../calendar/index.js';
import { loadCalendar } from '../calendar/index.js';
import type { Reviewed, ReviewStep, StaffName, WorkingMoment } from './review.js';
import { momentOf, runReviews } from './review.js';

// Demo data (DESIGN.md §6): real-looking people and enterprises of Jiangsu, one for each thing the
// demo should show; the README's "Demo logins" table says which is which. ID numbers and credit
// codes carry valid check characters (lib/identity/identifiers.ts); dates are relative to the seeding
// clock, so registrations and contracts are always as current as described.

/** The password of every demo account (README lists the logins). Demo data is never seeded in production. */
export const DEMO_PASSWORD = 'Demo@2026';

type Education = EducationLevel;

/** A qualification in the province's exam-results registry (qualification_registry). */
type RegistryQualification = {
  profession: Profession;
  specialty: string | null;
  certificateNumber: string;
  passYear: number;
};

/** An active registration; its validity is the profession's, ending `endsInDays` after seeding. */
type DemoRegistration = {
  enterprise: string;
  profession: Profession;
  specialties: readonly string[];
  endsInDays: number;
};

/** When a demo application was started or confirmed: whole days before seeding, or a working moment. */
type When = { daysAgo: number } | WorkingMoment;

/**
 * An application the person has started and confirmed, left where confirmation puts it, or taken
 * on from there by its `review` (review.ts): the enterprise's confirmation and submission and the
 * authority's acts, each at its moment. A renewal acts on the person's registration in the
 * profession.
 */
type DemoApplication = {
  kind: Extract<ApplicationKind, 'initial' | 'out_of_province_qualification' | 'renewal'>;
  profession: Profession;
  /** Credit code of the employing enterprise; none for an out-of-province entry. */
  enterprise: string | null;
  demonstrationZone: boolean;
  started: When;
  confirmed: When;
  review?: readonly ReviewStep[];
  /** The labour contract starts on the 1st of a past month and runs whole years. */
  employment?: { position: string; contractStartedMonthsAgo: number; contractYears: number };
  specialties?: readonly string[];
  outOfProvince?: {
    examProvince: string;
    certificateNumber: string;
    passYear: number;
    registeredElsewhere: boolean;
  };
};

export type DemoPerson = {
  idNumber: string;
  name: string;
  /** Real-name level of the identity login; 4 unless given. */
  realNameLevel?: 1 | 2 | 3 | 4;
  /** null where the profile is incomplete (rule 2 sends the person to complete it). */
  phone: string | null;
  email: string | null;
  address: string | null;
  education: Education | null;
  qualifications: readonly RegistryQualification[];
  registrations?: readonly DemoRegistration[];
  applications?: readonly DemoApplication[];
};

type EnterpriseInformation = {
  legalRepresentative: string;
  address: string;
  contactName: string;
  contactPhone: string;
};

export type DemoEnterprise = {
  creditCode: string;
  name: string;
  districtCode: string;
  /** null: not yet completed on first login (rule 1). */
  information: EnterpriseInformation | null;
  /** The legal-person registry's name when it is no longer the enterprise's (a rename, rule 9). */
  registryName?: string;
};

const HUAJIAN = '91320102MA1X7H2K3F';
const WUJIANG = '91320509MA1W5L8T0W';
const NINGYUAN = '91320106MA1N3R6P53';
const GUSU = '91320500MA1Y8Q4U2L';
const XINCHENG = '91320104MA1MXC5R7H';
const XIJIAN = '91320211136012847C';

export const demoEnterprises = [
  {
    creditCode: HUAJIAN,
    name: '江苏华建建设工程有限公司',
    districtCode: '320102',
    information: {
      legalRepresentative: '黄建国',
      address: '南京市玄武区中山路268号汇杰广场15楼',
      contactName: '马晓燕',
      contactPhone: '025-84671208',
    },
  },
  {
    creditCode: WUJIANG,
    name: '苏州吴江长三角示范区建设有限公司',
    districtCode: '320509',
    information: {
      legalRepresentative: '钱国华',
      address: '苏州市吴江区黎里镇汾湖大道558号',
      contactName: '沈佳',
      contactPhone: '0512-63291576',
    },
  },
  {
    creditCode: NINGYUAN,
    name: '南京宁远工程造价咨询有限公司',
    districtCode: '320106',
    information: {
      legalRepresentative: '许志宏',
      address: '南京市鼓楼区湖南路16号凤凰广场B座9楼',
      contactName: '蒋丽',
      contactPhone: '025-83315902',
    },
  },
  {
    creditCode: GUSU,
    name: '苏州姑苏建筑设计研究院有限公司',
    districtCode: '320508',
    information: {
      legalRepresentative: '顾明远',
      address: '苏州市姑苏区干将西路1288号',
      contactName: '朱颖',
      contactPhone: '0512-65218843',
    },
  },
  // Has not completed its information: cannot confirm anything yet, nor be chosen as employer.
  {
    creditCode: XINCHENG,
    name: '南京新城建设工程有限公司',
    districtCode: '320104',
    information: null,
  },
  // Renamed in the legal-person registry: may file an enterprise rename.
  {
    creditCode: XIJIAN,
    name: '无锡锡建工程有限公司',
    districtCode: '320211',
    information: {
      legalRepresentative: '邹卫东',
      address: '无锡市滨湖区梁溪路35号',
      contactName: '华丽娟',
      contactPhone: '0510-85127730',
    },
    registryName: '无锡锡建建设集团有限公司',
  },
] as const satisfies readonly DemoEnterprise[];

/** Contract of an initial application: on the 1st of a past month, for three years. */
const contract = (position: string, contractStartedMonthsAgo: number) => ({
  position,
  contractStartedMonthsAgo,
  contractYears: 3,
});

/** A moment `workingDaysAgo` working days before seeding, at a Beijing time (review.ts). */
const wd = (workingDaysAgo: number, time: string): WorkingMoment => ({ workingDaysAgo, time });

export const demoPersons = [
  // Constructor registered at 江苏华建 (建筑工程) with 60 days of validity left: renewal is open;
  // qualified in 市政公用工程 too, so an additional registration can add it.
  {
    idNumber: '320102198503141235',
    name: '张伟',
    phone: '13851736420',
    email: 'zhangwei1985@example.com',
    address: '南京市玄武区龙蟠路9号紫金花园12栋2单元501室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '建筑工程',
        certificateNumber: '32201410031286',
        passYear: 2014,
      },
      {
        profession: 'constructor',
        specialty: '市政公用工程',
        certificateNumber: '32201710057413',
        passYear: 2017,
      },
    ],
    registrations: [
      { enterprise: HUAJIAN, profession: 'constructor', specialties: ['建筑工程'], endsInDays: 60 },
    ],
  },
  // Cost engineer without a registration; her initial application waits for 南京宁远 to confirm.
  {
    idNumber: '320505199007212343',
    name: '李娜',
    phone: '15950187342',
    email: 'lina0721@example.com',
    address: '南京市建邺区江东中路311号中泰国际广场5栋1802室',
    education: '硕士研究生',
    qualifications: [
      {
        profession: 'cost_engineer',
        specialty: '土木建筑工程',
        certificateNumber: '32202020014527',
        passYear: 2020,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'cost_engineer',
        enterprise: NINGYUAN,
        demonstrationZone: false,
        started: { daysAgo: 3 },
        confirmed: { daysAgo: 2 },
        employment: contract('造价工程师', 8),
        specialties: ['土木建筑工程'],
      },
    ],
  },
  // Architect qualified in Jiangsu, not registered: may file an initial registration.
  {
    idNumber: '320106198809080565',
    name: '王芳',
    phone: '18951762039',
    email: 'wangfang88@example.com',
    address: '南京市鼓楼区汉中门大街301号南艺后街小区3栋702室',
    education: '硕士研究生',
    qualifications: [
      {
        profession: 'architect',
        specialty: null,
        certificateNumber: '32201630008174',
        passYear: 2016,
      },
    ],
  },
  // Structural engineer registered at 苏州姑苏建筑设计研究院.
  {
    idNumber: '320583199201023457',
    name: '刘强',
    phone: '13776028451',
    email: 'liuqiang92@example.com',
    address: '苏州市姑苏区人民路1088号书香世家12幢301室',
    education: '本科',
    qualifications: [
      {
        profession: 'structural_engineer',
        specialty: null,
        certificateNumber: '32201840006239',
        passYear: 2018,
      },
    ],
    registrations: [
      { enterprise: GUSU, profession: 'structural_engineer', specialties: [], endsInDays: 700 },
    ],
  },
  // Real-name level L2: told to reach L4 in the 江苏政务服务 app before applying.
  {
    idNumber: '320211199106183710',
    name: '赵磊',
    realNameLevel: 2,
    phone: '15062318974',
    email: 'zhaolei0618@example.com',
    address: '无锡市滨湖区蠡湖大道2008号湖景苑8栋1101室',
    education: '大专',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '公路工程',
        certificateNumber: '32202010092358',
        passYear: 2020,
      },
    ],
  },
  // Profile without phone, address and education: sent to complete it before applying.
  {
    idNumber: '320612199411052643',
    name: '孙丽',
    phone: null,
    email: 'sunli1105@example.com',
    address: null,
    education: null,
    qualifications: [
      {
        profession: 'cost_engineer',
        specialty: '交通运输工程',
        certificateNumber: '32202220031764',
        passYear: 2022,
      },
    ],
  },
  // Architect qualified in Zhejiang: the out-of-province entry awaits the authority.
  {
    idNumber: '321002198703221534',
    name: '吴昊',
    phone: '13914025687',
    email: 'wuhao0322@example.com',
    address: '扬州市广陵区文昌中路468号文昌花园6幢402室',
    education: '本科',
    qualifications: [],
    applications: [
      {
        kind: 'out_of_province_qualification',
        profession: 'architect',
        enterprise: null,
        demonstrationZone: false,
        started: { daysAgo: 12 },
        confirmed: { daysAgo: 11 },
        outOfProvince: {
          examProvince: '浙江',
          certificateNumber: '33201530007215',
          passYear: 2015,
          registeredElsewhere: false,
        },
      },
    ],
  },
  // Registered in two professions, both at 江苏华建 (rule 15: one enterprise).
  {
    idNumber: '320104198309120820',
    name: '陈静',
    phone: '18762093145',
    email: 'chenjing83@example.com',
    address: '南京市秦淮区中山南路399号朝天宫小区5幢203室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '机电工程',
        certificateNumber: '32201310024691',
        passYear: 2013,
      },
      {
        profession: 'cost_engineer',
        specialty: '安装工程',
        certificateNumber: '32201920008352',
        passYear: 2019,
      },
    ],
    registrations: [
      {
        enterprise: HUAJIAN,
        profession: 'constructor',
        specialties: ['机电工程'],
        endsInDays: 880,
      },
      {
        enterprise: HUAJIAN,
        profession: 'cost_engineer',
        specialties: ['安装工程'],
        endsInDays: 1030,
      },
    ],
  },
  // Demonstration-zone initial registration (constructor, Wujiang enterprise) awaiting the
  // enterprise. 320584 is Wujiang's code from before it became a district (320509) in 2012.
  {
    idNumber: '320584199005274175',
    name: '沈浩',
    phone: '13338627016',
    email: 'shenhao0527@example.com',
    address: '苏州市吴江区松陵镇中山南路1128号江南花园9幢602室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '建筑工程',
        certificateNumber: '32202110068845',
        passYear: 2021,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'constructor',
        enterprise: WUJIANG,
        demonstrationZone: true,
        started: { daysAgo: 2 },
        confirmed: { daysAgo: 1 },
        employment: contract('项目技术负责人', 3),
        specialties: ['建筑工程'],
      },
    ],
  },
  // Initial application waiting for 南京新城, which must complete its information first (rule 1).
  {
    idNumber: '320104199306153736',
    name: '朱晨',
    phone: '13770925318',
    email: 'zhuchen0615@example.com',
    address: '南京市秦淮区中华路420号秦淮名居3栋1105室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '市政公用工程',
        certificateNumber: '32202210071932',
        passYear: 2022,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'constructor',
        enterprise: XINCHENG,
        demonstrationZone: false,
        started: { daysAgo: 2 },
        confirmed: { daysAgo: 1 },
        employment: contract('施工员', 4),
        specialties: ['市政公用工程'],
      },
    ],
  },
  // Constructor registered at 无锡锡建 (whose registry name changed: rule 9); his initial
  // cost-engineer application waits for it too.
  {
    idNumber: '320211198811032956',
    name: '徐明',
    phone: '13961874205',
    email: 'xuming1103@example.com',
    address: '无锡市滨湖区湖滨路88号湖滨花园6幢302室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '建筑工程',
        certificateNumber: '32201610042287',
        passYear: 2016,
      },
      {
        profession: 'cost_engineer',
        specialty: '土木建筑工程',
        certificateNumber: '32202310019364',
        passYear: 2023,
      },
    ],
    registrations: [
      { enterprise: XIJIAN, profession: 'constructor', specialties: ['建筑工程'], endsInDays: 420 },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'cost_engineer',
        enterprise: XIJIAN,
        demonstrationZone: false,
        started: { daysAgo: 1 },
        confirmed: { daysAgo: 1 },
        employment: contract('造价员', 10),
        specialties: ['土木建筑工程'],
      },
    ],
  },
  // ---- With the authority (DESIGN.md §4): one in each of its states. Each was confirmed by
  // the enterprise and submitted, then accepted, corrected and decided through the workflow's own
  // functions, at moments counted in working days before seeding (review.ts).

  // 待受理, nobody has it yet: submitted by 江苏华建 three working days ago.
  {
    idNumber: '320115198904162717',
    name: '杨帆',
    phone: '13805178264',
    email: 'yangfan0416@example.com',
    address: '南京市江宁区双龙大道1539号21世纪太阳城7栋1203室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '建筑工程',
        certificateNumber: '32201910052716',
        passYear: 2019,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'constructor',
        enterprise: HUAJIAN,
        demonstrationZone: false,
        started: wd(6, '09:10'),
        confirmed: wd(6, '09:52'),
        employment: contract('施工员', 14),
        specialties: ['建筑工程'],
        review: [
          { act: 'enterprise_confirm', when: wd(5, '10:20') },
          { act: 'submit', when: wd(3, '15:30') },
        ],
      },
    ],
  },
  // 江苏华建 confirmed his initial application yesterday: its form waits to be downloaded,
  // signed, sealed and uploaded (待企业上传申请表).
  {
    idNumber: '320102199311222836',
    name: '钱宇航',
    phone: '13951628047',
    email: 'qianyuhang@example.com',
    address: '南京市玄武区珠江路88号新世界中心B座1605室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '机电工程',
        certificateNumber: '32202110064187',
        passYear: 2021,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'constructor',
        enterprise: HUAJIAN,
        demonstrationZone: false,
        started: wd(2, '14:10'),
        confirmed: wd(2, '14:45'),
        employment: contract('机电施工员', 10),
        specialties: ['机电工程'],
        review: [{ act: 'enterprise_confirm', when: wd(1, '10:30') }],
      },
    ],
  },
  // 待受理, claimed by 周敏 (shenhe01) yesterday.
  {
    idNumber: '320105199108233424',
    name: '何婷',
    phone: '15805183627',
    email: 'heting0823@example.com',
    address: '南京市建邺区奥体大街69号新城科技园3栋602室',
    education: '本科',
    qualifications: [
      {
        profession: 'cost_engineer',
        specialty: '土木建筑工程',
        certificateNumber: '32202120027438',
        passYear: 2021,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'cost_engineer',
        enterprise: NINGYUAN,
        demonstrationZone: false,
        started: wd(5, '14:05'),
        confirmed: wd(5, '14:40'),
        employment: contract('造价工程师', 20),
        specialties: ['土木建筑工程'],
        review: [
          { act: 'enterprise_confirm', when: wd(4, '09:45') },
          { act: 'submit', when: wd(2, '11:10') },
          { act: 'claim', officer: 'shenhe01', when: wd(1, '09:20') },
        ],
      },
    ],
  },
  // 审核中, well within its deadline: a photo was asked for and supplied (the clock stopped
  // meanwhile) and accepted by 顾晓东 (shenhe02).
  {
    idNumber: '320506198611051533',
    name: '郭俊',
    phone: '13962147805',
    email: 'guojun1105@example.com',
    address: '苏州市吴中区东吴北路299号东湖花园5幢402室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '机电工程',
        certificateNumber: '32201810047259',
        passYear: 2018,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'constructor',
        enterprise: WUJIANG,
        demonstrationZone: false,
        started: wd(17, '10:00'),
        confirmed: wd(17, '10:35'),
        employment: contract('机电工程师', 26),
        specialties: ['机电工程'],
        review: [
          { act: 'enterprise_confirm', when: wd(16, '14:00') },
          { act: 'submit', when: wd(15, '10:30') },
          { act: 'accept', officer: 'shenhe02', when: wd(13, '09:40') },
          {
            act: 'request_correction',
            officer: 'shenhe02',
            when: wd(11, '15:10'),
            items: [
              { addressedTo: 'person', reason: 'photo_unfit', what: '近6个月内免冠正面证件照' },
            ],
          },
          {
            act: 'supply',
            party: 'person',
            note: '已重新上传近期免冠证件照。',
            when: wd(8, '20:15'),
          },
          { act: 'accept_supplied', officer: 'shenhe02', when: wd(7, '10:05') },
        ],
      },
    ],
  },
  // 审核中, nearing its deadline (2 working days left): accepted by 周敏 18 working days ago.
  {
    idNumber: '320508199002142867',
    name: '林晓燕',
    phone: '18912763058',
    email: 'linxiaoyan0214@example.com',
    address: '苏州市姑苏区十全街218号沧浪新村12幢303室',
    education: '硕士研究生',
    qualifications: [
      {
        profession: 'architect',
        specialty: null,
        certificateNumber: '32201830011652',
        passYear: 2018,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'architect',
        enterprise: GUSU,
        demonstrationZone: false,
        started: wd(22, '09:30'),
        confirmed: wd(22, '10:10'),
        employment: contract('建筑设计师', 6),
        review: [
          { act: 'enterprise_confirm', when: wd(21, '11:00') },
          { act: 'submit', when: wd(20, '16:00') },
          { act: 'accept', officer: 'shenhe01', when: wd(18, '10:15') },
        ],
      },
    ],
  },
  // 审核中 and overdue (its deadline passed 4 working days ago): accepted by 周敏, then given to
  // 顾晓东 by the admin.
  {
    idNumber: '320411198407304172',
    name: '马骏',
    phone: '13601502749',
    email: 'majun0730@example.com',
    address: '常州市新北区太湖东路101号万达广场公寓2幢1508室',
    education: '硕士研究生',
    qualifications: [
      {
        profession: 'structural_engineer',
        specialty: null,
        certificateNumber: '32201740007731',
        passYear: 2017,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'structural_engineer',
        enterprise: GUSU,
        demonstrationZone: false,
        started: wd(30, '09:00'),
        confirmed: wd(30, '09:45'),
        employment: contract('结构工程师', 15),
        review: [
          { act: 'enterprise_confirm', when: wd(29, '10:30') },
          { act: 'submit', when: wd(28, '15:00') },
          { act: 'accept', officer: 'shenhe01', when: wd(24, '09:50') },
          { act: 'assign', admin: 'guanli01', officer: 'shenhe02', when: wd(3, '16:30') },
        ],
      },
    ],
  },
  // 待材料补正 during review, past its reply deadline (逾期未补正): the enterprise supplied its
  // item, the person has not.
  {
    idNumber: '320102198812090646',
    name: '胡静',
    phone: '13770618352',
    email: 'hujing1209@example.com',
    address: '南京市玄武区珠江路88号新世界中心A座2106室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '市政公用工程',
        certificateNumber: '32202010063184',
        passYear: 2020,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'constructor',
        enterprise: HUAJIAN,
        demonstrationZone: false,
        started: wd(36, '09:20'),
        confirmed: wd(36, '10:00'),
        employment: contract('施工员', 18),
        specialties: ['市政公用工程'],
        review: [
          { act: 'enterprise_confirm', when: wd(35, '14:30') },
          { act: 'submit', when: wd(34, '10:00') },
          { act: 'accept', officer: 'shenhe01', when: wd(32, '09:30') },
          {
            act: 'request_correction',
            officer: 'shenhe01',
            when: wd(29, '14:00'),
            items: [
              {
                addressedTo: 'person',
                reason: 'contract_unclear',
                what: '完整的劳动合同扫描件（含双方签章页）',
              },
              {
                addressedTo: 'enterprise',
                reason: 'social_insurance',
                what: '申请人近3个月社会保险缴纳证明',
              },
            ],
          },
          {
            act: 'supply',
            party: 'enterprise',
            note: '已上传申请人近3个月社保缴纳证明。',
            when: wd(26, '10:40'),
          },
          { act: 'accept_supplied', officer: 'shenhe01', when: wd(25, '09:15') },
        ],
      },
    ],
  },
  // 待材料补正 before acceptance: the signed form is to be uploaded again (the clock has not
  // started; supplied, it goes back to 待受理).
  {
    idNumber: '320602199205211356',
    name: '高峰',
    phone: '15190862431',
    email: 'gaofeng0521@example.com',
    address: '南通市崇川区工农路57号海港花园9幢201室',
    education: '大专',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '公路工程',
        certificateNumber: '32202210084527',
        passYear: 2022,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'constructor',
        enterprise: XIJIAN,
        demonstrationZone: false,
        started: wd(5, '10:00'),
        confirmed: wd(5, '10:30'),
        employment: contract('项目技术负责人', 9),
        specialties: ['公路工程'],
        review: [
          { act: 'enterprise_confirm', when: wd(4, '15:00') },
          { act: 'submit', when: wd(3, '09:40') },
          {
            act: 'request_correction',
            officer: 'shenhe02',
            when: wd(2, '10:50'),
            items: [
              {
                addressedTo: 'enterprise',
                reason: 'signed_form_unclear',
                what: '法定代表人签字并加盖公章的申请表',
              },
            ],
          },
        ],
      },
    ],
  },
  // 审核中, accepted on the last working day: a demonstration-zone registration whose 20 working
  // days run into the first year the calendar has no schedule for when seeded near the end of the
  // last scheduled one (its deadline is then 暂定, provisional).
  {
    idNumber: '320584199309122285',
    name: '陆雯',
    phone: '13962578013',
    email: 'luwen0912@example.com',
    address: '苏州市吴江区盛泽镇市场路286号丝绸花园3幢1102室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '建筑工程',
        certificateNumber: '32202310075163',
        passYear: 2023,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'constructor',
        enterprise: WUJIANG,
        demonstrationZone: true,
        started: wd(5, '09:00'),
        confirmed: wd(5, '09:40'),
        employment: contract('施工员', 5),
        specialties: ['建筑工程'],
        review: [
          { act: 'enterprise_confirm', when: wd(4, '14:20') },
          { act: 'submit', when: wd(2, '10:00') },
          { act: 'accept', officer: 'shenhe02', when: wd(0, '09:30') },
        ],
      },
    ],
  },
  // 准予注册，待公告: approved by 周敏 on the working day before seeding; the registration is made, not yet public.
  {
    idNumber: '320205198703033196',
    name: '罗斌',
    phone: '13806190427',
    email: 'luobin0303@example.com',
    address: '南京市秦淮区应天大街388号晨光小区4栋605室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '建筑工程',
        certificateNumber: '32201510038842',
        passYear: 2015,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'constructor',
        enterprise: HUAJIAN,
        demonstrationZone: false,
        started: wd(17, '09:00'),
        confirmed: wd(17, '09:30'),
        employment: contract('项目经理', 30),
        specialties: ['建筑工程'],
        review: [
          { act: 'enterprise_confirm', when: wd(16, '10:00') },
          { act: 'submit', when: wd(15, '14:00') },
          { act: 'accept', officer: 'shenhe01', when: wd(13, '10:30') },
          {
            act: 'decide',
            officer: 'shenhe01',
            choice: 'approve',
            reasons: [],
            note: '',
            when: wd(1, '15:00'),
          },
        ],
      },
    ],
  },
  // 已公告: approved by 顾晓东 and published in the next morning's announcement, so the registration
  // is active and public (/announcements) and the application completed.
  {
    idNumber: '320104199205144523',
    name: '沈佳怡',
    phone: '13951762380',
    email: 'shenjiayi0514@example.com',
    address: '南京市秦淮区中山南路239号金鹰花园2栋1102室',
    education: '本科',
    qualifications: [
      {
        profession: 'cost_engineer',
        specialty: '土木建筑工程',
        certificateNumber: '32202110047315',
        passYear: 2021,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'cost_engineer',
        enterprise: HUAJIAN,
        demonstrationZone: false,
        started: wd(22, '09:00'),
        confirmed: wd(22, '09:40'),
        employment: contract('造价员', 30),
        specialties: ['土木建筑工程'],
        review: [
          { act: 'enterprise_confirm', when: wd(21, '10:00') },
          { act: 'submit', when: wd(20, '14:00') },
          { act: 'accept', officer: 'shenhe02', when: wd(19, '10:30') },
          {
            act: 'decide',
            officer: 'shenhe02',
            choice: 'approve',
            reasons: [],
            note: '',
            when: wd(10, '15:00'),
          },
          { act: 'publish', when: wd(9, '09:00') },
        ],
      },
    ],
  },
  // 不予注册 (refused): the contract was asked for and never came (逾期未补正).
  {
    idNumber: '320106199010274822',
    name: '韩雪',
    phone: '15951697240',
    email: 'hanxue1027@example.com',
    address: '南京市鼓楼区中山北路281号虹桥新寓6栋907室',
    education: '本科',
    qualifications: [
      {
        profession: 'cost_engineer',
        specialty: '安装工程',
        certificateNumber: '32202220046915',
        passYear: 2022,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'cost_engineer',
        enterprise: NINGYUAN,
        demonstrationZone: false,
        started: wd(46, '09:30'),
        confirmed: wd(46, '10:00'),
        employment: contract('造价员', 12),
        specialties: ['安装工程'],
        review: [
          { act: 'enterprise_confirm', when: wd(45, '11:00') },
          { act: 'submit', when: wd(44, '15:00') },
          { act: 'accept', officer: 'shenhe02', when: wd(42, '10:00') },
          {
            act: 'request_correction',
            officer: 'shenhe02',
            when: wd(40, '11:30'),
            items: [
              {
                addressedTo: 'person',
                reason: 'contract_period',
                what: '与填报聘用信息一致的劳动合同扫描件',
              },
            ],
          },
          {
            act: 'decide',
            officer: 'shenhe02',
            choice: 'refuse',
            reasons: ['correction_overdue'],
            note: '补正期限届满，申请人未提交劳动合同。',
            when: wd(18, '10:00'),
          },
        ],
      },
    ],
  },
  // 不予受理 (not accepted): the contract's employer is not the enterprise, which no correction
  // can mend.
  {
    idNumber: '321002198506180753',
    name: '唐亮',
    phone: '13952740186',
    email: 'tangliang0618@example.com',
    address: '扬州市广陵区运河南路88号东方百合园11幢501室',
    education: '大专',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '建筑工程',
        certificateNumber: '32201810051378',
        passYear: 2018,
      },
    ],
    applications: [
      {
        kind: 'initial',
        profession: 'constructor',
        enterprise: XIJIAN,
        demonstrationZone: false,
        started: wd(10, '09:00'),
        confirmed: wd(10, '09:30'),
        employment: contract('施工员', 7),
        specialties: ['建筑工程'],
        review: [
          { act: 'enterprise_confirm', when: wd(9, '10:00') },
          { act: 'submit', when: wd(8, '14:00') },
          {
            act: 'decide',
            officer: 'shenhe01',
            choice: 'not_accept',
            reasons: ['materials_incomplete'],
            note: '所附劳动合同的用人单位为另一家劳务公司，与聘用企业不一致，无法通过补正解决。',
            when: wd(7, '10:30'),
          },
        ],
      },
    ],
  },
  // A renewal approved by 周敏 and so completed at once: his registration at 吴江 runs on.
  {
    idNumber: '320583198301251938',
    name: '冯涛',
    phone: '13914962305',
    email: 'fengtao0125@example.com',
    address: '苏州市昆山市前进中路218号中华园西村8幢302室',
    education: '本科',
    qualifications: [
      {
        profession: 'constructor',
        specialty: '建筑工程',
        certificateNumber: '32201310027764',
        passYear: 2013,
      },
    ],
    registrations: [
      { enterprise: WUJIANG, profession: 'constructor', specialties: ['建筑工程'], endsInDays: 50 },
    ],
    applications: [
      {
        kind: 'renewal',
        profession: 'constructor',
        enterprise: WUJIANG,
        demonstrationZone: false,
        started: wd(14, '09:00'),
        confirmed: wd(14, '09:40'),
        employment: { position: '项目经理', contractStartedMonthsAgo: 34, contractYears: 5 },
        review: [
          { act: 'enterprise_confirm', when: wd(13, '10:00') },
          { act: 'submit', when: wd(12, '15:00') },
          { act: 'accept', officer: 'shenhe01', when: wd(11, '09:30') },
          {
            act: 'decide',
            officer: 'shenhe01',
            choice: 'approve',
            reasons: [],
            note: '',
            when: wd(6, '14:00'),
          },
        ],
      },
    ],
  },
] as const satisfies readonly DemoPerson[];

export const demoStaff = [
  { username: 'shenhe01', name: '周敏', role: 'officer' },
  { username: 'shenhe02', name: '顾晓东', role: 'officer' },
  { username: 'guanli01', name: '陈立', role: 'admin' },
] as const satisfies readonly { username: StaffName; name: string; role: 'officer' | 'admin' }[];

/** The declared date of the demo photo: within the 6 months rule 2 asks for. */
const PHOTO_DECLARED_DAYS_AGO = 30;

const DAY_MS = 24 * 3600_000;
const daysBefore = (at: Date, days: number) => new Date(at.getTime() - days * DAY_MS);

/** One seeding: its transaction, its moment, and the demo password's hash. */
type Seeding = {
  tx: Tx;
  at: Date;
  passwordHash: string;
  store: FileStore;
  /** The bytes of the demo photo and of the demo scan (stored once: files are content-addressed). */
  photo: Buffer;
  scan: Buffer;
  /** The working-day calendar, for the moments counted in working days. */
  calendar: Calendar;
};

/** The workflow's rules and hooks the seed drives the demo's applications with. */
export type DemoWorkflow = Pick<WorkflowDeps, 'rules' | 'hooks'>;

/**
 * Seeds the demo data in one transaction. Does nothing when accounts already exist, so every
 * start may call it; only the embedded database outside production gets it. The applications past
 * the person's confirmation are driven by the workflow's own functions (review.ts), inside the same
 * transaction, with the rules and hooks the caller gives (the services').
 */
export async function seedDemoData(
  sql: Sql,
  clock: Clock,
  store: FileStore,
  workflow: DemoWorkflow,
): Promise<boolean> {
  const [photo, scan] = await Promise.all([demoPhoto(), demoScan()]);
  return sql.begin(async (tx) => {
    await tx`lock table accounts in exclusive mode`;
    const [existing] = await tx`select 1 from accounts limit 1`;
    if (existing) return false;
    // One argon2 hash for every demo account (they share the published password): hashing each
    // would add about half a second per account to the first start and to every test run.
    const s: Seeding = {
      tx,
      at: clock.now(),
      passwordHash: await hashPassword(DEMO_PASSWORD),
      store,
      photo,
      scan,
      calendar: await loadCalendar(tx),
    };
    const enterprises = new Map<string, Seeded>();
    for (const e of demoEnterprises) {
      enterprises.set(e.creditCode, await insertEnterprise(s, e));
      await insertLegalPerson(s, e);
    }
    const reviewed: Reviewed[] = [];
    for (const p of demoPersons) {
      const person = await insertPerson(s, p);
      for (const q of p.qualifications) await insertRegistryQualification(s, p, q);
      const registrations = new Map<Profession, string>();
      for (const r of registrationsOf(p)) {
        const id = await insertRegistration(s, person, enterprises.get(r.enterprise)!, r);
        registrations.set(r.profession, id);
      }
      for (const a of applicationsOf(p)) {
        const enterprise = a.enterprise === null ? null : enterprises.get(a.enterprise)!;
        const registrationId = a.kind === 'renewal' ? registrations.get(a.profession)! : null;
        const applicationId = await insertApplication(s, person, enterprise, registrationId, a);
        if (a.review) {
          reviewed.push({
            applicationId,
            personAccountId: person.accountId,
            enterpriseAccountId: enterprise?.accountId ?? null,
            steps: a.review,
          });
        }
      }
    }
    const staffAccounts = new Map<StaffName, string>();
    for (const staff of demoStaff) {
      const accountId = await insertAccount(s, 'staff', staff.username, staff.name);
      await tx`insert into staff (account_id, name, role)
               values (${accountId}, ${staff.name}, ${staff.role})`;
      staffAccounts.set(staff.username, accountId);
    }
    await runReviews({ ...s, workflow, staff: staffAccounts }, reviewed);
    await recordAudit(tx, { at: s.at, actorAccountId: null, action: 'demo_data_seeded' });
    return true;
  });
}

const registrationsOf = (p: DemoPerson) => p.registrations ?? [];
const applicationsOf = (p: DemoPerson) => p.applications ?? [];

/** A seeded person or enterprise: its row and its account. */
type Seeded = { id: string; accountId: string; name: string; creditCode?: string };

async function insertAccount(
  { tx, at, passwordHash }: Seeding,
  kind: AccountKind,
  loginId: string,
  displayName: string,
  realNameLevel: number | null = null,
): Promise<string> {
  const [row] = await tx<{ id: string }[]>`
    insert into accounts (kind, login_id, display_name, password_hash, real_name_level, created_at)
    values (${kind}, ${loginId}, ${displayName}, ${passwordHash}, ${realNameLevel}, ${at})
    returning id`;
  return row!.id;
}

async function insertEnterprise(s: Seeding, e: DemoEnterprise): Promise<Seeded> {
  const { tx, at } = s;
  const accountId = await insertAccount(s, 'enterprise', e.creditCode, e.name);
  const info = e.information;
  const [row] = await tx<{ id: string }[]>`
    insert into enterprises (account_id, credit_code, name, district_code, legal_representative,
                             address, contact_name, contact_phone, information_completed_at)
    values (${accountId}, ${e.creditCode}, ${e.name}, ${e.districtCode},
            ${info?.legalRepresentative ?? null}, ${info?.address ?? null},
            ${info?.contactName ?? null}, ${info?.contactPhone ?? null}, ${info ? at : null})
    returning id`;
  return { id: row!.id, accountId, name: e.name, creditCode: e.creditCode };
}

async function insertLegalPerson({ tx, at }: Seeding, e: DemoEnterprise) {
  await tx`
    insert into legal_person_registry (credit_code, name, updated_at)
    values (${e.creditCode}, ${e.registryName ?? e.name}, ${at})`;
}

async function insertPerson(s: Seeding, p: DemoPerson): Promise<Seeded> {
  const { tx, at } = s;
  const accountId = await insertAccount(s, 'person', p.idNumber, p.name, p.realNameLevel ?? 4);
  const photoFileId = await storeFile(tx, s.store, {
    bytes: s.photo,
    contentType: 'image/jpeg',
    originalName: '证件照.jpg',
    ownerAccountId: accountId,
    at,
  });
  const [row] = await tx<{ id: string }[]>`
    insert into persons (account_id, id_number, name, gender, birth_date, education, phone, email,
                         address, photo_file_id, photo_declared_at)
    values (${accountId}, ${p.idNumber}, ${p.name}, ${genderFromIdNumber(p.idNumber)},
            ${birthDateFromIdNumber(p.idNumber)}, ${p.education}, ${p.phone}, ${p.email},
            ${p.address}, ${photoFileId}, ${daysBefore(at, PHOTO_DECLARED_DAYS_AGO)})
    returning id`;
  return { id: row!.id, accountId, name: p.name };
}

async function insertRegistryQualification(
  { tx }: Seeding,
  p: DemoPerson,
  q: RegistryQualification,
) {
  await tx`
    insert into qualification_registry
      (certificate_number, id_number, name, profession, specialty, pass_year)
    values (${q.certificateNumber}, ${p.idNumber}, ${p.name}, ${q.profession}, ${q.specialty},
            ${q.passYear})`;
}

async function insertRegistration(
  { tx, at }: Seeding,
  person: Seeded,
  enterprise: Seeded,
  r: DemoRegistration,
): Promise<string> {
  const validUntil = addDays(businessDate(at), r.endsInDays);
  const years = professions[r.profession].validityYears;
  const validFrom = addDays(addMonths(validUntil, -12 * years), 1);
  const number = await nextRegistrationNumber(tx, r.profession, validFrom);
  const [row] = await tx<{ id: string }[]>`
    insert into registrations (registration_number, person_id, enterprise_id, profession,
                               specialties, valid_from, valid_until, status, created_at)
    values (${number}, ${person.id}, ${enterprise.id}, ${r.profession}, ${[...r.specialties]},
            ${validFrom}, ${validUntil}, 'active', ${new Date(`${validFrom}T09:00:00+08:00`)})
    returning id`;
  return row!.id;
}

/** The instant of a demo application's start or confirmation. */
function instantOf(s: Seeding, when: When): Date {
  return 'daysAgo' in when ? daysBefore(s.at, when.daysAgo) : momentOf(s.calendar, s.at, when);
}

/** What the person entered in the wizard, with the contract dates worked out from `today`. */
function draftOf(a: DemoApplication, today: string): ApplicationDraft {
  const e = a.employment;
  const contractStart = e && `${addMonths(today, -e.contractStartedMonthsAgo).slice(0, 8)}01`;
  return {
    eligibilityChecked: true,
    ...(e && {
      employment: {
        position: e.position,
        contractStart,
        contractEnd: addDays(addMonths(contractStart!, 12 * e.contractYears), -1),
      },
    }),
    ...(a.specialties && { specialties: [...a.specialties] }),
    ...(a.outOfProvince && { outOfProvince: { ...a.outOfProvince } }),
    commitment: true,
  };
}

/**
 * An application as the workflow leaves it after the person's confirmation: the row at version 1
 * with its frozen snapshot (the same shape and hash as `snapshotOf` in lib/workflow/snapshot.ts), the
 * `start` and `confirm` events, and the enterprise's to-do notification. Returns its id.
 */
async function insertApplication(
  s: Seeding,
  person: Seeded,
  enterprise: Seeded | null,
  registrationId: string | null,
  a: DemoApplication,
): Promise<string> {
  const { tx } = s;
  const startedAt = instantOf(s, a.started);
  const confirmedAt = instantOf(s, a.confirmed);
  const state = findTransition(a.kind, 'draft', 'confirm', 'person')!.to;
  const [serial] = await tx<{ n: string }[]>`select nextval('application_serial')::text as n`;
  const applicationNumber = `SQ${businessDate(startedAt).replaceAll('-', '')}${serial!.n.padStart(6, '0')}`;
  const draft = draftOf(a, businessDate(confirmedAt));
  // The scans the wizard asks for, uploaded by the person.
  const uploads: Record<string, string> = {};
  for (const m of materialsFor(a.kind, draft)) {
    uploads[m.purpose] = await storeFile(tx, s.store, {
      bytes: s.scan,
      contentType: 'image/jpeg',
      originalName: `${m.name}.jpg`,
      ownerAccountId: person.accountId,
      at: startedAt,
    });
  }
  draft.uploads = uploads;
  const { snapshot, hash } = await snapshotOf(tx, {
    applicationNumber,
    kind: a.kind,
    profession: a.profession,
    demonstrationZone: a.demonstrationZone,
    personId: person.id,
    enterpriseId: enterprise?.id ?? null,
    draft,
  });
  const [row] = await tx<{ id: string }[]>`
    insert into applications
      (application_number, kind, profession, person_id, enterprise_id, handed_to_enterprise_id,
       registration_id, demonstration_zone, state, version, draft, snapshot, snapshot_version,
       snapshot_hash, started_at, state_changed_at, submitted_at)
    values (${applicationNumber}, ${a.kind}, ${a.profession}, ${person.id},
            ${enterprise?.id ?? null}, ${enterprise?.id ?? null}, ${registrationId},
            ${a.demonstrationZone}, ${state}, 1, ${tx.json(draft)},
            ${tx.json(snapshot)}, 1, ${hash}, ${startedAt}, ${confirmedAt},
            ${state === 'submitted' ? confirmedAt : null})
    returning id`;
  const event = (version: number, action: string, from: string | null, to: string, when: Date) => ({
    application_id: row!.id,
    version,
    action,
    actor_role: 'person',
    actor_account_id: person.accountId,
    from_state: from,
    to_state: to,
    occurred_at: when,
  });
  await tx`
    insert into application_events ${tx([
      event(0, 'start', null, 'draft', startedAt),
      event(1, 'confirm', 'draft', state, confirmedAt),
    ])}`;
  if (enterprise && state === 'awaiting_enterprise') {
    await tx`
      insert into notifications (account_id, application_id, message, is_to_do, created_at)
      values (${enterprise.accountId}, ${row!.id},
              ${toConfirmMessage(person.name, a.kind, a.profession, applicationNumber)}, true,
              ${confirmedAt})`;
  }
  return row!.id;
}
