export { createLogger, LogLevelSchema, type Logger } from './logger.js';
