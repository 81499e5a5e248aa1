import { describe, expect, it } from 'vitest';
import type { EmployerFacts, FilingFacts, FilingRequest } from '../../lib/filing/index.js';
import {
  COMMITMENT_MISSING,
  contractAtSubmissionProblems,
  contractProblems,
  DEMONSTRATION_ZONE_EMPLOYER,
  filingProblemsOf,
} from '../../lib/filing/index.js';
import type { PersonFacts, UsableQualification } from '../../lib/person/index.js';
import type { Problem } from '../../lib/platform/index.js';
import { loadConfig } from '../../lib/platform/index.js';
import type { ActiveRegistration } from '../../lib/registrations/index.js';
import type { ApplicationDraft } from '../../lib/workflow/index.js';

// The default figures: confirm within 5 days, renewal from 90 to 30 days before, contract 3 months.
const rules = loadConfig({ NODE_ENV: 'test' }).rules;

/** "Now" for every test unless it says otherwise: 2026-11-25 10:00 in Asia/Shanghai. */
const AT = new Date('2026-11-25T10:00:00+08:00');
const TODAY = '2026-11-25';

const EMPLOYER: EmployerFacts = {
  id: 'enterprise-a',
  name: '苏州市姑苏建设工程有限公司',
  districtCode: '320508',
};
const WUJIANG_EMPLOYER: EmployerFacts = {
  id: 'enterprise-w',
  name: '苏州市吴江区太湖建设有限公司',
  districtCode: '320509',
};

/** A person at L4 with a complete profile and a photo declared recently. */
function person(overrides: Partial<PersonFacts> = {}): PersonFacts {
  return {
    personId: 'person-1',
    accountId: 'account-1',
    realNameLevel: 4,
    idNumber: '320508199003074471',
    name: '张伟',
    phone: '13912345678',
    email: 'zhangwei@example.cn',
    address: '江苏省苏州市姑苏区人民路100号',
    education: '本科',
    photoFileId: 'photo-1',
    photoDeclaredAt: new Date('2026-10-01T09:00:00+08:00'),
    ...overrides,
  };
}

function qualification(overrides: Partial<UsableQualification> = {}): UsableQualification {
  return { profession: 'constructor', specialty: '建筑工程', source: 'registry', ...overrides };
}

function registration(overrides: Partial<ActiveRegistration> = {}): ActiveRegistration {
  return {
    id: 'registration-1',
    status: 'active',
    registrationNumber: '苏1202400001',
    profession: 'constructor',
    enterpriseId: EMPLOYER.id,
    enterpriseName: EMPLOYER.name,
    specialties: ['建筑工程'],
    validUntil: '2028-06-30',
    ...overrides,
  };
}

/** No registrations, a constructor qualification in 建筑工程, the chosen employer found. */
function facts(overrides: Partial<FilingFacts> = {}): FilingFacts {
  return {
    person: person(),
    registrations: [],
    qualifications: [qualification()],
    employer: EMPLOYER,
    openInitials: [],
    ...overrides,
  };
}

/** An initial constructor application with EMPLOYER and an empty draft. */
function request(overrides: Partial<FilingRequest> = {}): FilingRequest {
  return {
    personId: 'person-1',
    kind: 'initial',
    profession: 'constructor',
    enterpriseId: EMPLOYER.id,
    demonstrationZone: false,
    draft: {},
    ...overrides,
  };
}

/** A draft that holds everything an initial constructor application needs to be confirmed. */
function completeDraft(overrides: Partial<ApplicationDraft> = {}): ApplicationDraft {
  return {
    employment: { position: '项目经理', contractStart: '2026-01-01', contractEnd: '2028-12-31' },
    specialties: ['建筑工程'],
    uploads: { contract: 'file-contract' },
    commitment: true,
    ...overrides,
  };
}

function codes(problems: Problem[]): string[] {
  return problems.map((p) => p.code);
}

