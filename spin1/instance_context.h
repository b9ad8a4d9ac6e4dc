// What the Spin 1 imports keep for one guest instance: its services (handle
// tables of key-value stores and SQLite connections, permissions) and the
// responses it holds through wasi_experimental_http handles.
#pragma once

#include <cstdint>
#include <map>

#include "services/app_services.h"

namespace spindle::spin1 {

// A response a guest reads through wasi_experimental_http, piece by piece.
struct HeldResponse {
  services::HttpResponse response;
  size_t body_read = 0;  // bytes of the body already handed out
};

struct InstanceContext {
  InstanceContext(services::AppServices& app, const services::ComponentServices& component)
      : services(app, component) {}

  services::InstanceServices services;
  std::map<uint32_t, HeldResponse> held_responses;
  uint32_t next_response_handle = 1;
};

}  // namespace spindle::spin1
