export * from './dataInventory.js';
