//! Which file system a folder is on: inotify is silent on network file systems and many
//! FUSE mounts, so those are polled.

use std::path::Path;

/// True when `path` is on NFS, SMB/CIFS, a FUSE mount or another file system whose changes
/// made elsewhere inotify does not report.
pub fn is_network_or_fuse(path: &Path) -> bool {
    let Ok(mounts) = std::fs::read_to_string("/proc/self/mounts") else {
        return false;
    };
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    fs_type_of(&mounts, &path).is_some_and(|fs| {
        matches!(
            fs,
            "nfs" | "nfs4" | "cifs" | "smb3" | "smbfs" | "9p" | "afs" | "ceph" | "glusterfs"
        ) || fs.starts_with("fuse")
    })
}

/// The type of the longest mount point that contains `path`.
fn fs_type_of<'a>(mounts: &'a str, path: &Path) -> Option<&'a str> {
    mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (_, mount_point, fs) = (fields.next()?, fields.next()?, fields.next()?);
            let mount_point = mount_point.replace("\\040", " ");
            path.starts_with(&mount_point)
                .then_some((mount_point.len(), fs))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, fs)| fs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTS: &str = "/dev/vda / ext4 rw 0 0\nserver:/news /srv/news nfs4 rw 0 0\n\
                          fuse-x /mnt/drive fuse.sshfs rw 0 0\n";

    #[test]
    fn the_longest_mount_point_decides() {
        assert_eq!(
            fs_type_of(MOUNTS, Path::new("/srv/news/feeds")),
            Some("nfs4")
        );
        assert_eq!(fs_type_of(MOUNTS, Path::new("/srv/other")), Some("ext4"));
        assert_eq!(
            fs_type_of(MOUNTS, Path::new("/mnt/drive/x")),
            Some("fuse.sshfs")
        );
    }
}
