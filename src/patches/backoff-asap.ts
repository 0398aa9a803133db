// Christoph Lameter's suggestion in review of fix (a), Aug 2024 (43db36cb-…@gentwo.org): "just backoff
// ASAP if there are waiters detected anytime … push it to the end of the pages to be migrated": at
// the end of the unmap and at a move-stage -EAGAIN, PG_waiters set -> undo, to the end of the list.
import { definePatch, pageWaiters, EAGAIN, SUCCESS, MOVE_BACK_OFF, MOVE_RETRY } from '../index.js';

export default definePatch({
  name: 'backoff-asap',
  extend: [{
    scenario: 'move-pages-race',
    variants: [{
      name: 'backoff-asap',
      base: 'mainline',
      kernel: 'Christoph Lameter, review of Dev Jain\'s PATCH 1/2, Aug 2024 (a suggestion, no patch)',
      description: 'waiters seen once unmapped or at a move-stage -EAGAIN -> undo, the folio goes to the end of the list',
      hooks: {
        unmapDone(task, src, _dst) {
          return pageWaiters(task, src) ? EAGAIN : SUCCESS;
        },
        moveFailed(task, src, _rc, _pass) {
          return pageWaiters(task, src) ? MOVE_BACK_OFF : MOVE_RETRY;
        },
      },
    }],
  }],
});
