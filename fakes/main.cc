// fake-graph: placeholder until the fake-graph issue fills it in.
#include <cstdio>

int main() {
  std::fprintf(stderr, "fake-graph: not built yet\n");
  return 1;
}
