//go:build linux && (amd64 || arm64)

package sqlstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// The log's frames of a commit are written to the file in one system call.
//
// SQLite writes each frame of its write-ahead log with two pwrite calls, a
// 24-byte header and the page, and a group commit of a dozen submissions
// writes a hundred frames or more. On the machines measured a pwrite costs
// 2.5–5 µs however small (a virtual machine's system call), so the commit's
// writes cost more than the pages they carry: 30 µs a submission of the
// committer's time, the one serial path (docs/benchmarks.md, "thirteenth
// session").
//
// SQLite lets a program replace the system calls of its unix VFS
// (sqlite3_vfs.xSetSystemCall). Those replaced here keep a log file's
// frames in memory while they arrive in order, and write them in one call
// when the frame that commits arrives, before SQLite syncs the file: what
// SQLite syncs, and what other connections read (only committed frames),
// is exactly what it wrote, in the same order. Anything else done to that
// file first writes what is kept: a read (SQLite reads back frames it
// spilled mid-transaction), any other write (a header rewritten in place,
// the log's own header), a truncation, closing it. A large transaction
// writes what is kept every walFlushAt bytes. A crash loses only frames
// that no commit had reached, which SQLite ignores on recovery anyway.

// walFlushAt bounds the bytes kept for one log file.
const walFlushAt = 1 << 20

// Sizes of the log's header and of a frame's header (SQLite's file format).
const (
	walHeaderSize      = 32
	walFrameHeaderSize = 24
)

// maxWalFd bounds the file descriptors watched; a log opened on a higher
// one is written frame by frame, as SQLite does.
const maxWalFd = 4096

// walFile is what is kept for one open log file.
type walFile struct {
	mu     sync.Mutex
	buf    []byte
	start  int64 // the file offset of buf[0]
	header bool  // the last write kept is a frame's header: its page comes next
	commit bool  // ... of the frame that commits
}

var (
	walFiles [maxWalFd]atomic.Pointer[walFile]
	// The replaced calls, as SQLite had them.
	sysOpen      func(tls *libc.TLS, path uintptr, flags, mode int32) int32
	sysClose     func(tls *libc.TLS, fd int32) int32
	sysFtruncate func(tls *libc.TLS, fd int32, size int64) int32
	sysPread     func(tls *libc.TLS, fd int32, buf uintptr, n uint64, off int64) int64
	sysPwrite    func(tls *libc.TLS, fd int32, buf uintptr, n uint64, off int64) int64
	// walWrites counts the pwrite calls made to log files (tests).
	walWrites atomic.Int64
)

// coalesceWALWrites replaces SQLite's open, close, ftruncate, pread and
// pwrite with those below. It runs once, before any connection opens.
func coalesceWALWrites() error {
	tls := libc.NewTLS()
	defer tls.Close()
	vfs := sqlite3.Xsqlite3_vfs_find(tls, 0)
	if vfs == 0 {
		return errors.New("no default VFS")
	}
	v := (*sqlite3.Tsqlite3_vfs)(cPointer(vfs))
	if v.FiVersion < 3 || v.FxSetSystemCall == 0 || v.FxGetSystemCall == 0 {
		return errors.New("the default VFS replaces no system calls")
	}
	get := *(*func(*libc.TLS, uintptr, uintptr) uintptr)(unsafe.Pointer(&struct{ uintptr }{v.FxGetSystemCall}))
	set := *(*func(*libc.TLS, uintptr, uintptr, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{v.FxSetSystemCall}))
	calls := []struct {
		name string
		old  unsafe.Pointer // *func(...): where SQLite's own goes
		new  uintptr        // ours, as SQLite calls it
	}{
		{"open", unsafe.Pointer(&sysOpen), funcPointer(walOpen)},
		{"close", unsafe.Pointer(&sysClose), funcPointer(walClose)},
		{"ftruncate", unsafe.Pointer(&sysFtruncate), funcPointer(walFtruncate)},
		{"pread", unsafe.Pointer(&sysPread), funcPointer(walPread)},
		{"pwrite", unsafe.Pointer(&sysPwrite), funcPointer(walPwrite)},
	}
	names := make([]uintptr, len(calls))
	defer func() {
		for _, z := range names {
			libc.Xfree(tls, z)
		}
	}()
	for i, c := range calls {
		z, err := libc.CString(c.name)
		if err != nil {
			return err
		}
		names[i] = z
		old := get(tls, vfs, z)
		if old == 0 {
			return fmt.Errorf("the VFS has no system call %q", c.name)
		}
		*(*uintptr)(c.old) = old
	}
	for i, c := range calls {
		if rc := set(tls, vfs, names[i], c.new); rc != sqlite3.SQLITE_OK {
			return fmt.Errorf("replacing %q: result code %d", c.name, rc)
		}
	}
	return nil
}