function eligibility(f: FilingFacts, r: FilingRequest, at: Date = AT): string[] {
  return codes(filingProblemsOf(f, r, at, rules, 'eligibility'));
}

function confirmation(f: FilingFacts, r: FilingRequest, at: Date = AT): Problem[] {
  return filingProblemsOf(f, r, at, rules, 'confirmation');
}

describe('the rules figures', () => {
  it('are the defaults of the test configuration', () => {
    expect(rules).toEqual({
      confirmWithinDays: 5,
      renewalOpensDaysBefore: 90,
      renewalClosesDaysBefore: 30,
      contractMinMonths: 3,
      correctionReplyWorkingDays: 20,
    });
  });
});

describe('filingProblemsOf: the baseline', () => {
  it('finds nothing blocking the baseline person at the self-check', () => {
    expect(eligibility(facts(), request())).toEqual([]);
  });

  it('finds nothing missing from a complete initial application at confirmation', () => {
    expect(codes(confirmation(facts(), request({ draft: completeDraft() })))).toEqual([]);
  });
});

describe('filingProblemsOf: rule 2 (real name and profile)', () => {
  it('refuses a real-name level below L4 and names the level', () => {
    const problems = filingProblemsOf(
      facts({ person: person({ realNameLevel: 3 }) }),
      request(),
      AT,
      rules,
      'eligibility',
    );
    expect(codes(problems)).toEqual(['real_name_level']);
    expect(problems[0]?.message).toContain('L3');
  });

  it('accepts a level above L4', () => {
    expect(eligibility(facts({ person: person({ realNameLevel: 5 }) }), request())).toEqual([]);
  });

  it('asks for a missing phone number', () => {
    const problems = filingProblemsOf(
      facts({ person: person({ phone: null }) }),
      request(),
      AT,
      rules,
      'eligibility',
    );
    expect(codes(problems)).toEqual(['profile_incomplete']);
    expect(problems[0]?.message).toContain('手机号码');
  });

  it('asks for a missing photo', () => {
    const problems = filingProblemsOf(
      facts({ person: person({ photoFileId: null, photoDeclaredAt: null }) }),
      request(),
      AT,
      rules,
      'eligibility',
    );
    expect(codes(problems)).toEqual(['profile_incomplete']);
    expect(problems[0]?.message).toContain('近期免冠证件照');
  });

  it('names every missing field in one problem', () => {
    const problems = filingProblemsOf(
      facts({ person: person({ email: null, address: null, education: null }) }),
      request(),
      AT,
      rules,
      'eligibility',
    );
    expect(codes(problems)).toEqual(['profile_incomplete']);
    expect(problems[0]?.message).toContain('电子邮箱');
    expect(problems[0]?.message).toContain('通讯地址');
    expect(problems[0]?.message).toContain('学历');
  });

  it('accepts a photo declared exactly 6 months ago (inclusive)', () => {
    const declared = new Date('2026-05-25T09:00:00+08:00');
    expect(
      eligibility(facts({ person: person({ photoDeclaredAt: declared }) }), request()),
    ).toEqual([]);
  });

  it('asks again for a photo declared more than 6 months ago', () => {
    const declared = new Date('2026-05-24T20:00:00+08:00');
    const problems = filingProblemsOf(
      facts({ person: person({ photoDeclaredAt: declared }) }),
      request(),
      AT,
      rules,
      'eligibility',
    );
    expect(codes(problems)).toEqual(['profile_incomplete']);
    expect(problems[0]?.message).toContain('近6个月内拍摄的免冠证件照');
  });

  it('asks again for a photo whose declaration is missing', () => {
    const problems = filingProblemsOf(
      facts({ person: person({ photoDeclaredAt: null }) }),
      request(),
      AT,
      rules,
      'eligibility',
    );
    expect(codes(problems)).toEqual(['profile_incomplete']);
    expect(problems[0]?.message).toContain('近6个月内拍摄的免冠证件照');
  });

  it('reads the photo declaration as a Shanghai date', () => {
    // 2026-05-24 17:00 UTC is already 2026-05-25 01:00 in Shanghai: exactly 6 months ago.
    const declared = new Date('2026-05-24T17:00:00Z');
    expect(
      eligibility(facts({ person: person({ photoDeclaredAt: declared }) }), request()),
    ).toEqual([]);
  });
});

