export type {
  ControllerAction,
  ControllerDecision,
  ControllerState,
} from './adaptive/concurrency-controller.js';
export type { MachineReadings } from './adaptive/machine-readings.js';
export { MEMORY_PER_WORKER_BYTES, recommendParallelism } from './adaptive/recommend-parallelism.js';
export type { AgentContext, AgentHandler } from './agents/agent-context.js';
export type { AgentSelection } from './agents/select-agent.js';
export type {
  BulkCountOptions,
  CacheStats,
  CompressedContext,
  CompressionSettings,
  CompressOptions,
  ContextReport,
  Encoding,
  Tokenizer,
  TokenizerBackend,
  TokenizerChoice,
  TokenLimitDetails,
} from './context/index.js';
export {
  ContextEngineError,
  compressContext,
  countTokens,
  countTokensBulk,
  DEFAULT_BACKEND,
  DEFAULT_ENCODING,
  ENCODINGS,
  getTokenizer,
  TOKENIZER_BACKENDS,
  TokenCountPool,
  TokenLimitError,
} from './context/index.js';
export type { ParallelRunOptions, RunOptions, WorkflowOptions } from './coordinator/agent-coordinator.js';
export { AgentCoordinator } from './coordinator/agent-coordinator.js';
export type { CoordinatorOptions } from './coordinator/coordinator-options.js';
export type { BullmqExecutorOptions } from './distributed/bullmq-executor.js';
export { BullmqExecutor } from './distributed/bullmq-executor.js';
export type { ExecutorOption } from './distributed/executor-option.js';
export type { QueueWorker, QueueWorkerOptions } from './distributed/queue-worker.js';
export { runQueueWorker } from './distributed/queue-worker.js';
export type { RedisConnection } from './distributed/redis-connection.js';
export { redactConnection } from './distributed/redis-connection.js';
export type { QueueWorkerInfo } from './distributed/worker-registry.js';
export type { ValidationIssue } from './errors.js';
export {
  AgentError,
  AgentLoadError,
  ContextPreparationError,
  CoordinatorClosedError,
  JournalError,
  LingflowError,
  QueueConnectionError,
  TaskCancelledError,
  TaskTimeoutError,
  ValidationError,
  WorkerCrashError,
} from './errors.js';
export type { Invocation, InvocationHooks, InvocationOutcome, TaskExecutor } from './execution/executor.js';
export type { ProcessExecutorOptions } from './execution/process-executor.js';
export { ProcessExecutor } from './execution/process-executor.js';
export type { AgentLogEntry, AgentTask, ProgressUpdate } from './execution/protocol.js';
export type { Bottleneck, BottleneckSummary } from './monitoring/bottlenecks.js';
export { summarizeBottlenecks } from './monitoring/bottlenecks.js';
export type {
  AttemptHistory,
  ChromeTrace,
  ChromeTraceEvent,
  ChromeTraceOptions,
  TraceSpan,
} from './monitoring/chrome-trace.js';
export { toChromeTrace, traceSpansFromHistory, traceTrackName } from './monitoring/chrome-trace.js';
export type {
  CoordinatorEvents,
  ParallelismChangedEvent,
  TaskFinishedEvent,
  TaskLogEvent,
  TaskProgressEvent,
  TaskRetriedEvent,
  TaskSkippedEvent,
  TaskStartedEvent,
  WorkflowFinishedEvent,
} from './monitoring/events.js';
export type { FingerprintedTask, WorkflowFingerprints } from './monitoring/fingerprint.js';
export { fingerprintTasks } from './monitoring/fingerprint.js';
export type { AgentStatus, CoordinatorStatus, WorkflowStatus } from './monitoring/status.js';
export type { PlannedTask, PlanOptions, WorkerPlan, WorkflowPlan } from './scheduling/planner.js';
export { DEFAULT_TASK_DURATION_MS, KNEE_GAIN_PER_WORKER, planWorkflow } from './scheduling/planner.js';
export type { SpeedupReport } from './scheduling/speedup.js';
export { calculateSpeedup } from './scheduling/speedup.js';
export type {
  AgentIsolation,
  AgentKind,
  AgentSpec,
  FailurePolicy,
  Task,
  TaskRecord,
  TaskResult,
  TaskStatus,
} from './types.js';
export { TaskPriority } from './types.js';
export type { WorkflowFile } from './workflow-file/load-workflow-file.js';
export { loadWorkflowFile } from './workflow-file/load-workflow-file.js';
export type { WorkflowFileIssue } from './workflow-file/workflow-file-error.js';
export { WorkflowFileError } from './workflow-file/workflow-file-error.js';
