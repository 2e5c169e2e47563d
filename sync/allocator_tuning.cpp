#include "sync/allocator_tuning.h"

#include <malloc.h>

namespace tenantsync {

void tune_allocator() {
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMappedApartFrom));
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  mallopt(M_ARENA_MAX, 2);
}

}  // namespace tenantsync
