//! Words in the register's language: one Fluent catalog per shipped language
//! (`display/locales/LL/*.ftl`, built into the binary deflated by `build.rs`), inflated and
//! read the first time the language is asked for, then shared by every frame.
//! A message a catalog lacks is taken from the English one, which has them all
//! (display/tests/catalogs.rs checks both directions); a key is never shown.
//! docs/TRANSLATING.md says how to add a language.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language the screens and receipts can be shown in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Language {
    /// English (the reference catalog).
    #[default]
    English,
    /// German.
    German,
    /// French.
    French,
    /// Spanish.
    Spanish,
}

/// Each language: its code, its name in itself, its catalog (deflated).
const CATALOGS: [(Language, &str, &str, &[u8]); 4] = [
    (Language::English, "en", "English", include_bytes!(concat!(env!("OUT_DIR"), "/en.ftl.z"))),
    (Language::German, "de", "Deutsch", include_bytes!(concat!(env!("OUT_DIR"), "/de.ftl.z"))),
    (Language::French, "fr", "Français", include_bytes!(concat!(env!("OUT_DIR"), "/fr.ftl.z"))),
    (Language::Spanish, "es", "Español", include_bytes!(concat!(env!("OUT_DIR"), "/es.ftl.z"))),
];

impl Language {
    /// Every shipped language, English first.
    pub const ALL: [Language; 4] = [Language::English, Language::German, Language::French, Language::Spanish];

    fn index(self) -> usize {
        match self {
            Language::English => 0,
            Language::German => 1,
            Language::French => 2,
            Language::Spanish => 3,
        }
    }

    /// Its ISO 639-1 code (`de`).
    pub fn code(self) -> &'static str {
        CATALOGS[self.index()].1
    }

    /// Its name as its speakers write it (`Deutsch`): what Settings offers.
    pub fn name(self) -> &'static str {
        CATALOGS[self.index()].2
    }

    /// The language of a code or a locale tag (`de`, `de-DE`, `DE`); `None` for one not shipped.
    pub fn of(tag: &str) -> Option<Language> {
        let code = tag.split(['-', '_']).next().unwrap_or_default();
        CATALOGS.iter().find(|(_, c, _, _)| c.eq_ignore_ascii_case(code)).map(|(l, _, _, _)| *l)
    }

    /// Its catalog's source text: every file of its folder, in name order. Empty if the
    /// built-in copy does not inflate (it always does: build.rs made it).
    pub fn source(self) -> String {
        miniz_oxide::inflate::decompress_to_vec(CATALOGS[self.index()].3)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

/// A value for a message's variable.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    /// Words or an amount already written in the store's format.
    Text(&'a str),
    /// A count: picks the plural form.
    Count(i64),
}

fn bundle(lang: Language) -> &'static FluentBundle<FluentResource> {
    static BUNDLES: [OnceLock<FluentBundle<FluentResource>>; 4] = [const { OnceLock::new() }; 4];
    BUNDLES[lang.index()].get_or_init(|| load(lang))
}

/// `lang`'s catalog inflated and read afresh: what the first use of a language costs (the
/// screens keep it from then on). Public for the redraw benchmark.
pub fn load(lang: Language) -> FluentBundle<FluentResource> {
    // A catalog with a syntax error keeps the messages that parsed (the catalogs test
    // refuses such a catalog before it ships).
    let resource = FluentResource::try_new(lang.source()).unwrap_or_else(|(partial, _)| partial);
    let tag = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
    // No Unicode isolation marks around variables: left-to-right languages only, and
    // the fonts would draw them as boxes.
    bundle.set_use_isolating(false);
    // Duplicates are refused by the catalogs test; the first one stays.
    let _ = bundle.add_resource(resource);
    bundle
}

/// Message `id` in `lang`, with `args`; from the English catalog when `lang` lacks it.
pub fn text_with(lang: Language, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    first_of(&[bundle(lang), bundle(Language::English)], id, args)
}

