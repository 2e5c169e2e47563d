// fake-graph: a faithful multi-tenant stand-in for the Graph API (shared/graph-contract.md)
// for tests, benchmarks and the demo.
//
//   fake-graph [--listen 127.0.0.1:PORT] (--fixture FILE | --generate
//   tenants=N,users=M,skus=K,seed=S)
//
// Prints "listening on http://127.0.0.1:N" as its first stdout line, serves until SIGINT
// or SIGTERM, then closes the listener and exits 0. Never prints secrets or tokens.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <string>

#include "fakes/fake_fixture.h"
#include "fakes/fake_generator.h"
#include "fakes/fake_http_server.h"
#include "fakes/fake_service.h"

namespace {

constexpr int kUsageError = 64;

void usage(FILE* out) {
  std::fprintf(out,
               "usage: fake-graph [--listen HOST:PORT] (--fixture FILE | --generate SPEC)\n"
               "  --listen HOST:PORT   address to serve on (default 127.0.0.1:0; port 0 picks "
               "a free port)\n"
               "  --fixture FILE       load the estate from a fixture JSON file\n"
               "  --generate SPEC      generate an estate: tenants=N,users=M,skus=K,seed=S\n"
               "example: fake-graph --listen 127.0.0.1:0 --fixture fakes/fixtures/demo.json\n");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tenantsync::fake;
  std::string listen = "127.0.0.1:0";
  std::string fixture;
  std::string generate;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "fake-graph: %s needs a value\n", name);
        std::exit(kUsageError);
      }
      return argv[++i];
    };
    if (arg == "--listen") {
      listen = value("--listen");
    } else if (arg == "--fixture") {
      fixture = value("--fixture");
    } else if (arg == "--generate") {
      generate = value("--generate");
    } else if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "fake-graph: unknown argument '%s' (try --help)\n", arg.c_str());
      return kUsageError;
    }
  }
  if (fixture.empty() == generate.empty()) {
    std::fprintf(stderr, "fake-graph: give exactly one of --fixture or --generate (try --help)\n");
    return kUsageError;
  }
  auto colon = listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      port = std::stoi(listen.substr(colon + 1));
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (colon == std::string::npos || port < 0 || port > 65535) {
    std::fprintf(stderr, "fake-graph: --listen wants HOST:PORT, e.g. 127.0.0.1:0\n");
    return kUsageError;
  }
  std::string host = listen.substr(0, colon);

  // Block the shutdown signals before any thread starts, so every server thread inherits
  // the mask and only sigwait() below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<Estate> estate;
  std::string source;
  try {
    if (!fixture.empty()) {
      estate = load_fixture_file(fixture);
      source = "fixture " + fixture;
    } else {
      estate = generate_estate(parse_generate_spec(generate));
      source = "generated " + generate;
    }
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "fake-graph: %s\n", e.what());
    return kUsageError;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fake-graph: %s\n", e.what());
    return 1;
  }
  size_t tenants = estate->customers().size();

  try {
    if (port == 0) port = FakeHttpServer::find_free_port(host);
    std::string url = "http://" + host + ":" + std::to_string(port);
    FakeService service(std::move(estate), url);
    FakeHttpServer server(service, host, port);
    server.start();
    std::printf("listening on %s\n", url.c_str());
    std::fflush(stdout);
    std::fprintf(stderr, "fake-graph: serving %zu customer tenants from %s\n", tenants,
                 source.c_str());

    int received = 0;
    sigwait(&signals, &received);
    std::fprintf(stderr, "fake-graph: %s, shutting down\n",
                 received == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fake-graph: %s\n", e.what());
    return 1;
  }
  return 0;
}
