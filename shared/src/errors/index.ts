export * from './ErrorCode.js';
export * from './assertUnreachable.js';
