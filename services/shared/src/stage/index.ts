// @orders-dwh/shared/stage: what a stage defines (its StageDefinition) and the helpers it may use; the runner stays inside.
export * from './stage-definition.ts';
export * from './dead-letters.ts';
export * from './message-chunks.ts';
export * from './crash-point.ts';
export { ConcurrentWriteError, DependencyStateError } from './error-class.ts';