describe('filingProblemsOf: rule 14 (qualifications, out-of-province entry)', () => {
  it('refuses an architect initial without a qualification and points to the out-of-province entry', () => {
    const problems = filingProblemsOf(
      facts({ qualifications: [] }),
      request({ profession: 'architect' }),
      AT,
      rules,
      'eligibility',
    );
    expect(codes(problems)).toEqual(['not_qualified']);
    expect(problems[0]?.message).toContain('二级注册建筑师');
    expect(problems[0]?.message).toContain('省外资格信息录入');
  });

  it('refuses a constructor initial without a qualification, without the out-of-province hint', () => {
    const problems = filingProblemsOf(
      facts({ qualifications: [] }),
      request(),
      AT,
      rules,
      'eligibility',
    );
    expect(codes(problems)).toEqual(['not_qualified']);
    expect(problems[0]?.message).not.toContain('省外资格信息录入');
  });

  it('accepts an architect initial with an approved out-of-province entry', () => {
    const architect = qualification({
      profession: 'architect',
      specialty: null,
      source: 'out_of_province',
    });
    expect(
      eligibility(facts({ qualifications: [architect] }), request({ profession: 'architect' })),
    ).toEqual([]);
  });

  it('refuses an out-of-province entry already approved', () => {
    const architect = qualification({
      profession: 'architect',
      specialty: null,
      source: 'out_of_province',
    });
    expect(
      eligibility(
        facts({ qualifications: [architect] }),
        request({ kind: 'out_of_province_qualification', profession: 'architect' }),
      ),
    ).toEqual(['out_of_province_already_approved']);
  });

  it('accepts a first out-of-province entry for a structural engineer', () => {
    expect(
      eligibility(
        facts({ qualifications: [] }),
        request({ kind: 'out_of_province_qualification', profession: 'structural_engineer' }),
      ),
    ).toEqual([]);
  });

  it('refuses an out-of-province entry for a constructor', () => {
    expect(
      eligibility(
        facts({ qualifications: [] }),
        request({ kind: 'out_of_province_qualification', profession: 'constructor' }),
      ),
    ).toEqual(['out_of_province_not_applicable']);
  });

  it('asks an out-of-province entry for its certificate scan and commitment at confirmation', () => {
    const r = request({
      kind: 'out_of_province_qualification',
      profession: 'architect',
      enterpriseId: null,
    });
    const f = facts({ qualifications: [], employer: undefined });
    const problems = confirmation(f, r);
    expect(codes(problems)).toEqual(['materials_missing', COMMITMENT_MISSING]);
    expect(problems[0]?.message).toContain('资格证书扫描件');
    expect(eligibility(f, r)).toEqual([]);
  });

  it('asks for the previous registration when registered in another province', () => {
    const problems = confirmation(
      facts({ qualifications: [], employer: undefined }),
      request({
        kind: 'out_of_province_qualification',
        profession: 'architect',
        enterpriseId: null,
        draft: {
          outOfProvince: { registeredElsewhere: true },
          uploads: { 'qualification-certificate': 'file-cert' },
          commitment: true,
        },
      }),
    );
    expect(codes(problems)).toEqual(['materials_missing']);
    expect(problems[0]?.message).toContain('原注册证书或注销证明');
    expect(problems[0]?.message).not.toContain('资格证书扫描件');
  });
});

