// What a run tells each worker about the patch files (types only): the files with the hash the main
// thread loaded, and which scenario variant's hooks the role takes.
export interface PatchRecord {
  /** Absolute path of the patch file. */
  path: string;
  sha256: string;
}

export interface PatchManifest {
  files: readonly PatchRecord[];
  scenario: string;
  variant: string;
}
