// David Hildenbrand's suggestion in review of fix (a), Aug 2024 (761ba58e-…@redhat.com): in the move
// loop, "if we detect that a folio has unexpected references *and* it has waiters (PG_waiters), back
// off then and retry the folio later": undo now, so the waiter holding a reference can run.
import { definePatch, pageCount, expectedRefs, pageWaiters, MOVE_BACK_OFF, MOVE_RETRY } from '../index.js';

export default definePatch({
  name: 'move-backoff-if-waiters',
  extend: [{
    scenario: 'move-pages-race',
    variants: [{
      name: 'move-backoff-if-waiters',
      base: 'mainline',
      kernel: 'David Hildenbrand, review of Dev Jain\'s PATCH 1/2, Aug 2024 (a suggestion, no patch)',
      description: 'move-stage -EAGAIN with unexpected references and PG_waiters set -> undo, retry the folio from the unmap loop',
      hooks: {
        moveFailed(task, src, _rc, _pass) {
          return pageCount(task, src) > expectedRefs(task, src) && pageWaiters(task, src) ? MOVE_BACK_OFF : MOVE_RETRY;
        },
      },
    }],
  }],
});
