import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// docker-compose.yml ships no secret: every password, key, secret and token comes from `.env` as a required
// variable with no default (`${VAR:?message}`), so compose refuses to start without it; and what it publishes
// listens on 127.0.0.1 unless the user says otherwise.
const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|KEY/i;
/** A compose variable that must be set: `${NAME:?message}` (or `${NAME?message}`), nothing else around it. */
const REQUIRED = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?\?[^}]*\}$/;
/** Compose interpolations, not the `$$` escapes that reach the container's shell. */
const INTERPOLATIONS = /(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}/g;
/** Well-known default secrets, wherever they appear. */
const DEFAULTS = /change-?me|changeit|^(admin|password|secret|xla|postgres|root)$/i;

interface Service {
  environment?: Record<string, unknown> | string[];
  ports?: Array<string | number | { host_ip?: string; published?: string | number }>;
}

/** A compose value with its `${VAR:-default}` interpolations replaced by their defaults, as compose does with VAR unset. */
const withDefaults = (value: string) => value.replace(INTERPOLATIONS, (_, _name: string, rest: string) => (/^:?-/.test(rest) ? rest.replace(/^:?-/, '') : ''));

/** Every secret-looking literal or default in a compose file, as readable findings; none is the goal. */
function composeFindings(text: string): string[] {
  const findings: string[] = [];
  const compose = parse(text) as { services: Record<string, Service> };
  for (const [name, service] of Object.entries(compose.services)) {
    const env = Array.isArray(service.environment)
      ? Object.fromEntries(service.environment.map((e) => [e.split('=')[0], e.includes('=') ? e.slice(e.indexOf('=') + 1) : undefined]))
      : (service.environment ?? {});
    for (const [key, raw] of Object.entries(env)) {
      const value = typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
      if (SECRET_NAME.test(key) && !REQUIRED.test(value)) findings.push(`${name}: ${key} is not a required \${VAR:?message} from .env: ${value}`);
      if (SECRET_NAME.test(key) && DEFAULTS.test(value)) findings.push(`${name}: ${key} has a well-known default: ${value}`);
      // A password inside a URL, like postgres://user:password@host.
      const userinfo = /:\/\/[^:/@\s]+:([^@\s]+)@/.exec(value);
      if (userinfo && !REQUIRED.test(userinfo[1])) findings.push(`${name}: ${key} has a password in its URL that is not a required \${VAR:?message}`);
    }
    for (const port of service.ports ?? []) {
      // "host_ip:published:target", "published:target" or "target" (the last two listen on every address).
      const hostIp = typeof port === 'object' ? (port.host_ip ?? '') : withDefaults(String(port)).split(':').slice(0, -2).join(':');
      if (hostIp !== '127.0.0.1') findings.push(`${name}: port ${JSON.stringify(port)} is published on ${hostIp || 'every address'}, not 127.0.0.1`);
    }
  }
  // A secret variable used anywhere (a URL, a command) is required, never defaulted or optional.
  for (const [, variable, rest] of text.matchAll(INTERPOLATIONS)) {
    if (SECRET_NAME.test(variable) && !/^:?\?/.test(rest)) findings.push(`\${${variable}${rest}} may be unset or defaulted`);
  }
  if (/change-?me/i.test(text)) findings.push('a change-me placeholder');
  return findings;
}

describe('docker-compose.yml', () => {
  const text = read('docker-compose.yml');

  it('has no secret literal or default, and publishes ports on 127.0.0.1 only', () => {
    expect(composeFindings(text)).toEqual([]);
  });

  it('names every required variable in .env.example, with an empty value and a way to make it', () => {
    const required = [...new Set([...text.matchAll(INTERPOLATIONS)].filter(([, , rest]) => /^:?\?/.test(rest)).map(([, name]) => name))];
    expect(required).toEqual(expect.arrayContaining(['ADMIN_API_KEY', 'GRAFANA_ADMIN_PASSWORD', 'POSTGRES_PASSWORD', 'PSEUDONYM_SECRET', 'MQTT_SERVICE_PASSWORD']));
    const example = read('.env.example');
    for (const name of required) {
      expect(example).toMatch(new RegExp(`^${name}=$`, 'm'));
      // The comment just above it says how to make one.
      expect(example).toMatch(new RegExp(`openssl rand[^\\n]*\\n${name}=`));
    }
  });

  it('has Grafana read PostgreSQL as the reporting role, not as the database owner', () => {
    const compose = parse(text) as { services: Record<string, { environment: Record<string, string> }> };
    const owner = compose.services.postgres.environment.POSTGRES_USER;
    const datasource = parse(read('grafana/provisioning/datasources/xla-monitor.yaml')) as { datasources: Array<{ user: string }> };
    expect(datasource.datasources.map((d) => d.user)).toEqual(['xla_grafana']);
    expect(owner).not.toBe('xla_grafana');
    // Nothing of the tables: the migrations grant it the reporting schema alone.
    const init = read('config/postgres/10-grafana-readonly.sql');
    expect(init).toMatch(/CREATE ROLE xla_grafana LOGIN/);
    expect(init).not.toMatch(/GRANT SELECT/);
  });

  it('the check finds the secrets of a compose file that has them', () => {
    const leaky = `
services:
  db:
    environment:
      POSTGRES_PASSWORD: xla
      API_TOKEN: "\${API_TOKEN}"
    ports: ["5432:5432"]
  app:
    environment:
      DATABASE_URL: postgres://xla:xla@db:5432/xla
      ADMIN_API_KEY: \${ADMIN_API_KEY:-change-me-change-me-change-me-0000}
      GF_SECURITY_ADMIN_PASSWORD: admin
    ports: ["\${BIND:-0.0.0.0}:3000:3000", "3001"]
`;
    const findings = composeFindings(leaky);
    for (const expected of [
      /db: POSTGRES_PASSWORD is not a required/,
      /db: API_TOKEN is not a required/,
      /db: port "5432:5432" is published on every address/,
      /app: DATABASE_URL has a password in its URL/,
      /app: ADMIN_API_KEY is not a required/,
      /app: GF_SECURITY_ADMIN_PASSWORD has a well-known default/,
      /app: port .* is published on 0\.0\.0\.0/,
      /app: port "3001" is published on every address/,
      /ADMIN_API_KEY:-change-me.* may be unset or defaulted/,
      /change-me placeholder/,
    ]) {
      expect(findings).toContainEqual(expect.stringMatching(expected));
    }
  });
});
