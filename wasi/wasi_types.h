// The wasi_snapshot_preview1 ABI: flag values and record layouts, as
// witx defines them. Layout constants are byte offsets in guest memory
// (little-endian).
#pragma once

#include <cstdint>

namespace spindle::wasi {

// filetype
enum Filetype : uint8_t {
  kFiletypeUnknown = 0,
  kFiletypeBlockDevice = 1,
  kFiletypeCharacterDevice = 2,
  kFiletypeDirectory = 3,
  kFiletypeRegularFile = 4,
  kFiletypeSocketDgram = 5,
  kFiletypeSocketStream = 6,
  kFiletypeSymbolicLink = 7,
};

// fdflags
constexpr uint16_t kFdflagAppend = 1 << 0;
constexpr uint16_t kFdflagDsync = 1 << 1;
constexpr uint16_t kFdflagNonblock = 1 << 2;
constexpr uint16_t kFdflagRsync = 1 << 3;
constexpr uint16_t kFdflagSync = 1 << 4;
constexpr uint16_t kFdflagsAll = 0x1f;

// oflags
constexpr uint16_t kOflagCreat = 1 << 0;
constexpr uint16_t kOflagDirectory = 1 << 1;
constexpr uint16_t kOflagExcl = 1 << 2;
constexpr uint16_t kOflagTrunc = 1 << 3;
constexpr uint16_t kOflagsAll = 0xf;

// lookupflags
constexpr uint32_t kLookupSymlinkFollow = 1 << 0;

// fstflags
constexpr uint16_t kFstflagAtim = 1 << 0;
constexpr uint16_t kFstflagAtimNow = 1 << 1;
constexpr uint16_t kFstflagMtim = 1 << 2;
constexpr uint16_t kFstflagMtimNow = 1 << 3;

// whence
constexpr uint8_t kWhenceSet = 0;
constexpr uint8_t kWhenceCur = 1;
constexpr uint8_t kWhenceEnd = 2;

// rights
constexpr uint64_t kRightFdDatasync = 1ull << 0;
constexpr uint64_t kRightFdRead = 1ull << 1;
constexpr uint64_t kRightFdSeek = 1ull << 2;
constexpr uint64_t kRightFdFdstatSetFlags = 1ull << 3;
constexpr uint64_t kRightFdSync = 1ull << 4;
constexpr uint64_t kRightFdTell = 1ull << 5;
constexpr uint64_t kRightFdWrite = 1ull << 6;
constexpr uint64_t kRightFdAdvise = 1ull << 7;
constexpr uint64_t kRightFdAllocate = 1ull << 8;
constexpr uint64_t kRightPathCreateDirectory = 1ull << 9;
constexpr uint64_t kRightPathCreateFile = 1ull << 10;
constexpr uint64_t kRightPathLinkSource = 1ull << 11;
constexpr uint64_t kRightPathLinkTarget = 1ull << 12;
constexpr uint64_t kRightPathOpen = 1ull << 13;
constexpr uint64_t kRightFdReaddir = 1ull << 14;
constexpr uint64_t kRightPathReadlink = 1ull << 15;
constexpr uint64_t kRightPathRenameSource = 1ull << 16;
constexpr uint64_t kRightPathRenameTarget = 1ull << 17;
constexpr uint64_t kRightPathFilestatGet = 1ull << 18;
constexpr uint64_t kRightPathFilestatSetSize = 1ull << 19;
constexpr uint64_t kRightPathFilestatSetTimes = 1ull << 20;
constexpr uint64_t kRightFdFilestatGet = 1ull << 21;
constexpr uint64_t kRightFdFilestatSetSize = 1ull << 22;
constexpr uint64_t kRightFdFilestatSetTimes = 1ull << 23;
constexpr uint64_t kRightPathSymlink = 1ull << 24;
constexpr uint64_t kRightPathRemoveDirectory = 1ull << 25;
constexpr uint64_t kRightPathUnlinkFile = 1ull << 26;
constexpr uint64_t kRightPollFdReadwrite = 1ull << 27;
constexpr uint64_t kRightSockShutdown = 1ull << 28;
constexpr uint64_t kRightSockAccept = 1ull << 29;
constexpr uint64_t kRightsAll = (1ull << 30) - 1;

// Rights of regular files, and of directories (the rights that files and
// directories opened beneath them can inherit are kRightsAll).
constexpr uint64_t kFileRights =
    kRightFdDatasync | kRightFdRead | kRightFdSeek | kRightFdFdstatSetFlags | kRightFdSync |
    kRightFdTell | kRightFdWrite | kRightFdAdvise | kRightFdAllocate | kRightFdFilestatGet |
    kRightFdFilestatSetSize | kRightFdFilestatSetTimes | kRightPollFdReadwrite;
constexpr uint64_t kDirectoryRights =
    kRightFdFdstatSetFlags | kRightFdSync | kRightFdAdvise | kRightPathCreateDirectory |
    kRightPathCreateFile | kRightPathLinkSource | kRightPathLinkTarget | kRightPathOpen |
    kRightFdReaddir | kRightPathReadlink | kRightPathRenameSource | kRightPathRenameTarget |
    kRightPathFilestatGet | kRightPathFilestatSetSize | kRightPathFilestatSetTimes |
    kRightFdFilestatGet | kRightFdFilestatSetTimes | kRightPathSymlink |
    kRightPathRemoveDirectory | kRightPathUnlinkFile;
// Rights that change the file system; a read-only mount never grants them.
constexpr uint64_t kMutatingRights =
    kRightFdDatasync | kRightFdWrite | kRightFdAllocate | kRightPathCreateDirectory |
    kRightPathCreateFile | kRightPathLinkSource | kRightPathLinkTarget |
    kRightPathRenameSource | kRightPathRenameTarget | kRightPathFilestatSetSize |
    kRightPathFilestatSetTimes | kRightFdFilestatSetSize | kRightFdFilestatSetTimes |
    kRightPathSymlink | kRightPathRemoveDirectory | kRightPathUnlinkFile;
constexpr uint64_t kSocketRights = kRightFdRead | kRightFdWrite | kRightFdFdstatSetFlags |
                                   kRightFdFilestatGet | kRightPollFdReadwrite |
                                   kRightSockShutdown;
constexpr uint64_t kListenerRights =
    kRightFdFdstatSetFlags | kRightFdFilestatGet | kRightPollFdReadwrite | kRightSockAccept;

// clockid
constexpr uint32_t kClockRealtime = 0;
constexpr uint32_t kClockMonotonic = 1;
constexpr uint32_t kClockProcessCputime = 2;
constexpr uint32_t kClockThreadCputime = 3;

// eventtype, subclockflags, eventrwflags
constexpr uint8_t kEventClock = 0;
constexpr uint8_t kEventFdRead = 1;
constexpr uint8_t kEventFdWrite = 2;
constexpr uint16_t kSubclockAbstime = 1;
constexpr uint16_t kEventFdReadwriteHangup = 1;

// riflags, roflags, sdflags, siflags
constexpr uint16_t kRiflagRecvPeek = 1;
constexpr uint16_t kRiflagRecvWaitall = 2;
constexpr uint16_t kRoflagRecvDataTruncated = 1;
constexpr uint8_t kSdflagRd = 1;
constexpr uint8_t kSdflagWr = 2;

// advice
constexpr uint8_t kAdviceNoreuse = 5;

// Record layouts (size, then field offsets).
constexpr uint32_t kFdstatSize = 24;       // filetype@0 u8, flags@2 u16, base@8, inheriting@16
constexpr uint32_t kFilestatSize = 64;     // dev@0 ino@8 filetype@16 nlink@24 size@32 atim@40 mtim@48 ctim@56
constexpr uint32_t kPrestatSize = 8;       // tag@0 u8 (0 = dir), name_len@4 u32
constexpr uint32_t kDirentSize = 24;       // next@0 ino@8 namlen@16 u32, type@20 u8
constexpr uint32_t kSubscriptionSize = 48; // userdata@0, tag@8 u8, clock: id@16 timeout@24 precision@32 flags@40; fd@16
constexpr uint32_t kEventSize = 32;        // userdata@0, error@8 u16, type@10 u8, nbytes@16, flags@24 u16
constexpr uint32_t kIovecSize = 8;         // buf@0 u32, len@4 u32

}  // namespace spindle::wasi