describe('filingProblemsOf: registered or not', () => {
  it('refuses an initial while already registered in the profession', () => {
    const problems = filingProblemsOf(
      facts({ registrations: [registration()] }),
      request(),
      AT,
      rules,
      'eligibility',
    );
    expect(codes(problems)).toEqual(['already_registered']);
    expect(problems[0]?.message).toContain('苏1202400001');
  });

  it.each(['additional', 'renewal', 'personal_change', 'cancellation'] as const)(
    'refuses %s without a registration in the profession',
    (kind) => {
      expect(eligibility(facts(), request({ kind }))).toEqual(['not_registered']);
    },
  );

  it('refuses a renewal when the only registration is in another profession', () => {
    expect(
      eligibility(
        facts({ registrations: [registration({ profession: 'cost_engineer' })] }),
        request({ kind: 'renewal' }),
      ),
    ).toEqual(['not_registered']);
  });

  it('accepts a cancellation of a registration in force', () => {
    expect(
      eligibility(facts({ registrations: [registration()] }), request({ kind: 'cancellation' })),
    ).toEqual([]);
  });
});

describe('filingProblemsOf: rule 15 (one enterprise)', () => {
  it('refuses an initial with another enterprise than that of a registration in force', () => {
    const problems = filingProblemsOf(
      facts({
        qualifications: [qualification({ profession: 'cost_engineer', specialty: '安装工程' })],
        registrations: [
          registration({ enterpriseId: 'enterprise-b', enterpriseName: '南京市玄武建筑有限公司' }),
        ],
      }),
      request({ profession: 'cost_engineer' }),
      AT,
      rules,
      'eligibility',
    );
    expect(codes(problems)).toEqual(['registered_elsewhere']);
    expect(problems[0]?.message).toContain('南京市玄武建筑有限公司');
  });

  it('accepts an initial with the enterprise of the registration in force', () => {
    expect(
      eligibility(
        facts({
          qualifications: [qualification({ profession: 'cost_engineer', specialty: '安装工程' })],
          registrations: [registration()],
        }),
        request({ profession: 'cost_engineer' }),
      ),
    ).toEqual([]);
  });
});

describe('filingProblemsOf: the renewal window', () => {
  // Valid until 2027-02-23: the window runs from 2026-11-25 (90 days before) to 2027-01-24 (30).
  const registered = facts({ registrations: [registration({ validUntil: '2027-02-23' })] });
  const renewal = request({ kind: 'renewal' });

  it('accepts the first day of the window', () => {
    expect(eligibility(registered, renewal, new Date('2026-11-25T10:00:00+08:00'))).toEqual([]);
  });

  it('accepts the first day of the window from its first minute in Shanghai', () => {
    // 2026-11-24 16:30 UTC is 2026-11-25 00:30 in Shanghai.
    expect(eligibility(registered, renewal, new Date('2026-11-24T16:30:00Z'))).toEqual([]);
  });

  it('refuses the day before the window opens, with the window in the message', () => {
    const problems = filingProblemsOf(
      registered,
      renewal,
      new Date('2026-11-24T23:59:00+08:00'),
      rules,
      'eligibility',
    );
    expect(codes(problems)).toEqual(['renewal_window']);
    expect(problems[0]?.message).toContain('2027-02-23');
    expect(problems[0]?.message).toContain('2026-11-25至2027-01-24');
    expect(problems[0]?.message).toContain('90日至30日');
  });

  it('accepts the last day of the window', () => {
    expect(eligibility(registered, renewal, new Date('2027-01-24T23:30:00+08:00'))).toEqual([]);
  });

  it('refuses the day after the window closes', () => {
    const problems = filingProblemsOf(
      registered,
      renewal,
      new Date('2027-01-25T00:10:00+08:00'),
      rules,
      'eligibility',
    );
    expect(codes(problems)).toEqual(['renewal_window']);
    expect(problems[0]?.message).toContain('2026-11-25至2027-01-24');
  });

  it('refuses a renewal after the validity has ended', () => {
    expect(eligibility(registered, renewal, new Date('2027-03-01T10:00:00+08:00'))).toEqual([
      'renewal_window',
    ]);
  });

  it('follows the configured figures', () => {
    const problems = filingProblemsOf(
      registered,
      renewal,
      new Date('2027-01-24T10:00:00+08:00'),
      { ...rules, renewalClosesDaysBefore: 31 },
      'eligibility',
    );
    expect(codes(problems)).toEqual(['renewal_window']);
    expect(problems[0]?.message).toContain('2026-11-25至2027-01-23');
  });
});

