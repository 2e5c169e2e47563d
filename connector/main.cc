// tenantsync: the program. Everything happens in run_cli (connector/cli/).
#include <malloc.h>
#include <pthread.h>
#include <signal.h>

#include <utility>  // boost/asio (in threadpool.h) uses std::exchange without it

#include <pplx/threadpool.h>

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
  // cpprestsdk's pool runs every I/O handler and continuation; by default it has 40
  // threads, and each handler posted wakes an idle one through one mutex and condition
  // variable (measured: 52,000 futex calls per 100-tenant mirror, nearly all there). The
  // work is asynchronous, so a few threads serve any concurrency.
  // Its threads start here, before the commands set up their signal handling, so they
  // start with every signal blocked: SIGTERM and SIGINT go to the threads that wait for
  // them, never to a pool thread (whose default action would end the process).
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  crossplat::threadpool::initialize_with_threads(4);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return tenantsync::run_cli(argc, argv);
}
