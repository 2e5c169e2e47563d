// GET /reports/<name> of the status server: the drift reports `tenantsync run` writes to
// its report folder (sync/run/report_store.h). <name> is latest.html or latest.json (the
// newest report of that format) or a report's own file name. Only names shaped like the
// report store's (drift-<UTC time>[-n].html|json: letters, digits, ':', '.', '_', '-',
// never "..") are looked up, and only as plain files directly in the folder, so a request
// cannot reach any other file.
#pragma once

#include <string>
#include <string_view>

#include "connector/status_server.h"

namespace tenantsync {

// The name could be one of the report store's files.
bool is_report_file_name(std::string_view name);

// The reply for /reports/<name>: the file with its content type, or 404 with a reason.
StatusReply report_reply(const std::string& reports_dir, std::string_view name);

}  // namespace tenantsync
