import type { TaskRecord } from '../types.js';

/** Weight of the newest duration in an agent's running estimate. */
const SMOOTHING = 0.3;

interface AgentLedger {
  records: TaskRecord[];
  completed: number;
  failed: number;
  estimateMs: number | undefined;
}

/**
 * Every attempt each agent made, with counts and a smoothed duration estimate per agent type that the
 * scheduler ranks tasks with and the planner predicts from. At most `limit` records are kept per agent;
 * the counts and estimates cover all of them.
 */
export class AgentHistory {
  readonly #ledgers = new Map<string, AgentLedger>();
  readonly #limit: number;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  record(agentType: string, record: TaskRecord): void {
    let ledger = this.#ledgers.get(agentType);
    if (!ledger) {
      ledger = { records: [], completed: 0, failed: 0, estimateMs: undefined };
      this.#ledgers.set(agentType, ledger);
    }
    ledger.records.push(record);
    // Trimming in chunks keeps recording O(1) amortised even for hundreds of thousands of tiny tasks.
    if (ledger.records.length >= 2 * this.#limit)
      ledger.records.splice(0, ledger.records.length - this.#limit);
    if (record.success) {
      ledger.completed++;
      ledger.estimateMs =
        ledger.estimateMs === undefined
          ? record.durationMs
          : SMOOTHING * record.durationMs + (1 - SMOOTHING) * ledger.estimateMs;
    } else {
      ledger.failed++;
    }
  }

  /** The newest attempts of one agent (at most `limit`), oldest first. */
  records(agentType: string): TaskRecord[] {
    return (this.#ledgers.get(agentType)?.records ?? []).slice(-this.#limit);
  }

  counts(agentType: string): { completed: number; failed: number } {
    const ledger = this.#ledgers.get(agentType);
    return { completed: ledger?.completed ?? 0, failed: ledger?.failed ?? 0 };
  }

  /** Exponentially smoothed duration of the agent's completed attempts, if it has any. */
  estimateMs(agentType: string): number | undefined {
    return this.#ledgers.get(agentType)?.estimateMs;
  }
}
