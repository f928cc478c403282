// Structured logging, one named logger per module. What we log is events and
// ids: never IP addresses, user agents, tokens, keys, codes or media payloads.
// The redact list is a second line of defence, not a licence to log objects.
import { pino, type Logger } from 'pino';
import { z } from 'zod';

export const LogLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

// Read here rather than from Config because module-level loggers are created
// at import time, before the config is loaded; an invalid value is reported
// by loadConfig, which validates the same variable with the same schema.
const level = LogLevelSchema.catch('info').parse(process.env.PARLEY_LOG_LEVEL);

const root = pino({
  level,
  base: undefined,
  redact: {
    paths: ['*.password', '*.token', '*.secret', '*.key', '*.code', '*.cookie', '*.ip', '*.address', '*.userAgent'],
    censor: '[redacted]',
  },
});

export function createLogger(module: string): Logger {
  return root.child({ module });
}

export type { Logger };

/**
 * An error as a log field, without what drivers hang on it: a pg error can
 * carry its client (host, user, database) or a row's values in `detail`.
 */
export function errorSummary(error: unknown): { type: string; message: string; stack?: string } {
  if (!(error instanceof Error)) return { type: typeof error, message: 'a non-Error was thrown' };
  return { type: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
}
