export { openDatabase, storeLocation, type Store, type StoreLocation } from './openDatabase.js';
export type * from './schema.js';
export { isStoreUnavailable, storeUnavailableMessage } from './unavailable.js';
export { nowSeconds, coarseNowSeconds } from './time.js';
