export { loadConfig, ConfigError, type Config, type TurnRelay } from './config.js';
