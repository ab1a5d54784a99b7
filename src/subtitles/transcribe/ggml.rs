//! Converting a CTranslate2 Whisper model (a folder with `model.bin` and
//! `vocabulary.txt`/`vocabulary.json`) into the ggml file whisper.cpp loads, so the
//! Whisper weights that registries ship for faster-whisper can run here. The layout
//! follows whisper.cpp's `convert-pt-to-ggml.py`: hyper-parameters, the mel filter bank,
//! the byte-level vocabulary, then every tensor under whisper.cpp's name, 2-D weights as
//! f16 and the rest as f32. The file is written atomically.

use std::io::{BufWriter, Write};
use std::path::Path;

use super::ct2::Ct2Model;
use super::TranscribeError;

/// ggml's file magic, `ggml` as a little-endian u32.
pub(crate) const GGML_MAGIC: u32 = 0x6767_6d6c;

/// Mel bands and FFT bins of Whisper's front end (n_fft 400 at 16 kHz).
const N_MELS: usize = 80;
const N_FFT_BINS: usize = 201;

/// Converts the CTranslate2 model in `dir` into a ggml file at `out`.
pub(crate) fn convert_ct2_dir(dir: &Path, out: &Path) -> Result<(), TranscribeError> {
    let model_path = dir.join("model.bin");
    let model = Ct2Model::read(&model_path)?;
    let vocab = read_vocabulary(dir)?;
    let bytes = ggml_bytes(&model, &vocab, &model_path)?;
    write_atomic(out, &bytes)
}

/// The tokens of `vocabulary.txt` (one a line) or `vocabulary.json` (an array).
fn read_vocabulary(dir: &Path) -> Result<Vec<String>, TranscribeError> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|source| TranscribeError::ModelRead {
            path: path.to_owned(),
            source,
        })
    };
    let txt = dir.join("vocabulary.txt");
    if txt.exists() {
        let text = read(&txt)?;
        let mut tokens: Vec<String> = text.split('\n').map(str::to_owned).collect();
        if text.ends_with('\n') {
            tokens.pop();
        }
        return Ok(tokens);
    }
    let json = dir.join("vocabulary.json");
    let text = read(&json)?;
    serde_json::from_str(&text).map_err(|e| TranscribeError::ModelFormat {
        path: json,
        detail: e.to_string(),
    })
}

fn write_atomic(out: &Path, bytes: &[u8]) -> Result<(), TranscribeError> {
    let write_err = |source| TranscribeError::ModelWrite {
        path: out.to_owned(),
        source,
    };
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(write_err)?;
    tmp.write_all(bytes).map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    tmp.persist(out).map_err(|e| write_err(e.error))?;
    Ok(())
}

/// How a tensor is stored in the ggml file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Store {
    F16,
    F32,
}

struct Writer {
    out: BufWriter<Vec<u8>>,
}

impl Writer {
    fn i32(&mut self, v: i32) {
        let _ = self.out.write_all(&v.to_le_bytes());
    }

    fn bytes(&mut self, b: &[u8]) {
        let _ = self.out.write_all(b);
    }

    /// One tensor: `dims` in row-major (PyTorch) order; ggml wants them reversed.
    fn tensor(&mut self, name: &str, dims: &[usize], data: &[f32], store: Store) {
        self.i32(dims.len() as i32);
        self.i32(name.len() as i32);
        self.i32(if store == Store::F16 { 1 } else { 0 });
        for d in dims.iter().rev() {
            self.i32(*d as i32);
        }
        self.bytes(name.as_bytes());
        let mut raw = Vec::with_capacity(data.len() * 4);
        match store {
            Store::F16 => {
                for v in data {
                    raw.extend_from_slice(&half::f16::from_f32(*v).to_le_bytes());
                }
            }
            Store::F32 => {
                for v in data {
                    raw.extend_from_slice(&v.to_le_bytes());
                }
            }
        }
        self.bytes(&raw);
    }
}

