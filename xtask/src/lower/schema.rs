//! Reading schema nodes: references, nullability, unions, constants, merged objects.

use std::collections::BTreeSet;

use yaml_rust2::Yaml;

use crate::spec::Node;

use super::{
    Lower, all_of, description, first_paragraph, is_constraint, is_modifier, is_null_schema,
    push_unique,
};

impl<'a> Lower<'a> {
    // ----- schema helpers -----

    pub(super) fn resolve(&self, node: &'a Yaml) -> &'a Yaml {
        let mut node = node;
        for _ in 0..8 {
            match node
                .str_of("$ref")
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                Some(name) => match self.schemas.get(name) {
                    Some(n) => node = n,
                    None => return node,
                },
                None => return node,
            }
        }
        node
    }

    /// The description of a property (or parameter schema), followed through wrappers: its
    /// own, then that of its `allOf` members (when they make one schema, not a merge) or of the
    /// one non-null member of an `anyOf`/`oneOf`, then that of the schema it refers to. Members
    /// of a real union describe their variant, not the field, so they are not used.
    pub(super) fn field_doc(&self, node: &'a Yaml, depth: usize) -> Option<String> {
        if let Some(own) = description(node) {
            return Some(own);
        }
        if depth > 6 {
            return None;
        }
        let mut inner: Vec<&'a Yaml> = node
            .list("allOf")
            .iter()
            .filter(|m| is_modifier(m))
            .collect();
        if all_of(node).len() == 1 {
            inner.extend(all_of(node));
        }
        if let [one] = self.members(node).as_slice() {
            inner.push(one);
        }
        // Inline members first: a description written next to the field beats the one of a
        // shared schema it refers to.
        let inline = inner
            .iter()
            .filter(|m| m.get("$ref").is_none())
            .find_map(|m| self.field_doc(m, depth + 1));
        inline.or_else(|| {
            std::iter::once(node)
                .chain(inner.iter().copied())
                .filter_map(|m| m.str_of("$ref"))
                .filter_map(|r| r.strip_prefix("#/components/schemas/"))
                .filter_map(|name| self.schemas.get(name))
                .find_map(|target| self.field_doc(target, depth + 1))
                .map(|d| first_paragraph(&d))
                .filter(|d| !d.is_empty())
        })
    }

    /// Non-null, non-constraint members of `oneOf`/`anyOf`.
    pub(super) fn members(&self, node: &'a Yaml) -> Vec<&'a Yaml> {
        let list = if node.get("oneOf").is_some() {
            node.list("oneOf")
        } else {
            node.list("anyOf")
        };
        list.iter()
            .filter(|m| !is_null_schema(m) && !is_constraint(m))
            .collect()
    }

    pub(super) fn is_nullable(&self, node: &'a Yaml) -> bool {
        if node.bool_of("nullable") || node.str_of("type") == Some("null") {
            return true;
        }
        if node
            .list("allOf")
            .iter()
            .any(|m| is_modifier(m) && m.bool_of("nullable"))
        {
            return true;
        }
        let list = if node.get("oneOf").is_some() {
            node.list("oneOf")
        } else {
            node.list("anyOf")
        };
        if list.iter().any(is_null_schema) {
            return true;
        }
        if node.get("$ref").is_some() {
            let target = self.resolve(node);
            let list = if target.get("oneOf").is_some() {
                target.list("oneOf")
            } else {
                target.list("anyOf")
            };
            return list.iter().any(is_null_schema) || target.bool_of("nullable");
        }
        let m = self.members(node);
        m.len() == 1 && node.get("properties").is_none() && self.is_nullable(m[0])
    }

    pub(super) fn is_object_like(&self, node: &'a Yaml) -> bool {
        if node.get("properties").is_some() {
            return true;
        }
        // A single `allOf` member without own properties is that member, not a new object.
        all_of(node).len() > 1
    }

    /// The constant of a single-value string enum or `const` (through a null wrapper).
    pub(super) fn constant_of(&self, node: &'a Yaml) -> Option<String> {
        if let Some(c) = node.str_of("const") {
            return Some(c.to_owned());
        }
        let values = node.list("enum");
        if values.len() == 1 {
            return values[0].as_str().map(str::to_owned);
        }
        let m = self.members(node);
        if m.len() == 1 && node.get("properties").is_none() && m[0].get("$ref").is_none() {
            return self.constant_of(m[0]);
        }
        None
    }

    /// `true` for a schema that only holds strings (free strings and string enums).
    pub(super) fn stringish(&self, node: &'a Yaml, depth: usize) -> bool {
        if depth > 6 {
            return false;
        }
        let node = self.resolve(node);
        if self.is_object_like(node) {
            return false;
        }
        let m = self.members(node);
        if !m.is_empty() {
            return m.iter().all(|x| self.stringish(x, depth + 1));
        }
        if node.get("const").is_some_and(|c| c.as_str().is_some()) {
            return true;
        }
        if !node.list("enum").is_empty() {
            return node.list("enum").iter().all(|v| v.as_str().is_some());
        }
        node.str_of("type") == Some("string") && node.str_of("format") != Some("binary")
    }

    pub(super) fn string_values(&self, node: &'a Yaml, out: &mut Vec<String>, depth: usize) {
        if depth > 6 {
            return;
        }
        let node = self.resolve(node);
        for m in self.members(node) {
            self.string_values(m, out, depth + 1);
        }
        if let Some(c) = node.str_of("const") {
            push_unique(out, c);
        }
        for v in node.list("enum") {
            if let Some(s) = v.as_str() {
                push_unique(out, s);
            }
        }
    }

    /// Properties (in order) and required names of an object schema, `allOf` merged.
    pub(super) fn collect_object(
        &self,
        node: &'a Yaml,
        depth: usize,
    ) -> (Vec<(String, &'a Yaml)>, BTreeSet<String>) {
        let mut props: Vec<(String, &'a Yaml)> = Vec::new();
        let mut required = BTreeSet::new();
        if depth > 8 {
            return (props, required);
        }
        let node = self.resolve(node);
        let mut merge = |p: Vec<(String, &'a Yaml)>,
                         r: BTreeSet<String>,
                         props: &mut Vec<(String, &'a Yaml)>| {
            for (k, v) in p {
                if let Some(slot) = props.iter_mut().find(|(n, _)| *n == k) {
                    slot.1 = v;
                } else {
                    props.push((k, v));
                }
            }
            required.extend(r);
        };
        for m in all_of(node) {
            let (p, r) = self.collect_object(m, depth + 1);
            merge(p, r, &mut props);
        }
        if let Some(p) = node.get("properties") {
            let own = p.entries();
            merge(own, BTreeSet::new(), &mut props);
        }
        for r in node.list("required") {
            if let Some(s) = r.as_str() {
                required.insert(s.to_owned());
            }
        }
        (props, required)
    }

    /// Tag values a union member carries in `prop` (a nested union contributes all of its).
    pub(super) fn tag_values(&self, member: &'a Yaml, prop: &str, depth: usize) -> Vec<String> {
        let mut out = Vec::new();
        if depth > 6 {
            return out;
        }
        let node = self.resolve(member);
        if !self.is_object_like(node) && !self.members(node).is_empty() {
            for m in self.members(node) {
                for t in self.tag_values(m, prop, depth + 1) {
                    push_unique(&mut out, &t);
                }
            }
            return out;
        }
        let (props, _) = self.collect_object(node, 0);
        if let Some((_, p)) = props.iter().find(|(n, _)| n == prop) {
            if self.stringish(p, 0) {
                self.string_values(p, &mut out, 0);
            }
        }
        out
    }
}
