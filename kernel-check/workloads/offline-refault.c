// The real-kernel twin of pagestorm's offline-refault scenario (kernel-check offline-refault): a
// Movable memory block of node 1 is offlined and onlined through sysfs, round after round, while
// faulters (forked, each its own mm, on one MAP_SHARED|MAP_ANONYMOUS region bound to node 1 with
// mbind; or threads on a MAP_PRIVATE one) keep touching its pages, so the offline's migrations meet
// faulters on migration entries.
// The host gives node 1 a QEMU pc-dimm onlined as ZONE_MOVABLE (memhp_default_state=online_movable, or
// by this /init when the kernel left it offline): memblock never touched it, so every block of it can
// be offlined, and a fault on node 1 falls in it (Movable comes first in node 1's zonelist). Each round
// maps a fresh region and offlines the block holding most of its pages (found with /proc/self/pagemap);
// onlined memory goes to the free lists' tail (v5.10 "online new memory to the tail"), so the next
// round's region lands in another block. An offline that runs past --offline-timeout is interrupted
// by SIGALRM (the offline loop has no timeout of its own in these kernels; a signal stops it: EINTR).
// Movable blocks holding boot-time reserved pages (movablecore= on one's own command line) are left out.
// Prints one "PAGESTORM-TRIAL {json}" line per trial on the console (with --verbose 1 also one
// "PAGESTORM-ROUND {json}" per round), then powers off. Arguments come after "--":
//   --mapping shared-anon|private-anon --faulters N --pages P --duration S --trials T --offline-timeout S --verbose 0|1
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define MPOL_BIND 2 /* include/uapi/linux/mempolicy.h */
#define MAX_FAULTERS 64
#define MAX_MS 256 /* offline times listed per trial; the rest only counted */

static void fail(const char *what) {
  printf("PAGESTORM-ERROR {\"error\":\"%s\",\"errno\":%d}\n", what, errno);
  power_off();
}

// ---- memory blocks ----
static unsigned long block_bytes;
static int nblocks, blocks[4096]; /* node 1's blocks online in ZONE_MOVABLE without reserved pages */
static int nreserved;              /* node 1's Movable blocks left out: boot-time (memblock) allocations, PageReserved */
static int nonlined;               /* node 1's blocks this /init onlined (the kernel did not) */
static signed char reserved[4096]; /* 0 not looked at, 1 holds a reserved page, 2 none */

// A Movable block can still hold memblock allocations made at boot (top-down, so node 1's top
// block); offline fails on them with EBUSY ("unmovable page"). /proc/kpageflags bit 32: KPF_RESERVED.
static int has_reserved(int b) {
  if (b >= 4096) return 0;
  if (!reserved[b]) {
    int fd = open("/proc/kpageflags", O_RDONLY);
    reserved[b] = 2;
    if (fd >= 0) {
      long n = block_bytes / sysconf(_SC_PAGESIZE);
      uint64_t *f = malloc(n * 8);
      if (f && pread(fd, f, n * 8, (off_t)b * n * 8) == n * 8)
        for (long i = 0; i < n; i++) if (f[i] & (1ULL << 32)) { reserved[b] = 1; break; }
      free(f);
      close(fd);
    }
  }
  return reserved[b] == 1;
}

static int block_attr(int b, const char *attr, char *buf, size_t n) {
  char path[128];
  snprintf(path, sizeof path, "/sys/devices/system/memory/memory%d/%s", b, attr);
  read_line(path, buf, n);
  return buf[0] != 0;
}

static int on_node1(int b) {
  char path[128];
  snprintf(path, sizeof path, "/sys/devices/system/memory/memory%d/node1", b);
  return access(path, F_OK) == 0;
}

static int write_state(int b, const char *what);
static int verbose;

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static void find_blocks(void) {
  char buf[128];
  read_line("/sys/devices/system/memory/block_size_bytes", buf, sizeof buf);
  block_bytes = strtoul(buf, NULL, 16);
  DIR *d = opendir("/sys/devices/system/memory");
  if (!d || !block_bytes) fail("no /sys/devices/system/memory (CONFIG_MEMORY_HOTPLUG)");
  struct dirent *e;
  nblocks = 0;
  nreserved = 0;
  while ((e = readdir(d)) && nblocks < 4096) {
    int b;
    if (sscanf(e->d_name, "memory%d", &b) != 1 || !on_node1(b)) continue;
    char state[64], zones[128];
    block_attr(b, "state", state, sizeof state);
    if (!strcmp(state, "offline") && !write_state(b, "online_movable")) { nonlined++; block_attr(b, "state", state, sizeof state); }
    block_attr(b, "valid_zones", zones, sizeof zones);
    if (strcmp(state, "online") || strncmp(zones, "Movable", 7)) continue;
    if (has_reserved(b)) nreserved++;
    else blocks[nblocks++] = b;
  }
  closedir(d);
  qsort(blocks, nblocks, sizeof blocks[0], cmp_int);
}

