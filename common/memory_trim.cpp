#include "common/memory_trim.h"

#include <elf.h>
#include <link.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>  // defines __GLIBC__ where the C library is glibc
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace vigil {

void ReturnFreedMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

namespace {

// True when /proc/self/status names a tracer (gdb, strace), or cannot be read.
bool BeingTraced() {
  std::FILE* f = std::fopen("/proc/self/status", "re");
  if (f == nullptr) return true;
  char line[256];
  long tracer = -1;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::strncmp(line, "TracerPid:", 10) == 0) {
      tracer = std::strtol(line + 10, nullptr, 10);
      break;
    }
  }
  std::fclose(f);
  return tracer != 0;
}

// An object whose code the loader relocated in place (DT_TEXTREL) has private copies of its text
// pages: releasing them would bring back the unrelocated file. x86-64 builds have none; checked all
// the same.
bool HasTextRelocations(const dl_phdr_info& info) {
  for (int i = 0; i < info.dlpi_phnum; ++i) {
    const auto& ph = info.dlpi_phdr[i];
    if (ph.p_type != PT_DYNAMIC) continue;
    const auto* d = reinterpret_cast<const ElfW(Dyn)*>(info.dlpi_addr + ph.p_vaddr);
    for (; d->d_tag != DT_NULL; ++d) {
      if (d->d_tag == DT_TEXTREL) return true;
      if (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL) != 0) return true;
    }
  }
  return false;
}

struct CodeWalk {
  std::uintptr_t vdso = 0;  // the kernel's vDSO: not a file's pages
  std::uintptr_t page = 4096;
  std::size_t released = 0;
};

// Releases one loaded object's segments that are never written: PT_LOAD without PF_W, and not in
// its RELRO range (written by the loader, then made read-only). Only whole pages inside the
// segment, so a page another segment shares is never touched.
int ReleaseObject(dl_phdr_info* info, std::size_t, void* data) {
  auto& walk = *static_cast<CodeWalk*>(data);
  auto phdrs = reinterpret_cast<std::uintptr_t>(info->dlpi_phdr);
  if (walk.vdso != 0 && phdrs >= walk.vdso && phdrs < walk.vdso + walk.page) return 0;
  if (HasTextRelocations(*info)) return 0;
  std::uintptr_t relro_begin = 0, relro_end = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const auto& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_GNU_RELRO) continue;
    relro_begin = info->dlpi_addr + ph.p_vaddr;
    relro_end = relro_begin + ph.p_memsz;
  }
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const auto& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W) != 0) continue;
    std::uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
    std::uintptr_t end = begin + (ph.p_filesz < ph.p_memsz ? ph.p_filesz : ph.p_memsz);
    if (begin < relro_end && relro_begin < end) continue;
    begin = (begin + walk.page - 1) & ~(walk.page - 1);
    end &= ~(walk.page - 1);
    if (end <= begin) continue;
    if (madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED) == 0) walk.released += end - begin;
  }
  return 0;
}

}  // namespace

std::size_t ReleaseCodePages() {
  if (BeingTraced()) return 0;
  CodeWalk walk;
  walk.vdso = getauxval(AT_SYSINFO_EHDR);
  long page = sysconf(_SC_PAGESIZE);
  if (page > 0) walk.page = static_cast<std::uintptr_t>(page);
  // The loader's lock is held through the walk: no object is loaded or unloaded meanwhile.
  dl_iterate_phdr(ReleaseObject, &walk);
  return walk.released;
}

void ReturnIdleMemory() {
  ReturnFreedMemory();
  ReleaseCodePages();
}

}  // namespace vigil
