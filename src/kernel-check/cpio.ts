// The initramfs: an uncompressed "newc" cpio archive (the format init/initramfs.c unpacks), written
// here so no cpio tool is needed.

export interface CpioEntry {
  name: string;
  /** The full st_mode: type bits and permissions, e.g. 0o100755 for an executable. */
  mode: number;
  data?: Uint8Array;
  /** Device numbers, for a character or block node. */
  rdev?: [number, number];
}

export const DIR = 0o040000;
export const FILE = 0o100000;
export const CHAR = 0o020000;

const pad4 = (n: number): number => (4 - (n % 4)) % 4;
const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');

/** One archive holding the entries and the TRAILER!!! record, every header and body 4-byte aligned. */
export function newcArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const all = [...entries, { name: 'TRAILER!!!', mode: 0 }];
  all.forEach((e, i) => {
    const data = Buffer.from(e.data ?? new Uint8Array(0));
    const name = Buffer.from(`${e.name}\0`);
    const [maj, min] = e.rdev ?? [0, 0];
    const fields = [i + 1, e.mode, 0, 0, e.mode & DIR ? 2 : 1, 0, data.length, 0, 0, maj, min, name.length, 0];
    const head = Buffer.from(`070701${fields.map(hex8).join('')}`, 'ascii');
    parts.push(head, name, Buffer.alloc(pad4(head.length + name.length)), data, Buffer.alloc(pad4(data.length)));
  });
  return Buffer.concat(parts);
}

/** The archive for one static /init: /dev/console (so init has a console), /proc, /sys. */
export function initramfsFor(init: Uint8Array): Buffer {
  return newcArchive([
    { name: 'dev', mode: DIR | 0o755 },
    { name: 'dev/console', mode: CHAR | 0o600, rdev: [5, 1] },
    { name: 'proc', mode: DIR | 0o555 },
    { name: 'sys', mode: DIR | 0o555 },
    { name: 'init', mode: FILE | 0o755, data: init },
  ]);
}
