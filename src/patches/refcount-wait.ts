// Fix (c), John Hubbard, "[RFC PATCH 2/2] mm/migrate: wait for folio refcount during longterm pin
// migration", 10 Apr 2026 (lkml.iu.edu 2604.1/04128): at a move-stage -EAGAIN, wait up to HZ for the
// refcount to drop to expected + 1 (wait_var_event_timeout), woken by folio_put()'s wake_up_var()
// behind folio_put_wakeup_key, which migrate_pages() enables on entry and disables on return (each
// toggle costs --key-toggle-ns). The RFC scopes this to MR_LONGTERM_PIN; here it is applied to the
// scenario's migrate_pages as if the caller were such a pin (the wait's effect is what is compared).
import {
  definePatch, pageCount, expectedRefs, countEvent, spend, SITE, MOVE_RETRY,
  waitVarEventTimeout, wakeUpVar, folioPutWakeupKey, toggleFolioPutWakeupKey,
} from '../index.js';

const HZ_MS = 1000;

export default definePatch({
  name: 'refcount-wait',
  counters: ['refWaits', 'refWaitTimeouts', 'keyToggles', 'varWakeups'],
  extend: [{
    scenario: 'move-pages-race',
    variants: [{
      name: 'refcount-wait',
      base: 'mainline',
      kernel: 'John Hubbard, RFC PATCH 2/2 "mm/migrate: wait for folio refcount during longterm pin migration", 10 Apr 2026',
      description: 'move-stage -EAGAIN -> wait_var_event_timeout(refcount <= expected + 1, 1 s), woken by folio_put() behind a static key toggled per migrate_pages call',
      hooks: {
        migratePagesCall(task, enter) {
          toggleFolioPutWakeupKey(task.m, enter);
          spend(task, SITE.staticKeyToggle); // text patching of the key's call sites: IPI broadcasts
          countEvent(task, 'keyToggles');
        },
        moveFailed(task, src, _rc, _pass) {
          countEvent(task, 'refWaits');
          const want = expectedRefs(task, src); // folio_expected_ref_count() + 1: our isolation reference
          const r = waitVarEventTimeout(task, src, () => pageCount(task, src) <= want, HZ_MS);
          task.record('refWait', r.waitedNs);
          if (!r.ok) countEvent(task, 'refWaitTimeouts');
          return MOVE_RETRY; // the existing retry loop continues
        },
        folioPut(task, pfn) {
          if (folioPutWakeupKey(task.m) && wakeUpVar(task.m, pfn) > 0) countEvent(task, 'varWakeups');
        },
      },
    }],
    histograms: { refWait: { unit: 'ns', description: 'one wait_var_event_timeout() in the move loop (1 s = a timeout)' } },
    derived: (c) => ({ refWaitTimeoutsPerCall: c.refWaitTimeouts / (c.movePagesCalls || NaN), keyTogglesPerCall: c.keyToggles / (c.movePagesCalls || NaN) }),
    better: { refWaitTimeoutsPerCall: 'lower' },
  }],
});
