// tenantsync: the program. Everything happens in run_cli (connector/cli/).
#include <pthread.h>
#include <signal.h>

#include <utility>  // boost/asio (in threadpool.h) uses std::exchange without it

#include <pplx/threadpool.h>

#include "connector/cli/commands.h"
#include "sync/allocator_tuning.h"

int main(int argc, char** argv) {
  tenantsync::tune_allocator();
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
