//! The subtitle style editor: font, size, bold / italic, text and outline colours,
//! outline width, position in the frame and margins of the style a subtitle track's cues
//! use, with a small sample drawn here and the preview (the compositor draws cues with
//! their project style) updating as values change.
//!
//! A track whose cues name no style gets its own style, named after the track, on the first
//! change — in the same undo step — so tracks in two languages can look different. A drag
//! (a number or a colour picker) is one undo step.

use std::collections::BTreeSet;

use crate::timeline::{
    caption_presets, Alignment, Color, Edit, EditError, Project, TextStyle, Time, Track, TrackId,
    WordDisplay,
};

use crate::session::Editor;
use crate::ui::inspector::entrance::{kind_combo, length_drag};

/// The nine positions, as a keypad reads them from the top.
const POSITIONS: [[(Alignment, &str, &str); 3]; 3] = [
    [
        (Alignment::TopLeft, "↖", "Top left"),
        (Alignment::TopCenter, "↑", "Top centre"),
        (Alignment::TopRight, "↗", "Top right"),
    ],
    [
        (Alignment::MiddleLeft, "←", "Middle left"),
        (Alignment::MiddleCenter, "·", "Middle centre"),
        (Alignment::MiddleRight, "→", "Middle right"),
    ],
    [
        (Alignment::BottomLeft, "↙", "Bottom left"),
        (Alignment::BottomCenter, "↓", "Bottom centre"),
        (Alignment::BottomRight, "↘", "Bottom right"),
    ],
];

/// The style editor's state.
#[derive(Debug, Default)]
pub struct StyleEditor {
    /// The style being edited, when the track's cues use several.
    chosen: Option<String>,
    /// The font name being typed; applied when the field loses focus.
    font_draft: Option<String>,
    /// True while a drag's changes are being gathered into one undo step.
    dragging: bool,
}

/// The style names a track's cues use, in name order.
fn used_styles(track: &Track) -> BTreeSet<String> {
    track.cues.iter().filter_map(|c| c.style.clone()).collect()
}

/// A style name not yet in the project, from the track's name.
fn fresh_name(project: &Project, track: &Track) -> String {
    let base = if track.name.trim().is_empty() {
        "Subtitles".to_owned()
    } else {
        track.name.trim().to_owned()
    };
    let mut name = base.clone();
    let mut n = 2;
    while project.subtitle_styles.contains_key(&name) {
        name = format!("{base} {n}");
        n += 1;
    }
    name
}

/// The style new cues on `track` should use: the one its cues already use, if any.
pub fn track_style(track: &Track) -> Option<String> {
    track.cues.iter().find_map(|c| c.style.clone())
}

