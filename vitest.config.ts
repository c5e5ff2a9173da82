import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests that start worker threads use the built package, exactly as users import it.
    alias: { lingflow: fileURLToPath(new URL('./dist/src/index.js', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Worker-thread tests measure nothing, but two cores are all there is: run files one at a time.
    fileParallelism: false,
  },
});
