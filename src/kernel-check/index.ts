// kernel-check's public face: run a check and get the result, know whether it can run here.
export { runKernelCheck, kernelLabel, KERNEL_METRICS, WORKLOADS, MAPPINGS, type KernelCheckOptions, type KernelCheckResult } from './check.js';
export { kernelCheckSkipReason } from './tools.js';
export { DEBIAN_KERNELS, debianCloudKernel } from './debian-kernels.js';
export { renderKernelCheckText } from './text.js';
export { TCG_WARNING, type KernelRunResult, type TrialRecord } from './result.js';
