import { describe, expect, it } from 'vitest';
import {
  birthDateFromIdNumber,
  checkCreditCode,
  checkIdNumber,
  creditCodeCheckCharacter,
  genderFromIdNumber,
  idNumberCheckCharacter,
  maskIdNumber,
  normaliseIdentifier,
} from '../../lib/identity/index.js';

// A fixed "today" for tests: 2025-06-01 12:00 in Asia/Shanghai.
const TODAY = new Date('2025-06-01T04:00:00Z');

describe('normaliseIdentifier', () => {
  it('converts full-width characters, strips whitespace and upper-cases', () => {
    expect(normaliseIdentifier(' １１０１０５\u3000１９４９ １２３１００２ｘ\t')).toBe(
      '11010519491231002X',
    );
    expect(normaliseIdentifier('abc def')).toBe('ABCDEF');
  });
});

describe('idNumberCheckCharacter', () => {
  it('computes the GB 11643-1999 check character', () => {
    expect(idNumberCheckCharacter('11010519491231002')).toBe('X');
    // Hand check for 110101199003074477:
    // digits   1 1  0 1 0 1 1 9 9 0 0 3  0 7 4 4 7
    // weights  7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
    // products 7+9+0+5+0+4+2+9+54+0+0+27+0+35+32+16+14 = 214; 214 mod 11 = 5 -> '7'
    expect(idNumberCheckCharacter('11010119900307447')).toBe('7');
  });

  it('throws on bad input', () => {
    expect(() => idNumberCheckCharacter('1101011990030744')).toThrow();
    expect(() => idNumberCheckCharacter('1101011990030744A')).toThrow();
  });
});

describe('checkIdNumber', () => {
  it.each([
    '11010519491231002X',
    '110101199003074477',
    '320102198805120018',
    '440306200002290084', // 2000-02-29 is a real leap day
    '310115199511082364',
    '510107197001010035',
  ])('accepts %s', (id) => {
    expect(checkIdNumber(id, TODAY)).toEqual({ ok: true, value: id });
  });

  it('accepts lower-case x and stores it upper-case', () => {
    expect(checkIdNumber('11010519491231002x', TODAY)).toEqual({
      ok: true,
      value: '11010519491231002X',
    });
  });

  it('accepts full-width digits and letters', () => {
    expect(checkIdNumber('１１０１０５１９４９１２３１００２Ｘ', TODAY)).toEqual({
      ok: true,
      value: '11010519491231002X',
    });
  });

  it('accepts values with spaces (including full-width spaces)', () => {
    expect(checkIdNumber(' 110105 19491231 002X ', TODAY)).toEqual({
      ok: true,
      value: '11010519491231002X',
    });
    expect(checkIdNumber('110105\u300019491231\u3000002X', TODAY)).toEqual({
      ok: true,
      value: '11010519491231002X',
    });
  });

  it('rejects empty input', () => {
    expect(checkIdNumber('', TODAY)).toEqual({ ok: false, reason: 'empty' });
    expect(checkIdNumber(' \u3000 ', TODAY)).toEqual({ ok: false, reason: 'empty' });
  });

  it('rejects a wrong check character', () => {
    expect(checkIdNumber('110105194912310021', TODAY)).toEqual({ ok: false, reason: 'checksum' });
    expect(checkIdNumber('110101199003074478', TODAY)).toEqual({ ok: false, reason: 'checksum' });
  });

  it('rejects the wrong length', () => {
    expect(checkIdNumber('11010519491231002', TODAY)).toEqual({ ok: false, reason: 'length' });
    expect(checkIdNumber('11010519491231002X1', TODAY)).toEqual({ ok: false, reason: 'length' });
  });

  it('rejects letters other than a final X', () => {
    expect(checkIdNumber('110105194A1231002X', TODAY)).toEqual({
      ok: false,
      reason: 'characters',
    });
    expect(checkIdNumber('1101051949123100X2', TODAY)).toEqual({
      ok: false,
      reason: 'characters',
    });
  });

  it('rejects an impossible birth date even with a correct check character', () => {
    for (const first17 of ['11010519490231002', '11010519491301002', '11010520230229002']) {
      const id = first17 + idNumberCheckCharacter(first17);
      expect(checkIdNumber(id, TODAY)).toEqual({ ok: false, reason: 'birth_date' });
    }
  });

  it('rejects birth years before 1900', () => {
    const first17 = '11010518991231002';
    expect(checkIdNumber(first17 + idNumberCheckCharacter(first17), TODAY)).toEqual({
      ok: false,
      reason: 'birth_date',
    });
  });

  it('rejects a birth date after today and accepts today', () => {
    const tomorrow = '11010520250602001';
    const today = '11010520250601001';
    expect(checkIdNumber(tomorrow + idNumberCheckCharacter(tomorrow), TODAY)).toEqual({
      ok: false,
      reason: 'birth_date',
    });
    expect(checkIdNumber(today + idNumberCheckCharacter(today), TODAY).ok).toBe(true);
  });

  it('compares against the calendar date in Asia/Shanghai, not UTC', () => {
    // 2025-06-01T16:30Z is already 2025-06-02 00:30 in Shanghai.
    const lateUtc = new Date('2025-06-01T16:30:00Z');
    const june2 = '11010520250602001';
    const june3 = '11010520250603001';
    expect(checkIdNumber(june2 + idNumberCheckCharacter(june2), lateUtc).ok).toBe(true);
    expect(checkIdNumber(june3 + idNumberCheckCharacter(june3), lateUtc)).toEqual({
      ok: false,
      reason: 'birth_date',
    });
  });

  it('reports birth_date before checksum', () => {
    expect(checkIdNumber('110105194902310020', TODAY)).toEqual({
      ok: false,
      reason: 'birth_date',
    });
  });
});

