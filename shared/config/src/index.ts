export {
  ConfigError,
  describeVariables,
  isLocalHttpUrl,
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
export {
  DEFAULT_SANDBOX_URL,
  DEVELOPMENT_SEALING_KEY,
  DEVELOPMENT_SESSION_SECRET,
  PRODUCTION_SECRETS,
} from './variables.js';