describe('filingProblemsOf: additional registration', () => {
  it('refuses an additional on a profession without specialties', () => {
    const problems = filingProblemsOf(
      facts({
        qualifications: [qualification({ profession: 'architect', specialty: null })],
        registrations: [registration({ profession: 'architect', specialties: [] })],
      }),
      request({ kind: 'additional', profession: 'architect' }),
      AT,
      rules,
      'eligibility',
    );
    expect(codes(problems)).toEqual(['no_specialties']);
    expect(problems[0]?.message).toContain('二级注册建筑师');
  });

  it('accepts an additional on a profession with specialties', () => {
    expect(
      eligibility(facts({ registrations: [registration()] }), request({ kind: 'additional' })),
    ).toEqual([]);
  });
});

describe('filingProblemsOf: rule 13 (demonstration zone)', () => {
  it('accepts a demonstration-zone initial for a constructor', () => {
    expect(eligibility(facts(), request({ demonstrationZone: true }))).toEqual([]);
  });

  it.each(['cost_engineer', 'architect', 'structural_engineer'] as const)(
    'refuses a demonstration-zone initial for %s',
    (profession) => {
      expect(
        eligibility(
          facts({ qualifications: [qualification({ profession, specialty: null })] }),
          request({ profession, demonstrationZone: true }),
        ),
      ).toEqual(['demonstration_zone_profession']);
    },
  );
});

