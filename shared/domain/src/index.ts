/**
 * @frontload/domain: the shapes everything past the provider adapters speaks (events, attendees,
 * preferences, people, history, operations, metrics) and time helpers in the user's zone. No I/O.
 */
export * from './primitives.js';
export * from './calendar-math.js';
export * from './instant.js';
export * from './zone-clock.js';
export * from './interval.js';
export * from './event.js';
export * from './preferences.js';
export * from './people.js';
export * from './not-seen.js';
export * from './check-in.js';
export * from './history.js';
export * from './operation.js';
export * from './metrics.js';
export * from './week.js';
export * from './webhook-events.js';
