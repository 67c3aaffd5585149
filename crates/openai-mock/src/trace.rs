//! [`Recorder`]: a `tracing` subscriber that keeps every span and event with
//! all their fields, for tests that check what a client logs (the span
//! attributes it records, and that no secret appears anywhere).

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::DefaultGuard;
use tracing::{Dispatch, Event, Metadata, Subscriber};

/// A span's name and its fields, updated as they are recorded.
type SpanFields = (String, BTreeMap<String, String>);

/// Records every span (its name and fields, as later `record` calls change
/// them) and every event at every level, as text. Clones share the record.
///
/// ```
/// let recorder = openai_mock::trace::Recorder::new();
/// let installed = recorder.install();
/// tracing::info_span!("call", model = "gpt-4o").in_scope(|| tracing::debug!("sent"));
/// drop(installed);
/// assert_eq!(recorder.spans("call")[0]["model"], "gpt-4o");
/// assert!(recorder.text().contains("sent"));
/// ```
#[derive(Clone, Default)]
pub struct Recorder {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    spans: Mutex<BTreeMap<u64, SpanFields>>,
    events: Mutex<Vec<String>>,
    next_id: AtomicU64,
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

/// Keeps a [`Recorder`] installed for the current thread; dropping it
/// uninstalls it.
#[must_use = "the recorder is uninstalled when this is dropped"]
pub struct Installed {
    _default: DefaultGuard,
    _second: Dispatch,
}

impl fmt::Debug for Installed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Installed").finish_non_exhaustive()
    }
}

impl Recorder {
    /// An empty record.
    pub fn new() -> Self {
        Self::default()
    }

    /// Installs the recorder as the current thread's subscriber (a
    /// current-thread runtime's tasks included).
    ///
    /// `tracing` caches per callsite whether any subscriber wants it, decided
    /// by whichever thread reaches the callsite first; a callsite first
    /// reached by another test's thread could be cached as "never" and this
    /// thread's recorder would miss it. A second live dispatcher makes every
    /// callsite ask all dispatchers, this one included, so it is kept alive
    /// here too.
    pub fn install(&self) -> Installed {
        let second = Dispatch::new(tracing::subscriber::NoSubscriber::default());
        let default = tracing::subscriber::set_default(self.clone());
        tracing::callsite::rebuild_interest_cache();
        Installed {
            _default: default,
            _second: second,
        }
    }

    /// The fields of every span named `name`, in creation order; a string
    /// field as it is, any other value as its `Debug` text.
    pub fn spans(&self, name: &str) -> Vec<BTreeMap<String, String>> {
        let spans = self
            .inner
            .spans
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        spans
            .values()
            .filter(|(n, _)| n == name)
            .map(|(_, fields)| fields.clone())
            .collect()
    }

    /// Everything recorded, as one text: a line per span with its fields as
    /// they are now (`span <name>: field=value ...`), then in order a line per
    /// event (`<LEVEL> <target>: field=value ...`) and per later `record`
    /// (`record <name>: field=value ...`), so no value ever recorded is lost.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let spans = self
            .inner
            .spans
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for (name, fields) in spans.values() {
            let _ = write!(out, "span {name}:");
            for (k, v) in fields {
                let _ = write!(out, " {k}={v}");
            }
            out.push('\n');
        }
        let events = self
            .inner
            .events
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for event in events.iter() {
            out.push_str(event);
            out.push('\n');
        }
        out
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::TRACE)
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut fields = BTreeMap::new();
        span.record(&mut Fields(&mut fields));
        self.inner
            .spans
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, (span.metadata().name().to_owned(), fields));
        Id::from_u64(id)
    }

    fn record(&self, id: &Id, values: &Record<'_>) {
        let mut recorded = BTreeMap::new();
        values.record(&mut Fields(&mut recorded));
        let mut spans = self
            .inner
            .spans
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some((name, fields)) = spans.get_mut(&id.into_u64()) else {
            return;
        };
        // The text keeps every value recorded, not only the last.
        let mut line = format!("record {name}:");
        for (k, v) in &recorded {
            let _ = write!(line, " {k}={v}");
        }
        fields.extend(recorded);
        drop(spans);
        self.inner
            .events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let m = event.metadata();
        let mut line = format!("{} {}:", m.level(), m.target());
        for (k, v) in &fields {
            let _ = write!(line, " {k}={v}");
        }
        self.inner
            .events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
