// The built-in put-and-wait migration-entry wait (shared/mm/fault.ts), copied into a patch file, to
// measure what a hook costs against the built-in variant it copies (bench/patch-hook-cost.ts).
import { definePatch, putAndWaitOnPageLocked, lastDropPutNs } from 'pagestorm';

export default definePatch({
  extend: [{
    scenario: 'migration-entry-wait',
    variants: [{
      name: 'put-and-wait-copy',
      base: 'put-and-wait',
      kernel: 'v5.0 9a1ea439b16b put_and_wait_on_page_locked() (a copy of the built-in, as a patch)',
      description: 'the built-in put-and-wait wait, loaded from a patch file',
      hooks: {
        migrationEntryWait(task, pfn, t0) {
          putAndWaitOnPageLocked(task, pfn);
          return lastDropPutNs(task) - t0;
        },
      },
    }],
  }],
});