describe('filingProblemsOf: eligibility against confirmation scope', () => {
  it('asks nothing of the application at the self-check, everything at confirmation', () => {
    const f = facts({ employer: undefined });
    const r = request({ enterpriseId: null });
    expect(eligibility(f, r)).toEqual([]);
    const problems = confirmation(f, r);
    expect(codes(problems)).toEqual([
      'employer_missing',
      'specialty_missing',
      'position_missing',
      'contract_dates_missing',
      'materials_missing',
      COMMITMENT_MISSING,
    ]);
  });

  it('asks for an employer when the chosen one was not found', () => {
    const r = request({ draft: completeDraft() });
    expect(eligibility(facts({ employer: undefined }), r)).toEqual([]);
    expect(codes(confirmation(facts({ employer: undefined }), r))).toEqual(['employer_missing']);
  });

  it('asks for an employer when none is chosen even if facts hold one', () => {
    expect(
      codes(confirmation(facts(), request({ enterpriseId: null, draft: completeDraft() }))),
    ).toEqual(['employer_missing']);
  });

  it('refuses a demonstration-zone employer outside Wujiang District', () => {
    const r = request({ demonstrationZone: true, draft: completeDraft() });
    expect(eligibility(facts(), r)).toEqual([]);
    const problems = confirmation(facts(), r);
    expect(codes(problems)).toEqual(['demonstration_zone_employer']);
    expect(problems[0]?.message).toBe(DEMONSTRATION_ZONE_EMPLOYER);
  });

  it('refuses a demonstration-zone employer without a district', () => {
    const r = request({ demonstrationZone: true, draft: completeDraft() });
    expect(
      codes(confirmation(facts({ employer: { ...EMPLOYER, districtCode: null } }), r)),
    ).toEqual(['demonstration_zone_employer']);
  });

  it('accepts a demonstration-zone employer in Wujiang District (320509)', () => {
    const r = request({
      enterpriseId: WUJIANG_EMPLOYER.id,
      demonstrationZone: true,
      draft: completeDraft(),
    });
    expect(codes(confirmation(facts({ employer: WUJIANG_EMPLOYER }), r))).toEqual([]);
  });

  it('asks for a specialty', () => {
    const r = request({ draft: completeDraft({ specialties: [] }) });
    expect(eligibility(facts(), r)).toEqual([]);
    expect(codes(confirmation(facts(), r))).toEqual(['specialty_missing']);
  });

  it('refuses a specialty the profession does not have', () => {
    const r = request({ draft: completeDraft({ specialties: ['土木建筑工程'] }) });
    expect(eligibility(facts(), r)).toEqual([]);
    const problems = confirmation(facts(), r);
    expect(codes(problems)).toEqual(['specialty_unknown']);
    expect(problems[0]?.message).toContain('土木建筑工程');
  });

  it('refuses a specialty the person is not qualified in', () => {
    const r = request({ draft: completeDraft({ specialties: ['建筑工程', '公路工程'] }) });
    expect(eligibility(facts(), r)).toEqual([]);
    const problems = confirmation(facts(), r);
    expect(codes(problems)).toEqual(['specialty_not_qualified']);
    expect(problems[0]?.message).toContain('公路工程');
  });

  it('asks no specialty of an architect initial', () => {
    const r = request({
      profession: 'architect',
      draft: completeDraft({ specialties: undefined }),
    });
    const f = facts({
      qualifications: [qualification({ profession: 'architect', specialty: null })],
    });
    expect(codes(confirmation(f, r))).toEqual([]);
  });

  it('refuses an additional specialty already registered', () => {
    const f = facts({
      qualifications: [qualification(), qualification({ specialty: '市政公用工程' })],
      registrations: [registration({ specialties: ['建筑工程'] })],
    });
    const already = request({ kind: 'additional', enterpriseId: null, draft: completeDraft() });
    expect(eligibility(f, already)).toEqual([]);
    const problems = confirmation(f, already);
    expect(codes(problems)).toEqual(['specialty_already_registered']);
    expect(problems[0]?.message).toContain('建筑工程');
    const added = request({
      kind: 'additional',
      enterpriseId: null,
      draft: completeDraft({ specialties: ['市政公用工程'] }),
    });
    expect(codes(confirmation(f, added))).toEqual([]);
  });

  it('checks the contract of an application at confirmation only', () => {
    const r = request({
      draft: completeDraft({
        employment: { position: '', contractStart: '2026-01-01', contractEnd: '2027-02-24' },
      }),
    });
    expect(eligibility(facts(), r)).toEqual([]);
    expect(codes(confirmation(facts(), r))).toEqual(['position_missing', 'contract_too_short']);
  });

  it('checks the contract of a renewal', () => {
    const f = facts({ registrations: [registration({ validUntil: '2027-02-23' })] });
    const draft = completeDraft({
      specialties: undefined,
      employment: { position: '项目经理', contractStart: '2026-01-01', contractEnd: '2027-01-31' },
    });
    expect(eligibility(f, request({ kind: 'renewal', draft }))).toEqual([]);
    expect(codes(confirmation(f, request({ kind: 'renewal', draft })))).toEqual([
      'contract_too_short',
    ]);
  });

  it('asks a personal change for the change', () => {
    const f = facts({ registrations: [registration()] });
    const draft: ApplicationDraft = { uploads: { 'change-proof': 'file-proof' }, commitment: true };
    expect(eligibility(f, request({ kind: 'personal_change', draft }))).toEqual([]);
    expect(codes(confirmation(f, request({ kind: 'personal_change', draft })))).toEqual([
      'change_missing',
    ]);
    expect(
      codes(confirmation(f, request({ kind: 'personal_change', draft: { ...draft, change: {} } }))),
    ).toEqual(['change_missing']);
    expect(
      codes(
        confirmation(
          f,
          request({ kind: 'personal_change', draft: { ...draft, change: { education: '硕士' } } }),
        ),
      ),
    ).toEqual([]);
  });

  it('asks no contract of a personal change', () => {
    const f = facts({ registrations: [registration()] });
    const draft: ApplicationDraft = {
      change: { education: '硕士' },
      uploads: { 'change-proof': 'file-proof' },
      commitment: true,
    };
    expect(codes(confirmation(f, request({ kind: 'personal_change', draft })))).toEqual([]);
  });

  it('asks for the materials of the kind', () => {
    const r = request({ draft: completeDraft({ uploads: {} }) });
    expect(eligibility(facts(), r)).toEqual([]);
    const problems = confirmation(facts(), r);
    expect(codes(problems)).toEqual(['materials_missing']);
    expect(problems[0]?.message).toContain('劳动合同扫描件');
  });

  it('asks for the commitment with its own field', () => {
    const r = request({ draft: completeDraft({ commitment: false }) });
    expect(eligibility(facts(), r)).toEqual([]);
    const problems = confirmation(facts(), r);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'commitment_missing', field: 'commitment' });
  });

  it('asks a cancellation for its commitment only', () => {
    const f = facts({ registrations: [registration()] });
    expect(codes(confirmation(f, request({ kind: 'cancellation', enterpriseId: null })))).toEqual([
      COMMITMENT_MISSING,
    ]);
    expect(
      codes(
        confirmation(
          f,
          request({ kind: 'cancellation', enterpriseId: null, draft: { commitment: true } }),
        ),
      ),
    ).toEqual([]);
  });

  it('still reports what blocks filing at confirmation', () => {
    const problems = confirmation(
      facts({ person: person({ realNameLevel: 2 }), qualifications: [] }),
      request({ draft: completeDraft() }),
    );
    expect(codes(problems)).toEqual([
      'real_name_level',
      'not_qualified',
      'specialty_not_qualified',
    ]);
  });
});

