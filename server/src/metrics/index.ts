export { Metrics, type LoginStep, type MetricsSources } from './Metrics.js';
