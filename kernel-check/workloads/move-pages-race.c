// The real-kernel twin of pagestorm's move-pages-race scenario: tools/testing/selftests/mm/migration.c
// (shared_anon / private_anon) as the /init of an initramfs. One page is ping-ponged between node 0
// and node 1 with the raw move_pages syscall while readers loop on loads; failures are counted, not
// fatal. Prints one "PAGESTORM-TRIAL {json}" line per trial on the console, then powers off.
// Arguments come after "--" on the kernel command line:
//   --mapping shared-anon|private-anon --readers N --duration S --trials T
#define _GNU_SOURCE
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define MPOL_MF_MOVE_ALL (1 << 2) /* include/uapi/linux/mempolicy.h: move pages shared with other mms too */
#define MAX_READERS 64

static volatile int stop_threads;

// The selftest's access_mem(): loads in a loop, each one can fault on the page's PTE.
static void *access_mem(void *p) {
  volatile uint64_t y = 0;
  volatile uint64_t *x = p;
  while (!stop_threads) {
    y += *x;
    __asm__ volatile("" : "+r"(y));
  }
  return NULL;
}

struct trial {
  long calls, failures, ret_positive, ret_error, status_error, status_other_node;
  long first_failure, run, longest_run, last_errno, last_status;
  double seconds;
  long migrate_success, migrate_fail;
};

static void run_trial(int shared, int readers, double duration, struct trial *t) {
  memset(t, 0, sizeof *t);
  t->first_failure = -1;
  long page = sysconf(_SC_PAGESIZE);
  uint64_t *ptr = mmap(NULL, page, PROT_READ | PROT_WRITE, (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
  if (ptr == MAP_FAILED) { printf("PAGESTORM-ERROR {\"error\":\"mmap failed: %s\"}\n", strerror(errno)); power_off(); }
  memset(ptr, 0xde, page);
  pid_t pids[MAX_READERS];
  pthread_t threads[MAX_READERS];
  stop_threads = 0;
  for (int i = 0; i < readers; i++) {
    if (shared) {
      pids[i] = fork(); // the selftest's forked readers: each its own mm on one shmem page
      if (pids[i] == 0) { prctl(PR_SET_PDEATHSIG, SIGKILL); access_mem(ptr); _exit(0); }
    } else {
      pthread_create(&threads[i], NULL, access_mem, ptr);
    }
  }
  // Start with the page's current node (nodes == NULL asks do_pages_stat), so every successful call migrates it.
  int where = -1;
  void *probe[1] = { ptr };
  syscall(SYS_move_pages, 0, 1, probe, NULL, &where, 0);
  int n1 = where == 1 ? 1 : 0, n2 = 1 - n1;
  long s0 = vmstat("pgmigrate_success"), f0 = vmstat("pgmigrate_fail");
  double start = now_s(), end = start + duration, t1 = start;
  while ((t1 = now_s()) < end) {
    int status = -1, target = n2;
    void *pages[1] = { ptr };
    long ret = syscall(SYS_move_pages, 0, 1, pages, &target, &status, MPOL_MF_MOVE_ALL);
    t->calls++;
    int failed = 1;
    if (ret < 0) { t->ret_error++; t->last_errno = errno; }
    else if (ret > 0) t->ret_positive++; // pages not migrated (do_pages_move's err > 0)
    else if (status < 0) { t->status_error++; t->last_status = status; }
    else if (status != target) { t->status_other_node++; t->last_status = status; }
    else failed = 0;
    if (failed) {
      t->failures++;
      if (t->first_failure < 0) t->first_failure = t->calls;
      if (++t->run > t->longest_run) t->longest_run = t->run;
    } else {
      t->run = 0;
      int tmp = n2; n2 = n1; n1 = tmp; // next call moves it back
    }
  }
  t->seconds = t1 - start;
  t->migrate_success = vmstat("pgmigrate_success") - s0;
  t->migrate_fail = vmstat("pgmigrate_fail") - f0;
  stop_threads = 1;
  for (int i = 0; i < readers; i++) {
    if (shared) { kill(pids[i], SIGKILL); waitpid(pids[i], NULL, 0); }
    else pthread_join(threads[i], NULL);
  }
  munmap(ptr, page);
}

int main(int argc, char **argv) {
  const char *mapping = "shared-anon";
  int readers = 1, trials = 3;
  double duration = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--mapping")) mapping = argv[i + 1];
    else if (!strcmp(argv[i], "--readers")) readers = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--duration")) duration = atof(argv[i + 1]);
    else if (!strcmp(argv[i], "--trials")) trials = atoi(argv[i + 1]);
  }
  if (readers < 0) readers = 0;
  if (readers > MAX_READERS) readers = MAX_READERS;
  struct guest_env e;
  guest_start(&e);
  int nodes = e.nodes;
  printf("PAGESTORM-ENV {\"release\":\"%s\",\"version\":\"%s\",\"nodes\":%d,\"cpus\":%ld,\"mapping\":\"%s\",\"readers\":%d,\"durationS\":%g,\"trials\":%d,\"numaBalancing\":%d}\n",
    e.u.release, e.version, nodes, sysconf(_SC_NPROCESSORS_ONLN), mapping, readers, duration, trials, e.numa_balancing);
  if (nodes < 2) { printf("PAGESTORM-ERROR {\"error\":\"one-node\",\"nodes\":%d}\n", nodes); power_off(); }
  int shared = strcmp(mapping, "private-anon") != 0;
  for (int i = 0; i < trials; i++) {
    struct trial t;
    run_trial(shared, readers, duration, &t);
    printf("PAGESTORM-TRIAL {\"trial\":%d,\"calls\":%ld,\"failures\":%ld,\"retPositive\":%ld,\"retError\":%ld,\"statusError\":%ld,\"statusOtherNode\":%ld,"
      "\"callsToFirstFailure\":%ld,\"longestFailureRun\":%ld,\"lastErrno\":%ld,\"lastStatus\":%ld,\"seconds\":%.6f,\"pgmigrateSuccess\":%ld,\"pgmigrateFail\":%ld}\n",
      i, t.calls, t.failures, t.ret_positive, t.ret_error, t.status_error, t.status_other_node,
      t.first_failure, t.longest_run, t.last_errno, t.last_status, t.seconds, t.migrate_success, t.migrate_fail);
  }
  printf("PAGESTORM-DONE\n");
  power_off();
}
