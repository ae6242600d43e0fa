export { buildSandbox, type SandboxOptions } from './app.js';
export type { SandboxRuntime } from './core/create-core.js';
export type * from './core/types.js';
export { TLM_WEEK, demoEmail, type DemoScenario, type DemoEvent, type DemoPerson } from './demo/tlm-week.js';
