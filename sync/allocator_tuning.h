// How the process asks glibc's malloc to behave: tenantsync's main and the in-process
// benchmarks call tune_allocator() first thing, so the figures in BENCHMARKS.md are of
// the allocator the product runs with.
#pragma once

#include <cstddef>

namespace tenantsync {

// The size from which glibc maps a block apart (see below): what sits under it is reused
// from the heap, what reaches it costs a mapping, its page faults and an unmapping that
// flushes the TLB of every core.
constexpr std::size_t kMappedApartFrom = 512 << 10;

// Measured on the mirror and the plan (BENCHMARKS.md, issue #19): with glibc's defaults
// every block past 128 KiB (a page body, a tenant's user vector) is mmap'd and unmapped
// again, and freed memory is handed back and faulted in once more; a fifth of the
// mirror's CPU and 30% of reading snapshots went to the kernel. Blocks up to 512 KiB stay
// in the heap, the heap is trimmed only past 128 MiB, and two arenas serve every thread
// (more only held memory). Blocks past 512 KiB (a page of 999 users as text) are mapped
// apart: kept in the heap, they left holes that grew a 1,000-tenant mirror's peak RSS by a
// fifth. A mapped block costs its page faults, so the HTTP client's socket buffer is kept
// under the threshold (cpprest_transport.cpp reads bodies in 192 KiB steps) and page
// bodies' strings are reused rather than mapped anew (connector/body_pool.h). Call before
// any thread starts.
void tune_allocator();

}  // namespace tenantsync
