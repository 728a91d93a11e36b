package main

import (
	"strconv"

	"golang.org/x/sys/unix"
)

// fsNames are the statfs magic numbers of the filesystems a bundle or run directory
// is likely on.
var fsNames = map[int64]string{
	unix.EXT4_SUPER_MAGIC:      "ext4",
	unix.TMPFS_MAGIC:           "tmpfs",
	unix.XFS_SUPER_MAGIC:       "xfs",
	unix.BTRFS_SUPER_MAGIC:     "btrfs",
	unix.OVERLAYFS_SUPER_MAGIC: "overlayfs",
	unix.NFS_SUPER_MAGIC:       "nfs",
}

// fsName names the filesystem path is on, or gives its magic number.
func fsName(path string) string {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return "unknown"
	}
	if n, ok := fsNames[int64(st.Type)]; ok {
		return n
	}
	return "fs 0x" + strconv.FormatInt(int64(st.Type), 16)
}
