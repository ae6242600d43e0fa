export { buildApp, type AppDependencies } from './app.js';
export { Errors, type ErrorBody } from './errors.js';
