export { WorkerPool } from './WorkerPool.js';
export { mediaCodecs } from './mediaCodecs.js';
export { MediaTap } from './MediaTap.js';
export { loadOf, workerOf, type Load } from './WorkerLoad.js';
export { defaultConsumersPerWorker, RouterGroup } from './RouterGroup.js';
export { AnnouncedAddressError, checkAnnouncedAddress, hostFacts, type HostFacts } from './announcedAddress.js';
