//! `clipwright export`: a project file, or a single input in quick mode, to a video file,
//! with progress on stderr (a redrawn bar on a terminal, a line every few seconds
//! otherwise). Bad options and bad input end with one line saying what is wrong.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::sync_channel;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};

use crate::export::{
    quick_project_and_probe, ExportJob, ExportSettings, ExportStage, ExportSummary, Preset,
    Progress, QuickOptions,
};
use crate::timeline::{
    file, Color, Portrait, PortraitBackground, Rational, ReframeMode, SpeedFactor, Time,
};

/// How the picture fills a frame of another shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FitMode {
    /// The whole picture, with bars.
    Fit,
    /// Fill the frame, cutting the edges off.
    Fill,
    /// The whole picture over a blurred copy filling the frame.
    Blur,
}

/// The options of `clipwright export`.
#[derive(Clone, Debug, Args)]
pub struct ExportArgs {
    /// The project file to export (or use --input for a single file).
    project: Option<PathBuf>,
    /// The file to write; its extension picks the format (.mp4, .mov, .mkv, .webm, .gif).
    #[arg(short, long)]
    output: PathBuf,
    /// Draw this output of the project (its size and each clip's reframing), e.g. a 9:16
    /// version; "Main" is the canvas.
    #[arg(long, value_name = "NAME", conflicts_with = "all_outputs")]
    project_output: Option<String>,
    /// Write every output of the project, one file each: beside -o FILE as
    /// FILE-NAME.EXT, or inside the folder -o DIR.
    #[arg(long)]
    all_outputs: bool,
    /// Export only this span of the project's timeline, as START..END (seconds or
    /// HH:MM:SS.mmm), e.g. a highlight of a recording still going on.
    #[arg(long, value_name = "A..B", conflicts_with = "markers")]
    range: Option<String>,
    /// Write each marker range of the project (a live marker with pre-roll) as a file of
    /// its own, named by the marker: beside -o FILE as FILE-MARKER.EXT, or inside the
    /// folder -o DIR. With --all-outputs, each range in every output.
    #[arg(long)]
    markers: bool,
    /// A marker's range, exact, for one file of a --markers run.
    #[arg(skip)]
    marker_span: Option<(Time, Time)>,
    /// Quick mode: export this media file without a project.
    #[arg(long, short)]
    input: Option<PathBuf>,
    /// Quick mode: the part to keep, as START..END (seconds or HH:MM:SS.mmm).
    #[arg(long, value_name = "A..B")]
    trim: Option<String>,
    /// Quick mode: playback speed, 0.1 to 100 (pitch kept).
    #[arg(long, default_value = "1")]
    speed: String,
    /// Quick mode: play backwards.
    #[arg(long)]
    reverse: bool,
    /// Quick mode: frame size as WxH (default: the source's).
    #[arg(long, value_name = "WxH")]
    canvas: Option<String>,
    /// Quick mode: how the picture fits the frame.
    #[arg(long, value_enum, default_value = "fit")]
    fit: FitMode,
    /// Quick mode: the background behind the person: blur, remove, a colour (#RRGGBB) or a
    /// picture file. Applies where a face is found.
    #[arg(long, value_name = "blur|remove|#RRGGBB|IMAGE")]
    background: Option<String>,
    /// Quick mode: fill the frame with a crop that follows the face (for a frame of another
    /// shape, e.g. --canvas 1080x1920 from a 16:9 source).
    #[arg(long)]
    follow_face: bool,
    /// Quick mode: put a sticker over the whole clip, pinned to the face at its usual
    /// place or at ANCHOR (head, eyes, nose, mouth, face), or `free` in the middle.
    #[arg(long, value_name = "NAME[:ANCHOR]")]
    sticker: Option<String>,
    /// Burn these subtitles (.srt, .vtt, .ass) into the picture.
    #[arg(long, value_name = "FILE")]
    subtitles: Option<PathBuf>,
    /// Write the subtitles as a stream players can switch on and off, not burned in.
    #[arg(long)]
    soft_subtitles: bool,
    /// tiktok, reels, shorts, youtube, youtube-4k, square, or WxH.
    #[arg(long)]
    preset: Option<String>,
    /// Quality: constant rate factor, 0–51 for H.264/H.265, 0–63 for VP9 (.webm); lower is
    /// better; default 23 for H.264.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=63))]
    crf: Option<u8>,
    /// Use exactly this encoder, e.g. libx264, libx265, h264_nvenc.
    #[arg(long)]
    encoder: Option<String>,
    /// Frame rate, e.g. 30 or 30000/1001 (default: the project's or source's).
    #[arg(long)]
    fps: Option<String>,
    /// Do not try hardware encoders.
    #[arg(long)]
    no_hardware: bool,
    /// Analyse a portrait effect's next frames on a thread of their own, decoding the
    /// source twice (for comparing in `clipwright bench portrait`).
    #[arg(long, hide = true)]
    portrait_look_ahead: bool,
    /// Print no progress.
    #[arg(long, short)]
    quiet: bool,
}

