// --patch FILE (repeatable) for list, run, compare, sweep and soak: the commands see the built-in
// scenarios plus the patches', loaded and validated once before the action (bad patch: exit 2).
import type { Command } from 'commander';
import { BUILT_IN, loadRegistry, type Registry } from '../patch/registry.js';

let current: Registry = BUILT_IN;

/** The scenarios this command sees. */
export const cliRegistry = (): Registry => current;

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function patchOption(cmd: Command): Command {
  return cmd.option('--patch <file>', 'a patch file adding variants or scenarios (.js, .mjs or .ts; repeatable); see README: Write your own variant', collect, []);
}

/** commander preAction hook: loads the action's --patch files (InputError naming each file and problem). */
export async function loadCliPatches(_root: Command, action: Command): Promise<void> {
  const files = (action.opts() as { patch?: string[] }).patch ?? [];
  current = await loadRegistry(files);
}
