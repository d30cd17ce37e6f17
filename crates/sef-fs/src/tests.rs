//! Tests of bounded reads and output writes against real special files.

use super::*;
use std::os::unix::fs::PermissionsExt;

fn mkfifo(path: &Path) {
    let st = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(st.success(), "mkfifo must work here");
}

#[test]
fn a_fifo_is_refused_without_hanging() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("sef.toml");
    mkfifo(&p);
    let e = read(&p, CONFIG_LIMIT).unwrap_err();
    assert!(
        matches!(e, ReadError::NotRegular { kind: "a FIFO", .. }),
        "{e}"
    );
    assert!(e.to_string().contains("sef.toml: is a FIFO"), "{e}");
}

#[test]
fn a_link_to_dev_zero_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("baseline.json");
    std::os::unix::fs::symlink("/dev/zero", &p).unwrap();
    let e = read(&p, DATA_LIMIT).unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::NotRegular {
                kind: "a character device",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn a_sparse_huge_file_is_refused_by_size() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("big");
    let f = File::create(&p).unwrap();
    f.set_len(5 * 1024 * 1024 * 1024).unwrap();
    let e = read(&p, CONFIG_LIMIT).unwrap_err();
    assert!(
        matches!(e, ReadError::TooLarge { size, .. } if size == 5 * 1024 * 1024 * 1024),
        "{e}"
    );
}

#[test]
fn regular_files_read_whole_and_missing_ones_say_so() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("a.txt");
    std::fs::write(&p, "hello").unwrap();
    assert_eq!(read_string(&p, 5).unwrap(), "hello");
    assert!(matches!(read(&p, 4), Err(ReadError::TooLarge { .. })));
    assert!(
        read_string_if_exists(&d.path().join("none"), 5)
            .unwrap()
            .is_none()
    );
    std::fs::write(&p, b"ok\xff").unwrap();
    assert!(matches!(
        read_string(&p, 9),
        Err(ReadError::NotUtf8 { at: 2, .. })
    ));
    assert!(matches!(
        read(d.path(), 9),
        Err(ReadError::NotRegular {
            kind: "a directory",
            ..
        } | ReadError::Io { .. })
    ));
}

#[test]
fn output_to_a_device_is_written_in_place() {
    // A character device made here (never the real /dev/null): needs root.
    let d = tempfile::tempdir().unwrap();
    let dev = d.path().join("null");
    let st = std::process::Command::new("mknod")
        .args([dev.to_str().unwrap(), "c", "1", "3"])
        .status()
        .unwrap();
    assert!(
        st.success(),
        "mknod needs root; the tests run as root in CI"
    );
    write_output(&dev, b"report").unwrap();
    let meta = std::fs::symlink_metadata(&dev).unwrap();
    assert!(
        meta.file_type().is_char_device(),
        "the device must stay a device"
    );
    // and through a link
    let link = d.path().join("out");
    std::os::unix::fs::symlink(&dev, &link).unwrap();
    write_output(&link, b"report").unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::symlink_metadata(&dev)
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn output_to_a_fifo_is_written_in_place() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("pipe");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).unwrap())
    };
    write_output(&fifo, b"through the pipe").unwrap();
    assert_eq!(reader.join().unwrap(), b"through the pipe");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn output_replaces_regular_files_and_keeps_links() {
    let d = tempfile::tempdir().unwrap();
    let real = d.path().join("real.txt");
    std::fs::write(&real, "old").unwrap();
    let link = d.path().join("link.txt");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    write_output(&link, b"new").unwrap();
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let dangling = d.path().join("dangling");
    std::os::unix::fs::symlink(d.path().join("nowhere"), &dangling).unwrap();
    assert!(matches!(
        write_output(&dangling, b"x"),
        Err(OutputError::DanglingLink { .. })
    ));
    assert!(!d.path().join("nowhere").exists());
    assert!(matches!(
        write_output(d.path(), b"x"),
        Err(OutputError::Refused {
            kind: "a directory",
            ..
        })
    ));
    // no temporary file is left behind
    let left: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 3, "{left:?}");
}

#[test]
fn private_files_are_0600_and_replace_links() {
    let d = tempfile::tempdir().unwrap();
    let victim = d.path().join("victim");
    std::fs::write(&victim, "keep me").unwrap();
    let key = d.path().join("sef.key");
    std::os::unix::fs::symlink(&victim, &key).unwrap();
    write_private(&key, b"secret").unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    let meta = std::fs::symlink_metadata(&key).unwrap();
    assert!(meta.is_file());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    // an old 0644 file does not pass its mode on
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    write_private(&key, b"secret2").unwrap();
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn killing_a_group_ends_its_children() {
    use std::os::unix::process::CommandExt;
    let mut child = std::process::Command::new("sh")
        .args(["-c", "sleep 30 & echo $! ; wait"])
        .stdout(std::process::Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let grandchild: u32 = line.trim().parse().unwrap();
    kill_process_group(child.id()).unwrap();
    child.wait().unwrap();
    // the grandchild is gone too (a zombie reaped by init, or gone)
    let mut gone = false;
    for _ in 0..50 {
        let stat = std::fs::read_to_string(format!("/proc/{grandchild}/stat")).unwrap_or_default();
        if stat.is_empty() || stat.split(' ').nth(2) == Some("Z") {
            gone = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(gone, "the sleep started by the command outlived the kill");
    assert!(
        kill_process_group(child.id()).is_ok(),
        "a gone group is not an error"
    );
}
