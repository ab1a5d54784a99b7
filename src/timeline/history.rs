//! [`History`]: undo and redo over [`Edit`]s, with gestures so a whole drag is one step.
//!
//! Each step keeps the inverse edits of what it did. Undo applies them (newest first) and
//! keeps *their* inverses as the redo step, so redo replays exactly what was undone. The
//! history is plain data and is saved inside the project file, so undo survives a restart.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::edit::{apply, Edit, EditError};
use super::project::Project;

/// One undoable step: a label and the edits that undo it, in the order they were made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Step {
    /// Shown as "Undo `label`".
    pub label: String,
    /// Inverse edits, oldest first; undo applies them newest first.
    pub inverses: Vec<Edit>,
}

/// Undo and redo stacks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// The step a gesture in progress is collecting into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gesture: Option<Step>,
    /// The most steps kept; older ones are forgotten.
    #[serde(default = "default_limit")]
    limit: usize,
}

fn default_limit() -> usize {
    History::DEFAULT_LIMIT
}

impl Default for History {
    fn default() -> Self {
        History {
            undo: Vec::new(),
            redo: Vec::new(),
            gesture: None,
            limit: History::DEFAULT_LIMIT,
        }
    }
}

impl History {
    /// Steps kept by default.
    pub const DEFAULT_LIMIT: usize = 1000;

    /// An empty history keeping at most `limit` steps (at least one).
    pub fn with_limit(limit: usize) -> History {
        History {
            limit: limit.max(1),
            ..History::default()
        }
    }

    /// Applies `edit` to `project` and records it: as its own step, or as part of the
    /// gesture in progress. Clears the redo stack. An edit that changed nothing (setting
    /// what is already set, moving by nothing) records nothing, so the next undo still
    /// reverts the person's last real change. Returns whether anything changed.
    pub fn apply(&mut self, project: &mut Project, edit: Edit) -> Result<bool, EditError> {
        let label = edit.label();
        let asked = edit.clone();
        let inverse = apply(project, edit)?;
        if changes_nothing(&asked, &inverse) {
            return Ok(false);
        }
        self.redo.clear();
        match &mut self.gesture {
            Some(step) => {
                // A drag repeats one edit; the first inverse already restores what the
                // later ones would, so keep the step small.
                if !step
                    .inverses
                    .last()
                    .is_some_and(|last| supersedes(last, &inverse))
                {
                    step.inverses.push(inverse);
                }
            }
            None => self.push(Step {
                label: label.to_owned(),
                inverses: vec![inverse],
            }),
        }
        Ok(true)
    }

    /// Starts a gesture (a drag, a slider move): every edit until
    /// [`History::end_gesture`] becomes one undo step called `label`. Starting a gesture
    /// while one is open ends the open one first.
    pub fn begin_gesture(&mut self, label: impl Into<String>) {
        self.end_gesture();
        self.gesture = Some(Step {
            label: label.into(),
            inverses: Vec::new(),
        });
    }

    /// Ends the gesture in progress, recording it as one step if it changed anything.
    /// Returns whether it did.
    pub fn end_gesture(&mut self) -> bool {
        match self.gesture.take() {
            Some(step) if !step.inverses.is_empty() => {
                self.push(step);
                true
            }
            _ => false,
        }
    }

    /// Ends the gesture in progress by reverting what it did, recording nothing: for a
    /// gesture that failed half-way. The undo and redo stacks are as before it began.
    pub fn abandon_gesture(&mut self, project: &mut Project) -> Result<(), EditError> {
        let Some(step) = self.gesture.take() else {
            return Ok(());
        };
        for inverse in step.inverses.into_iter().rev() {
            apply(project, inverse)?;
        }
        Ok(())
    }

    /// True while a gesture is open.
    pub fn in_gesture(&self) -> bool {
        self.gesture.is_some()
    }

    fn push(&mut self, step: Step) {
        self.undo.push(step);
        if self.undo.len() > self.limit {
            let excess = self.undo.len() - self.limit;
            self.undo.drain(..excess);
        }
    }

    /// Undoes the last step (ending any open gesture first). Returns false if there was
    /// nothing to undo.
    pub fn undo(&mut self, project: &mut Project) -> Result<bool, EditError> {
        self.end_gesture();
        replay_last(&mut self.undo, &mut self.redo, project)
    }

    /// Redoes the last undone step. Returns false if there was nothing to redo.
    pub fn redo(&mut self, project: &mut Project) -> Result<bool, EditError> {
        self.end_gesture();
        replay_last(&mut self.redo, &mut self.undo, project)
    }

