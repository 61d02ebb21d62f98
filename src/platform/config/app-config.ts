import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = (fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((raw, ctx) => {
      const value = Number(raw);
      if (!/^\d+$/.test(raw.trim()) || value > 65535) {
        ctx.addIssue({ code: 'custom', message: `expected a port number from 0 to 65535, got "${raw}"` });
        return z.NEVER;
      }
      return value;
    });

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (raw) => {
        try {
          return protocols.includes(new URL(raw).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      { message: `expected a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}` },
    );

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((raw) => (typeof raw === 'string' && raw.trim() === '' ? undefined : raw), schema.optional());

const envSchema = z
  .object({
    PORT: port(3000),
    HOST: z.string().default('0.0.0.0'),
    DATABASE_URL: optional(url(['postgres', 'postgresql'])),
    MQTT_URL: optional(url(['mqtt', 'mqtts', 'tcp', 'tls', 'ws', 'wss'])),
    MQTT_PORT: port(1883),
    MQTT_TOPIC_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, { message: 'expected topic levels without wildcards, like "xla/v1"' })
      .default('xla/v1'),
    MQTT_AUTH: z.enum(['on', 'off'], { message: 'expected on (devices connect with their credentials) or off (anonymous, for a lab)' }).default('on'),
    MQTT_ACL_SYNC: z
      .enum(['dynsec', 'off'], { message: "expected dynsec (keep Mosquitto's dynamic security plugin in step) or off (the broker checks credentials itself)" })
      .default('dynsec'),
    MQTT_SHARED_GROUP: optional(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'expected 1-64 letters, digits, "_" or "-"' })),
    READINGS_RETENTION_DAYS: z.coerce.number({ message: 'expected a whole number of days' }).int().min(31).default(400),
    READING_MAX_AGE_HOURS: z.coerce.number({ message: 'expected a number of hours' }).positive().default(168),
    MQTT_CLIENT_ID: optional(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'expected 1-64 letters, digits, "_" or "-"' })),
    DATA_DIR: z.string().min(1).default('./data'),
    CONTRACTS_DIR: z.string().min(1).default('./config/contracts'),
    ADMIN_API_KEY: optional(z.string().min(24, { message: 'expected at least 24 characters' })),
    PSEUDONYM_SECRET: optional(
      z.string().min(32, {
        message: 'expected at least 32 characters of a random value (e.g. `openssl rand -base64 32`), the same on every instance',
      }),
    ),
    LOG_LEVEL: z.enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    GRAFANA_URL: optional(url(['http', 'https'])),
    /** Where e-mail goes out (alerts, monthly reports): smtp://user:pass@host:port (smtps:// for TLS); unset, none does. */
    SMTP_URL: optional(url(['smtp', 'smtps'])),
    SMTP_FROM: z.string().email().default('xla-monitor@localhost'),
    /** Debian's Chromium, which renders reports to PDF (playwright-core; no browser is downloaded). */
    CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
    GRAFANA_TOKEN: optional(z.string().min(1)),
    GRAFANA_USER: z.string().min(1).default('admin'),
    GRAFANA_PASSWORD: optional(z.string().min(1)),
    GRAFANA_DB_HOST: optional(z.string().regex(/^[A-Za-z0-9_.-]+(:\d{1,5})?$/, { message: 'expected host or host:port, as Grafana reaches PostgreSQL' })),
    GRAFANA_DB_NAME: optional(z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, { message: 'expected a database name' })),
    GRAFANA_DB_PASSWORD: optional(z.string().min(1)),
    PUBLIC_URL: optional(url(['http', 'https'])),
    TRUST_PROXY: z
      .string()
      .default('false')
      .transform((raw, ctx) => {
        const v = raw.trim().toLowerCase();
        if (v === 'true' || v === 'false') return v === 'true';
        if (/^\d+$/.test(v)) return Number(v);
        if (/^[\d.:a-f/, ]+$/.test(v)) return v.split(',').map((a) => a.trim()).filter(Boolean);
        ctx.addIssue({ code: 'custom', message: 'expected true, false, a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs' });
        return z.NEVER;
      }),
    RATE_LIMIT_PER_MINUTE: z.coerce.number({ message: 'expected a whole number of requests' }).int().min(0).default(300),
    RATING_MAX_AGE_HOURS: z.coerce.number({ message: 'expected a number of hours' }).positive().default(24),
    DEMO_MODE: z.enum(['true', 'false'], { message: 'expected true or false' }).default('false'),
    JOBS: z.enum(['on', 'off'], { message: 'expected on (this instance may lead the scheduled jobs) or off (it answers requests and ingests only)' }).default('on'),
    SHUTDOWN_TIMEOUT_MS: z.coerce
      .number({ message: 'expected a number of milliseconds' })
      .int()
      .positive()
      .default(10_000),
  })
  .superRefine((env, ctx) => {
    if (env.MQTT_URL && env.MQTT_AUTH === 'on' && URL.canParse(env.MQTT_URL) && !new URL(env.MQTT_URL).username) {
      ctx.addIssue({
        code: 'custom',
        path: ['MQTT_URL'],
        message:
          'with MQTT_AUTH=on the service connects with a credential of its own: mqtt://<user>:<secret>@host:port (see the README, "MQTT credentials"); MQTT_AUTH=off allows anonymous publishing',
      });
    }
    const credential = Boolean(env.GRAFANA_TOKEN || env.GRAFANA_PASSWORD);
    if (Boolean(env.GRAFANA_URL) !== credential) {
      const missing = env.GRAFANA_URL ? 'GRAFANA_PASSWORD' : 'GRAFANA_URL';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: env.GRAFANA_URL
          ? "required with GRAFANA_URL: a Grafana server admin's password (GRAFANA_USER, default admin), or GRAFANA_TOKEN (then only the provider's organisation is published)"
          : 'required when GRAFANA_PASSWORD or GRAFANA_TOKEN is set',
      });
    }
  });