/// The whole ggml file for `model` and its vocabulary: the hyper-parameters, mel filters
/// and vocabulary, then the encoder's and the decoder's tensors under whisper.cpp's names.
fn ggml_bytes(model: &Ct2Model, vocab: &[String], path: &Path) -> Result<Vec<u8>, TranscribeError> {
    let dims = Dims::of(model, path)?;
    let eot = vocab
        .iter()
        .position(|t| t == "<|endoftext|>")
        .ok_or_else(|| bad(path, "the vocabulary has no <|endoftext|> token".to_owned()))?;
    let mut t = Tensors {
        w: Writer {
            out: BufWriter::new(Vec::with_capacity(dims.n_vocab * dims.d_text * 4)),
        },
        model,
        path,
    };
    t.header(&dims, vocab, eot)?;
    t.encoder(&dims)?;
    t.decoder(&dims)?;
    t.w.out
        .into_inner()
        .map_err(|e| bad(path, format!("buffer: {}", e.error())))
}

fn bad(path: &Path, detail: String) -> TranscribeError {
    TranscribeError::ModelFormat {
        path: path.to_owned(),
        detail,
    }
}

/// The model's sizes, read off its tensors' shapes.
struct Dims {
    n_vocab: usize,
    d_audio: usize,
    n_audio_ctx: usize,
    d_text: usize,
    n_text_ctx: usize,
    n_mels: usize,
    n_audio_layer: usize,
    n_text_layer: usize,
}

impl Dims {
    fn of(model: &Ct2Model, path: &Path) -> Result<Dims, TranscribeError> {
        let dim = |name: &str, i: usize| -> Result<usize, TranscribeError> {
            model
                .dims(name)?
                .get(i)
                .copied()
                .ok_or_else(|| bad(path, format!("{name} has no dimension {i}")))
        };
        let layers = |side: &str| {
            (0..)
                .take_while(|i| {
                    model.has(&format!("{side}/layer_{i}/self_attention/layer_norm/gamma"))
                })
                .count()
        };
        let dims = Dims {
            n_vocab: dim("decoder/embeddings/weight", 0)?,
            d_audio: dim("encoder/position_encodings/encodings", 1)?,
            n_audio_ctx: dim("encoder/position_encodings/encodings", 0)?,
            d_text: dim("decoder/position_encodings/encodings", 1)?,
            n_text_ctx: dim("decoder/position_encodings/encodings", 0)?,
            n_mels: dim("encoder/conv1/weight", 1)?,
            n_audio_layer: layers("encoder"),
            n_text_layer: layers("decoder"),
        };
        if dims.n_audio_layer == 0 || dims.n_text_layer == 0 || dims.n_mels != N_MELS {
            return Err(bad(
                path,
                "its layers or mel bands are not Whisper's".to_owned(),
            ));
        }
        Ok(dims)
    }
}

/// Writes the model's tensors, renamed from CTranslate2's names to whisper.cpp's.
struct Tensors<'m> {
    w: Writer,
    model: &'m Ct2Model,
    path: &'m Path,
}