// The block of each of the region's pages (-1: not present).
static void page_blocks(char *region, long pages, long page, int *out) {
  int fd = open("/proc/self/pagemap", O_RDONLY);
  for (long i = 0; i < pages; i++) {
    uint64_t e = 0;
    out[i] = -1;
    if (fd >= 0 && pread(fd, &e, 8, ((uintptr_t)region / page + i) * 8) == 8 && (e >> 63) && (e & ((1ULL << 55) - 1)))
      out[i] = (int)(((e & ((1ULL << 55) - 1)) * (uint64_t)page) / block_bytes);
  }
  if (fd >= 0) close(fd);
}

static int write_state(int b, const char *what) {
  char path[128];
  snprintf(path, sizeof path, "/sys/devices/system/memory/memory%d/state", b);
  int fd = open(path, O_WRONLY);
  if (fd < 0) return errno;
  int err = write(fd, what, strlen(what)) < 0 ? errno : 0;
  close(fd);
  return err;
}

static void on_alarm(int sig) { (void)sig; }

struct trial {
  long rounds, finished, failed, timed_out, online_failed, pages_in_block, rounds_with_pages, pages_finished, touches;
  long last_errno, ms_n, block;
  double ms[MAX_MS], ms_sum, ms_max, online_ms_sum, online_ms_max, failed_ms_sum, seconds;
  long migrate_success, migrate_fail;
};

// One round's pages: a fresh region bound to node 1 and touched by the parent (so its pagemap sees
// every page), and the faulters on it. Fresh each round: a new fault on node 1 takes the dimm's free
// pages, while the pages an offline migrated out are wherever the allocator put them.
// --mapping shared-anon (default): MAP_SHARED|MAP_ANONYMOUS (shmem) and forked faulters, each its own
// mm (the model's mapcount = faulters); a fault on a none PTE goes through shmem_fault, which takes a
// folio reference. private-anon: MAP_PRIVATE and faulters as threads of /init's mm; a fault on a none
// PTE is do_anonymous_page, which takes no reference to the old page.
static char *region;
static int private_anon;
static pid_t pids[MAX_FAULTERS];
static pthread_t threads[MAX_FAULTERS];
static volatile int stop_faulters;
static long fault_pages, fault_page;
static volatile long *fault_touches;

static void faulter_loop(void) {
  for (long n = 0; !stop_faulters; n++) {
    for (long p = 0; p < fault_pages; p++) ((volatile char *)region)[p * fault_page + (n & 63)] = (char)n;
    __atomic_fetch_add(fault_touches, fault_pages, __ATOMIC_RELAXED);
  }
}

static void *faulter_thread(void *arg) { (void)arg; faulter_loop(); return NULL; }

static void start_round(int faulters, long pages, long page, volatile long *touches) {
  region = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, (private_anon ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS, -1, 0);
  if (region == MAP_FAILED) fail("mmap failed");
  unsigned long mask = 1UL << 1;
  if (syscall(SYS_mbind, region, pages * page, MPOL_BIND, &mask, 8 * sizeof mask, 0)) fail("mbind to node 1 failed");
  memset(region, 0x5a, pages * page);
  fault_pages = pages; fault_page = page; fault_touches = touches; stop_faulters = 0;
  for (int i = 0; i < faulters; i++) {
    if (private_anon) { if (pthread_create(&threads[i], NULL, faulter_thread, NULL)) fail("pthread_create failed"); continue; }
    pids[i] = fork();
    if (pids[i] == 0) { prctl(PR_SET_PDEATHSIG, SIGKILL); faulter_loop(); _exit(0); }
  }
}

static void end_round(int faulters, long pages, long page) {
  stop_faulters = 1;
  for (int i = 0; i < faulters; i++) {
    if (private_anon) pthread_join(threads[i], NULL);
    else { kill(pids[i], SIGKILL); waitpid(pids[i], NULL, 0); }
  }
  munmap(region, pages * page);
}