export type LogLevel = (typeof LOG_LEVELS)[number];

/** The service's whole configuration, validated once at boot and injected by class. */
export class AppConfig {
  readonly port!: number;
  readonly host!: string;
  /** Undefined means embedded PostgreSQL (PGlite) under dataDir. */
  readonly databaseUrl?: string;
  /** Undefined means an embedded MQTT broker on mqttPort. */
  readonly mqttUrl?: string;
  readonly mqttPort!: number;
  /** Topics are {prefix}/{siteKey}/{zoneKey}/{deviceKey}/{signal}. */
  readonly mqttTopicPrefix!: string;
  /** on: devices connect with their own credentials and publish only under their own topics; off: anonymous (a lab). */
  readonly mqttAuth!: 'on' | 'off';
  /** With MQTT_URL and auth on: dynsec keeps Mosquitto's dynamic security plugin in step with the device credentials. */
  readonly mqttAclSync!: 'dynsec' | 'off';
  /** When set, instances share the sensor stream through $share/<group>/… (each message to one of them). */
  readonly mqttSharedGroup?: string;
  /** Raw readings older than this are dropped a monthly partition at a time. */
  readonly readingsRetentionDays!: number;
  /** Oldest reading time accepted, relative to its arrival. */
  readonly readingMaxAgeMs!: number;
  /** Set it for a persistent MQTT session (one id per instance); unset, each start is a clean session. */
  readonly mqttClientId?: string;
  readonly dataDir!: string;
  readonly contractsDir!: string;
  readonly adminApiKey?: string;
  /** The secret outside the database that sender pseudonyms need; undefined means DATA_DIR/pseudonym.key. */
  readonly pseudonymSecret?: string;
  readonly logLevel!: LogLevel;
  /**
   * Where dashboards are published. token: a server admin's `user:password` (GRAFANA_USER and GRAFANA_PASSWORD:
   * organisations per client need a server admin), or an API token (GRAFANA_TOKEN: the provider's organisation only). db: how Grafana reaches PostgreSQL, and
   * the password of xla_grafana for the provider's data source (left alone when unset: provisioned by file).
   */
  /** E-mail (MailSender): the SMTP server's URL and the sender; unset, alert e-mails fail and are retried for a day, and reports are not mailed. */
  readonly smtp?: { url: string; from: string };
  /** The Chromium that renders report PDFs. */
  readonly chromiumPath!: string;
  readonly grafana?: { url: string; token: string; db: { host: string; name: string; providerPassword?: string } };
  readonly shutdownTimeoutMs!: number;
  /** Base URL printed in QR codes. */
  readonly publicUrl!: string;
  /** Whether PUBLIC_URL was given (else publicUrl is localhost, fine for a demo, wrong on a poster). */
  readonly publicUrlSet!: boolean;
  /** Fastify trustProxy: which X-Forwarded-For hops to believe for the client address. */
  readonly trustProxy!: boolean | number | string[];
  /** Requests per minute per client address on public endpoints; 0 turns the limit off. */
  readonly rateLimitPerMinute!: number;
  /**
   * Whether this instance may lead the scheduled jobs (rollups, SLA facts, alerts, publishers, …).
   * Off on API instances beside a worker that runs them: a job's work then never waits a request.
   */
  readonly jobs!: boolean;
  /** Set by `npm run demo`: the landing page links one QR page and one kiosk of the contracts. */
  readonly demoMode!: boolean;
  /** Oldest rating time accepted from a page or kiosk (an offline kiosk's backlog). */
  readonly ratingMaxAgeMs!: number;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment; throws ConfigError naming every bad variable and what it expected. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
  }
  const e = parsed.data;
  return new AppConfig({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    mqttUrl: e.MQTT_URL,
    mqttPort: e.MQTT_PORT,
    mqttClientId: e.MQTT_CLIENT_ID,
    mqttTopicPrefix: e.MQTT_TOPIC_PREFIX,
    mqttSharedGroup: e.MQTT_SHARED_GROUP,
    mqttAuth: e.MQTT_AUTH,
    mqttAclSync: e.MQTT_ACL_SYNC,
    readingMaxAgeMs: e.READING_MAX_AGE_HOURS * 3_600_000,
    readingsRetentionDays: e.READINGS_RETENTION_DAYS,
    dataDir: e.DATA_DIR,
    contractsDir: e.CONTRACTS_DIR,
    adminApiKey: e.ADMIN_API_KEY,
    pseudonymSecret: e.PSEUDONYM_SECRET,
    logLevel: e.LOG_LEVEL,
    grafana:
      e.GRAFANA_URL && (e.GRAFANA_PASSWORD || e.GRAFANA_TOKEN)
        ? {
            url: e.GRAFANA_URL.replace(/\/+$/, ''),
            token: e.GRAFANA_PASSWORD ? `${e.GRAFANA_USER}:${e.GRAFANA_PASSWORD}` : e.GRAFANA_TOKEN!,
            db: {
              host: e.GRAFANA_DB_HOST ?? (e.DATABASE_URL ? new URL(e.DATABASE_URL).host : 'localhost:5432'),
              name: e.GRAFANA_DB_NAME ?? (e.DATABASE_URL ? decodeURIComponent(new URL(e.DATABASE_URL).pathname.slice(1)) || 'postgres' : 'postgres'),
              providerPassword: e.GRAFANA_DB_PASSWORD,
            },
          }
        : undefined,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    publicUrlSet: e.PUBLIC_URL !== undefined,
    trustProxy: e.TRUST_PROXY,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    ratingMaxAgeMs: e.RATING_MAX_AGE_HOURS * 3_600_000,
    demoMode: e.DEMO_MODE === 'true',
    jobs: e.JOBS === 'on',
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM } : undefined,
    chromiumPath: e.CHROMIUM_PATH,
  });
}
