// WASI preview1 errno values (wasi_snapshot_preview1 "errno").
#pragma once

#include <cstdint>

namespace spindle::wasi {

enum Errno : uint16_t {
  kSuccess = 0, k2Big = 1, kAcces = 2, kAddrInUse = 3, kAddrNotAvail = 4, kAfNoSupport = 5,
  kAgain = 6, kAlready = 7, kBadf = 8, kBadMsg = 9, kBusy = 10, kCanceled = 11, kChild = 12,
  kConnAborted = 13, kConnRefused = 14, kConnReset = 15, kDeadlk = 16, kDestAddrReq = 17,
  kDom = 18, kDquot = 19, kExist = 20, kFault = 21, kFbig = 22, kHostUnreach = 23, kIdrm = 24,
  kIlseq = 25, kInProgress = 26, kIntr = 27, kInval = 28, kIo = 29, kIsConn = 30, kIsDir = 31,
  kLoop = 32, kMfile = 33, kMlink = 34, kMsgSize = 35, kMultihop = 36, kNameTooLong = 37,
  kNetDown = 38, kNetReset = 39, kNetUnreach = 40, kNfile = 41, kNoBufs = 42, kNoDev = 43,
  kNoEnt = 44, kNoExec = 45, kNoLck = 46, kNoLink = 47, kNoMem = 48, kNoMsg = 49,
  kNoProtoOpt = 50, kNoSpc = 51, kNoSys = 52, kNotConn = 53, kNotDir = 54, kNotEmpty = 55,
  kNotRecoverable = 56, kNotSock = 57, kNotSup = 58, kNoTty = 59, kNxio = 60, kOverflow = 61,
  kOwnerDead = 62, kPerm = 63, kPipe = 64, kProto = 65, kProtoNoSupport = 66, kPrototype = 67,
  kRange = 68, kRofs = 69, kSpipe = 70, kSrch = 71, kStale = 72, kTimedOut = 73, kTxtBsy = 74,
  kXdev = 75, kNotCapable = 76,
};

// Maps a host errno (from <cerrno>) to its WASI value.
Errno FromHostErrno(int host_errno);

}  // namespace spindle::wasi
