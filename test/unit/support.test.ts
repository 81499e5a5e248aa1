import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  businessDate,
  formatErrors,
  maskSecrets,
  SettableClock,
  trimmed,
} from '../../lib/platform/index.js';
import { creditCodeField, idNumberField } from '../../lib/identity/index.js';

describe('clock', () => {
  it('can be set and moved, and business dates are Asia/Shanghai dates', () => {
    const clock = new SettableClock('2026-11-24T16:30:00Z');
    expect(businessDate(clock.now())).toBe('2026-11-25'); // already the 25th in Shanghai
    clock.advance(8 * 3600_000);
    expect(clock.now().toISOString()).toBe('2026-11-25T00:30:00.000Z');
    clock.set('2026-01-01T00:00:00+08:00');
    expect(businessDate(clock.now())).toBe('2026-01-01');
  });
});

describe('form errors', () => {
  const schema = z.object({
    idNumber: idNumberField(new Date('2026-11-25T00:00:00Z')),
    creditCode: creditCodeField(),
  });

  it('become a summary linking to each field and a message per field', () => {
    const result = schema.safeParse({ idNumber: '123', creditCode: '' });
    expect(result.success).toBe(false);
    const errors = formatErrors(result.error!);
    expect(errors.fields).toEqual({
      idNumber: '居民身份证号码应为18位',
      creditCode: '请输入统一社会信用代码',
    });
    expect(errors.summary).toEqual([
      { href: '#idNumber', text: '居民身份证号码应为18位' },
      { href: '#creditCode', text: '请输入统一社会信用代码' },
    ]);
  });

  it('normalise what was typed before checking it', () => {
    const result = schema.parse({
      idNumber: '11010519491231002x',
      creditCode: '９１３５０１００m000100y43',
    });
    expect(result).toEqual({ idNumber: '11010519491231002X', creditCode: '91350100M000100Y43' });
    expect(trimmed({ a: '  x ', b: 3 })).toEqual({ a: 'x', b: 3 });
  });
});

describe('log masking', () => {
  it('hides the middle of anything shaped like an ID number', () => {
    expect(maskSecrets('/search?q=11010519491231002X&x=1')).toBe(
      '/search?q=110***********002X&x=1',
    );
    expect(maskSecrets('/verify/12345')).toBe('/verify/12345');
  });
});