describe('maskIdNumber', () => {
  it('keeps the first 3 and last 4 characters of an 18-character id', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110***********002X');
  });

  it('masks short strings completely', () => {
    expect(maskIdNumber('1234567')).toBe('*******');
    expect(maskIdNumber('')).toBe('');
  });
});

describe('birthDateFromIdNumber and genderFromIdNumber', () => {
  it('reads the birth date', () => {
    expect(birthDateFromIdNumber('11010519491231002X')).toBe('1949-12-31');
    expect(birthDateFromIdNumber('440306200002290084')).toBe('2000-02-29');
  });

  it('reads the gender from the 17th digit', () => {
    expect(genderFromIdNumber('11010519491231002X')).toBe('female');
    expect(genderFromIdNumber('110101199003074477')).toBe('male');
    expect(genderFromIdNumber('510107197001010035')).toBe('male');
    expect(genderFromIdNumber('310115199511082364')).toBe('female');
  });
});

describe('creditCodeCheckCharacter', () => {
  it('computes the GB 32100-2015 check character', () => {
    expect(creditCodeCheckCharacter('91350100M000100Y4')).toBe('3');
    // Hand check for 91110000100000000R:
    // 9*1 + 1*3 + 1*9 + 1*27 + 1*20 (9th position) = 68; 68 mod 31 = 6; 31 - 6 = 25 -> 'R'
    expect(creditCodeCheckCharacter('91110000100000000')).toBe('R');
  });

  it('throws on bad input', () => {
    expect(() => creditCodeCheckCharacter('91350100M000100Y')).toThrow();
    expect(() => creditCodeCheckCharacter('91350100M000100I4')).toThrow();
  });
});

describe('checkCreditCode', () => {
  it.each([
    '91350100M000100Y43',
    '913200001347890361',
    '91110000100000000R',
    '12100000400000000W',
    '91440300MA5D11111T',
  ])('accepts %s', (code) => {
    expect(checkCreditCode(code)).toEqual({ ok: true, value: code });
  });

  it('normalises lower-case, full-width and spaced input', () => {
    expect(checkCreditCode('91350100m000100y43')).toEqual({
      ok: true,
      value: '91350100M000100Y43',
    });
    expect(checkCreditCode('９１３５０１００Ｍ０００１００Ｙ４３')).toEqual({
      ok: true,
      value: '91350100M000100Y43',
    });
    expect(checkCreditCode(' 91350100 M000100Y43 ')).toEqual({
      ok: true,
      value: '91350100M000100Y43',
    });
  });

  it('rejects empty input', () => {
    expect(checkCreditCode('  ')).toEqual({ ok: false, reason: 'empty' });
  });

  it('rejects a wrong check character', () => {
    expect(checkCreditCode('91350100M000100Y44')).toEqual({ ok: false, reason: 'checksum' });
    expect(checkCreditCode('91110000100000000Q')).toEqual({ ok: false, reason: 'checksum' });
  });

  it('rejects a final character outside the alphabet as characters', () => {
    // Z is not in the GB 32100 alphabet, so this fails on characters before the checksum.
    expect(checkCreditCode('91350100M000100Y4Z')).toEqual({ ok: false, reason: 'characters' });
  });

  it('rejects I, O, S, V and Z', () => {
    for (const bad of ['I', 'O', 'S', 'V', 'Z']) {
      expect(checkCreditCode(`91350100${bad}000100Y43`)).toEqual({
        ok: false,
        reason: 'characters',
      });
    }
  });

  it('rejects the wrong length', () => {
    expect(checkCreditCode('91350100M000100Y4')).toEqual({ ok: false, reason: 'length' });
    expect(checkCreditCode('91350100M000100Y431')).toEqual({ ok: false, reason: 'length' });
  });
});
