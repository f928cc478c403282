export { attachSignaling, type ParleyIo } from './attachSignaling.js';