impl StyleEditor {
    /// Draws the editor for `track`'s style and applies changes.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        track_id: TrackId,
    ) -> Result<(), EditError> {
        let dragging_now = ui.ctx().dragged_id().is_some();
        if self.dragging && !dragging_now {
            editor.history.end_gesture();
            self.dragging = false;
        }
        let Some(track) = editor.project.track(track_id).cloned() else {
            return Ok(());
        };
        if track.cues.is_empty() {
            ui.weak("Add, import or transcribe subtitles to style them.");
            return Ok(());
        }
        let used = used_styles(&track);
        if self.chosen.as_ref().is_some_and(|c| !used.contains(c)) {
            self.chosen = None;
        }
        let name = self.chosen.clone().or_else(|| used.iter().next().cloned());
        if used.len() > 1 {
            egui::ComboBox::from_label("Style")
                .selected_text(name.clone().unwrap_or_default())
                .show_ui(ui, |ui| {
                    for n in &used {
                        if ui.selectable_label(name.as_ref() == Some(n), n).clicked() {
                            self.chosen = Some(n.clone());
                            self.font_draft = None;
                        }
                    }
                });
        } else {
            let shown = name.clone().unwrap_or_else(|| "Default".to_owned());
            ui.label(egui::RichText::new(format!("Style: {shown}")).weak());
        }
        let before = name
            .as_ref()
            .and_then(|n| editor.project.subtitle_styles.get(n))
            .cloned()
            .unwrap_or_default();
        let mut style = before.clone();
        ui.horizontal_wrapped(|ui| {
            ui.label("Caption looks");
            for (name, look) in caption_presets() {
                if ui
                    .button(name)
                    .on_hover_text("Sets this style to the look; change any of it after")
                    .clicked()
                {
                    style = look;
                }
            }
        });
        self.controls(ui, &mut style);
        sample(ui, &style);
        if style == before {
            return Ok(());
        }
        if dragging_now && !self.dragging {
            editor.history.begin_gesture("Change subtitle style");
            self.dragging = true;
        }
        let edit = match name {
            Some(name) => Edit::SetSubtitleStyle {
                name,
                style: Some(style),
            },
            None => {
                // The first change gives the track a style of its own.
                let name = fresh_name(&editor.project, &track);
                let cues = track
                    .cues
                    .iter()
                    .cloned()
                    .map(|mut c| {
                        c.style = Some(name.clone());
                        c
                    })
                    .collect();
                self.chosen = Some(name.clone());
                Edit::Batch {
                    edits: vec![
                        Edit::SetSubtitleStyle {
                            name,
                            style: Some(style),
                        },
                        Edit::SetCues {
                            track: track_id,
                            cues,
                        },
                    ],
                }
            }
        };
        editor.apply(edit)
    }

    fn controls(&mut self, ui: &mut egui::Ui, style: &mut TextStyle) {
        egui::Grid::new("subtitle_style")
            .num_columns(2)
            .show(ui, |ui| {
                let label = ui.label("Font");
                let draft = self
                    .font_draft
                    .get_or_insert_with(|| style.font_family.clone());
                let r = ui
                    .add(egui::TextEdit::singleline(draft).desired_width(140.0))
                    .labelled_by(label.id);
                if r.lost_focus() {
                    let typed = draft.trim().to_owned();
                    if !typed.is_empty() {
                        style.font_family = typed;
                    }
                    self.font_draft = None;
                } else if !r.has_focus() {
                    self.font_draft = None;
                }
                ui.end_row();

                number(ui, "Size", &mut style.font_size, 8.0..=300.0, 0.5);
                ui.label("");
                ui.horizontal(|ui| {
                    ui.checkbox(&mut style.bold, "Bold");
                    ui.checkbox(&mut style.italic, "Italic");
                });
                ui.end_row();

                colour(ui, "Text colour", &mut style.color);
                colour(ui, "Spoken word colour", &mut style.highlight_color);
                ui.label("Words");
                ui.horizontal(|ui| {
                    ui.selectable_value(
                        &mut style.word_display,
                        WordDisplay::Highlight,
                        "All, spoken one coloured",
                    );
                    ui.selectable_value(
                        &mut style.word_display,
                        WordDisplay::OneWord,
                        "One at a time",
                    );
                });
                ui.end_row();
                let lines = ui.label("Lines at most");
                ui.add(
                    egui::DragValue::new(&mut style.max_lines)
                        .range(0..=6)
                        .custom_formatter(|n, _| {
                            if n < 0.5 {
                                "any".to_owned()
                            } else {
                                format!("{n:.0}")
                            }
                        }),
                )
                .labelled_by(lines.id)
                .on_hover_text("For captions with word timings: longer ones turn pages");
                ui.end_row();
                let label = ui.label("Entrance");
                ui.horizontal(|ui| {
                    kind_combo(ui, "caption_entrance", &mut style.entrance.kind)
                        .labelled_by(label.id)
                        .on_hover_text("How each caption's letters or words come on screen");
                    let longest = Time::from_secs(10);
                    length_drag(ui, &mut style.entrance, longest)
                        .on_hover_text("From each caption's start until all of it is there");
                });
                ui.end_row();
                colour(ui, "Outline colour", &mut style.outline_color);
                number(
                    ui,
                    "Outline width",
                    &mut style.outline_width,
                    0.0..=40.0,
                    0.1,
                );

                ui.label("Position");
                egui::Grid::new("subtitle_position")
                    .spacing(egui::vec2(2.0, 2.0))
                    .show(ui, |ui| {
                        for row in POSITIONS {
                            for (alignment, arrow, name) in row {
                                let r = ui
                                    .selectable_label(style.alignment == alignment, arrow)
                                    .on_hover_text(name)
                                    .accessible_name(name);
                                if r.clicked() {
                                    style.alignment = alignment;
                                }
                            }
                            ui.end_row();
                        }
                    });
                ui.end_row();

                number(ui, "Left margin", &mut style.margin_left, 0.0..=960.0, 1.0);
                number(
                    ui,
                    "Right margin",
                    &mut style.margin_right,
                    0.0..=960.0,
                    1.0,
                );
                number(
                    ui,
                    "Vertical margin",
                    &mut style.margin_vertical,
                    0.0..=540.0,
                    1.0,
                );
            });
    }
}

