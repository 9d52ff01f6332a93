export * from './ids.js';
export * from './entities.js';
