// gRPC status codes as ttrpc responses carry them; containerd maps them to
// its error kinds (errdefs): NotFound, AlreadyExists, FailedPrecondition...
#pragma once

namespace spindle::ttrpc {

enum Code : int {
  kOk = 0,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
};

}  // namespace spindle::ttrpc
