// Server configuration, read once from the environment and validated. Safe
// defaults: listen on loopback only, no external STUN/TURN, data under ./data.
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { clientVersion, compareVersions, VersionSchemaSource } from '@parley/shared';
import { isProxyEntry } from '../http/clientAddress.js';
import { LogLevelSchema } from '../logging/index.js';
import { defaultMaxFileMb, limits } from '../rooms/limits.js';
import { defaultConsumersPerWorker } from '../sfu/RouterGroup.js';

const defaultClientDir = fileURLToPath(new URL('../../../client/dist', import.meta.url));

const port = z.coerce.number().int().min(0).max(65535);
const ipAddress = z.union([z.ipv4(), z.ipv6()]);
const commaSeparated = z.string().transform((value) =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean),
);

const EnvSchema = z
  .object({
    PARLEY_HOST: z.string().min(1).default('127.0.0.1'),
    PARLEY_PORT: port.default(3000),
    PARLEY_DATA_DIR: z.string().min(1).default('data'),
    PARLEY_CLIENT_DIR: z.string().min(1).default(defaultClientDir),
    PARLEY_LOG_LEVEL: LogLevelSchema.default('info'),
    PARLEY_MEDIA_WORKERS: z.coerce.number().int().min(1).max(64).default(Math.max(1, cpus().length)),
    /**
     * People in one call (admitted and waiting). Every change of a call's
     * membership costs every sender a key box per member: raise it on a
     * machine that has measured it (docs/benchmarks.md, bench:keys).
     */
    PARLEY_MAX_CALL_SIZE: z.coerce.number().int().min(2).max(1000).default(limits.peersPerRoom),
    /** The largest file people may send each other in a call, in MB (relayed in chunks, never stored). */
    PARLEY_MAX_FILE_MB: z.coerce.number().int().min(1).max(10_240).default(defaultMaxFileMb),
    /** Consumers a media worker carries before a call spreads onto another worker (mediasoup advises ~500). */
    PARLEY_CONSUMERS_PER_WORKER: z.coerce.number().int().min(1).max(100_000).default(defaultConsumersPerWorker),
    PARLEY_RTC_LISTEN_IP: ipAddress.default('127.0.0.1'),
    /** The address browsers are told to send media to (public IP or DNS name behind NAT). */
    PARLEY_RTC_ANNOUNCED_ADDRESS: z.string().min(1).max(253).optional(),
    PARLEY_RTC_MIN_PORT: port.default(40000),
    PARLEY_RTC_MAX_PORT: port.default(49999),
    /** postgres://… to use PostgreSQL; unset: SQLite in the data directory. */
    PARLEY_DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    /**
     * redis://… : several nodes share login throttles and pending logins
     * through this Redis (docs/architecture.md, "Several nodes"); unset: this
     * process's memory (one node).
     */
    PARLEY_REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    PARLEY_SESSION_IDLE_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(24 * 7),
    PARLEY_SESSION_MAX_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    /**
     * Parley is reached over HTTPS (usually through a TLS proxy): the session
     * cookie is then Secure and __Host- prefixed, every response carries HSTS,
     * and pages must come from an https:// origin.
     */
    PARLEY_HTTPS: z.enum(['true', 'false']).default('false'),
    /** Replaced by PARLEY_HTTPS; refused rather than ignored, so an upgrade cannot silently lose Secure cookies. */
    PARLEY_SECURE_COOKIES: z
      .never({ error: 'replaced by PARLEY_HTTPS=true|false (whether Parley is reached over HTTPS)' })
      .optional(),
    /**
     * Reverse proxies in front of Parley (IP addresses or CIDR ranges, comma-separated):
     * their X-Forwarded-For is believed. Empty: the direct peer is the client.
     */
    PARLEY_TRUSTED_PROXIES: commaSeparated
      .pipe(z.array(z.string().refine(isProxyEntry, 'entries are IP addresses or CIDR ranges, like 10.0.0.0/8')))
      .default([]),
    /** Optional TURN relay for browsers behind strict firewalls: comma-separated turn:/turns: URLs. */
    PARLEY_TURN_URLS: commaSeparated
      .pipe(z.array(z.string().regex(/^turns?:[^\s]+$/, 'TURN URLs start with turn: or turns:')).max(8))
      .default([]),
    /**
     * The secret shared with the TURN server (coturn's static-auth-secret):
     * each admission gets credentials minted from it that expire (the TURN
     * REST API convention), so the relay is open to Parley's callers only.
     */
    PARLEY_TURN_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters (scripts/deploy/init-env.sh makes one)')
      .max(256)
      .optional(),
    /** How long minted TURN credentials last: a call longer than this loses its relay. */
    PARLEY_TURN_CREDENTIAL_HOURS: z.coerce.number().int().min(1).max(72).default(12),
    /** Static TURN credentials were handed to every browser and never expired: refused, not ignored. */
    PARLEY_TURN_USERNAME: z
      .never({ error: 'replaced by PARLEY_TURN_SECRET (short-lived credentials per session, minted by Parley)' })
      .optional(),
    PARLEY_TURN_CREDENTIAL: z
      .never({ error: 'replaced by PARLEY_TURN_SECRET (short-lived credentials per session, minted by Parley)' })
      .optional(),
    /** Clients older than this are refused and told to reload. */
    PARLEY_MIN_CLIENT_VERSION: z.string().regex(VersionSchemaSource, 'must look like 1.2.3').default(clientVersion),
    /** Clients older than this are offered the update. */
    PARLEY_CURRENT_CLIENT_VERSION: z.string().regex(VersionSchemaSource, 'must look like 1.2.3').default(clientVersion),
    /** The operator's metrics (counts, memory, descriptors) as JSON on this port; unset: off. */
    PARLEY_METRICS_PORT: port.optional(),
    /** Where the metrics port listens: loopback unless the operator says otherwise. */
    PARLEY_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /** Meeting links expire at most this many days after their last use. */
    PARLEY_LINK_MAX_DAYS: z.coerce.number().int().min(1).max(365).default(365),
    /** Sensitive calls: how long one goes on without a host, with everyone warned, before it ends. */
    PARLEY_SENSITIVE_NO_HOST_SECONDS: z.coerce.number().int().min(5).max(600).default(60),
    /** TEST ONLY: write every forwarded RTP packet to this file, to prove it is ciphertext. */
    PARLEY_TEST_MEDIA_TAP: z.string().min(1).max(4096).optional(),
  })
  .refine((env) => env.PARLEY_RTC_MIN_PORT <= env.PARLEY_RTC_MAX_PORT, {
    message: 'PARLEY_RTC_MIN_PORT must not exceed PARLEY_RTC_MAX_PORT',
    path: ['PARLEY_RTC_MIN_PORT'],
  })
  .refine((env) => env.PARLEY_TURN_URLS.length > 0 === (env.PARLEY_TURN_SECRET !== undefined), {
    message: 'PARLEY_TURN_URLS and PARLEY_TURN_SECRET go together: set both (a TURN relay) or neither',
    path: ['PARLEY_TURN_SECRET'],
  })
  .refine((env) => compareVersions(env.PARLEY_MIN_CLIENT_VERSION, env.PARLEY_CURRENT_CLIENT_VERSION) <= 0, {
    message: 'PARLEY_MIN_CLIENT_VERSION must not exceed PARLEY_CURRENT_CLIENT_VERSION',
    path: ['PARLEY_MIN_CLIENT_VERSION'],
  });

