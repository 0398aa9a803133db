// Fix (b), December 2024 (lkml.iu.edu 2412.2/05616): "first nuke the PTE, then mark the page for
// migration, and only then flush the TLB … the TLB entry is still valid, so no fault occurs"; and
// Dev Jain's "option 2" (1 Aug 2024, backed by Ryan Roberts): one atomic exchange to the entry.
import { definePatch } from '../index.js';

export default definePatch({
  name: 'reorder-pte',
  extend: [{
    scenario: 'move-pages-race',
    variants: [
      {
        name: 'clear-set-flush',
        base: 'mainline',
        kernel: 'Dec 2024 patch (lkml.iu.edu 2412.2/05616): nuke, set the migration entry, then flush',
        description: 'try_to_migrate_one(): ptep_get_and_clear, set_pte_at(migration entry), then the flush (now or deferred)',
        hooks: {
          unmapPte(_task, ops, cell, entry, defer) {
            const old = ops.getAndClear(cell);
            ops.set(cell, entry);
            ops.flush(cell, old, defer);
            return old;
          },
        },
      },
      {
        name: 'xchg-to-entry',
        base: 'mainline',
        kernel: 'Dev Jain, option 2 of 1 Aug 2024 ("prepare the migration swap entry and do an atomic exchange")',
        description: 'try_to_migrate_one(): one atomic exchange from the present PTE to the migration entry, then the flush',
        hooks: {
          unmapPte(_task, ops, cell, entry, defer) {
            const old = ops.exchange(cell, entry);
            ops.flush(cell, old, defer);
            return old;
          },
        },
      },
    ],
  }],
});
