package initdir

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ptInterp is the program header type naming the dynamic loader.
const ptInterp = 3

// hasInterp reports whether the ELF file r has a PT_INTERP program header, i.e. needs a
// dynamic loader. It reads only the file header and the program headers: debug/elf
// would do the same, but its package initialisation (and that of the compression
// packages it imports) is paid by every oshim call, passthrough ones included.
func hasInterp(r io.ReaderAt) (bool, error) {
	var ident [16]byte
	if _, err := r.ReadAt(ident[:], 0); err != nil {
		return false, fmt.Errorf("read the ELF header: %w", err)
	}
	if string(ident[:4]) != "\x7fELF" {
		return false, errors.New("not an ELF file")
	}
	var bo binary.ByteOrder
	switch ident[5] {
	case 1:
		bo = binary.LittleEndian
	case 2:
		bo = binary.BigEndian
	default:
		return false, fmt.Errorf("unknown ELF data encoding %d", ident[5])
	}
	// Where e_phoff, e_phentsize and e_phnum are, per class.
	var phoff uint64
	var hdr [8]byte
	var entOff, numOff int64
	switch ident[4] {
	case 1:
		if _, err := r.ReadAt(hdr[:4], 0x1c); err != nil {
			return false, fmt.Errorf("read the ELF header: %w", err)
		}
		phoff, entOff, numOff = uint64(bo.Uint32(hdr[:4])), 0x2a, 0x2c
	case 2:
		if _, err := r.ReadAt(hdr[:], 0x20); err != nil {
			return false, fmt.Errorf("read the ELF header: %w", err)
		}
		phoff, entOff, numOff = bo.Uint64(hdr[:]), 0x36, 0x38
	default:
		return false, fmt.Errorf("unknown ELF class %d", ident[4])
	}
	var sizes [4]byte
	if _, err := r.ReadAt(sizes[:2], entOff); err != nil {
		return false, fmt.Errorf("read the ELF header: %w", err)
	}
	if _, err := r.ReadAt(sizes[2:], numOff); err != nil {
		return false, fmt.Errorf("read the ELF header: %w", err)
	}
	entsize, num := uint64(bo.Uint16(sizes[:2])), uint64(bo.Uint16(sizes[2:]))
	if num > 0 && entsize < 4 {
		return false, fmt.Errorf("ELF program header size %d is too small", entsize)
	}
	var typ [4]byte
	for i := uint64(0); i < num; i++ {
		off := phoff + i*entsize
		if off > 1<<62 {
			return false, errors.New("ELF program headers beyond any file")
		}
		if _, err := r.ReadAt(typ[:], int64(off)); err != nil {
			return false, fmt.Errorf("read ELF program header %d: %w", i, err)
		}
		if bo.Uint32(typ[:]) == ptInterp {
			return true, nil
		}
	}
	return false, nil
}
