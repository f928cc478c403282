export { createLogger, errorSummary, LogLevelSchema, type Logger } from './logger.js';