    /// True if there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
            || self
                .gesture
                .as_ref()
                .is_some_and(|g| !g.inverses.is_empty())
    }

    /// True if there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// The labels of every step that can be undone, oldest first (for a history list).
    pub fn undo_labels(&self) -> Vec<&str> {
        self.undo.iter().map(|s| s.label.as_str()).collect()
    }

    /// The label of the step undo would revert.
    pub fn undo_label(&self) -> Option<&str> {
        match &self.gesture {
            Some(g) if !g.inverses.is_empty() => Some(&g.label),
            _ => self.undo.last().map(|s| s.label.as_str()),
        }
    }

    /// The label of the step redo would replay.
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|s| s.label.as_str())
    }

    /// The number of steps that can be undone.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.gesture = None;
    }
}

/// Takes the last step off `from` and applies its inverses, keeping *their* inverses on
/// `to` (undo feeds redo and back). If applying fails the step stays on `from`. Returns
/// false if `from` was empty.
fn replay_last(
    from: &mut Vec<Step>,
    to: &mut Vec<Step>,
    project: &mut Project,
) -> Result<bool, EditError> {
    let Some(step) = from.pop() else {
        return Ok(false);
    };
    match run_step(project, &step) {
        Ok(inverse) => {
            to.push(inverse);
            Ok(true)
        }
        Err(e) => {
            from.push(step);
            Err(e)
        }
    }
}

/// True if applying `earlier` after `later` gives the same result as applying `earlier`
/// alone, from any state `later` can be applied in: both set the same thing to an
/// absolute value (a clip's position, a keyframe channel, a whole clip…).
fn supersedes(earlier: &Edit, later: &Edit) -> bool {
    match (earlier, later) {
        (Edit::MoveClip { clip: a, .. }, Edit::MoveClip { clip: b, .. }) => a == b,
        (Edit::UpdateClip { clip: a }, Edit::UpdateClip { clip: b }) => a.id == b.id,
        (
            Edit::SetChannel {
                clip: a,
                property: p,
                ..
            },
            Edit::SetChannel {
                clip: b,
                property: q,
                ..
            },
        ) => a == b && p == q,
        (
            Edit::SetReframe {
                clip: a, output: p, ..
            },
            Edit::SetReframe {
                clip: b, output: q, ..
            },
        ) => a == b && p == q,
        (Edit::SetEffects { clip: a, .. }, Edit::SetEffects { clip: b, .. }) => a == b,
        (Edit::SetCues { track: a, .. }, Edit::SetCues { track: b, .. }) => a == b,
        (Edit::UpdateCue { track: a, cue: c }, Edit::UpdateCue { track: b, cue: d }) => {
            a == b && c.id == d.id
        }
        (Edit::MoveMarker { id: a, .. }, Edit::MoveMarker { id: b, .. }) => a == b,
        (Edit::SetCanvas { .. }, Edit::SetCanvas { .. })
        | (Edit::RenameProject { .. }, Edit::RenameProject { .. }) => true,
        (Edit::Batch { edits: a }, Edit::Batch { edits: b }) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| supersedes(x, y))
        }
        _ => false,
    }
}

/// Applies a step's inverses newest first, as one all-or-nothing edit; returns the step
/// that reverts it.
fn run_step(project: &mut Project, step: &Step) -> Result<Step, EditError> {
    let edits: Vec<Edit> = step.inverses.iter().rev().cloned().collect();
    let inverse = apply(project, Edit::Batch { edits })?;
    // The batch's inverse lists edits in the order to apply them; a step stores them
    // oldest first, to be applied in reverse.
    let mut inverses = match inverse {
        Edit::Batch { edits } => edits,
        single => vec![single],
    };
    inverses.reverse();
    Ok(Step {
        label: step.label.clone(),
        inverses,
    })
}

/// Whether applying `edit` changed nothing: its inverse is the very same edits (newest
/// first), as when a value is set to what it already was or a clip is moved by nothing.
fn changes_nothing(edit: &Edit, inverse: &Edit) -> bool {
    fn flatten<'e>(edit: &'e Edit, into: &mut Vec<&'e Edit>) {
        match edit {
            Edit::Batch { edits } => edits.iter().for_each(|e| flatten(e, into)),
            other => into.push(other),
        }
    }
    let (mut asked, mut undo) = (Vec::new(), Vec::new());
    flatten(edit, &mut asked);
    flatten(inverse, &mut undo);
    asked.len() == undo.len() && asked.iter().zip(undo.iter().rev()).all(|(a, u)| a == u)
}
