// How the process asks glibc's malloc to behave: tenantsync's main and the in-process
// benchmarks call tune_allocator() first thing, so the figures in BENCHMARKS.md are of
// the allocator the product runs with.
#pragma once

namespace tenantsync {

// Measured on the mirror and the plan (BENCHMARKS.md, issue #19): with glibc's defaults
// every block past 128 KiB (a page body, a tenant's user vector) is mmap'd and unmapped
// again, and freed memory is handed back and faulted in once more; a fifth of the
// mirror's CPU and 30% of reading snapshots went to the kernel. Large blocks stay in the
// heap, the heap is trimmed only past 128 MiB, and two arenas serve every thread (more
// only held memory). Call before any thread starts.
void tune_allocator();

}  // namespace tenantsync
