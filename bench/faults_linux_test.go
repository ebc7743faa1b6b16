package bench

import "syscall"

// smallPages asks that mem be backed by small pages (no transparent huge pages), so
// that BenchmarkFirstTouch faults once per page.
func smallPages(mem []byte) { _ = syscall.Madvise(mem, syscall.MADV_NOHUGEPAGE) }