/// Message `id` from the first of `bundles` that has it; nothing when none has (a programming
/// error the catalogs test catches: better a blank than a key on a customer's receipt).
fn first_of(bundles: &[&FluentBundle<FluentResource>], id: &str, args: &[(&str, Arg<'_>)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Text(t) => fluent_args.set(*name, FluentValue::from(*t)),
            Arg::Count(n) => fluent_args.set(*name, FluentValue::from(*n)),
        }
    }
    for bundle in bundles {
        if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
        }
    }
    String::new()
}

/// Message `id` in `lang`, without variables.
pub fn text(lang: Language, id: &str) -> String {
    text_with(lang, id, &[])
}

/// The words of one language, for code outside the screens (the appliance's banners and
/// prompts, receipts and reports). Its methods are named as the screens' own (`t`, `t_with`),
/// so the catalogs test finds every id asked for the same way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Words(pub Language);

impl Words {
    /// Message `id`, without variables.
    pub fn t(self, id: &str) -> String {
        text(self.0, id)
    }

    /// Message `id` with `args`.
    pub fn t_with(self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        text_with(self.0, id, args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_by_code_and_tag() {
        assert_eq!(Language::of("de-DE"), Some(Language::German));
        assert_eq!(Language::of("FR"), Some(Language::French));
        assert_eq!(Language::of("es_ES"), Some(Language::Spanish));
        assert_eq!(Language::of("xx"), None);
        assert_eq!(Language::German.name(), "Deutsch");
    }

    #[test]
    fn plurals_and_variables() {
        let earlier = |l, n| text_with(l, "pay-earlier", &[("count", Arg::Count(n))]);
        assert_eq!(earlier(Language::English, 1), "1 earlier payment");
        assert_eq!(earlier(Language::English, 3), "3 earlier payments");
        assert_eq!(earlier(Language::German, 2), "2 frühere Zahlungen");
        assert_eq!(earlier(Language::French, 1), "1 paiement précédent");
        assert_eq!(text_with(Language::German, "amount-mode-amount", &[("symbol", Arg::Text("€"))]), "€ Betrag");
        assert_eq!(text(Language::Spanish, "pay-change"), "Cambio");
        let items = |l, n| text_with(l, "sale-items", &[("count", Arg::Count(n))]);
        assert_eq!(items(Language::English, 1), "1 item");
        assert_eq!(items(Language::English, 4), "4 items");
        assert_eq!(items(Language::German, 4), "4 Artikel");
        assert_eq!(items(Language::French, 1), "1 article");
        assert_eq!(items(Language::Spanish, 3), "3 artículos");
        let registers = |l, n| text_with(l, "header-registers", &[("count", Arg::Count(n))]);
        assert_eq!(registers(Language::English, 1), "1 register");
        assert_eq!(registers(Language::German, 3), "3 Kassen");
        let found = |l, n| text_with(l, "setup-servers-found", &[("count", Arg::Count(n))]);
        assert_eq!(found(Language::French, 1), "1 serveur trouvé");
        assert_eq!(found(Language::Spanish, 2), "2 servidores encontrados");
    }

    fn catalog(lang: &str, source: &str) -> FluentBundle<FluentResource> {
        let mut b = FluentBundle::new_concurrent(vec![lang.parse().expect("test: a language tag")]);
        b.set_use_isolating(false);
        b.add_resource(FluentResource::try_new(source.to_string()).expect("test: a catalog")).expect("test: added");
        b
    }

    #[test]
    fn a_missing_message_is_english_never_a_key() {
        // A German catalog one message short (a translation behind the English one).
        let de = catalog("de", "pay-change = Rückgeld\n");
        let en = catalog("en", "pay-change = Change\nsale-items = { $count } items\n");
        assert_eq!(first_of(&[&de, &en], "pay-change", &[]), "Rückgeld");
        assert_eq!(first_of(&[&de, &en], "sale-items", &[("count", Arg::Count(3))]), "3 items");
        assert_eq!(first_of(&[&de, &en], "no-such-message", &[]), "", "never the key");
        assert_eq!(text(Language::German, "no-such-message"), "");
    }
}
