/**
 * The bench's trivial agent: returns its input, so a run measures only the cost of moving tasks in and
 * out of worker threads. Like `burn.ts`, lingflow and the raw pools all run this same file.
 */
export default function noopAgent(task: { context: { value: number } }): number {
  return task.context.value;
}
