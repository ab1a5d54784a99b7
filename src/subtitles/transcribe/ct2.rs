//! Reading a CTranslate2 `model.bin` (format version 6, as `ct2-transformers-converter`
//! writes Whisper models): the named variables with their shapes and element types,
//! and aliases. Values come out as `f32` (half floats widened, int8 weights scaled back
//! with their `…_scale`), which is all the ggml writer needs. Nothing is written here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::TranscribeError;

/// Element types of CTranslate2 variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DType {
    F32,
    I8,
    I16,
    I32,
    F16,
    Bf16,
}

impl DType {
    fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => Self::F32,
            1 => Self::I8,
            2 => Self::I16,
            3 => Self::I32,
            4 => Self::F16,
            5 => Self::Bf16,
            _ => return None,
        })
    }

    fn size(self) -> usize {
        match self {
            Self::I8 => 1,
            Self::I16 | Self::F16 | Self::Bf16 => 2,
            Self::F32 | Self::I32 => 4,
        }
    }
}

/// One variable: where its bytes are in the file and what they hold.
#[derive(Debug, Clone)]
struct Var {
    dims: Vec<usize>,
    dtype: DType,
    offset: usize,
    len: usize,
}

/// A parsed `model.bin`, holding the file's bytes.
#[derive(Debug)]
pub(crate) struct Ct2Model {
    path: PathBuf,
    bytes: Vec<u8>,
    vars: HashMap<String, Var>,
}

/// A little-endian cursor that reports a truncated file instead of panicking.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    path: &'a Path,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], TranscribeError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(slice) = end.and_then(|end| self.bytes.get(self.pos..end)) else {
            return Err(format_error(
                self.path,
                format!("cut off at byte {}", self.pos),
            ));
        };
        self.pos += n;
        Ok(slice)
    }

    fn u8(&mut self) -> Result<u8, TranscribeError> {
        Ok(self.take(1)?.first().copied().unwrap_or_default())
    }

    fn u16(&mut self) -> Result<u16, TranscribeError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, TranscribeError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A u16-length, NUL-terminated string.
    fn string(&mut self) -> Result<String, TranscribeError> {
        let n = usize::from(self.u16()?);
        let raw = self.take(n)?;
        let raw = raw.strip_suffix(&[0]).unwrap_or(raw);
        Ok(String::from_utf8_lossy(raw).into_owned())
    }
}

fn format_error(path: &Path, detail: impl Into<String>) -> TranscribeError {
    TranscribeError::ModelFormat {
        path: path.to_owned(),
        detail: detail.into(),
    }
}