export type Config = {
  http: { host: string; port: number; trustedProxies: string[]; https: boolean };
  dataDir: string;
  clientDir: string;
  logLevel: z.infer<typeof EnvSchema>['PARLEY_LOG_LEVEL'];
  databaseUrl: string | undefined;
  /** The Redis several nodes coordinate through; undefined: one node, memory only. */
  redisUrl: string | undefined;
  clientVersions: { minimum: string; current: string };
  /** The operator's metrics endpoint, if switched on. */
  metrics: { host: string; port: number } | undefined;
  links: { maxDays: number };
  /** Sensitive calls end this long after their last host left (unless one returns). */
  sensitiveCalls: { noHostSeconds: number };
  /** TEST ONLY: file the media tap writes to; undefined in any real deployment. */
  testMediaTap: string | undefined;
  sessions: { idleSeconds: number; absoluteSeconds: number };
  calls: { maxSize: number; consumersPerWorker: number; maxFileBytes: number };
  media: {
    workers: number;
    listenIp: string;
    announcedAddress: string | undefined;
    /** A TURN relay that shares a secret with us, or none (no third party is contacted). */
    turn: TurnRelay | undefined;
    minPort: number;
    maxPort: number;
  };
};

/** Every variable loadConfig reads (the README's configuration table lists them). */
export const configVariables: readonly string[] = Object.keys(EnvSchema.shape);

