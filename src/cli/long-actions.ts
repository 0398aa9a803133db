// sweep and soak (filled in below as they land).
import { InputError } from '../run/params.js';
import type { Io } from './io.js';

export async function sweepAction(_io: Io, _name: string, _opts: unknown, _words: string[]): Promise<void> {
  throw new InputError('sweep is not implemented yet');
}

export async function soakAction(_io: Io, _name: string, _opts: unknown, _words: string[]): Promise<void> {
  throw new InputError('soak is not implemented yet');
}
