#include "app/app.h"

namespace spindle::app {

std::string SourcePosition::ToString() const {
  if (line <= 0) return file;
  std::string out = file + ":" + std::to_string(line);
  if (column > 0) out += ":" + std::to_string(column);
  return out;
}

const Component* App::FindComponent(const std::string& id) const {
  for (const Component& component : components) {
    if (component.id == id) return &component;
  }
  return nullptr;
}

}  // namespace spindle::app