/// A labelled number row of the style grid.
fn number(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut f64,
    range: std::ops::RangeInclusive<f64>,
    speed: f64,
) {
    let l = ui.label(label);
    ui.add(
        egui::DragValue::new(value)
            .range(range)
            .speed(speed)
            .max_decimals(1),
    )
    .labelled_by(l.id);
    ui.end_row();
}

/// A labelled colour button row of the style grid.
fn colour(ui: &mut egui::Ui, label: &str, value: &mut Color) {
    let l = ui.label(label);
    let mut c = egui::Color32::from_rgba_unmultiplied(value.r, value.g, value.b, value.a);
    let r = egui::color_picker::color_edit_button_srgba(
        ui,
        &mut c,
        egui::color_picker::Alpha::OnlyBlend,
    )
    .labelled_by(l.id);
    if r.changed() {
        let [red, green, blue, alpha] = c.to_srgba_unmultiplied();
        *value = Color {
            r: red,
            g: green,
            b: blue,
            a: alpha,
        };
    }
    ui.end_row();
}

/// A line of sample text in the style's colours and outline, sized for a 1080-high frame
/// shown a third of its size.
fn sample(ui: &mut egui::Ui, style: &TextStyle) {
    let height = 56.0;
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), height),
        egui::Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, egui::Color32::from_gray(70));
    let size = (style.font_size / 3.0).clamp(8.0, 40.0) as f32;
    let font = egui::FontId::proportional(size);
    let (align, x) = match style.alignment {
        Alignment::BottomLeft | Alignment::MiddleLeft | Alignment::TopLeft => {
            (egui::Align2::LEFT_CENTER, rect.left() + 8.0)
        }
        Alignment::BottomRight | Alignment::MiddleRight | Alignment::TopRight => {
            (egui::Align2::RIGHT_CENTER, rect.right() - 8.0)
        }
        _ => (egui::Align2::CENTER_CENTER, rect.center().x),
    };
    let at = egui::pos2(x, rect.center().y);
    let rgba = |c: Color| egui::Color32::from_rgba_unmultiplied(c.r, c.g, c.b, c.a);
    let text = if style.word_display == WordDisplay::OneWord {
        "Sample"
    } else if style.italic {
        "Sample subtitle (italic)"
    } else {
        "Sample subtitle"
    };
    let w = (style.outline_width / 3.0).clamp(0.0, 4.0) as f32;
    if w > 0.0 {
        for (dx, dy) in [
            (-w, 0.0),
            (w, 0.0),
            (0.0, -w),
            (0.0, w),
            (-w, -w),
            (w, w),
            (-w, w),
            (w, -w),
        ] {
            painter.text(
                at + egui::vec2(dx, dy),
                align,
                text,
                font.clone(),
                rgba(style.outline_color),
            );
        }
    }
    // The first word as the spoken one, in the highlight colour.
    let mut job = egui::text::LayoutJob::default();
    let (spoken, rest) = text.split_at(text.find(' ').unwrap_or(text.len()));
    job.append(
        spoken,
        0.0,
        egui::TextFormat::simple(font.clone(), rgba(style.highlight_color)),
    );
    job.append(rest, 0.0, egui::TextFormat::simple(font, rgba(style.color)));
    let galley = painter.layout_job(job);
    let rect = align.anchor_size(at, galley.size());
    painter.galley(rect.min, galley, rgba(style.color));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{Canvas, CueId, SubtitleCue, TrackKind};

    #[test]
    fn a_fresh_style_name_never_reuses_one_in_the_project() {
        let mut p = Project::new("p", Canvas::default());
        let track = Track::new(TrackId(3), TrackKind::Subtitle, "English");
        assert_eq!(fresh_name(&p, &track), "English");
        p.subtitle_styles
            .insert("English".into(), TextStyle::default());
        assert_eq!(fresh_name(&p, &track), "English 2");
    }

    #[test]
    fn a_track_style_is_the_one_its_cues_use() {
        let mut track = Track::new(TrackId(3), TrackKind::Subtitle, "en");
        assert_eq!(track_style(&track), None);
        let mut cue = SubtitleCue::new(CueId(1), Time::ZERO, Time::from_secs(1), "hi");
        cue.style = Some("Big".into());
        track.cues.push(cue);
        assert_eq!(track_style(&track).as_deref(), Some("Big"));
    }
}
