// Tables of references and globals: the small runtime objects.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/base/result.h"
#include "engine/binary/types.h"
#include "engine/rt/native_abi.h"
#include "engine/rt/budget.h"

namespace spindle {

class Table {
 public:
  // `max_elements` caps this table; `budget` is the store's allowance of
  // elements across all its tables.
  static Result<std::unique_ptr<Table>> Create(const TableType& type, uint64_t max_elements,
                                               uint64_t init, Budget& budget);
  ~Table() { budget_.Return(elements.size()); }
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  const TableType& type() const { return type_; }
  uint32_t size() const { return static_cast<uint32_t>(elements.size()); }

  // Grows by `delta` elements set to `init`; returns the old size or -1.
  int64_t Grow(uint64_t delta, uint64_t init) {
    const uint64_t old_size = elements.size();
    const uint64_t new_size = old_size + delta;
    if (new_size > max_elements_ || new_size > UINT32_MAX) return -1;
    if (type_.limits.has_max && new_size > type_.limits.max) return -1;
    if (!budget_.Take(delta)) return -1;
    elements.resize(new_size, init);
    SyncView();
    return static_cast<int64_t>(old_size);
  }

  // References as raw bits (Function* or extern token; 0 is null). Read and
  // written directly by the interpreter.
  std::vector<uint64_t> elements;

  // The elements as compiled code reads them; follows every resize.
  native::TableView* view() { return &view_; }
  void SyncView() { view_ = {elements.data(), elements.size()}; }

 private:
  Table(const TableType& type, uint64_t max_elements, Budget& budget)
      : type_(type), max_elements_(max_elements), budget_(budget) {}

  TableType type_;
  native::TableView view_{nullptr, 0};
  uint64_t max_elements_;
  Budget& budget_;
};

struct Global {
  GlobalType type;
  uint64_t value = 0;  // raw bits, read and written by the interpreter
};

}  // namespace spindle