impl Ct2Model {
    /// Reads and indexes `path`.
    pub(crate) fn read(path: &Path) -> Result<Self, TranscribeError> {
        let bytes = std::fs::read(path).map_err(|source| TranscribeError::ModelRead {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(path, bytes)
    }

    /// Indexes the bytes of a `model.bin` read from `path`.
    pub(crate) fn parse(path: &Path, bytes: Vec<u8>) -> Result<Self, TranscribeError> {
        let mut vars = HashMap::new();
        let mut c = Cursor {
            bytes: &bytes,
            pos: 0,
            path,
        };
        let version = c.u32()?;
        if !(5..=6).contains(&version) {
            return Err(format_error(
                path,
                format!("CTranslate2 model version {version} (expected 5 or 6)"),
            ));
        }
        let spec = c.string()?;
        if spec != "WhisperSpec" {
            return Err(format_error(
                path,
                format!("a CTranslate2 '{spec}' model, not Whisper"),
            ));
        }
        let _revision = c.u32()?;
        let count = c.u32()?;
        for _ in 0..count {
            let name = c.string()?;
            let rank = c.u8()?;
            let mut dims = Vec::with_capacity(usize::from(rank));
            for _ in 0..rank {
                dims.push(c.u32()? as usize);
            }
            let code = c.u8()?;
            let dtype = DType::from_code(code)
                .ok_or_else(|| format_error(path, format!("{name}: unknown type code {code}")))?;
            let len = c.u32()? as usize;
            let offset = c.pos;
            c.take(len)?;
            let elements: usize = dims.iter().product();
            if elements.checked_mul(dtype.size()) != Some(len) {
                return Err(format_error(
                    path,
                    format!("{name}: {len} bytes do not hold {dims:?} values"),
                ));
            }
            vars.insert(
                name,
                Var {
                    dims,
                    dtype,
                    offset,
                    len,
                },
            );
        }
        // Aliases (the output projection shares the token embedding).
        if c.pos < bytes.len() {
            let aliases = c.u32()?;
            for _ in 0..aliases {
                let alias = c.string()?;
                let target = c.string()?;
                if let Some(var) = vars.get(&target).cloned() {
                    vars.insert(alias, var);
                }
            }
        }
        Ok(Self {
            path: path.to_owned(),
            bytes,
            vars,
        })
    }

    fn var(&self, name: &str) -> Result<&Var, TranscribeError> {
        self.vars
            .get(name)
            .ok_or_else(|| format_error(&self.path, format!("variable {name} is missing")))
    }

    /// Whether the model has a variable called `name`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    /// The shape of variable `name`.
    pub(crate) fn dims(&self, name: &str) -> Result<&[usize], TranscribeError> {
        Ok(&self.var(name)?.dims)
    }

    /// A scalar integer variable, such as `encoder/num_heads`.
    pub(crate) fn int(&self, name: &str) -> Result<i64, TranscribeError> {
        let values = self.floats(name)?;
        match values.as_slice() {
            [v] => Ok(*v as i64),
            _ => Err(format_error(&self.path, format!("{name} is not a scalar"))),
        }
    }

    /// The values of `name` as `f32`, row-major.
    pub(crate) fn floats(&self, name: &str) -> Result<Vec<f32>, TranscribeError> {
        let var = self.var(name)?;
        let raw = self
            .bytes
            .get(var.offset..var.offset + var.len)
            .unwrap_or_default();
        let values: Vec<f32> = match var.dtype {
            DType::F32 => raw
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            DType::F16 => raw
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            DType::Bf16 => raw
                .chunks_exact(2)
                .map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            DType::I16 => raw
                .chunks_exact(2)
                .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])))
                .collect(),
            DType::I32 => raw
                .chunks_exact(4)
                .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32)
                .collect(),
            DType::I8 => return self.dequantize(name, var, raw),
        };
        Ok(values)
    }

    /// int8 weights are stored with one scale a row: value = q / scale.
    fn dequantize(&self, name: &str, var: &Var, raw: &[u8]) -> Result<Vec<f32>, TranscribeError> {
        let scale_name = format!("{name}_scale");
        if !self.has(&scale_name) {
            // Small int8 scalars (flags, head counts) carry no scale.
            return Ok(raw.iter().map(|&b| f32::from(b as i8)).collect());
        }
        let scales = self.floats(&scale_name)?;
        let rows = var.dims.first().copied().unwrap_or(1).max(1);
        let cols = var.len / rows;
        if scales.len() != rows {
            return Err(format_error(
                &self.path,
                format!("{scale_name} has {} values for {rows} rows", scales.len()),
            ));
        }
        Ok(raw
            .iter()
            .enumerate()
            .map(|(i, &q)| {
                let scale = scales.get(i / cols.max(1)).copied().unwrap_or(1.0);
                f32::from(q as i8) / if scale == 0.0 { 1.0 } else { scale }
            })
            .collect())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn string(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&((s.len() + 1) as u16).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
        out.push(0);
    }

    fn var(out: &mut Vec<u8>, name: &str, dims: &[u32], code: u8, data: &[u8]) {
        string(out, name);
        out.push(dims.len() as u8);
        for d in dims {
            out.extend_from_slice(&d.to_le_bytes());
        }
        out.push(code);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
    }

    fn model() -> Vec<u8> {
        let mut b = 6u32.to_le_bytes().to_vec();
        string(&mut b, "WhisperSpec");
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(&3u32.to_le_bytes());
        let h: Vec<u8> = [1.5f32, -2.0]
            .iter()
            .flat_map(|v| half::f16::from_f32(*v).to_le_bytes())
            .collect();
        var(&mut b, "a/weight", &[1, 2], 4, &h);
        var(&mut b, "a/num_heads", &[], 2, &6i16.to_le_bytes());
        var(&mut b, "q/weight", &[2, 1], 1, &[10u8, (-20i8) as u8]);
        b.extend_from_slice(&1u32.to_le_bytes());
        string(&mut b, "b/weight");
        string(&mut b, "a/weight");
        b
    }

    #[test]
    fn variables_aliases_and_scalars_are_read() {
        let m = Ct2Model::parse(Path::new("m.bin"), model()).unwrap();
        assert_eq!(m.floats("a/weight").unwrap(), vec![1.5, -2.0]);
        assert_eq!(m.floats("b/weight").unwrap(), vec![1.5, -2.0]);
        assert_eq!(m.dims("a/weight").unwrap(), &[1, 2]);
        assert_eq!(m.int("a/num_heads").unwrap(), 6);
        assert_eq!(m.floats("q/weight").unwrap(), vec![10.0, -20.0]);
        assert!(m.floats("missing").is_err());
    }

    #[test]
    fn a_cut_off_or_foreign_file_is_an_error_not_a_panic() {
        let full = model();
        for cut in 0..full.len() {
            let _ = Ct2Model::parse(Path::new("m.bin"), full[..cut].to_vec());
        }
        let err = Ct2Model::parse(Path::new("m.bin"), full[..30].to_vec()).unwrap_err();
        assert!(err.to_string().contains("m.bin"), "{err}");
        let mut other = 6u32.to_le_bytes().to_vec();
        string(&mut other, "TransformerSpec");
        let err = Ct2Model::parse(Path::new("m.bin"), other).unwrap_err();
        assert!(err.to_string().contains("not Whisper"), "{err}");
    }
}
