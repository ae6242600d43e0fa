export {
  ConfigError,
  describeVariables,
  loadConfig,
  loadConfigOrExit,
  type ApiEnv,
  type CliEnv,
  type ConfigProblem,
  type EnvFor,
  type ProcessKind,
  type SandboxEnv,
  type WorkerEnv,
} from './load-config.js';
export { DEFAULT_SANDBOX_URL, DEVELOPMENT_SEALING_KEY } from './variables.js';