/// Runs `clipwright export`.
pub fn run(args: &ExportArgs) -> anyhow::Result<()> {
    let cancel = Arc::new(AtomicBool::new(false));
    {
        // Ctrl+C or SIGTERM cancels like the app's Cancel button: the job stops at the next
        // frame and removes its temporary files, so nothing is left behind.
        let cancel = cancel.clone();
        ctrlc::set_handler(move || cancel.store(true, std::sync::atomic::Ordering::Relaxed))
            .context("cannot install the Ctrl+C handler")?;
    }
    if !args.all_outputs && !args.markers {
        return run_one(args, &cancel);
    }
    let Some(path) = &args.project else {
        bail!("--all-outputs and --markers need a project file");
    };
    let project = file::load(path)?.project;
    let dest = &args.output;
    if crate::media::Container::from_path(dest).is_none() {
        std::fs::create_dir_all(dest)
            .with_context(|| format!("cannot make the folder {}", dest.display()))?;
    }
    if !args.markers {
        // All together: each source frame is decoded once and drawn for every output.
        let jobs = crate::export::outputs::output_paths(&project, dest)
            .into_iter()
            .map(|(id, file)| {
                let mut one = args.clone();
                one.all_outputs = false;
                one.project_output = project.output(id).map(|o| o.name);
                one.output = file;
                build_job(&one)
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let (tx, rx) = sync_channel::<Progress>(8);
        let quiet = args.quiet;
        let printer = std::thread::spawn(move || print_progress(&rx, quiet));
        let result = crate::export::export_together(&jobs, Some(tx), &cancel);
        let _ = printer.join();
        for summary in result? {
            report(args, &summary);
        }
        return Ok(());
    }
    let items = crate::export::batch(&project, dest, args.markers, args.all_outputs);
    if items.is_empty() {
        bail!(
            "{}: the project has no marker ranges to export (markers with a length, such as a live marker with pre-roll)",
            path.display()
        );
    }
    // One after the other: each file decodes the sources again.
    for item in items {
        let mut one = args.clone();
        one.all_outputs = false;
        one.markers = false;
        one.marker_span = item.range.map(|(_, span)| span);
        if let Some((_, name)) = item.output {
            one.project_output = Some(name);
        }
        one.output = item.path;
        run_one(&one, &cancel)?;
    }
    Ok(())
}

/// Exports one output; `cancel` stops it.
fn run_one(args: &ExportArgs, cancel: &Arc<AtomicBool>) -> anyhow::Result<()> {
    let job = build_job(args)?;
    let (tx, rx) = sync_channel::<Progress>(8);
    let quiet = args.quiet;
    let printer = std::thread::spawn(move || print_progress(&rx, quiet));
    let result = job.run(Some(tx), cancel);
    let _ = printer.join();
    let summary: ExportSummary = result?;
    report(args, &summary);
    Ok(())
}

/// What an export did, on stderr: its file, and a face the background effect missed.
fn report(args: &ExportArgs, summary: &ExportSummary) {
    if summary.portrait_frames_without_face > 0 {
        eprintln!(
            "note: no face found in {} of {} frames; the background effect needs a face in view and was left off there",
            summary.portrait_frames_without_face, summary.frames
        );
    }
    if summary.sticker_frames_without_face > 0 {
        eprintln!(
            "note: the pinned sticker found no face in {} of {} frames and held still where the face was last seen",
            summary.sticker_frames_without_face, summary.frames
        );
    }
    if !args.quiet {
        let line = format!(
            "wrote {} ({} frames, {}, {:.1} s)",
            summary.path.display(),
            summary.frames,
            summary.encoder,
            summary.elapsed.as_secs_f64()
        );
        eprintln!("{}", crate::cli::printable(&line));
    }
}

/// Checks the options and builds the job, before anything is written.
pub fn build_job(args: &ExportArgs) -> anyhow::Result<ExportJob> {
    let preset = match &args.preset {
        Some(name) => Some(Preset::parse(name).with_context(|| {
            format!("unknown preset {name:?}; use tiktok, reels, shorts, youtube, youtube-4k, square or WxH")
        })?),
        None => None,
    };
    let fps = match &args.fps {
        Some(text) => Some(
            parse_rate(text)
                .with_context(|| format!("bad --fps {text:?}; use e.g. 30 or 30000/1001"))?,
        ),
        None => preset.and_then(Preset::frame_rate),
    };
    let Some(container) = crate::media::Container::from_path(&args.output) else {
        bail!(
            "{}: unknown output format; use .mp4, .mov, .mkv, .webm or .gif",
            args.output.display()
        );
    };
    if let Some(crf) = args.crf {
        let vp9 = container == crate::media::Container::WebM
            || args.encoder.as_deref().is_some_and(|e| e.contains("vp9"));
        if crf > 51 && !vp9 {
            bail!("bad --crf {crf}: H.264 and H.265 take 0–51 (only VP9, in .webm, goes to 63)");
        }
    }
    if args.soft_subtitles && args.subtitles.is_none() && args.project.is_none() {
        bail!("--soft-subtitles needs subtitles to write: add --subtitles FILE");
    }
    // Writing over a file this export reads would destroy it; refuse before reading.
    let named_inputs = [&args.project, &args.input, &args.subtitles];
    crate::export::check_not_an_input(
        &args.output,
        named_inputs.into_iter().flatten().map(PathBuf::as_path),
    )?;
    let (project, base_dir) = match (&args.project, &args.input) {
        (Some(_), Some(_)) => bail!("give a project file or --input, not both"),
        (None, None) => bail!("nothing to export: give a project file or --input FILE"),
        (Some(path), None) => {
            let loaded = file::load(path)?;
            let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
            (loaded.project, base)
        }
        (None, Some(input)) => (quick_project(args, input, preset, fps)?, PathBuf::new()),
    };
    crate::export::check_output(&project, &base_dir, &args.output)?;
    let mut settings = ExportSettings::for_project(&project);
    if let Some(name) = &args.project_output {
        let output = crate::export::outputs::output_named(&project, name)?;
        settings = ExportSettings::for_output(&project, output).unwrap_or(settings);
    }
    if let Some(p) = preset {
        settings.size = p.size();
    }
    if let Some(rate) = fps {
        settings.frame_rate = rate;
    }
    settings.crf = args.crf;
    settings.encoder = args.encoder.clone();
    settings.hardware = !args.no_hardware;
    settings.portrait_look_ahead = args.portrait_look_ahead;
    settings.soft_subtitles = args.soft_subtitles;
    if let Some(text) = &args.range {
        if args.project.is_none() {
            bail!("--range needs a project file; with --input use --trim");
        }
        settings.range = Some(parse_trim(text).map_err(|_| {
            anyhow::anyhow!(
                "bad --range {text:?}; use START..END, e.g. 47..67 or 00:00:47..00:01:07"
            )
        })?);
    }
    if args.marker_span.is_some() {
        settings.range = args.marker_span;
    }
    let (from, to) = settings.span(&project);
    if settings.range.is_some() && from >= to {
        bail!(
            "the range asked for starts after the project's clips end (at {:.3} s): nothing to export there",
            project.clips_duration().as_secs_f64()
        );
    }
    if args.soft_subtitles
        && args
            .output
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gif"))
    {
        bail!(
            "{}: a GIF cannot carry soft subtitles; burn them in instead",
            args.output.display()
        );
    }
    let mut project = project;
    if let Some(subs) = &args.subtitles {
        crate::export::add_subtitle_file(&mut project, subs)?;
    }
    if args.soft_subtitles && !crate::render::has_subtitles(&project) {
        bail!("--soft-subtitles, but the project has no subtitles: add --subtitles FILE");
    }
    let container = crate::media::Container::from_path(&args.output);
    if let Some(note) = container
        .filter(|_| args.soft_subtitles && crate::render::has_subtitles(&project))
        .and_then(crate::export::soft_subtitle_note)
    {
        eprintln!("note: {note}");
    }
    Ok(ExportJob {
        project: Arc::new(project),
        base_dir,
        output: args.output.clone(),
        settings,
    })
}

/// The one-clip project of `--input`: trimmed, sped up, reframed onto the canvas as the
/// options say (a cut-off file is warned about and exported as far as it goes).
fn quick_project(
    args: &ExportArgs,
    input: &Path,
    preset: Option<Preset>,
    fps: Option<Rational>,
) -> anyhow::Result<crate::timeline::Project> {
    let speed = args
        .speed
        .trim()
        .parse::<f64>()
        .ok()
        .and_then(SpeedFactor::from_f64)
        .with_context(|| format!("bad --speed {:?}; use a number from 0.1 to 100", args.speed))?;
    let trim = match &args.trim {
        Some(t) => Some(parse_trim(t)?),
        None => None,
    };
    let canvas = match &args.canvas {
        Some(c) => Some(
            crate::export::parse_size(c)
                .with_context(|| format!("bad --canvas {c:?}; use WxH, e.g. 1080x1920"))?,
        ),
        None => preset.map(Preset::size),
    };
    let options = QuickOptions {
        trim,
        speed,
        reverse: args.reverse,
        canvas,
        frame_rate: fps,
        fit: match args.fit {
            FitMode::Fit => ReframeMode::Fit,
            FitMode::Fill => ReframeMode::Fill,
            FitMode::Blur => ReframeMode::BlurFill,
        },
        portrait: args
            .background
            .as_deref()
            .map(parse_background)
            .transpose()?,
    };
    let (project, report) = quick_project_and_probe(input, &options)?;
    if let (Some(stated), Some(ends)) = (report.cut_off_from_us, report.duration_us) {
        eprintln!(
            "{}",
            crate::cli::printable(&format!(
                "clipwright: warning: {} is cut off: it says {} long but its pictures and sound end at {}; exporting what is there",
                input.display(),
                crate::media::format_us(stated),
                crate::media::format_us(ends)
            ))
        );
    }
    let mut project = project;
    if args.follow_face {
        follow_face_in(&mut project)?;
    }
    if let Some(spec) = &args.sticker {
        super::sticker::add_to_quick_project(&mut project, spec)?;
    }
    Ok(project)
}

/// Sets the quick project's clip to fill the canvas with a crop following the face.
fn follow_face_in(project: &mut crate::timeline::Project) -> anyhow::Result<()> {
    let clip = crate::timeline::ClipId(1);
    let never = AtomicBool::new(false);
    let edit = crate::render::follow::follow_face_edit(
        project,
        clip,
        crate::timeline::OutputId::MAIN,
        Path::new(""),
        &crate::vision::TractVision,
        &never,
    )?;
    if let Some(edit) = edit {
        crate::timeline::apply(project, edit)?;
    }
    Ok(())
}

/// `blur`, `remove`, `#RRGGBB` or a picture file, as a portrait effect at full strength.
fn parse_background(text: &str) -> anyhow::Result<Portrait> {
    let background = match text.trim() {
        "blur" => PortraitBackground::Blur,
        "remove" => PortraitBackground::Remove,
        hex if hex.starts_with('#') => {
            let bad = || format!("bad --background {text:?}; a colour is #RRGGBB, e.g. #00B140");
            let digits = hex.get(1..).filter(|d| d.len() == 6).with_context(bad)?;
            let v = u32::from_str_radix(digits, 16).ok().with_context(bad)?;
            PortraitBackground::Color {
                color: Color::rgb((v >> 16) as u8, (v >> 8) as u8, v as u8),
            }
        }
        file => {
            let path = PathBuf::from(file);
            if !path.is_file() {
                bail!("bad --background {text:?}: use blur, remove, #RRGGBB or a picture file that exists");
            }
            PortraitBackground::Image {
                path: std::path::absolute(&path).unwrap_or(path),
            }
        }
    };
    Ok(Portrait::with(background))
}

/// `1.5..4`, `00:01..00:05.5`, `..3` (from the start) or `2..` (to the end).
fn parse_trim(text: &str) -> anyhow::Result<(Time, Time)> {
    let bad = || format!("bad --trim {text:?}; use START..END, e.g. 1.5..4 or 00:00:01..00:00:04");
    let (a, b) = text.split_once("..").with_context(bad)?;
    let start = if a.trim().is_empty() {
        Time::ZERO
    } else {
        Time::parse_clock(a).ok().with_context(bad)?
    };
    let end = if b.trim().is_empty() {
        Time::MAX
    } else {
        Time::parse_clock(b).ok().with_context(bad)?
    };
    if end <= start {
        bail!("bad --trim {text:?}: the end must come after the start");
    }
    Ok((start, end))
}

fn parse_rate(text: &str) -> Option<Rational> {
    let (n, d) = text.split_once('/').unwrap_or((text, "1"));
    let (n, d) = (n.trim().parse::<u32>().ok()?, d.trim().parse::<u32>().ok()?);
    (n > 0 && d > 0 && n / d <= 240).then_some(())?;
    Rational::new(n, d)
}

fn print_progress(rx: &std::sync::mpsc::Receiver<Progress>, quiet: bool) {
    let tty = std::io::stderr().is_terminal();
    let mut last_line = Instant::now();
    let mut drew = false;
    while let Ok(p) = rx.recv() {
        if quiet {
            continue;
        }
        let pct = p.frames_done * 100 / p.frames_total.max(1);
        let text = match p.stage {
            ExportStage::Frames => format!(
                "{}/{} frames ({pct}%), {:.1} fps, {} left",
                p.frames_done,
                p.frames_total,
                p.fps,
                short_duration(p.eta)
            ),
            ExportStage::EncodingGif { done, total } => format!(
                "encoding GIF {done}/{total} ({pct}%), {} left",
                short_duration(p.eta)
            ),
        };
        let mut err = std::io::stderr().lock();
        if tty {
            let filled = (pct as usize * 30 / 100).min(30);
            let bar = format!("{}{}", "#".repeat(filled), "-".repeat(30 - filled));
            let _ = write!(err, "\r[{bar}] {text}\x1b[K");
            drew = true;
        } else if last_line.elapsed() >= Duration::from_secs(2) || p.frames_done == p.frames_total {
            let _ = writeln!(err, "export: {text}");
            last_line = Instant::now();
        }
    }
    if drew {
        let _ = writeln!(std::io::stderr());
    }
}

fn short_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, s / 60 % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trim_reads_seconds_or_clock_times_and_open_ends() {
        let (a, b) = parse_trim("1.5..00:00:04").unwrap();
        assert_eq!((a, b), (Time::from_millis(1500), Time::from_secs(4)));
        assert_eq!(parse_trim("..2").unwrap().0, Time::ZERO);
        assert_eq!(parse_trim("2..").unwrap().1, Time::MAX);
        assert!(parse_trim("4..2").is_err());
        assert!(parse_trim("soon").is_err());
    }

    #[test]
    fn a_background_is_a_mode_a_colour_or_an_existing_picture() {
        assert_eq!(
            parse_background("blur").unwrap().background,
            PortraitBackground::Blur
        );
        assert_eq!(
            parse_background("#00b140").unwrap().background,
            PortraitBackground::Color {
                color: Color::rgb(0, 0xB1, 0x40)
            }
        );
        assert!(parse_background("#00b1").is_err());
        assert!(parse_background("/no/such/picture.png").is_err());
    }

    #[test]
    fn frame_rates_read_as_whole_numbers_or_fractions() {
        assert_eq!(parse_rate("30"), Some(Rational::FPS_30));
        assert_eq!(parse_rate("30000/1001"), Some(Rational::FPS_29_97));
        assert_eq!(parse_rate("0"), None);
    }
}
