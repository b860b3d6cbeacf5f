#include "store/sqlite/write_gate.h"

#include <map>

namespace vigil {

std::shared_ptr<WriteGate> WriteGate::For(const std::string& file) {
  if (file.empty()) return nullptr;
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<WriteGate>> gates;  // entries of closed files expire
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = gates[file];
  auto gate = slot.lock();
  if (!gate) {
    gate = std::make_shared<WriteGate>();
    slot = gate;
    if (gates.size() > 64) std::erase_if(gates, [](const auto& entry) { return entry.second.expired(); });
  }
  return gate;
}

}  // namespace vigil
