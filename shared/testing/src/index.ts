export * from './postgres.js';
export * from './redis-server.js';
export * from './redis.js';
export * from './spawn.js';
export * from './sandbox.js';