static void run_trial(int faulters, long pages, double duration, double timeout, struct trial *t) {
  memset(t, 0, sizeof *t);
  t->block = -1;
  long page = sysconf(_SC_PAGESIZE);
  volatile long *touches = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int *where = calloc(pages, sizeof *where);
  long s0 = vmstat("pgmigrate_success"), f0 = vmstat("pgmigrate_fail");
  double start = now_s(), end = start + duration, t1 = start;
  while ((t1 = now_s()) < end) {
    find_blocks();
    if (!nblocks) break;
    start_round(faulters, pages, page, touches);
    page_blocks(region, pages, page, where);
    int best = blocks[nblocks - 1], best_n = 0; // node 1's top offlinable Movable block when none holds a page
    for (int k = 0; k < nblocks; k++) {
      int n = 0;
      for (long i = 0; i < pages; i++) n += where[i] == blocks[k];
      if (n > best_n) { best_n = n; best = blocks[k]; }
    }
    usleep(20000); // the faulters are touching the pages
    t->rounds++;
    t->block = best;
    t->pages_in_block += best_n;
    if (best_n) t->rounds_with_pages++;
    struct itimerval it = { { 0, 0 }, { (long)timeout, (long)((timeout - (long)timeout) * 1e6) } };
    setitimer(ITIMER_REAL, &it, NULL);
    double a = now_s();
    int err = write_state(best, "offline");
    double ms = (now_s() - a) * 1e3;
    if (verbose) printf("PAGESTORM-ROUND {\"block\":%d,\"pages\":%d,\"errno\":%d,\"ms\":%.3f,\"page0\":%d,\"pageLast\":%d}\n", best, best_n, err, ms, where[0], where[pages - 1]);
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);
    end_round(faulters, pages, page);
    if (err) {
      t->last_errno = err;
      t->failed_ms_sum += ms;
      if (err == EINTR) t->timed_out++; else t->failed++;
      continue;
    }
    t->finished++;
    t->pages_finished += best_n;
    if (t->ms_n < MAX_MS) t->ms[t->ms_n++] = ms;
    t->ms_sum += ms;
    if (ms > t->ms_max) t->ms_max = ms;
    a = now_s();
    err = write_state(best, "online_movable");
    if (err) err = write_state(best, "online");
    double oms = (now_s() - a) * 1e3;
    if (err) { t->online_failed++; t->last_errno = err; break; }
    t->online_ms_sum += oms;
    if (oms > t->online_ms_max) t->online_ms_max = oms;
  }
  t->seconds = t1 - start;
  t->migrate_success = vmstat("pgmigrate_success") - s0;
  t->migrate_fail = vmstat("pgmigrate_fail") - f0;
  t->touches = *touches;
  free(where);
  munmap((void *)touches, page);
}

int main(int argc, char **argv) {
  int faulters = 2, trials = 3;
  long pages = 256;
  double duration = 2, timeout = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--faulters")) faulters = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--mapping")) private_anon = !strcmp(argv[i + 1], "private-anon");
    else if (!strcmp(argv[i], "--pages")) pages = atol(argv[i + 1]);
    else if (!strcmp(argv[i], "--duration")) duration = atof(argv[i + 1]);
    else if (!strcmp(argv[i], "--trials")) trials = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--verbose")) verbose = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--offline-timeout")) timeout = atof(argv[i + 1]);
  }
  if (faulters < 0) faulters = 0;
  if (faulters > MAX_FAULTERS) faulters = MAX_FAULTERS;
  if (pages < 1) pages = 1;
  struct guest_env e;
  guest_start(&e);
  int nodes = e.nodes;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm; // no SA_RESTART: the offline write returns EINTR
  sigaction(SIGALRM, &sa, NULL);
  if (nodes >= 2) find_blocks();
  printf("PAGESTORM-ENV {\"release\":\"%s\",\"version\":\"%s\",\"nodes\":%d,\"cpus\":%ld,\"mapping\":\"%s\",\"faulters\":%d,\"pages\":%ld,\"durationS\":%g,\"trials\":%d,"
    "\"numaBalancing\":%d,\"blockBytes\":%lu,\"movableBlocks\":%d,\"reservedBlocks\":%d,\"onlinedBlocks\":%d,\"firstMovableBlock\":%d,\"lastMovableBlock\":%d}\n",
    e.u.release, e.version, nodes, sysconf(_SC_NPROCESSORS_ONLN), private_anon ? "private-anon" : "shared-anon", faulters, pages, duration, trials, e.numa_balancing,
    block_bytes, nblocks, nreserved, nonlined, nblocks ? blocks[0] : -1, nblocks ? blocks[nblocks - 1] : -1);
  if (nodes < 2) { printf("PAGESTORM-ERROR {\"error\":\"one-node\",\"nodes\":%d}\n", nodes); power_off(); }
  if (!nblocks) { printf("PAGESTORM-ERROR {\"error\":\"no-movable-block\",\"blockBytes\":%lu}\n", block_bytes); power_off(); }
  for (int i = 0; i < trials; i++) {
    struct trial t;
    run_trial(faulters, pages, duration, timeout, &t);
    printf("PAGESTORM-TRIAL {\"trial\":%d,\"rounds\":%ld,\"finished\":%ld,\"failed\":%ld,\"timedOut\":%ld,\"onlineFailed\":%ld,\"lastErrno\":%ld,"
      "\"pagesInBlock\":%ld,\"roundsWithPages\":%ld,\"pagesFinished\":%ld,\"block\":%ld,\"touches\":%ld,\"offlineMsSum\":%.3f,\"offlineMsMax\":%.3f,\"failedMsSum\":%.3f,"
      "\"onlineMsSum\":%.3f,\"onlineMsMax\":%.3f,\"seconds\":%.6f,\"pgmigrateSuccess\":%ld,\"pgmigrateFail\":%ld,\"offlineMs\":[",
      i, t.rounds, t.finished, t.failed, t.timed_out, t.online_failed, t.last_errno, t.pages_in_block, t.rounds_with_pages, t.pages_finished, t.block, t.touches,
      t.ms_sum, t.ms_max, t.failed_ms_sum, t.online_ms_sum, t.online_ms_max, t.seconds, t.migrate_success, t.migrate_fail);
    for (long k = 0; k < t.ms_n; k++) printf("%s%.3f", k ? "," : "", t.ms[k]);
    printf("]}\n");
  }
  printf("PAGESTORM-DONE\n");
  power_off();
}
