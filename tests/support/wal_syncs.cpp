#include "tests/support/wal_syncs.h"

#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <mutex>

namespace vigil::testing {
namespace {

std::mutex g_mu;
std::map<std::string, int64_t> g_syncs;  // WAL path -> syncs
thread_local std::map<std::string, int64_t> t_syncs;
std::function<void(const std::string&)> g_hook;
sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs;

// A file of the counting VFS: ours in front, the real VFS's file right behind it.
struct CountedFile {
  sqlite3_file base;
  sqlite3_file* real;
  std::string* wal;  // the WAL's path; nullptr for other files
};

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<CountedFile*>(f)->real; }

int Close(sqlite3_file* f) {
  auto* c = reinterpret_cast<CountedFile*>(f);
  int rc = c->real->pMethods ? c->real->pMethods->xClose(c->real) : SQLITE_OK;
  delete c->wal;
  c->wal = nullptr;
  return rc;
}
int Read(sqlite3_file* f, void* p, int n, sqlite3_int64 off) { return Real(f)->pMethods->xRead(Real(f), p, n, off); }
int Write(sqlite3_file* f, const void* p, int n, sqlite3_int64 off) { return Real(f)->pMethods->xWrite(Real(f), p, n, off); }
int Truncate(sqlite3_file* f, sqlite3_int64 size) { return Real(f)->pMethods->xTruncate(Real(f), size); }
int Sync(sqlite3_file* f, int flags) {
  auto* c = reinterpret_cast<CountedFile*>(f);
  if (c->wal != nullptr) {
    std::function<void(const std::string&)> hook;
    {
      std::lock_guard<std::mutex> lock(g_mu);
      g_syncs[*c->wal]++;
      hook = g_hook;
    }
    t_syncs[*c->wal]++;
    if (hook) hook(*c->wal);
  }
  return c->real->pMethods->xSync(c->real, flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) { return Real(f)->pMethods->xFileSize(Real(f), size); }
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) { return Real(f)->pMethods->xCheckReservedLock(Real(f), out); }
int FileControl(sqlite3_file* f, int op, void* arg) { return Real(f)->pMethods->xFileControl(Real(f), op, arg); }
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) { return Real(f)->pMethods->xDeviceCharacteristics(Real(f)); }
int ShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) { return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags); }
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int remove) { return Real(f)->pMethods->xShmUnmap(Real(f), remove); }
int Fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) { return Real(f)->pMethods->xFetch(Real(f), off, n, out); }
int Unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) { return Real(f)->pMethods->xUnfetch(Real(f), off, p); }

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* c = reinterpret_cast<CountedFile*>(f);
  c->real = reinterpret_cast<sqlite3_file*>(c + 1);
  c->wal = nullptr;
  c->base.pMethods = nullptr;
  int rc = g_real->xOpen(g_real, name, c->real, flags, out_flags);
  if (rc != SQLITE_OK || c->real->pMethods == nullptr) return rc;
  static const sqlite3_io_methods methods = [] {
    sqlite3_io_methods m{};
    m.iVersion = 3;
    m.xClose = Close, m.xRead = Read, m.xWrite = Write, m.xTruncate = Truncate, m.xSync = Sync, m.xFileSize = FileSize;
    m.xLock = Lock, m.xUnlock = Unlock, m.xCheckReservedLock = CheckReservedLock, m.xFileControl = FileControl;
    m.xSectorSize = SectorSize, m.xDeviceCharacteristics = DeviceCharacteristics;
    m.xShmMap = ShmMap, m.xShmLock = ShmLock, m.xShmBarrier = ShmBarrier, m.xShmUnmap = ShmUnmap;
    m.xFetch = Fetch, m.xUnfetch = Unfetch;
    return m;
  }();
  if ((flags & SQLITE_OPEN_WAL) != 0 && name != nullptr) c->wal = new std::string(name);
  c->base.pMethods = &methods;
  return SQLITE_OK;
}

int Delete(sqlite3_vfs*, const char* name, int sync_dir) { return g_real->xDelete(g_real, name, sync_dir); }
int Access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_real->xAccess(g_real, name, flags, out); }
int FullPathname(sqlite3_vfs*, const char* name, int n, char* out) { return g_real->xFullPathname(g_real, name, n, out); }
void* DlOpen(sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); }
void DlError(sqlite3_vfs*, int n, char* out) { g_real->xDlError(g_real, n, out); }
void (*DlSym(sqlite3_vfs*, void* lib, const char* sym))(void) { return g_real->xDlSym(g_real, lib, sym); }
void DlClose(sqlite3_vfs*, void* lib) { g_real->xDlClose(g_real, lib); }
int Randomness(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int Sleep(sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); }
int CurrentTime(sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); }
int GetLastError(sqlite3_vfs*, int n, char* out) { return g_real->xGetLastError(g_real, n, out); }
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) { return g_real->xCurrentTimeInt64(g_real, out); }

// The WAL's path as SQLite opens it: the database file's full path + "-wal".
std::string WalOf(const std::string& db) {
  std::string file = db.rfind("sqlite:", 0) == 0 ? db.substr(7) : db;
  return std::filesystem::weakly_canonical(file).string() + "-wal";
}

}  // namespace

void CountWalSyncs() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_real = sqlite3_vfs_find(nullptr);
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(CountedFile)) + g_real->szOsFile;
    g_vfs.mxPathname = g_real->mxPathname;
    g_vfs.zName = "vigil-test-wal-syncs";
    g_vfs.xOpen = Open, g_vfs.xDelete = Delete, g_vfs.xAccess = Access, g_vfs.xFullPathname = FullPathname;
    g_vfs.xDlOpen = DlOpen, g_vfs.xDlError = DlError, g_vfs.xDlSym = DlSym, g_vfs.xDlClose = DlClose;
    g_vfs.xRandomness = Randomness, g_vfs.xSleep = Sleep, g_vfs.xCurrentTime = CurrentTime, g_vfs.xGetLastError = GetLastError;
    g_vfs.xCurrentTimeInt64 = CurrentTimeInt64;
    sqlite3_vfs_register(&g_vfs, 1);
  });
}

int64_t WalSyncs(const std::string& db) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_syncs.find(WalOf(db));
  return it == g_syncs.end() ? 0 : it->second;
}

int64_t WalSyncsOnThisThread(const std::string& db) {
  auto it = t_syncs.find(WalOf(db));
  return it == t_syncs.end() ? 0 : it->second;
}

void OnWalSync(std::function<void(const std::string& wal)> hook) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_hook = std::move(hook);
}

}  // namespace vigil::testing