export type TurnRelay = { urls: string[]; secret: string; lifetimeSeconds: number };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads PARLEY_* variables; throws a ConfigError listing every invalid one.
 * An empty value counts as unset (`PARLEY_X=` in a compose or .env file).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  return {
    http: {
      host: e.PARLEY_HOST,
      port: e.PARLEY_PORT,
      trustedProxies: e.PARLEY_TRUSTED_PROXIES,
      https: e.PARLEY_HTTPS === 'true',
    },
    dataDir: resolve(e.PARLEY_DATA_DIR),
    clientDir: resolve(e.PARLEY_CLIENT_DIR),
    logLevel: e.PARLEY_LOG_LEVEL,
    databaseUrl: e.PARLEY_DATABASE_URL,
    redisUrl: e.PARLEY_REDIS_URL,
    clientVersions: { minimum: e.PARLEY_MIN_CLIENT_VERSION, current: e.PARLEY_CURRENT_CLIENT_VERSION },
    metrics:
      e.PARLEY_METRICS_PORT === undefined ? undefined : { host: e.PARLEY_METRICS_HOST, port: e.PARLEY_METRICS_PORT },
    links: { maxDays: e.PARLEY_LINK_MAX_DAYS },
    sensitiveCalls: { noHostSeconds: e.PARLEY_SENSITIVE_NO_HOST_SECONDS },
    testMediaTap: e.PARLEY_TEST_MEDIA_TAP === undefined ? undefined : resolve(e.PARLEY_TEST_MEDIA_TAP),
    sessions: {
      idleSeconds: e.PARLEY_SESSION_IDLE_HOURS * 3600,
      absoluteSeconds: e.PARLEY_SESSION_MAX_DAYS * 86400,
    },
    calls: {
      maxSize: e.PARLEY_MAX_CALL_SIZE,
      consumersPerWorker: e.PARLEY_CONSUMERS_PER_WORKER,
      maxFileBytes: e.PARLEY_MAX_FILE_MB * 1024 * 1024,
    },
    media: {
      workers: e.PARLEY_MEDIA_WORKERS,
      listenIp: e.PARLEY_RTC_LISTEN_IP,
      announcedAddress: e.PARLEY_RTC_ANNOUNCED_ADDRESS,
      turn:
        e.PARLEY_TURN_SECRET === undefined
          ? undefined
          : {
              urls: e.PARLEY_TURN_URLS,
              secret: e.PARLEY_TURN_SECRET,
              lifetimeSeconds: e.PARLEY_TURN_CREDENTIAL_HOURS * 3600,
            },
      minPort: e.PARLEY_RTC_MIN_PORT,
      maxPort: e.PARLEY_RTC_MAX_PORT,
    },
  };
}
