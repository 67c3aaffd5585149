//! Whole-model passes: union flattening, modules (resource groups), boxing, input and strict types.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::ir::{Operation, Payload, Ty, TypeDef, TypeId, TypeKind, Variant};
use crate::names::{self};
use crate::spec::Node;

use super::Lower;

impl Lower<'_> {
    // ----- whole-model passes -----

    pub(super) fn assign_modules(&mut self, operations: &[Operation]) -> Vec<String> {
        let n = self.types.len();
        let mut groups: Vec<BTreeSet<String>> = vec![BTreeSet::new(); n];
        let mut roots_by_group: BTreeMap<String, Vec<TypeId>> = BTreeMap::new();
        for op in operations {
            let roots = roots_by_group.entry(op.group.clone()).or_default();
            roots.extend(op.params_type);
            let tys = op
                .params
                .iter()
                .map(|p| &p.ty)
                .chain(
                    op.request_bodies
                        .iter()
                        .chain(&op.responses)
                        .filter_map(|b| b.ty.as_ref()),
                )
                .chain(op.stream.as_ref());
            for ty in tys {
                ty_refs(ty, roots);
            }
        }
        if let Some(webhooks) = self.doc.get("webhooks") {
            let roots = roots_by_group.entry("webhooks".to_owned()).or_default();
            for (_, item) in webhooks.entries() {
                for (_, op) in item.entries() {
                    if let Some(s) = op
                        .get("requestBody")
                        .and_then(|b| b.get("content"))
                        .and_then(|c| c.get("application/json"))
                        .and_then(|m| m.get("schema"))
                    {
                        if let Some(id) = s
                            .str_of("$ref")
                            .and_then(|r| r.strip_prefix("#/components/schemas/"))
                            .and_then(|n| self.component_ids.get(n))
                        {
                            roots.push(*id);
                        }
                    }
                }
            }
        }
        for (g, roots) in &roots_by_group {
            self.reach(roots, g, &mut groups);
        }
        // Schemas no operation reaches: place by name, then everything they reach.
        let unreached: Vec<(TypeId, String)> = self
            .component_ids
            .iter()
            .filter(|(_, id)| groups[**id].is_empty())
            .map(|(name, id)| {
                (
                    *id,
                    names::group_of_unreached(name)
                        .unwrap_or("shared")
                        .to_owned(),
                )
            })
            .collect();
        for (id, g) in unreached {
            self.reach(&[id], &g, &mut groups);
        }
        let mut modules = BTreeSet::new();
        for (id, set) in groups.iter().enumerate() {
            let module = if set.len() == 1 {
                set.iter().next().cloned().unwrap_or_default()
            } else {
                "shared".to_owned()
            };
            modules.insert(module.clone());
            self.types[id].module = module;
        }
        modules.remove("shared");
        let mut out = vec!["shared".to_owned()];
        out.extend(modules);
        out
    }

    /// Splices the variants of a nested union tagged by the same property into the outer
    /// union (`AssistantStreamEvent::ThreadMessageDelta`, as the Python SDK's flat unions).
    /// The first variant claiming a tag keeps it.
    pub(super) fn flatten_unions(&mut self) {
        for _ in 0..4 {
            let mut changed = false;
            for id in 0..self.types.len() {
                let TypeKind::Union(u) = &self.types[id].kind else {
                    continue;
                };
                let Some(tag) = u.tag.clone() else { continue };
                let mut variants: Vec<Variant> = Vec::new();
                let mut spliced = false;
                for v in &u.variants {
                    if let Payload::Ty(Ty::Named(inner)) = v.payload {
                        if let TypeKind::Union(iu) = &self.types[inner].kind {
                            let flat = inner != id
                                && iu.tag.as_deref() == Some(tag.as_str())
                                && iu.variants.iter().all(|iv| {
                                    !iv.tags.is_empty() && matches!(iv.payload, Payload::Ty(_))
                                });
                            if flat {
                                variants.extend(iu.variants.iter().cloned());
                                spliced = true;
                                continue;
                            }
                        }
                    }
                    variants.push(v.clone());
                }
                if !spliced {
                    continue;
                }
                let mut seen_tags = BTreeSet::new();
                let mut seen_names = BTreeSet::new();
                for v in &mut variants {
                    v.tags.retain(|t| seen_tags.insert(t.clone()));
                    let stem = v.name.clone();
                    let mut n = 2;
                    while !seen_names.insert(v.name.clone()) {
                        v.name = format!("{stem}{n}");
                        n += 1;
                    }
                }
                if let TypeKind::Union(u) = &mut self.types[id].kind {
                    u.variants = variants;
                }
                changed = true;
            }
            if !changed {
                break;
            }
        }
    }

    pub(super) fn reach(&self, roots: &[TypeId], group: &str, groups: &mut [BTreeSet<String>]) {
        let mut queue: VecDeque<TypeId> = roots.iter().copied().collect();
        while let Some(id) = queue.pop_front() {
            if !groups[id].insert(group.to_owned()) {
                continue;
            }
            for r in type_refs(&self.types[id]) {
                queue.push_back(r);
            }
        }
    }

    /// Boxes struct fields that close a cycle of directly contained types.
    pub(super) fn box_cycles(&mut self) {
        let n = self.types.len();
        let direct: Vec<Vec<TypeId>> = self.types.iter().map(direct_refs).collect();
        let reaches = |from: TypeId, to: TypeId| -> bool {
            let mut seen = vec![false; n];
            let mut stack = vec![from];
            while let Some(x) = stack.pop() {
                if x == to {
                    return true;
                }
                if std::mem::replace(&mut seen[x], true) {
                    continue;
                }
                stack.extend(direct[x].iter().copied());
            }
            false
        };
        let mut to_box = Vec::new();
        for (id, t) in self.types.iter().enumerate() {
            if let TypeKind::Struct(fields) = &t.kind {
                for (i, f) in fields.iter().enumerate() {
                    if let Ty::Named(target) = f.ty {
                        if reaches(target, id) {
                            to_box.push((id, i));
                        }
                    }
                }
            }
        }
        for (id, i) in to_box {
            if let TypeKind::Struct(fields) = &mut self.types[id].kind {
                fields[i].boxed = true;
            }
        }
    }

    /// Boxes optional fields that hold an object: a struct, or a union with
    /// an object variant. Such fields are absent from most payloads (usage,
    /// logprobs, moderation, response_format, ...), and inline they would make
    /// every value that contains them large, so every move of it (and serde
    /// moves a value several times while building it) copies them.
    ///
    /// `inline` lists (type, field) exceptions: fields present in almost every
    /// payload, where a box would only cost an allocation (`xtask/inline.tsv`).
    pub(super) fn box_optional_objects(
        &mut self,
        inline: &[(String, String)],
    ) -> Result<(), String> {
        let objectish: Vec<bool> = (0..self.types.len())
            .map(|id| self.holds_object(id, 0))
            .collect();
        let mut used = vec![false; inline.len()];
        for t in &mut self.types {
            if let TypeKind::Struct(fields) = &mut t.kind {
                for f in fields.iter_mut() {
                    let optional = !f.required || f.nullable;
                    if let (true, Ty::Named(target)) = (optional, &f.ty) {
                        let kept = inline
                            .iter()
                            .position(|(ty, field)| *ty == t.name && *field == f.wire);
                        match kept {
                            Some(i) => used[i] = true,
                            None if objectish[*target] && !f.boxed => f.boxed = true,
                            None => {}
                        }
                    }
                }
            }
        }
        match used.iter().position(|u| !u) {
            Some(i) => Err(format!(
                "inline.tsv: {}.{} is no optional object field",
                inline[i].0, inline[i].1
            )),
            None => Ok(()),
        }
    }

    /// Whether values of `id` are objects: a struct, an alias of one, or a
    /// union with such a variant.
    fn holds_object(&self, id: TypeId, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        match &self.types[id].kind {
            TypeKind::Struct(_) => true,
            TypeKind::Enum { .. } => false,
            TypeKind::Alias(Ty::Named(target)) => self.holds_object(*target, depth + 1),
            TypeKind::Alias(_) => false,
            TypeKind::Union(u) => u.variants.iter().any(|v| match &v.payload {
                Payload::Ty(Ty::Named(target)) => self.holds_object(*target, depth + 1),
                _ => false,
            }),
        }
    }

    pub(super) fn mark_input(&mut self, operations: &[Operation]) {
        let mut roots: Vec<TypeId> = Vec::new();
        for op in operations {
            roots.extend(op.params_type);
            for ty in op.request_bodies.iter().filter_map(|b| b.ty.as_ref()) {
                ty_refs(ty, &mut roots);
            }
        }
        for id in self.reachable(roots) {
            self.types[id].input = true;
        }
    }

    /// Marks the types an operation's response reaches: its JSON bodies and its stream
    /// events. Only these get the request id of the response they came in.
    pub(super) fn mark_output(&mut self, operations: &[Operation]) {
        let mut roots: Vec<TypeId> = Vec::new();
        for op in operations {
            let bodies = op.responses.iter().filter_map(|b| b.ty.as_ref());
            for ty in bodies.chain(op.stream.as_ref()) {
                ty_refs(ty, &mut roots);
            }
        }
        mark_output(&mut self.types, roots);
    }

    fn reachable(&self, roots: Vec<TypeId>) -> Vec<TypeId> {
        reachable(&self.types, roots)
    }

    pub(super) fn mark_strict(&mut self, body_types: &BTreeSet<TypeId>) {
        for id in body_types {
            if let TypeKind::Struct(fields) = &self.types[*id].kind {
                if fields
                    .iter()
                    .any(|f| f.required && f.constant.is_none() && !f.nullable)
                {
                    self.types[*id].strict = true;
                }
            }
        }
        // A type used as a required field somewhere needs `Default` after all.
        let mut needs_default = BTreeSet::new();
        for t in &self.types {
            if let TypeKind::Struct(fields) = &t.kind {
                for f in fields {
                    if let (true, false, Ty::Named(target)) = (f.required, f.nullable, &f.ty) {
                        needs_default.insert(*target);
                    }
                }
            }
        }
        for id in needs_default {
            self.types[id].strict = false;
        }
    }
}