// funcPointer is f as transpiled C calls a function pointer: the Go func
// value's own word (f is a top-level function, never collected).
func funcPointer[F any](f F) uintptr {
	return *(*uintptr)(unsafe.Pointer(&f))
}

// cPointer is p, an address SQLite gave (of its own memory, outside Go's
// heap), as a pointer. (Inlined into walPwrite's append, it crashes the Go
// 1.26.8 compiler.)
//
//go:noinline
func cPointer(p uintptr) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&p))
}

// walFileOf is what is kept for fd, nil unless fd is a log file.
func walFileOf(fd int32) *walFile {
	if fd < 0 || fd >= maxWalFd {
		return nil
	}
	return walFiles[fd].Load()
}

func walOpen(tls *libc.TLS, path uintptr, flags, mode int32) int32 {
	fd := sysOpen(tls, path, flags, mode)
	if fd >= 0 && fd < maxWalFd {
		var w *walFile
		if strings.HasSuffix(libc.GoString(path), "-wal") {
			w = &walFile{}
		}
		walFiles[fd].Store(w)
	}
	return fd
}

func walClose(tls *libc.TLS, fd int32) int32 {
	if w := walFileOf(fd); w != nil {
		w.mu.Lock()
		_ = w.flush(tls, fd) // SQLite cannot be told any more
		w.mu.Unlock()
		walFiles[fd].Store(nil)
	}
	return sysClose(tls, fd)
}

func walFtruncate(tls *libc.TLS, fd int32, size int64) int32 {
	if w := walFileOf(fd); w != nil {
		w.mu.Lock()
		err := w.flush(tls, fd)
		w.mu.Unlock()
		if err != nil {
			return -1
		}
	}
	return sysFtruncate(tls, fd, size)
}

func walPread(tls *libc.TLS, fd int32, buf uintptr, n uint64, off int64) int64 {
	if w := walFileOf(fd); w != nil {
		w.mu.Lock()
		err := w.flush(tls, fd)
		w.mu.Unlock()
		if err != nil {
			return -1
		}
	}
	return sysPread(tls, fd, buf, n, off)
}

func walPwrite(tls *libc.TLS, fd int32, buf uintptr, n uint64, off int64) int64 {
	w := walFileOf(fd)
	if w == nil {
		return sysPwrite(tls, fd, buf, n, off)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	next := off == w.start+int64(len(w.buf)) || len(w.buf) == 0
	switch {
	case !w.header && n == walFrameHeaderSize && off >= walHeaderSize && next:
		if len(w.buf) == 0 {
			w.start = off
		}
		h := unsafe.Slice((*byte)(cPointer(buf)), n)
		w.buf = append(w.buf, h...)
		w.header = true
		w.commit = binary.BigEndian.Uint32(h[4:8]) != 0 // the database's size after a commit, 0 before
		return int64(n)
	case w.header && off == w.start+int64(len(w.buf)):
		w.buf = append(w.buf, unsafe.Slice((*byte)(cPointer(buf)), n)...)
		w.header = false
		if w.commit || len(w.buf) >= walFlushAt {
			if w.flush(tls, fd) != nil {
				return -1
			}
		}
		return int64(n)
	}
	if w.flush(tls, fd) != nil {
		return -1
	}
	walWrites.Add(1)
	return sysPwrite(tls, fd, buf, n, off)
}

// errWALWrite reports a failed write of kept frames; errno is SQLite's.
var errWALWrite = errors.New("writing the log's kept frames")

// flush writes what is kept, in as many calls as the system needs. On
// failure the frames are dropped (SQLite gets the error and rolls back).
func (w *walFile) flush(tls *libc.TLS, fd int32) error {
	w.header, w.commit = false, false
	defer func() { w.buf = w.buf[:0] }() // kept for the next frames
	for done := 0; done < len(w.buf); {
		walWrites.Add(1)
		n := sysPwrite(tls, fd, uintptr(unsafe.Pointer(&w.buf[done])), uint64(len(w.buf)-done), w.start+int64(done))
		runtime.KeepAlive(w.buf)
		if n <= 0 {
			return errWALWrite
		}
		done += int(n)
	}
	return nil
}
