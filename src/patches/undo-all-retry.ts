// Huang Ying's suggestion in review of fix (a), Aug 2024 (87frrauwwv.fsf@…): undo source and
// destination before retrying, one merged loop ("For sync migration, we undo src+dst and retry now,
// but only once"): every move-stage -EAGAIN undoes at once and the folio is unmapped again.
// Dev Jain tried it (16 Aug): "worse than the patch proposed; I rarely hit a 3 digit number".
import { definePatch, MOVE_BACK_OFF } from '../index.js';

export default definePatch({
  name: 'undo-all-retry',
  extend: [{
    scenario: 'move-pages-race',
    variants: [{
      name: 'undo-all-retry',
      base: 'mainline',
      kernel: 'Huang Ying, review of Dev Jain\'s PATCH 1/2, Aug 2024 (tried by Dev Jain, 16 Aug 2024)',
      description: 'every move-stage -EAGAIN undoes source and destination; the folio is unmapped again (one merged retry loop)',
      hooks: {
        moveFailed(_task, _src, _rc, _pass) {
          return MOVE_BACK_OFF;
        },
      },
    }],
  }],
});
