// The guide's "parallel execution + parallel code review", with the library API instead of a workflow file:
// implement in parallel, then review in parallel the output files of the implementations that succeeded.
//
//   npm run build && node examples/implement-then-review.mjs
import { fileURLToPath } from 'node:url';
import { AgentCoordinator } from 'lingflow';

const coordinator = new AgentCoordinator({
  baseDir: fileURLToPath(new URL('.', import.meta.url)),
  agents: {
    implementation: { module: './agents/implementation.js' },
    review: { module: './agents/review.js' },
  },
});

const services = { context: 'src/context', scheduling: 'src/scheduling', monitoring: 'src/monitoring' };
try {
  // Phase 1: implement in parallel.
  const implementationResults = await coordinator.executeTasksParallel(
    Object.entries(services).map(([name, source]) => ({
      id: `impl-${name}`,
      description: `Implement ${name}`,
      agentType: 'implementation',
      context: { workflow: 'review-api', sources: [source] },
    })),
  );

  // Phase 2: review in parallel, only the successful implementations, from the files they declared.
  const reviewResults = await coordinator.executeTasksParallel(
    implementationResults
      .filter((result) => result.success)
      .map((result) => ({
        id: `review-${result.taskId}`,
        description: `Review ${result.taskId}`,
        agentType: 'review',
        context: { files: result.outputFiles },
      })),
  );

  for (const result of [...implementationResults, ...reviewResults]) {
    console.log(`${result.taskId}: ${result.success ? '✅ Success' : `❌ Failed: ${result.error}`}`);
    if (result.output?.findings) {
      const { reviewed, findings, originalTokens, keptTokens } = result.output;
      console.log(
        `  reviewed ${reviewed} files, ${findings.length} findings, compressible ${originalTokens} → ${keptTokens} tokens`,
      );
    }
  }
  process.exitCode = [...implementationResults, ...reviewResults].every((result) => result.success) ? 0 : 1;
} finally {
  await coordinator.close();
}