impl Tensors<'_> {
    fn header(&mut self, d: &Dims, vocab: &[String], eot: usize) -> Result<(), TranscribeError> {
        let w = &mut self.w;
        w.bytes(&GGML_MAGIC.to_le_bytes());
        for v in [
            d.n_vocab,
            d.n_audio_ctx,
            d.d_audio,
            self.model.int("encoder/num_heads")? as usize,
            d.n_audio_layer,
            d.n_text_ctx,
            d.d_text,
            self.model.int("decoder/num_heads")? as usize,
            d.n_text_layer,
            d.n_mels,
            1, // ftype: f16 weights
        ] {
            w.i32(v as i32);
        }
        w.i32(N_MELS as i32);
        w.i32(N_FFT_BINS as i32);
        for v in mel_filters() {
            w.bytes(&v.to_le_bytes());
        }
        // Plain tokens only; whisper.cpp names the special ones itself.
        w.i32(eot as i32);
        for token in vocab.iter().take(eot) {
            let bytes = token_bytes(token);
            w.i32(bytes.len() as i32);
            w.bytes(&bytes);
        }
        Ok(())
    }

    fn encoder(&mut self, d: &Dims) -> Result<(), TranscribeError> {
        let pos = self.model.floats("encoder/position_encodings/encodings")?;
        self.w.tensor(
            "encoder.positional_embedding",
            &[d.n_audio_ctx, d.d_audio],
            &pos,
            Store::F32,
        );
        for conv in ["conv1", "conv2"] {
            self.plain(
                &format!("encoder.{conv}.weight"),
                &format!("encoder/{conv}/weight"),
            )?;
            let bias = self.model.floats(&format!("encoder/{conv}/bias"))?;
            self.w.tensor(
                &format!("encoder.{conv}.bias"),
                &[bias.len(), 1],
                &bias,
                Store::F32,
            );
        }
        self.norm("encoder.ln_post", "encoder/layer_norm")?;
        for i in 0..d.n_audio_layer {
            self.block_common(
                &format!("encoder.blocks.{i}"),
                &format!("encoder/layer_{i}"),
            )?;
        }
        Ok(())
    }

    fn decoder(&mut self, d: &Dims) -> Result<(), TranscribeError> {
        let pos = self.model.floats("decoder/position_encodings/encodings")?;
        self.w.tensor(
            "decoder.positional_embedding",
            &[d.n_text_ctx, d.d_text],
            &pos,
            Store::F32,
        );
        self.plain(
            "decoder.token_embedding.weight",
            "decoder/embeddings/weight",
        )?;
        self.norm("decoder.ln", "decoder/layer_norm")?;
        for i in 0..d.n_text_layer {
            let (to, from) = (format!("decoder.blocks.{i}"), format!("decoder/layer_{i}"));
            self.block_common(&to, &from)?;
            self.cross_attention(&to, &from)?;
        }
        Ok(())
    }

    /// One tensor as it is: matrices as f16, vectors as f32.
    fn plain(&mut self, to: &str, from: &str) -> Result<(), TranscribeError> {
        let data = self.model.floats(from)?;
        let dims = self.model.dims(from)?;
        let store = if dims.len() >= 2 {
            Store::F16
        } else {
            Store::F32
        };
        self.w.tensor(to, dims, &data, store);
        Ok(())
    }

    fn linear(&mut self, to: &str, from: &str) -> Result<(), TranscribeError> {
        self.plain(&format!("{to}.weight"), &format!("{from}/weight"))?;
        self.plain(&format!("{to}.bias"), &format!("{from}/bias"))
    }

    fn norm(&mut self, to: &str, from: &str) -> Result<(), TranscribeError> {
        self.plain(&format!("{to}.weight"), &format!("{from}/gamma"))?;
        self.plain(&format!("{to}.bias"), &format!("{from}/beta"))
    }

    /// Parts (by rows) of a fused projection `from` cut in `parts`, as separate linears:
    /// `(part, name, has_bias)`.
    fn split(
        &mut self,
        from: &str,
        parts: usize,
        targets: &[(usize, &str, bool)],
    ) -> Result<(), TranscribeError> {
        let weight = self.model.floats(&format!("{from}/weight"))?;
        let bias = self.model.floats(&format!("{from}/bias"))?;
        let dims = self.model.dims(&format!("{from}/weight"))?;
        let (rows, cols) = match dims {
            [r, c] if r % parts == 0 => (r / parts, *c),
            _ => return Err(bad(self.path, format!("{from} cannot be split in {parts}"))),
        };
        for &(part, to, has_bias) in targets {
            let w_part = weight.get(part * rows * cols..(part + 1) * rows * cols);
            let b_part = bias.get(part * rows..(part + 1) * rows);
            let (Some(w_part), Some(b_part)) = (w_part, b_part) else {
                return Err(bad(self.path, format!("{from} is smaller than its shape")));
            };
            self.w
                .tensor(&format!("{to}.weight"), &[rows, cols], w_part, Store::F16);
            if has_bias {
                self.w
                    .tensor(&format!("{to}.bias"), &[rows], b_part, Store::F32);
            }
        }
        Ok(())
    }

    /// Self-attention and MLP, shared by encoder and decoder blocks.
    fn block_common(&mut self, to: &str, from: &str) -> Result<(), TranscribeError> {
        self.norm(
            &format!("{to}.attn_ln"),
            &format!("{from}/self_attention/layer_norm"),
        )?;
        self.split(
            &format!("{from}/self_attention/linear_0"),
            3,
            &[
                (0, &format!("{to}.attn.query"), true),
                (1, &format!("{to}.attn.key"), false),
                (2, &format!("{to}.attn.value"), true),
            ],
        )?;
        self.linear(
            &format!("{to}.attn.out"),
            &format!("{from}/self_attention/linear_1"),
        )?;
        self.norm(&format!("{to}.mlp_ln"), &format!("{from}/ffn/layer_norm"))?;
        self.linear(&format!("{to}.mlp.0"), &format!("{from}/ffn/linear_0"))?;
        self.linear(&format!("{to}.mlp.2"), &format!("{from}/ffn/linear_1"))
    }

    /// A decoder block's attention over the encoder's output.
    fn cross_attention(&mut self, to: &str, from: &str) -> Result<(), TranscribeError> {
        self.norm(
            &format!("{to}.cross_attn_ln"),
            &format!("{from}/attention/layer_norm"),
        )?;
        self.linear(
            &format!("{to}.cross_attn.query"),
            &format!("{from}/attention/linear_0"),
        )?;
        self.split(
            &format!("{from}/attention/linear_1"),
            2,
            &[
                (0, &format!("{to}.cross_attn.key"), false),
                (1, &format!("{to}.cross_attn.value"), true),
            ],
        )?;
        self.linear(
            &format!("{to}.cross_attn.out"),
            &format!("{from}/attention/linear_2"),
        )
    }
}

