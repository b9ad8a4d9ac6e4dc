#include "oci/http_client.h"

#include <curl/curl.h>

#include <cctype>
#include <cstdio>
#include <mutex>

namespace spindle::oci {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

struct Transfer {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  bool sink_failed = false;
  bool too_large = false;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    transfer->response->headers.clear();  // a new response after a redirect
    const size_t space = line.find(' ');
    if (space != std::string_view::npos) {
      transfer->response->status = std::strtol(std::string(line.substr(space + 1, 3)).c_str(), nullptr, 10);
    }
    return size * count;
  }
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    transfer->response->headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                                             Trim(line.substr(colon + 1)));
  }
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::string_view chunk(data, size * count);
  const long status = transfer->response->status;
  const bool redirect = status >= 300 && status < 400;
  if (transfer->request->sink && status >= 200 && status < 300) {
    if (!transfer->request->sink(chunk)) {
      transfer->sink_failed = true;
      return 0;
    }
  } else if (!redirect) {
    if (transfer->response->body.size() + chunk.size() > transfer->request->max_body) {
      transfer->too_large = true;
      return 0;
    }
    transfer->response->body.append(chunk);
  }
  return size * count;
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  return std::fread(buffer, 1, size * count, static_cast<FILE*>(user));
}

int OnProgress(void* user, curl_off_t download_total, curl_off_t download_now,
               curl_off_t upload_total, curl_off_t upload_now) {
  auto* transfer = static_cast<Transfer*>(user);
  if (!transfer->request->progress) return 0;
  if (upload_total > 0) {
    transfer->request->progress(static_cast<uint64_t>(upload_now), static_cast<uint64_t>(upload_total));
  } else {
    transfer->request->progress(static_cast<uint64_t>(download_now),
                                static_cast<uint64_t>(download_total));
  }
  return 0;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  const std::string lower = Lower(name);
  for (const auto& [key, value] : headers) {
    if (key == lower) return value;
  }
  return "";
}

Result<HttpResponse> Perform(const HttpRequest& request) {
  InitCurlOnce();
  HttpResponse response;
  Transfer transfer{&request, &response, false, false};
  CURL* curl = curl_easy_init();
  if (!curl) return MakeError(Phase::kIo, "cannot initialize libcurl");
  curl_slist* headers = nullptr;
  for (const std::string& header : request.headers) headers = curl_slist_append(headers, header.c_str());
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "spindle/0.1");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 15L);
  // A stalled transfer (under 1 byte/s for 60 s) fails instead of hanging.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  if (request.bypass_proxy) curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  if (request.progress) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  static const std::string kEmpty;
  FILE* upload = nullptr;
  if (!request.body_file.empty()) {
    upload = std::fopen(request.body_file.c_str(), "rb");
    std::error_code size_error;
    const auto size = std::filesystem::file_size(request.body_file, size_error);
    if (!upload || size_error) {
      if (upload) std::fclose(upload);
      curl_slist_free_all(headers);
      curl_easy_cleanup(curl);
      return MakeError(Phase::kIo, "cannot read " + request.body_file.string());
    }
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);  // with CUSTOMREQUEST above: the method stays
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(curl, CURLOPT_READDATA, upload);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
  } else if (request.body || request.method == "POST" || request.method == "PUT") {
    const std::string& body = request.body ? *request.body : kEmpty;
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  char error_text[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
  const CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (upload) std::fclose(upload);
  if (transfer.sink_failed) return MakeError(Phase::kIo, request.url + ": writing the download failed");
  if (transfer.too_large) {
    return MakeError(Phase::kIo, request.url + ": the answer is larger than " +
                                     std::to_string(request.max_body) + " bytes");
  }
  if (code != CURLE_OK) {
    return MakeError(Phase::kIo, "cannot reach " + request.url + ": " +
                                     (error_text[0] ? error_text : curl_easy_strerror(code)));
  }
  return response;
}

}  // namespace spindle::oci
