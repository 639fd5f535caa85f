//! Many inputs parsed together, each resolved into a model of its own, with the imports they
//! begin with alike resolved once.
//!
//! An input's model holds everything its imports reach, so inputs that import the same files
//! would resolve those again and again. Instead, the files an input's leading imports reach are
//! resolved in steps (see `resolve::leading_steps`), the inputs' steps make a tree whose nodes
//! are the distinct beginnings ([`StepTree`]), and walking the tree resolves each beginning
//! once, copying the state (cheaply: items are shared, see [`Model`]) only where the tree
//! branches.
//!
//! The walk is cut into [`Task`]s: doing one makes the models of the inputs at its node and
//! leaves a task for each branch below it. Who does the tasks, and on which thread, is the
//! caller's business (see `crate::batch`); the model knows nothing of threads.

use std::collections::HashMap;

use super::Model;
use super::resolve::{
    Resolver, Room, State, file_map, leading_steps, resolve_after_imports, resolve_parts,
};
use crate::diag::{FileId, Result, SourceMap};
use crate::idl::{Parsed, ast};

/// Inputs parsed together, to be resolved each into its own model.
pub(crate) struct Shared<'p> {
    sources: &'p SourceMap,
    files: HashMap<FileId, &'p ast::File>,
    tree: StepTree,
    /// Each input's index (as the caller numbers the inputs) and file.
    inputs: Vec<(usize, FileId)>,
}

/// A piece of the walk.
pub(crate) enum Task {
    /// Resolve the node's step on the state its parent left, then what hangs below it.
    Node(usize, Box<State>),
    /// Resolve this input (an index into [`Shared::inputs`]) alone.
    Alone(usize),
}

impl<'p> Shared<'p> {
    /// `inputs`: files of `parsed`, each with the index under which its model is delivered.
    pub(crate) fn new(parsed: &'p Parsed, inputs: Vec<(usize, FileId)>) -> Shared<'p> {
        let files = file_map(parsed);
        let tree = StepTree::new(&files, inputs.iter().map(|&(_, id)| id));
        Shared {
            sources: &parsed.sources,
            files,
            tree,
            inputs,
        }
    }

    /// Where the walk starts: the top of the tree, and each input resolved alone.
    pub(crate) fn start(&self) -> Vec<Task> {
        let mut tasks = vec![Task::Node(
            StepTree::TOP,
            Box::new(State::empty(self.sources)),
        )];
        tasks.extend(self.tree.alone.iter().map(|&m| Task::Alone(m)));
        tasks
    }

    /// Does `task`: hands each model it makes to `deliver` with its input's index, and returns
    /// the tasks it leaves (one for each branch below its node).
    pub(crate) fn run(
        &self,
        task: Task,
        deliver: &mut dyn FnMut(usize, Result<Model>),
    ) -> Vec<Task> {
        let (node, state) = match task {
            Task::Alone(m) => {
                if let Some((index, model)) = self.alone(m) {
                    deliver(index, model);
                }
                return Vec::new();
            }
            Task::Node(node, state) => (node, state),
        };
        let Some(n) = self.tree.nodes.get(node) else {
            return Vec::new();
        };
        let mut r = Resolver::new(self.sources, &self.files, *state);
        if let Some(step) = n.step
            && r.rest(step, true).is_err()
        {
            // The inputs' own error: each is resolved alone to report it.
            for m in self.tree.members_below(node) {
                if let Some((index, model)) = self.alone(m) {
                    deliver(index, model);
                }
            }
            return Vec::new();
        }
        // The state is about to be copied: laid out first (see `lay_out_shared`).
        if n.members.len() + n.children.len() > 1 {
            r.lay_out_shared();
        }
        let state = r.into_state();
        let mut resolve = |m: usize, state: State| {
            if let Some(&(index, root)) = self.inputs.get(m) {
                deliver(
                    index,
                    resolve_after_imports(&self.files, self.sources, root, state),
                );
            }
        };
        let Some((&first, others)) = n.children.split_first() else {
            // A leaf: the last input takes the state itself.
            if let Some((&last, others)) = n.members.split_last() {
                for &m in others {
                    resolve(m, state.clone());
                }
                resolve(last, state);
            }
            return Vec::new();
        };
        for &m in &n.members {
            resolve(m, state.clone());
        }
        let mut tasks: Vec<Task> = others
            .iter()
            .map(|&child| Task::Node(child, Box::new(state.clone())))
            .collect();
        tasks.insert(0, Task::Node(first, Box::new(state)));
        tasks
    }

    /// Every task on this thread, depth first (the fewest states held at once).
    pub(crate) fn run_all(&self, tasks: Vec<Task>, deliver: &mut dyn FnMut(usize, Result<Model>)) {
        let mut stack = tasks;
        stack.reverse();
        while let Some(task) = stack.pop() {
            let mut below = self.run(task, deliver);
            below.reverse();
            stack.extend(below);
        }
    }

    /// Input `m`'s index and model, resolved alone.
    fn alone(&self, m: usize) -> Option<(usize, Result<Model>)> {
        let &(index, root) = self.inputs.get(m)?;
        Some((
            index,
            resolve_parts(self.sources, &self.files, &[root], &[], Room::default()),
        ))
    }
}

/// The inputs' leading steps as a tree: a node for each distinct beginning, its step the file
/// resolved last; an input sits at the node of all its steps.
struct StepTree {
    nodes: Vec<StepNode>,
    /// Inputs resolved alone (their imports nest too deep to flatten).
    alone: Vec<usize>,
}

#[derive(Default)]
struct StepNode {
    /// The file this node resolves (none at the top: nothing resolved yet).
    step: Option<FileId>,
    children: Vec<usize>,
    /// Inputs (indices into [`Shared::inputs`]) whose leading steps end here.
    members: Vec<usize>,
}

impl StepTree {
    const TOP: usize = 0;

    fn new(files: &HashMap<FileId, &ast::File>, roots: impl Iterator<Item = FileId>) -> StepTree {
        let mut tree = StepTree {
            nodes: vec![StepNode::default()],
            alone: Vec::new(),
        };
        let mut child_of: HashMap<(usize, FileId), usize> = HashMap::new();
        for (m, root) in roots.enumerate() {
            let Some(steps) = leading_steps(files, root) else {
                tree.alone.push(m);
                continue;
            };
            let mut at = StepTree::TOP;
            for step in steps {
                at = *child_of.entry((at, step)).or_insert_with(|| {
                    tree.nodes.push(StepNode {
                        step: Some(step),
                        ..StepNode::default()
                    });
                    let new = tree.nodes.len() - 1;
                    tree.nodes[at].children.push(new);
                    new
                });
            }
            tree.nodes[at].members.push(m);
        }
        tree
    }

    /// Every input at `node` or below it.
    fn members_below(&self, node: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if let Some(node) = self.nodes.get(n) {
                out.extend(&node.members);
                stack.extend(&node.children);
            }
        }
        out
    }
}
