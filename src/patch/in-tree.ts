// The variants that ship with pagestorm as patch files (src/patches/): the 2024-2026 proposals for the
// move-pages-race, written through the same API a user's --patch uses, and loaded by every registry.
import { fileURLToPath } from 'node:url';

const FILES = ['refcheck-unmap', 'move-backoff-if-waiters', 'backoff-asap', 'undo-all-retry', 'caller-retry', 'reorder-pte', 'refcount-wait'];

/** The compiled in-tree patch files (dist/src/patches/*.js), in the order their variants are listed. */
export const IN_TREE_PATCHES: readonly string[] = FILES.map((f) => fileURLToPath(new URL(`../patches/${f}.js`, import.meta.url)));
