// HTTP requests and responses as the executors see them: plain strings,
// independent of the server library.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace spindle::triggers {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;       // as sent, e.g. "GET"
  std::string target;       // path and query, raw
  std::string path;         // raw, percent-encoded
  std::string query;        // raw, without '?'
  HeaderList headers;       // names lower-case, in arrival order
  std::string body;
  std::string scheme = "http";
  std::string host;         // the Host header, or ""
  std::string client_ip;
  std::string client_addr;  // "ip:port"
};

struct HttpResponse {
  unsigned status = 200;
  HeaderList headers;
  std::string body;

  static HttpResponse Empty(unsigned status) {
    HttpResponse response;
    response.status = status;
    return response;
  }
};

}  // namespace spindle::triggers
