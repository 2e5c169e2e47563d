// tenantsync: the program. Everything happens in run_cli (connector/cli/).
#include <malloc.h>

#include "connector/cli/commands.h"

int main(int argc, char** argv) {
  // Measured on the mirror (BENCHMARKS.md, issue #19): with glibc's defaults every page
  // body (about 1 MB) is mmap'd and unmapped again, and freed memory is handed back and
  // faulted in once more, page after page; a fifth of the mirror's CPU was the kernel's.
  // Large blocks stay in the heap, the heap is trimmed only past 128 MiB, and two arenas
  // serve every thread (more only held memory; peak RSS stays below 64 MiB).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  mallopt(M_ARENA_MAX, 2);
  return tenantsync::run_cli(argc, argv);
}
