export { WorkerPool } from './WorkerPool.js';
export { mediaCodecs } from './mediaCodecs.js';
export { MediaTap } from './MediaTap.js';
