// tenantsync: the program. Everything happens in run_cli (connector/cli/).
#include "connector/cli/commands.h"

int main(int argc, char** argv) { return tenantsync::run_cli(argc, argv); }
