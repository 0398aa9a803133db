// What every kernel-check guest /init shares: the clock, /proc/vmstat, a sysfs line, the console,
// the online NUMA nodes, its start and env, and powering off. Included by each workload (kernel-check/workloads/*.c).
#ifndef PAGESTORM_GUEST_H
#define PAGESTORM_GUEST_H
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}


static long vmstat(const char *key) {
  FILE *f = fopen("/proc/vmstat", "r");
  char name[128];
  long v, out = -1;
  if (!f) return -1;
  while (fscanf(f, "%127s %ld", name, &v) == 2)
    if (strcmp(name, key) == 0) { out = v; break; }
  fclose(f);
  return out;
}

static void read_line(const char *path, char *buf, size_t n) {
  int fd = open(path, O_RDONLY);
  ssize_t r = fd < 0 ? -1 : read(fd, buf, n - 1);
  if (fd >= 0) close(fd);
  buf[r > 0 ? r : 0] = 0;
  for (char *c = buf; *c; c++) if (*c == '\n' || *c == '"' || *c == '\\') *c = *c == '\n' ? 0 : '\'';
}

static void power_off(void) {
  fflush(stdout);
  tcdrain(1); // the serial tty's buffer out first: the kernel's "reboot: Power down" would land inside the last line
  sync();
  reboot(RB_POWER_OFF);
  for (;;) pause();
}

// Opens the console when the kernel gave init none (no /dev/console in the archive).
static void console(void) {
  if (fcntl(1, F_GETFD) >= 0) return;
  mkdir("/dev", 0755);
  mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
  int fd = open("/dev/console", O_RDWR);
  if (fd < 0) fd = open("/dev/ttyS0", O_RDWR);
  dup2(fd, 0); dup2(fd, 1); dup2(fd, 2);
}


static int online_nodes(void) {
  char buf[256];
  read_line("/sys/devices/system/node/online", buf, sizeof buf);
  int a = -1, b = -1;
  if (sscanf(buf, "%d-%d", &a, &b) == 2) return b - a + 1;
  return a >= 0 ? 1 + (strchr(buf, ',') != NULL) : 0;
}


// What every ENV line reports: uname -r, /proc/version, the online nodes, and NUMA balancing as
// found (-1: unknown), switched off (task_numa_work would migrate pages too and blur pgmigrate_*).
struct guest_env {
  struct utsname u;
  char version[512];
  int nodes, numa_balancing;
};

// The guest's first steps as /init: /proc and /sys, a console, line-buffered output, then its env.
static void guest_start(struct guest_env *e) {
  mkdir("/proc", 0555); mkdir("/sys", 0555);
  mount("proc", "/proc", "proc", 0, NULL);
  mount("sysfs", "/sys", "sysfs", 0, NULL);
  console();
  setvbuf(stdout, NULL, _IOLBF, 0);
  uname(&e->u);
  read_line("/proc/version", e->version, sizeof e->version);
  e->nodes = online_nodes();
  char balancing[16];
  read_line("/proc/sys/kernel/numa_balancing", balancing, sizeof balancing);
  int fd = open("/proc/sys/kernel/numa_balancing", O_WRONLY);
  if (fd >= 0) { if (write(fd, "0", 1) < 0) balancing[0] = 0; close(fd); }
  e->numa_balancing = balancing[0] ? atoi(balancing) : -1;
}

#endif
