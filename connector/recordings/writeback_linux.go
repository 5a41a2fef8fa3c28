package recordings

import (
	"os"

	"golang.org/x/sys/unix"
)

// writeBack hands the chunk of n bytes at off to the disk without waiting,
// waits for the chunk before it, which the previous call handed on, and
// drops that one from the page cache. A download then keeps few dirty
// pages, never stalls on the kernel's dirty-page throttling, reuses the
// same pages of memory, and leaves little for the final fsync to do.
//
// The calls are advice: their errors are dropped here because the kernel
// reports a failed write-back again to the fsync that ends every download.
func writeBack(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE)
		if off < n {
			return
		}
		prev := off - n
		if unix.SyncFileRange(int(fd), prev, n, unix.SYNC_FILE_RANGE_WAIT_BEFORE|unix.SYNC_FILE_RANGE_WRITE|unix.SYNC_FILE_RANGE_WAIT_AFTER) == nil {
			_ = unix.Fadvise(int(fd), prev, n, unix.FADV_DONTNEED)
		}
	})
}
