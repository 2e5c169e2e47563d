#include "tests/connector/socket_census.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace tenantsync::test {

namespace {

constexpr int kCloseWait = 0x08;  // include/net/tcp_states.h

std::set<unsigned long> socket_inodes() {
  std::set<unsigned long> inodes;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    std::string target = std::filesystem::read_symlink(entry.path(), ec).string();
    if (!ec && target.rfind("socket:[", 0) == 0) inodes.insert(std::stoul(target.substr(8)));
  }
  return inodes;
}

// Lines of /proc/net/tcp: "sl local_address rem_address st tx:rx tr:when retrnsmt uid
// timeout inode ...", addresses as HEXIP:HEXPORT, the state in hex.
void count(const char* table, int port, const std::set<unsigned long>& ours, SocketCensus& out) {
  std::ifstream in(table);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
    unsigned long inode = 0;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
        timeout >> inode;
    if (!fields || !ours.count(inode)) continue;
    int local_port = std::stoi(local.substr(local.rfind(':') + 1), nullptr, 16);
    if (local_port != port) continue;
    ++out.open;
    if (std::stoi(state, nullptr, 16) == kCloseWait) ++out.close_wait;
  }
}

}  // namespace

SocketCensus sockets_on_local_port(int port) {
  auto ours = socket_inodes();
  SocketCensus census;
  count("/proc/net/tcp", port, ours, census);
  count("/proc/net/tcp6", port, ours, census);
  return census;
}

int open_socket_fds() { return static_cast<int>(socket_inodes().size()); }

}  // namespace tenantsync::test
