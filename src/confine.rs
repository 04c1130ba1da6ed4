//! Opening files confined beneath a root folder, whatever is swapped in on the way.
//!
//! Every file feedfold reads from the content root, and every page it serves from the
//! publish folder, is opened here: non-blocking (a FIFO swapped in after a walk cannot hang
//! the process), then checked on the opened descriptor itself, so that no race between a
//! check and the open can slip a symlink through: the descriptor must be a regular file,
//! and its real path (as the kernel resolved it) must lie beneath the root. Reads are
//! bounded whatever the size a stat reported (`/proc` files say 0 and never end).

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// The path leads outside the root (a symlink, at any depth).
    #[error("leads outside {root} (to {real}): not read", root = .root.display(), real = .real.display())]
    Outside {
        /// The root the file had to be inside.
        root: PathBuf,
        /// Where the path really leads, its symlinks resolved.
        real: PathBuf,
    },
    /// A FIFO, socket, device or folder where a file was expected.
    #[error("{0}, not a regular file: not read")]
    NotRegular(&'static str),
    /// More bytes than allowed, whatever its size said.
    #[error("longer than the {max}-byte limit")]
    TooLarge {
        /// The limit, in bytes.
        max: u64,
    },
    /// Opening, inspecting or reading the file failed.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens `path` for reading if it is a regular file whose real path is beneath `root`
/// (which must be canonical).
pub fn open(root: &Path, path: &Path) -> Result<File, Refused> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?;
    let meta = file.metadata()?;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(Refused::NotRegular(kind_name(&kind)));
    }
    let real = real_path(&file, path)?;
    if !real.starts_with(root) {
        return Err(Refused::Outside {
            root: root.to_path_buf(),
            real,
        });
    }
    Ok(file)
}

/// Reads at most `max` bytes of a confined file; one byte more is [`Refused::TooLarge`].
pub fn read(root: &Path, path: &Path, max: u64, size_hint: u64) -> Result<Vec<u8>, Refused> {
    let file = open(root, path)?;
    let mut bytes = Vec::with_capacity(size_hint.min(max) as usize + 1);
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(Refused::TooLarge { max });
    }
    Ok(bytes)
}

/// The path the kernel opened, from the descriptor (Linux), else resolved by name.
fn real_path(file: &File, path: &Path) -> std::io::Result<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        if let Ok(real) = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())) {
            return Ok(real);
        }
    }
    let _ = file;
    path.canonicalize()
}

/// A person's word for a file type.
pub fn kind_name(kind: &std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        (dir, root)
    }

    #[test]
    fn a_file_beneath_the_root_is_read() {
        let (_dir, root) = root();
        std::fs::write(root.join("a.txt"), "hello").unwrap();
        assert_eq!(read(&root, &root.join("a.txt"), 100, 5).unwrap(), b"hello");
    }

    #[test]
    fn a_symlink_leading_outside_is_refused_but_one_inside_is_read() {
        let (_dir, root) = root();
        let (_other, outside) = super::tests::root();
        std::fs::write(outside.join("secret"), "s").unwrap();
        std::fs::write(root.join("real.txt"), "r").unwrap();
        std::os::unix::fs::symlink(outside.join("secret"), root.join("out.txt")).unwrap();
        std::os::unix::fs::symlink("real.txt", root.join("in.txt")).unwrap();
        let err = read(&root, &root.join("out.txt"), 100, 0).unwrap_err();
        assert!(matches!(err, Refused::Outside { .. }), "{err}");
        assert_eq!(read(&root, &root.join("in.txt"), 100, 0).unwrap(), b"r");
    }

    #[test]
    fn a_folder_symlinked_from_outside_is_refused_at_any_depth() {
        let (_dir, root) = root();
        let (_other, outside) = super::tests::root();
        std::fs::create_dir(outside.join("d")).unwrap();
        std::fs::write(outside.join("d/page.html"), "x").unwrap();
        std::os::unix::fs::symlink(outside.join("d"), root.join("d")).unwrap();
        let err = read(&root, &root.join("d/page.html"), 100, 0).unwrap_err();
        assert!(matches!(err, Refused::Outside { .. }), "{err}");
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let (_dir, root) = root();
        let fifo = root.join("f.txt");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: mkfifo on a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let err = read(&root, &fifo, 100, 0).unwrap_err();
        assert!(matches!(err, Refused::NotRegular("a FIFO")), "{err}");
    }

    #[test]
    fn a_file_longer_than_its_limit_is_refused_whatever_its_size_said() {
        let (_dir, root) = root();
        std::fs::write(root.join("big.txt"), [b'a'; 11]).unwrap();
        let err = read(&root, &root.join("big.txt"), 10, 0).unwrap_err();
        assert!(matches!(err, Refused::TooLarge { max: 10 }), "{err}");
        assert_eq!(read(&root, &root.join("big.txt"), 11, 0).unwrap().len(), 11);
    }
}
