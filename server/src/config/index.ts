export { configVariables, loadConfig, ConfigError, type Config, type TurnRelay } from './config.js';
