// Ranges the benchmarks' options share. CLI11's PositiveNumber would print the whole
// range of a double in its error message.
#pragma once

#include <CLI/CLI.hpp>

namespace tenantsync::bench {

inline const CLI::Range kPositive{1, 100'000'000};
inline const CLI::Range kNonNegative{0, 100'000'000};

}  // namespace tenantsync::bench