/// A byte-level BPE token (GPT-2's printable stand-ins for bytes) back to its bytes.
pub(crate) fn token_bytes(token: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(token.len());
    for c in token.chars() {
        match unicode_to_byte(c) {
            Some(b) => out.push(b),
            None => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out
}

/// GPT-2's `bytes_to_unicode`, inverted: printable Latin-1 bytes stand for themselves,
/// the other 68 bytes were shifted to U+0100.. in byte order.
fn unicode_to_byte(c: char) -> Option<u8> {
    let printable =
        |b: u32| (33..=126).contains(&b) || (161..=172).contains(&b) || (174..=255).contains(&b);
    let code = u32::from(c);
    if code < 256 {
        return printable(code).then_some(code as u8);
    }
    let n = code - 256;
    (0u32..256)
        .filter(|b| !printable(*b))
        .nth(n as usize)
        .map(|b| b as u8)
}

/// librosa's Slaney-style mel filter bank for 16 kHz, n_fft 400, 80 bands (what
/// Whisper's `mel_filters.npz` holds), row-major 80 × 201.
pub(crate) fn mel_filters() -> Vec<f32> {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;
    let logstep = 6.4f64.ln() / 27.0;
    let hz_to_mel = |f: f64| {
        if f >= MIN_LOG_HZ {
            MIN_LOG_MEL + (f / MIN_LOG_HZ).ln() / logstep
        } else {
            f / F_SP
        }
    };
    let mel_to_hz = |m: f64| {
        if m >= MIN_LOG_MEL {
            MIN_LOG_HZ * (logstep * (m - MIN_LOG_MEL)).exp()
        } else {
            F_SP * m
        }
    };
    let max_mel = hz_to_mel(8000.0);
    let mel_f: Vec<f64> = (0..N_MELS + 2)
        .map(|i| mel_to_hz(max_mel * i as f64 / (N_MELS + 1) as f64))
        .collect();
    let fft: Vec<f64> = (0..N_FFT_BINS).map(|k| k as f64 * 8000.0 / 200.0).collect();
    let mut out = Vec::with_capacity(N_MELS * N_FFT_BINS);
    for i in 0..N_MELS {
        let (lo, mid, hi) = (mel_f[i], mel_f[i + 1], mel_f[i + 2]);
        let enorm = 2.0 / (hi - lo);
        for &f in &fft {
            let lower = (f - lo) / (mid - lo);
            let upper = (hi - f) / (hi - mid);
            out.push((lower.min(upper).max(0.0) * enorm) as f32);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn byte_level_tokens_map_back_to_their_bytes() {
        assert_eq!(token_bytes("Ġthe"), b" the");
        assert_eq!(token_bytes("Ċ"), b"\n");
        assert_eq!(token_bytes("Ã©"), "é".as_bytes());
        assert_eq!(unicode_to_byte('Ā'), Some(0));
        assert_eq!(unicode_to_byte('!'), Some(b'!'));
    }

    #[test]
    fn the_mel_bank_matches_whisper_values() {
        let m = mel_filters();
        assert_eq!(m.len(), 80 * 201);
        // Values of openai-whisper's mel_filters.npz (80 bands).
        assert!((m[1] - 0.024_862_594).abs() < 1e-7, "{}", m[1]);
        assert_eq!(m[0], 0.0);
        let row_sum: f32 = m[79 * 201..].iter().sum();
        assert!(row_sum > 0.0);
    }
}
