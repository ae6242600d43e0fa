/**
 * @frontload/planner: the pure planner. `plan(input)` turns one user's calendar into operations with
 * reasons, notes on what was left alone, and weekly overload metrics. No I/O, no clock, no randomness.
 */
export { plan } from './plan.js';
export { applyOperations } from './apply-operations.js';
export { freezeCutoff, holdsUserTime, timingRefusal, type TimedOperation } from './apply-rules.js';
export { validateInput } from './validate-input.js';
export { checkPreferences } from './check-preferences.js';
export {
  classifyOneOnOne,
  createClassifier,
  type Classifier,
  type ClassifierContext,
  type OneOnOneVerdict,
  type ReasonCode,
  type VerdictReason,
} from './classify-one-on-one.js';
export {
  detectRoles,
  internalDomains,
  roleOf,
  TEAM_MIN_OTHERS,
  type PersonRoleView,
  type RoleContext,
} from './detect-roles.js';
export { contentHash, focusBlockId, operationKey } from './operation-key.js';
export { FEW_REPORTS, longestChain } from './metrics.js';
export {
  PlannerInputSchema,
  type InputIssue,
  type PlannerInput,
  type PlannerOutput,
  type PlanResult,
} from './input.js';
export {
  BALANCE_WEEKS,
  DEEP_FOCUS_MINUTES,
  MEETING_HEAVY_DAY_HOURS,
  WeekInsightsSchema,
  balanceWeeks,
  weekInsights,
  type InsightsInput,
  type WeekInsights,
} from './insights.js';
