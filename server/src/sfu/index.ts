export { WorkerPool } from './WorkerPool.js';
export { mediaCodecs } from './mediaCodecs.js';
export { MediaTap } from './MediaTap.js';
export { AnnouncedAddressError, checkAnnouncedAddress, hostFacts, type HostFacts } from './announcedAddress.js';