/// Named types a type refers to (all positions).
/// Marks `roots` and every type they contain as arriving in a response.
pub(crate) fn mark_output(types: &mut [TypeDef], roots: Vec<TypeId>) {
    for id in reachable(types, roots) {
        types[id].output = true;
    }
}

/// Marks `roots` and every type they contain as sent by the caller: they get
/// chainable setters (the client events of a WebSocket connection).
pub(crate) fn mark_input(types: &mut [TypeDef], roots: Vec<TypeId>) {
    for id in reachable(types, roots) {
        types[id].input = true;
    }
}

/// `roots` and every type they contain.
fn reachable(types: &[TypeDef], roots: Vec<TypeId>) -> Vec<TypeId> {
    let mut queue: VecDeque<TypeId> = roots.into();
    let mut seen = vec![false; types.len()];
    let mut out = Vec::new();
    while let Some(id) = queue.pop_front() {
        if std::mem::replace(&mut seen[id], true) {
            continue;
        }
        out.push(id);
        queue.extend(type_refs(&types[id]));
    }
    out
}

pub(crate) fn type_refs(t: &TypeDef) -> Vec<TypeId> {
    let mut out = Vec::new();
    match &t.kind {
        TypeKind::Struct(fields) => fields.iter().for_each(|f| ty_refs(&f.ty, &mut out)),
        TypeKind::Union(u) => u.variants.iter().for_each(|v| {
            if let Payload::Ty(ty) = &v.payload {
                ty_refs(ty, &mut out);
            }
        }),
        TypeKind::Alias(ty) => ty_refs(ty, &mut out),
        TypeKind::Enum { .. } => {}
    }
    out
}

pub(crate) fn ty_refs(ty: &Ty, out: &mut Vec<TypeId>) {
    match ty {
        Ty::Named(id) => out.push(*id),
        Ty::Array(inner) | Ty::Map(inner) => ty_refs(inner, out),
        _ => {}
    }
}

/// Named types a type contains without indirection (not inside `Vec` or a map).
fn direct_refs(t: &TypeDef) -> Vec<TypeId> {
    let one = |ty: &Ty| {
        if let Ty::Named(id) = ty {
            Some(*id)
        } else {
            None
        }
    };
    match &t.kind {
        TypeKind::Struct(fields) => fields
            .iter()
            .filter(|f| !f.boxed)
            .filter_map(|f| one(&f.ty))
            .collect(),
        TypeKind::Union(u) => u
            .variants
            .iter()
            .filter_map(|v| {
                if let Payload::Ty(ty) = &v.payload {
                    one(ty)
                } else {
                    None
                }
            })
            .collect(),
        TypeKind::Alias(ty) => one(ty).into_iter().collect(),
        TypeKind::Enum { .. } => Vec::new(),
    }
}
