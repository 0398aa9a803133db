// The worker's half of --patch: import each patch file once per thread (piscina keeps the thread
// for the whole run), check it is the file the main thread validated (SHA-256), and hand the role
// its variant's hooks, the patch counters' words and the patch's own roles.
import { loadPatchFile } from '../patch/load.js';
import { counterOffsets } from '../patch/counters.js';
import type { Patch, PatchRole } from '../patch/define.js';
import type { KernelHooks } from '../shared/mm/hooks.js';
import type { PatchManifest } from '../shared/patch-manifest.js';

export interface PatchSide {
  hooks: Partial<KernelHooks>;
  counters: Record<string, number>;
  roles: Record<string, PatchRole>;
}

const loaded = new Map<string, Promise<Patch>>();

function loadOnce(path: string, sha256: string): Promise<Patch> {
  const key = `${path}\0${sha256}`;
  let p = loaded.get(key);
  if (!p) {
    p = loadPatchFile(path, sha256).then((f) => f.value as Patch);
    loaded.set(key, p);
  }
  return p;
}

export async function loadPatchSide(man: PatchManifest): Promise<PatchSide> {
  const patches = await Promise.all(man.files.map((f) => loadOnce(f.path, f.sha256)));
  let hooks: Partial<KernelHooks> = {};
  const roles: Record<string, PatchRole> = {};
  for (const p of patches) {
    Object.assign(roles, p.roles ?? {});
    const variants = [
      ...(p.extend ?? []).filter((e) => e.scenario === man.scenario).flatMap((e) => e.variants ?? []),
      ...(p.scenarios ?? []).filter((s) => s.name === man.scenario).flatMap((s) => s.variants),
    ];
    const v = variants.find((x) => x.name === man.variant);
    if (v?.hooks) hooks = v.hooks;
  }
  return { hooks, counters: counterOffsets(patches), roles };
}
