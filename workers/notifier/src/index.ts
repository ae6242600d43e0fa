export * from './processors.js';
