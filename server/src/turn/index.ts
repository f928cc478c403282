export { mintTurnCredentials, turnPassword, type TurnCredentials } from './turnCredentials.js';
