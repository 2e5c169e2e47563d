#include "sync/allocator_tuning.h"

#include <malloc.h>

namespace tenantsync {

void tune_allocator() {
  mallopt(M_MMAP_THRESHOLD, 512 << 10);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  mallopt(M_ARENA_MAX, 2);
}

}  // namespace tenantsync
