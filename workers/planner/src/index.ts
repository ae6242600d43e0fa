export * from './processors.js';
export * from './worker.js';
