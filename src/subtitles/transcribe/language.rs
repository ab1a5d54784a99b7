//! Languages: the ones Clipwright names in its menus (the 16 its users asked for) with
//! their Whisper codes, and how a user's `--language` choice is read. Whisper knows
//! about 100 languages; any of its codes is accepted, the list only gives names.

use std::fmt;

/// The languages offered by name, as (Whisper code, English name).
pub const LANGUAGES: &[(&str, &str)] = &[
    ("en", "English"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
    ("pt", "Portuguese"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("zh", "Chinese"),
    ("ru", "Russian"),
    ("ar", "Arabic"),
    ("hi", "Hindi"),
    ("id", "Indonesian"),
    ("tr", "Turkish"),
    ("vi", "Vietnamese"),
    ("th", "Thai"),
];

/// Languages written without spaces between words: each token is its own word for
/// word timings.
pub(crate) const UNSPACED: &[&str] = &["ja", "zh", "th", "lo", "my", "km", "bo", "yue"];

/// The English name of a Whisper language code, if it is one of [`LANGUAGES`].
pub fn language_name(code: &str) -> Option<&'static str> {
    LANGUAGES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// Which language to transcribe in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum LanguageChoice {
    /// Detect the language of each stretch of speech separately, so a stream that
    /// switches language gets each part in its own.
    #[default]
    Auto,
    /// One language for everything, as a Whisper code (`en`, `es`...).
    Fixed(String),
}

impl LanguageChoice {
    /// Reads `auto`, a Whisper code (`pt`, any case) or an English name (`Portuguese`).
    /// Codes outside [`LANGUAGES`] are passed on for the engine to check.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().to_ascii_lowercase();
        if t.is_empty() {
            return None;
        }
        if t == "auto" {
            return Some(Self::Auto);
        }
        if let Some((code, _)) = LANGUAGES.iter().find(|(_, n)| n.eq_ignore_ascii_case(&t)) {
            return Some(Self::Fixed((*code).to_owned()));
        }
        // `pt-BR` and `zh_Hans` name the language Whisper knows as `pt` and `zh`.
        let base = t.split(['-', '_']).next().unwrap_or(&t);
        let plausible = (2..=3).contains(&base.len()) || base == "haw";
        (plausible && base.chars().all(|c| c.is_ascii_alphabetic()))
            .then(|| Self::Fixed(base.to_owned()))
    }
}

impl fmt::Display for LanguageChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Auto => f.write_str("auto"),
            Self::Fixed(code) => f.write_str(code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_languages_are_named_with_distinct_codes() {
        assert_eq!(LANGUAGES.len(), 16);
        let mut codes: Vec<&str> = LANGUAGES.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 16);
        assert_eq!(language_name("th"), Some("Thai"));
    }

    #[test]
    fn a_language_choice_reads_codes_names_and_tags() {
        assert_eq!(LanguageChoice::parse("AUTO"), Some(LanguageChoice::Auto));
        assert_eq!(
            LanguageChoice::parse("es"),
            Some(LanguageChoice::Fixed("es".into()))
        );
        assert_eq!(
            LanguageChoice::parse("Japanese"),
            Some(LanguageChoice::Fixed("ja".into()))
        );
        assert_eq!(
            LanguageChoice::parse("pt-BR"),
            Some(LanguageChoice::Fixed("pt".into()))
        );
        assert_eq!(LanguageChoice::parse(""), None);
        assert_eq!(LanguageChoice::parse("not a language"), None);
    }
}
