import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Files that start real processes or a browser take the longest. Started first, the two workers
 * end together; left to the default order (larger files first, on a fresh clone), one of them
 * runs late and alone.
 */
const SLOW_FIRST = ['/test/crash/', '/test/cli/', '/test/e2e/', '/test/integration/backoffice/exactly-once'];

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.findIndex((p) => f.moduleId.includes(p));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    const sorted = await super.sort(files);
    return sorted.map((f, i) => ({ f, i, r: rank(f) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.f);
  }
}

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Test files share a worker's loaded modules instead of importing everything again (a
    // minute and a half of the run); none mocks modules or changes globals another relies on.
    isolate: false,
    // Both cores: most test files wait on real servers and processes rather than compute.
    maxWorkers: 2,
    sequence: { sequencer: SlowFirst },
  },
});
