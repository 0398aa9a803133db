// Test-side retries of the move_pages(2) caller, unchanged kernel: the selftest's [PATCH 2/2] (Dev
// Jain, 9 Aug 2024: fail only after 100 consecutive failures, David Hildenbrand's workaround of
// 1 Aug) and a caller retry of 7 (Dev Jain, 16 Aug 2024: "can touch even 4 digits").
import { definePatch } from '../index.js';

export default definePatch({
  name: 'caller-retry',
  extend: [{
    scenario: 'move-pages-race',
    variants: [
      {
        name: 'caller-retry-7',
        base: 'mainline',
        kernel: 'unchanged kernel; the selftest retries a failed move_pages 7 times (Dev Jain, 16 Aug 2024)',
        description: 'a failed call is repeated up to 7 times before the iteration fails',
        hooks: { movePagesRetry: (_task, failures) => failures <= 7 },
      },
      {
        name: 'caller-retry-100',
        base: 'mainline',
        kernel: 'unchanged kernel; selftests/mm/migration.c [PATCH 2/2] (Dev Jain, 9 Aug 2024; David Hildenbrand, 1 Aug 2024)',
        description: 'the iteration fails only after 100 consecutive failed calls',
        hooks: { movePagesRetry: (_task, failures) => failures < 100 },
      },
    ],
  }],
});