describe('contractProblems (rule 3)', () => {
  function employment(contractEnd: string, contractStart = '2026-01-01'): ApplicationDraft {
    return { employment: { position: '项目经理', contractStart, contractEnd } };
  }

  it('accepts a contract ending exactly 3 months after today', () => {
    expect(codes(contractProblems(employment('2027-02-25'), TODAY, rules))).toEqual([]);
  });

  it('refuses a contract ending one day earlier, naming the first allowed end', () => {
    const problems = contractProblems(employment('2027-02-24'), TODAY, rules);
    expect(codes(problems)).toEqual(['contract_too_short']);
    expect(problems[0]?.message).toContain('2027-02-25');
    expect(problems[0]?.message).toContain('3个月');
  });

  it('counts 3 months from the end of a month to the last day of a shorter month', () => {
    expect(codes(contractProblems(employment('2027-02-28'), '2026-11-30', rules))).toEqual([]);
    expect(codes(contractProblems(employment('2027-02-27'), '2026-11-30', rules))).toEqual([
      'contract_too_short',
    ]);
  });

  it('follows the configured number of months', () => {
    const sixMonths = { ...rules, contractMinMonths: 6 };
    expect(codes(contractProblems(employment('2027-05-24'), TODAY, sixMonths))).toEqual([
      'contract_too_short',
    ]);
    expect(codes(contractProblems(employment('2027-05-25'), TODAY, sixMonths))).toEqual([]);
  });

  it('refuses a contract not yet in force, accepts one that began today', () => {
    const tomorrow = contractProblems(employment('2028-12-31', '2026-11-26'), TODAY, rules);
    expect(codes(tomorrow)).toEqual(['contract_not_started']);
    expect(tomorrow[0]?.message).toContain('劳动合同自2026-11-26起生效');
    expect(codes(contractProblems(employment('2028-12-31', TODAY), TODAY, rules))).toEqual([]);
  });

  it('refuses a contract that ends before it starts', () => {
    expect(codes(contractProblems(employment('2027-06-30', '2027-07-01'), TODAY, rules))).toEqual([
      'contract_end_before_start',
    ]);
  });

  it('refuses a contract that ends the day it starts', () => {
    expect(codes(contractProblems(employment('2027-06-30', '2027-06-30'), TODAY, rules))).toEqual([
      'contract_end_before_start',
    ]);
  });

  it('asks for a missing position', () => {
    const draft: ApplicationDraft = {
      employment: { contractStart: '2026-01-01', contractEnd: '2028-12-31' },
    };
    expect(codes(contractProblems(draft, TODAY, rules))).toEqual(['position_missing']);
  });

  it('asks for missing contract dates and checks nothing more', () => {
    expect(codes(contractProblems({ employment: { position: '项目经理' } }, TODAY, rules))).toEqual(
      ['contract_dates_missing'],
    );
    expect(
      codes(
        contractProblems(
          { employment: { position: '项目经理', contractStart: '2026-01-01' } },
          TODAY,
          rules,
        ),
      ),
    ).toEqual(['contract_dates_missing']);
    expect(codes(contractProblems({}, TODAY, rules))).toEqual([
      'position_missing',
      'contract_dates_missing',
    ]);
  });
});

