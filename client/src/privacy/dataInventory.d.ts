declare module 'virtual:data-inventory' {
  import type { DataInventory } from '@parley/shared/privacy';
  const inventory: DataInventory;
  export default inventory;
}
