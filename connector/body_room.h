// How much room a response body's string gets as the transport writes it, step by step
// (string_body_buffer.h). Apart from the stream buffer so that it can be tested without
// cpprestsdk.
#pragma once

#include <algorithm>
#include <cstddef>

#include "connector/http_transport.h"

namespace tenantsync {

// A page of 999 users (about 570 KiB) is three 192 KiB steps; four leave room for larger
// users without a copy.
inline constexpr std::size_t kBodyStepsReserved = 4;

// The capacity a body string of `size` bytes and `capacity` needs before `more` bytes are
// appended, keeping kBodyReadPadding bytes past its end; `capacity` when it has room.
// The length cpprestsdk read from Content-Length reaches the transport only while the
// body is already being written, so the first write stands for it: a whole `step` (the
// transport's read step; 0: not known) means more are coming, and room for
// kBodyStepsReserved steps is made at once instead of doubling step by step (each
// doubling copied the body so far). Past that, the string doubles.
inline std::size_t body_room(std::size_t size, std::size_t capacity, std::size_t more,
                             std::size_t step) {
  std::size_t needed = size + more + kBodyReadPadding;
  if (size == 0 && step > 0 && more >= step) {
    needed = std::max(needed, kBodyStepsReserved * step + kBodyReadPadding);
  }
  if (capacity >= needed) return capacity;
  return std::max(needed, 2 * capacity);
}

}  // namespace tenantsync
