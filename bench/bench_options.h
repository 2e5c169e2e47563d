// What the benchmarks' command lines share. CLI11's PositiveNumber would print the whole
// range of a double in its error message, hence ranges of our own.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace tenantsync::bench {

inline const CLI::Range kPositive{1, 100'000'000};
inline const CLI::Range kNonNegative{0, 100'000'000};

// A whole-number option within `range`, its default shown in --help.
inline CLI::Option* count_option(CLI::App& app, const std::string& name, int& target,
                                 const std::string& help, const CLI::Range& range = kPositive) {
  return app.add_option(name, target, help)->check(range)->capture_default_str();
}

}  // namespace tenantsync::bench
