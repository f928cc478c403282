export { WorkerPool } from './WorkerPool.js';
export { mediaCodecs } from './mediaCodecs.js';
