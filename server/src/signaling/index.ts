export { attachSignaling, type ParleyIo, type SocketData } from './attachSignaling.js';
