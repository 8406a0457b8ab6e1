import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('defaults to the embedded database in ./data on port 8080 with the medium demo', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, databaseUrl: undefined, demo: true, demoSize: 'medium' });
    expect(c.dataDir).toBe(path.resolve('data'));
  });

  it('reads every variable and lets overrides win', () => {
    const c = loadConfig(
      {
        PORT: '9000',
        DATABASE_URL: 'postgres://u@h/db',
        DEMO: 'false',
        DEMO_SIZE: 'small',
        LOGIN_MAX_FAILURES: '3',
      },
      { port: 0 },
    );
    expect(c).toMatchObject({
      port: 0,
      databaseUrl: 'postgres://u@h/db',
      demo: false,
      demoSize: 'small',
      loginMaxFailures: 3,
    });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be an integer from 0 to 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
    [{ DEMO: 'maybe' }, /DEMO must be true or false/],
    [{ DEMO_SIZE: 'huge' }, /small, medium or large/],
    [{ CBRAIN_DATA_KEY: 'c2hvcnQ=' }, /32 bytes/],
  ])('rejects %o with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