describe('contractAtSubmissionProblems (rule 3 at submission)', () => {
  function ending(contractEnd: string): ApplicationDraft {
    return { employment: { position: '项目经理', contractStart: '2026-01-01', contractEnd } };
  }

  it('accepts a contract ending exactly 3 months after the day of submission', () => {
    expect(contractAtSubmissionProblems(ending('2027-02-25'), TODAY, rules)).toEqual([]);
  });

  it('refuses a contract ending one day earlier and says to return the application', () => {
    const problems = contractAtSubmissionProblems(ending('2027-02-24'), TODAY, rules);
    expect(codes(problems)).toEqual(['contract_too_short_at_submission']);
    expect(problems[0]?.message).toContain('2027-02-25');
    expect(problems[0]?.message).toContain('2027-02-24到期');
    expect(problems[0]?.message).toContain('退回');
  });

  it('refuses a contract that was fine at confirmation but no longer is', () => {
    const draft = ending('2027-02-25');
    expect(codes(contractProblems(draft, TODAY, rules))).toEqual([]);
    expect(codes(contractAtSubmissionProblems(draft, '2026-11-26', rules))).toEqual([
      'contract_too_short_at_submission',
    ]);
  });

  it('refuses a contract without an end date', () => {
    const problems = contractAtSubmissionProblems({}, TODAY, rules);
    expect(codes(problems)).toEqual(['contract_too_short_at_submission']);
    expect(problems[0]?.message).toContain('未填写终止日期');
  });
});

describe('rule 15 counts open initial applications too (issue 10, item 2)', () => {
  const open = {
    id: 'application-2',
    applicationNumber: 'SQ20261120000007',
    profession: 'cost_engineer' as const,
    enterpriseId: 'enterprise-b',
    enterpriseName: '南京宁远工程造价咨询有限公司',
  };

  it('refuses an initial application at another enterprise, naming and linking the open one', () => {
    const problems = filingProblemsOf(
      facts({ openInitials: [open] }),
      request(),
      AT,
      rules,
      'eligibility',
    );
    const problem = problems.find((p) => p.code === 'open_application_elsewhere');
    expect(problem?.applicationId).toBe('application-2');
    expect(problem?.message).toContain('SQ20261120000007');
    expect(problem?.message).toContain('南京宁远工程造价咨询有限公司');
  });

  it('allows one at the same enterprise', () => {
    const same = { ...open, enterpriseId: EMPLOYER.id };
    const codes = filingProblemsOf(
      facts({ openInitials: [same] }),
      request(),
      AT,
      rules,
      'eligibility',
    ).map((p) => p.code);
    expect(codes).not.toContain('open_application_elsewhere');
  });
});
