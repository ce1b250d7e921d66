//! The tantivy schema: one document per page (`kind = page`) and one per
//! payroll row (`kind = person`), sharing `key`, `cota` and `page` so that
//! replacing or deleting a page takes its person rows with it.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};

use crate::analyzer::{STOP_TOKENIZER, TEXT_TOKENIZER, TOKENIZER};

/// Bumped whenever the schema or the analyzers change meaning: an index
/// written under another version is recreated (it is a derived view).
pub const SCHEMA_VERSION: u32 = 4;

/// `kind` of a page document.
pub const KIND_PAGE: &str = "page";
/// `kind` of a payroll-row document.
pub const KIND_PERSON: &str = "person";

/// Handles to every field of the schema.
#[derive(Clone, Debug)]
pub struct Fields {
    /// `page` or `person`.
    pub kind: Field,
    /// `cota` + U+001F + page: the identity replaced by `add`.
    pub key: Field,
    /// Dossier id, exact.
    pub cota: Field,
    /// Page ordinal.
    pub page: Field,
    /// Page text, folded tokens with positions, stop words left out;
    /// stored for snippets.
    pub text: Field,
    /// The stop words of the page text (which `text` leaves out), folded;
    /// frequencies only.
    pub text_stop: Field,
    /// Dossier title, folded with positions, stop words left out; stored.
    pub title: Field,
    /// Other searchable dossier metadata (fond, indicativ, cota, location,
    /// department, years), folded.
    pub meta: Field,
    /// Fond, stored.
    pub fond: Field,
    /// Department as written: facets and display.
    pub department: Field,
    /// Department folded: filters.
    pub department_key: Field,
    /// Document type as written: facets and display.
    pub doc_type: Field,
    /// Document type folded: filters.
    pub doc_type_key: Field,
    /// Indicativ, exact; stored.
    pub indicativ: Field,
    /// Physical location, stored.
    pub location: Field,
    /// First year of the dossier.
    pub first_year: Field,
    /// Last year of the dossier.
    pub last_year: Field,
    /// Retention term, "50" or "P".
    pub term: Field,
    /// Where the text came from.
    pub text_source: Field,
    /// Person rows: the name, folded tokens.
    pub person_name: Field,
    /// Person rows: the name as printed.
    pub person_printed: Field,
    /// Person rows: CNP, exact.
    pub cnp: Field,
    /// Person rows: "YYYY-MM".
    pub month: Field,
    /// Person rows: function.
    pub function: Field,
    /// Person rows: salary as printed.
    pub salary: Field,
}

fn folded(tokenizer: &str, positions: bool, stored: bool) -> TextOptions {
    let record = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    let opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    );
    if stored {
        opts.set_stored()
    } else {
        opts
    }
}

/// Build the schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let year = || NumericOptions::default() | INDEXED | FAST | STORED;
    let fields = Fields {
        kind: b.add_text_field("kind", STRING),
        key: b.add_text_field("key", STRING),
        cota: b.add_text_field("cota", STRING | STORED | FAST),
        page: b.add_u64_field("page", INDEXED | STORED | FAST),
        text: b.add_text_field("text", folded(TEXT_TOKENIZER, true, true)),
        text_stop: b.add_text_field("text_stop", folded(STOP_TOKENIZER, false, false)),
        title: b.add_text_field("title", folded(TEXT_TOKENIZER, true, true)),
        meta: b.add_text_field("meta", folded(TOKENIZER, false, false)),
        fond: b.add_text_field("fond", STORED),
        department: b.add_text_field("department", STRING | STORED | FAST),
        department_key: b.add_text_field("department_key", STRING),
        doc_type: b.add_text_field("doc_type", STRING | STORED | FAST),
        doc_type_key: b.add_text_field("doc_type_key", STRING),
        indicativ: b.add_text_field("indicativ", STRING | STORED),
        location: b.add_text_field("location", STORED),
        first_year: b.add_i64_field("first_year", year()),
        last_year: b.add_i64_field("last_year", year()),
        term: b.add_text_field("term", STRING | STORED | FAST),
        text_source: b.add_text_field("text_source", STRING | STORED),
        person_name: b.add_text_field("person_name", folded(TOKENIZER, false, false)),
        person_printed: b.add_text_field("person_printed", STORED),
        cnp: b.add_text_field("cnp", STRING | STORED),
        month: b.add_text_field("month", STRING | STORED),
        function: b.add_text_field("function", STORED),
        salary: b.add_text_field("salary", STORED),
    };
    (b.build(), fields)
}
