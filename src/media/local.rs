//! Every file name handed to FFmpeg goes through here, as a local file and nothing else.
//!
//! FFmpeg reads a name as a URL: a file called `http:example.com` would be fetched from the
//! network, `concat:a.mp4|b.mp4` would join two files, `pipe:1` would write to stdout. So
//! each name is made absolute and prefixed with `file:`, and the protocol whitelist is set
//! to `file` for the file and anything a demuxer or muxer opens from it. The name goes to
//! FFmpeg as the operating system's bytes, so a name that is not UTF-8 opens like any
//! other (ffmpeg-next's own path handling would panic on it).

use std::ffi::CString;
use std::path::Path;
use std::ptr;

use ffmpeg_next as ff;

/// The only protocols FFmpeg may use for a file we open.
const WHITELIST: &str = "file";

/// `file:/absolute/path` as a C string built from the path's bytes.
pub(crate) fn file_url(path: &Path) -> Result<CString, ff::Error> {
    let invalid = ff::Error::Other {
        errno: ff::util::error::EINVAL,
    };
    let abs = std::path::absolute(path).map_err(|_| invalid)?;
    let mut bytes = b"file:".to_vec();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        bytes.extend_from_slice(abs.as_os_str().as_bytes());
    }
    #[cfg(not(unix))]
    {
        // FFmpeg takes UTF-8 names on Windows; a name with unpaired surrogates has none.
        bytes.extend_from_slice(abs.to_str().ok_or(invalid)?.as_bytes());
    }
    CString::new(bytes).map_err(|_| invalid)
}

fn whitelist() -> ff::Dictionary<'static> {
    let mut opts = ff::Dictionary::new();
    opts.set("protocol_whitelist", WHITELIST);
    opts
}

/// Opens `path` for reading as a local file only and reads its stream information, like
/// `ffmpeg_next::format::input`.
#[allow(unsafe_code)]
pub(crate) fn open_input(path: &Path) -> Result<ff::format::context::Input, ff::Error> {
    super::init();
    let url = file_url(path)?;
    // SAFETY: `url` and the dictionary outlive the calls; on success avformat_open_input
    // hands us a context that `Input::wrap` owns and closes, on failure it frees it
    // itself; the dictionary left over (options FFmpeg did not use) is taken back and
    // freed by `Dictionary::own`.
    unsafe {
        let mut ps = ptr::null_mut();
        let mut opts = whitelist().disown();
        let res = ff::ffi::avformat_open_input(&mut ps, url.as_ptr(), ptr::null_mut(), &mut opts);
        drop(ff::Dictionary::own(opts));
        if res < 0 {
            return Err(ff::Error::from(res));
        }
        let found = ff::ffi::avformat_find_stream_info(ps, ptr::null_mut());
        if found < 0 {
            ff::ffi::avformat_close_input(&mut ps);
            return Err(ff::Error::from(found));
        }
        Ok(ff::format::context::Input::wrap(ps))
    }
}

/// Creates a muxer of format `muxer` (`mp4`, `matroska`…) writing to the local file
/// `path`, like `ffmpeg_next::format::output_as`.
#[allow(unsafe_code)]
pub(crate) fn open_output(
    path: &Path,
    muxer: &str,
) -> Result<ff::format::context::Output, ff::Error> {
    super::init();
    let url = file_url(path)?;
    let format = CString::new(muxer).map_err(|_| ff::Error::MuxerNotFound)?;
    let key = c"protocol_whitelist";
    let value = CString::new(WHITELIST).map_err(|_| ff::Error::Bug)?;
    // SAFETY: the strings outlive the calls. avformat_alloc_output_context2 gives a context
    // we free on every failure below; on success `Output::wrap` owns it (and its `pb`,
    // which it closes). The context's own whitelist covers files the muxer opens later
    // (the MP4 muxer reopens its file to move the index to the front).
    unsafe {
        let mut ps = ptr::null_mut();
        let res = ff::ffi::avformat_alloc_output_context2(
            &mut ps,
            ptr::null_mut(),
            format.as_ptr(),
            url.as_ptr(),
        );
        if res < 0 || ps.is_null() {
            return Err(ff::Error::from(res.min(-1)));
        }
        let set = ff::ffi::av_opt_set(ps.cast(), key.as_ptr(), value.as_ptr(), 0);
        if set < 0 {
            ff::ffi::avformat_free_context(ps);
            return Err(ff::Error::from(set));
        }
        let mut opts = whitelist().disown();
        let opened = ff::ffi::avio_open2(
            &mut (*ps).pb,
            url.as_ptr(),
            ff::ffi::AVIO_FLAG_WRITE,
            ptr::null(),
            &mut opts,
        );
        drop(ff::Dictionary::own(opts));
        if opened < 0 {
            ff::ffi::avformat_free_context(ps);
            return Err(ff::Error::from(opened));
        }
        Ok(ff::format::context::Output::wrap(ps))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn names_become_absolute_local_urls_from_their_bytes() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let url = file_url(Path::new("/tmp/http:example.com")).unwrap();
        assert_eq!(url.as_bytes(), b"file:/tmp/http:example.com");
        let odd = Path::new(OsStr::from_bytes(b"/tmp/caf\xe9.mp4"));
        assert_eq!(file_url(odd).unwrap().as_bytes(), b"file:/tmp/caf\xe9.mp4");
        let rel = file_url(Path::new("concat:a.mp4|b.mp4")).unwrap();
        let cwd = std::env::current_dir().unwrap();
        let mut want = b"file:".to_vec();
        want.extend_from_slice(cwd.join("concat:a.mp4|b.mp4").as_os_str().as_bytes());
        assert_eq!(rel.as_bytes(), want.as_slice());
    }
}
