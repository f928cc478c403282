export { attachSignaling, type ParleyIo, type SocketData } from './attachSignaling.js';
export { limitSockets } from './limitSockets.js';
