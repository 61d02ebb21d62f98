import { ConfigError, loadConfig } from './app-config';

describe(loadConfig.name, () => {
  it('falls back to embedded defaults', () => {
    const sut = loadConfig({});
    expect(sut).toMatchObject({ port: 3000, mqttPort: 1883, dataDir: './data', contractsDir: './config/contracts', logLevel: 'info' });
    expect(sut.databaseUrl).toBeUndefined();
    expect(sut.mqttUrl).toBeUndefined();
    expect(sut.grafana).toBeUndefined();
    expect(sut.jobs).toBe(true);
  });

  it('turns the scheduled jobs off on an API instance (JOBS=off)', () => {
    expect(loadConfig({ JOBS: 'off' }).jobs).toBe(false);
    expect(loadConfig({ JOBS: 'on' }).jobs).toBe(true);
  });

  it('reads real servers and Grafana when given', () => {
    const sut = loadConfig({ DATABASE_URL: 'postgres://root@127.0.0.1/test', MQTT_URL: 'mqtt://xla-service:s3cret@127.0.0.1:1883', GRAFANA_URL: 'http://grafana:3000', GRAFANA_TOKEN: 'glsa_x' });
    expect(sut).toMatchObject({ databaseUrl: 'postgres://root@127.0.0.1/test', mqttUrl: 'mqtt://xla-service:s3cret@127.0.0.1:1883', mqttAuth: 'on', mqttAclSync: 'dynsec', grafana: { url: 'http://grafana:3000', token: 'glsa_x', db: { host: '127.0.0.1', name: 'test' } } });
  });

  it('publishes as a Grafana server admin given a password, reaching PostgreSQL as told', () => {
    const sut = loadConfig({ GRAFANA_URL: 'http://grafana:3000/', GRAFANA_PASSWORD: 'pw', GRAFANA_DB_HOST: 'postgres:5432', GRAFANA_DB_NAME: 'xla', GRAFANA_DB_PASSWORD: 'ro' });
    expect(sut.grafana).toEqual({ url: 'http://grafana:3000', token: 'admin:pw', db: { host: 'postgres:5432', name: 'xla', providerPassword: 'ro' } });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT: expected a port number from 0 to 65535, got "abc"'],
    [{ PORT: '70000' }, 'PORT: expected a port number'],
    [{ MQTT_PORT: '-1' }, 'MQTT_PORT: expected a port number'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: expected a URL starting with postgres:// or postgresql://'],
    [{ MQTT_URL: 'localhost:1883' }, 'MQTT_URL: expected a URL starting with mqtt://'],
    [{ MQTT_URL: 'mqtt://127.0.0.1:1883' }, 'MQTT_URL: with MQTT_AUTH=on the service connects with a credential of its own'],
    [{ MQTT_AUTH: 'maybe' }, 'MQTT_AUTH: expected on'],
    [{ JOBS: 'no' }, 'JOBS: expected on (this instance may lead the scheduled jobs) or off'],
    [{ MQTT_ACL_SYNC: 'yes' }, 'MQTT_ACL_SYNC: expected dynsec'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent'],
    [{ ADMIN_API_KEY: 'short' }, 'ADMIN_API_KEY: expected at least 24 characters'],
    [{ PSEUDONYM_SECRET: 'x'.repeat(31) }, 'PSEUDONYM_SECRET: expected at least 32 characters'],
    [{ GRAFANA_URL: 'http://grafana:3000' }, "GRAFANA_PASSWORD: required with GRAFANA_URL: a Grafana server admin's password"],
    [{ GRAFANA_PASSWORD: 'pw' }, 'GRAFANA_URL: required when'],
    [{ GRAFANA_TOKEN: 'glsa_x' }, 'GRAFANA_URL: required when'],
  ])('names the variable and what it expected for %p', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reports every bad variable at once', () => {
    const error = (() => {
      try {
        loadConfig({ PORT: 'x', LOG_LEVEL: 'y' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.problems).toHaveLength(2);
  });

  it('takes a pseudonym secret of 32 characters or more, and falls back to the key file without one', () => {
    expect(loadConfig({ PSEUDONYM_SECRET: 'p'.repeat(32) }).pseudonymSecret).toBe('p'.repeat(32));
    expect(loadConfig({ PSEUDONYM_SECRET: ' ' }).pseudonymSecret).toBeUndefined();
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', MQTT_URL: ' ' }).databaseUrl).toBeUndefined();
  });
});
