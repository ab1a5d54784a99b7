//! The decoding loop the video and the audio readers share: take the decoder's next frame,
//! reading the stream's packets into it while it asks for more.

use std::ops::DerefMut;

use ffmpeg_next as ff;

/// Receives `decoder`'s next frame into `frame`, reading `input` whenever the decoder
/// needs more: packets of `stream` go to the decoder, after `before_send` has seen them;
/// the end of the file drains it. `false` once the decoder is drained; a read error or a
/// decoder error other than "try again" ends it.
pub(in crate::media) fn receive_frame<D: DerefMut<Target = ff::decoder::Opened>>(
    decoder: &mut D,
    input: &mut ff::format::context::Input,
    stream: usize,
    frame: &mut ff::Frame,
    mut before_send: impl FnMut(&mut D, &ff::Packet),
) -> Result<bool, ff::Error> {
    loop {
        match decoder.receive_frame(frame) {
            Ok(()) => return Ok(true),
            Err(ff::Error::Eof) => return Ok(false),
            Err(ff::Error::Other { errno }) if errno == ff::util::error::EAGAIN => {}
            Err(e) => return Err(e),
        }
        let mut packet = ff::Packet::empty();
        match packet.read(input) {
            Ok(()) => {
                if packet.stream() == stream {
                    before_send(decoder, &packet);
                    // A damaged packet is skipped, as players do; the next one decodes.
                    let _ = decoder.send_packet(&packet);
                }
            }
            Err(ff::Error::Eof) => {
                let _ = decoder.send_eof();
            }
            Err(e) => return Err(e),
        }
    }
}
