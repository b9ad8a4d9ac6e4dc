// Tables of references and globals: the small runtime objects.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/base/result.h"
#include "engine/binary/types.h"
#include "engine/rt/native_abi.h"
#include "engine/rt/budget.h"

namespace spindle {

class Instance;

class Table {
 public:
  // `max_elements` caps this table; `budget` is the store's allowance of
  // elements across all its tables.
  static Result<std::unique_ptr<Table>> Create(const TableType& type, uint64_t max_elements,
                                               uint64_t init, Budget& budget);
  ~Table() { budget_.Return(elements_.size()); }
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  const TableType& type() const { return type_; }
  uint32_t size() const { return static_cast<uint32_t>(elements_.size()); }

  // Grows by `delta` elements set to `init`; returns the old size or -1.
  int64_t Grow(uint64_t delta, uint64_t init);

  // References as raw bits: a Function* or an extern token, 0 for null.
  // Callers check `index < size()`.
  uint64_t Get(uint32_t index) {
    const uint64_t value = elements_[index];
    return value == 0 && index < lazy_length_ ? ResolveLazy(index) : value;
  }
  void Set(uint32_t index, uint64_t value) { MutableRange(index, 1)[0] = value; }
  // The elements [first, first + count) for writing (bulk operations).
  uint64_t* MutableRange(uint32_t first, uint32_t count) {
    if (count > 0 && first < lazy_length_) Materialize();
    return elements_.data() + first;
  }

  // The raw elements: a 0 there is a null reference or, below
  // lazy_length(), one not resolved yet (read those through Get()).
  const uint64_t* raw_elements() const { return elements_.data(); }

  // Lazy initialisation (issue 7): the first `function_indices.size()`
  // elements are the owner's functions at those indices (ElemPlan::
  // kNullFunction for null), made into funcrefs on first read instead of
  // at instantiation. Any write into that range first resolves all of it,
  // so a 0 there always means "not resolved yet" or a planned null.
  void InitializeLazily(Instance& owner, std::span<const uint32_t> function_indices);
  // Forgets the plan without resolving it (a failed instantiation then
  // writes only the segments the spec applied).
  void DropLazyPlan() {
    lazy_length_ = 0;
    SyncView();
  }
  uint32_t lazy_length() const { return lazy_length_; }

  // The elements as compiled code reads them; follows every resize.
  native::TableView* view() { return &view_; }

 private:
  Table(const TableType& type, uint64_t max_elements, Budget& budget)
      : type_(type), max_elements_(max_elements), budget_(budget) {}

  uint64_t ResolveLazy(uint32_t index);
  void Materialize();
  void SyncView() { view_ = {elements_.data(), elements_.size(), lazy_length_}; }

  TableType type_;
  std::vector<uint64_t> elements_;
  native::TableView view_{nullptr, 0, 0};
  uint64_t max_elements_;
  Budget& budget_;
  Instance* lazy_owner_ = nullptr;
  const uint32_t* lazy_function_indices_ = nullptr;
  uint32_t lazy_length_ = 0;
};

struct Global {
  GlobalType type;
  uint64_t value = 0;  // raw bits, read and written by the interpreter
};

}  // namespace spindle
