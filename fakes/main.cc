// fake-graph: a faithful multi-tenant stand-in for the Graph API (docs/fake-graph.md)
// for tests, benchmarks and the demo.
//
//   fake-graph [--listen 127.0.0.1:PORT] [--public-url URL] [--tls-cert F --tls-key F |
//   --tls-self-signed DIR] (--fixture FILE | --generate tenants=N,users=M,skus=K,seed=S)
//
// Prints "listening on http://127.0.0.1:N" (https:// with TLS) as its first stdout line, serves
// until SIGINT or SIGTERM, then closes the listener and exits 0. Never prints secrets or tokens.
// --public-url: the base every link it builds starts with (nextLink, deltaLink,
// @odata.context, token audiences), for a fake behind a proxy or TLS front.
#include <malloc.h>
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "fakes/fake_fixture.h"
#include "fakes/fake_generator.h"
#include "fakes/fake_http_server.h"
#include "fakes/fake_service.h"
#include "fakes/fake_tls.h"

namespace {

constexpr int kUsageError = 64;

void usage(FILE* out) {
  std::fprintf(out,
               "usage: fake-graph [--listen HOST:PORT] [--public-url URL] (--fixture FILE | "
               "--generate SPEC)\n"
               "  --listen HOST:PORT   address to serve on (default 127.0.0.1:0; port 0 picks "
               "a free port)\n"
               "  --public-url URL     base of every link it builds (default: the listening "
               "address), e.g. https://graph.test:8443 behind a TLS front\n"
               "  --tls-cert FILE --tls-key FILE   serve https with this certificate (PEM) "
               "and key\n"
               "  --tls-self-signed DIR   serve https with a fresh test CA and server "
               "certificate written to DIR (ca.pem is the one to trust)\n"
               "  --fixture FILE       load the estate from a fixture JSON file\n"
               "  --generate SPEC      generate an estate: tenants=N,users=M,skus=K,seed=S\n"
               "example: fake-graph --listen 127.0.0.1:0 --fixture fakes/fixtures/demo.json\n");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tenantsync::fake;
  // Pages of 999 users are about 600 KB: above glibc's default threshold each one was
  // mapped, faulted in and unmapped again, a quarter of the fake's CPU in a full mirror.
  // (tenantsync itself sets the same in sync/allocator_tuning.cpp; fakes/ stays apart.)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  std::string listen = "127.0.0.1:0";
  std::string fixture;
  std::string generate;
  std::string public_url;
  std::string tls_cert, tls_key, tls_self_signed;
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
    } else if (arg == "--tls-cert") {
      tls_cert = value("--tls-cert");
    } else if (arg == "--tls-key") {
      tls_key = value("--tls-key");
    } else if (arg == "--tls-self-signed") {
      tls_self_signed = value("--tls-self-signed");
    } else if (arg == "--public-url") {
      public_url = value("--public-url");
      while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
      if (public_url.rfind("http://", 0) != 0 && public_url.rfind("https://", 0) != 0) {
        std::fprintf(stderr, "fake-graph: --public-url wants http(s)://HOST[:PORT], got '%s'\n",
                     public_url.c_str());
        return kUsageError;
      }
    } else if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "fake-graph: unknown argument '%s' (try --help)\n", arg.c_str());
      return kUsageError;
    }
  }
  if (tls_cert.empty() != tls_key.empty()) {
    std::fprintf(stderr, "fake-graph: --tls-cert and --tls-key go together (try --help)\n");
    return kUsageError;
  }
  if (!tls_cert.empty() && !tls_self_signed.empty()) {
    std::fprintf(stderr, "fake-graph: give --tls-cert/--tls-key or --tls-self-signed, not both\n");
    return kUsageError;
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
  FakeHttpServer::use_few_threads();

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
    std::optional<TlsFiles> tls;
    if (!tls_cert.empty()) tls = TlsFiles{tls_cert, tls_key};
    if (!tls_self_signed.empty()) {
      tls = write_self_signed(tls_self_signed, host);
      std::fprintf(stderr, "fake-graph: wrote a test CA to %s/ca.pem (trust it, and only it)\n",
                   tls_self_signed.c_str());
    }
    if (port == 0) port = FakeHttpServer::find_free_port(host);
    std::string url =
        std::string(tls ? "https" : "http") + "://" + host + ":" + std::to_string(port);
    FakeService service(std::move(estate), public_url.empty() ? url : public_url);
    FakeHttpServer server(service, host, port, tls);
    server.start();
    std::printf("listening on %s\n", url.c_str());
    std::fflush(stdout);
    std::fprintf(stderr, "fake-graph: serving %zu customer tenants from %s\n", tenants,
                 source.c_str());
    if (!public_url.empty()) {
      std::fprintf(stderr, "fake-graph: links name %s\n", public_url.c_str());
    }

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
