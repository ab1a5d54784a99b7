//! [`HwUpload`]: pictures in system memory copied into the GPU surfaces a VAAPI encoder
//! (`h264_vaapi`, `hevc_vaapi`) takes, the way FFmpeg's own `doc/examples/vaapi_encode.c`
//! does: a device from the DRM render node, a pool of NV12 surfaces of the output size
//! handed to the encoder as its `hw_frames_ctx`, and `av_hwframe_transfer_data` for each
//! picture.
//!
//! What is verified: where there is no render node (this project's build and test
//! machines), opening fails with a message naming the device, so asking for a VAAPI
//! encoder by name is a clear error and the automatic choice moves on to the software
//! encoder (tests/export_encoders.rs). The upload and encode path itself has not been
//! run on a machine with a VAAPI device.

use std::path::Path;

use ff::format::Pixel;
use ffmpeg_next as ff;

use super::codecs::CodecError;

/// The DRM render node VAAPI devices open (the first GPU).
pub const VAAPI_DEVICE: &str = "/dev/dri/renderD128";

/// Surfaces the encoder may hold at once (its reference frames and look-ahead).
const POOL_SIZE: i32 = 20;

/// A VAAPI device and a pool of NV12 surfaces; see the module documentation.
pub(crate) struct HwUpload {
    device: *mut ff::ffi::AVBufferRef,
    frames: *mut ff::ffi::AVBufferRef,
}

// SAFETY: the two buffer references are owned by this value alone and used by one thread
// at a time (the recorder moves its encoder, and this with it, to its encode thread);
// AVBufferRef counts references atomically, so the encoder's own references may be
// released on any thread.
#[allow(unsafe_code)]
unsafe impl Send for HwUpload {}

impl HwUpload {
    /// Opens the VAAPI device and a surface pool for `width` × `height` pictures.
    #[allow(unsafe_code)]
    pub(crate) fn vaapi(width: u32, height: u32, encoder: &str) -> Result<HwUpload, CodecError> {
        let device = |what: String| CodecError::Device {
            name: encoder.to_owned(),
            what: format!("VAAPI device {VAAPI_DEVICE}: {what}"),
        };
        if !Path::new(VAAPI_DEVICE).exists() {
            return Err(CodecError::Device {
                name: encoder.to_owned(),
                what: format!("no VAAPI device ({VAAPI_DEVICE} does not exist)"),
            });
        }
        let failed =
            |what: &str, code: i32| device(format!("{what} failed: {}", ff::Error::from(code)));
        let size = |n: u32| i32::try_from(n).map_err(|_| device(format!("size {n} is too large")));
        let (width, height) = (size(width)?, size(height)?);
        let device_name =
            std::ffi::CString::new(VAAPI_DEVICE).map_err(|e| device(e.to_string()))?;
        let mut up = HwUpload {
            device: std::ptr::null_mut(),
            frames: std::ptr::null_mut(),
        };
        // SAFETY: `up.device` is a valid out-pointer; on failure it stays null. The frames
        // context is allocated from the device reference we own and filled in before its
        // init; both references are released by `Drop` whatever happens below.
        unsafe {
            let ret = ff::ffi::av_hwdevice_ctx_create(
                &mut up.device,
                ff::ffi::AVHWDeviceType::AV_HWDEVICE_TYPE_VAAPI,
                device_name.as_ptr(),
                std::ptr::null_mut(),
                0,
            );
            if ret < 0 {
                return Err(failed("opening", ret));
            }
            up.frames = ff::ffi::av_hwframe_ctx_alloc(up.device);
            if up.frames.is_null() {
                return Err(device("out of memory".to_owned()));
            }
            let ctx = (*up.frames).data.cast::<ff::ffi::AVHWFramesContext>();
            (*ctx).format = Pixel::VAAPI.into();
            (*ctx).sw_format = Pixel::NV12.into();
            (*ctx).width = width;
            (*ctx).height = height;
            (*ctx).initial_pool_size = POOL_SIZE;
            let ret = ff::ffi::av_hwframe_ctx_init(up.frames);
            if ret < 0 {
                return Err(failed("making NV12 surfaces", ret));
            }
        }
        Ok(up)
    }

    /// The format pictures must be in before [`HwUpload::upload`].
    pub(crate) fn sw_format(&self) -> Pixel {
        Pixel::NV12
    }

    /// Gives the encoder (not yet opened) the surface pool, in the `VAAPI` pixel format.
    #[allow(unsafe_code)]
    pub(crate) fn attach(&self, encoder: &mut ff::encoder::video::Video) -> Result<(), CodecError> {
        encoder.set_format(Pixel::VAAPI);
        // SAFETY: the encoder context is valid and not yet open; it takes its own new
        // reference to the pool (freed with the context).
        unsafe {
            let reference = ff::ffi::av_buffer_ref(self.frames);
            if reference.is_null() {
                return Err(CodecError::Device {
                    name: "VAAPI".to_owned(),
                    what: format!("VAAPI device {VAAPI_DEVICE}: out of memory"),
                });
            }
            let ctx = encoder.as_mut_ptr();
            ff::ffi::av_buffer_unref(&mut (*ctx).hw_frames_ctx);
            (*ctx).hw_frames_ctx = reference;
        }
        Ok(())
    }

    /// Copies `frame` (in [`HwUpload::sw_format`], at the pool's size) into a surface,
    /// keeping its timestamp.
    #[allow(unsafe_code)]
    pub(crate) fn upload(&self, frame: &ff::frame::Video) -> Result<ff::frame::Video, ff::Error> {
        let mut surface = ff::frame::Video::empty();
        // SAFETY: `surface` is a fresh frame; av_hwframe_get_buffer fills it from the pool
        // we own, and the transfer reads `frame`'s planes, which are valid NV12 data.
        unsafe {
            let ret = ff::ffi::av_hwframe_get_buffer(self.frames, surface.as_mut_ptr(), 0);
            if ret < 0 {
                return Err(ff::Error::from(ret));
            }
            let ret = ff::ffi::av_hwframe_transfer_data(surface.as_mut_ptr(), frame.as_ptr(), 0);
            if ret < 0 {
                return Err(ff::Error::from(ret));
            }
        }
        surface.set_pts(frame.pts());
        Ok(surface)
    }
}

impl Drop for HwUpload {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // SAFETY: each pointer is null or a reference this value owns; unref nulls it.
        unsafe {
            ff::ffi::av_buffer_unref(&mut self.frames);
            ff::ffi::av_buffer_unref(&mut self.device);
        }
    }
}
