export * from './ids.js';
export * from './entities.js';
export * from './case-status.js';
