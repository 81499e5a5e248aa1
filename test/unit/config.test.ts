import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/platform/index.js';

describe('config', () => {
  it('has working development defaults', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.port).toBe(3000);
    expect(config.embeddedPgPort).not.toBe(5432);
    expect(config.dataDir).toMatch(/\.data$/);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.demoData).toBe(true);
    expect(config.loginThrottle).toEqual({ perAccount: 5, perAddress: 30, windowMinutes: 15 });
  });

  it('requires a real session secret in production and never seeds demo data there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
    const secret = 's'.repeat(40);
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret });
    expect(config.production).toBe(true);
    expect(config.demoData).toBe(false);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret, DEMO_DATA: 'true' }),
    ).toThrow(/DEMO_DATA/);
  });

  it('names every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url' })).toThrow(
      /PORT[\s\S]*DATABASE_URL|DATABASE_URL[\s\S]*PORT/,
    );
  });
});
