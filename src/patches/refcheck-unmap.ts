// Fix (a), Dev Jain, [PATCH 1/2] "mm: Retry migration earlier upon refcount mismatch", 9 Aug 2024
// (20240809103129.365029-2-dev.jain@arm.com): at the end of migrate_folio_unmap(), a refcount other
// than expected undoes the unmap (PTEs restored, folio unlocked, dst freed) and returns -EAGAIN, so
// the unmap loop retries while the reference holder, no longer blocked on our lock, lets go.
// Dev's "x3" figure: run it with --retry-scale 3.
import { definePatch, pageCount, expectedRefs, countEvent, EAGAIN, SUCCESS } from '../index.js';

export default definePatch({
  name: 'refcheck-unmap',
  counters: ['unmapRefMismatch'],
  extend: [{
    scenario: 'move-pages-race',
    variants: [{
      name: 'refcheck-unmap',
      base: 'mainline',
      kernel: 'Dev Jain, PATCH 1/2 "mm: Retry migration earlier upon refcount mismatch", 9 Aug 2024',
      description: 'migrate_folio_unmap(): refcount != expected once unmapped -> undo -> -EAGAIN, retried by the unmap loop',
      hooks: {
        unmapDone(task, src, _dst) {
          if (pageCount(task, src) === expectedRefs(task, src)) return SUCCESS;
          countEvent(task, 'unmapRefMismatch');
          return EAGAIN;
        },
      },
    }],
  }],
});
