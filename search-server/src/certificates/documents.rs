//! The letters an answer can be: the work-seniority certificate
//! ("adeverință de vechime") and the negative answer letter (certified
//! copies are in [`crate::certificates::copy`]), with the letterhead they
//! share. Pure functions of the request, the letterhead and the date of
//! issue: the same inputs print the same bytes.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::certificates::coverage::{month_ranges, Coverage};
use crate::certificates::deadline::ro_date;
use crate::certificates::error::Result;
use crate::certificates::model::{Clerk, Request, RequestKind};
use crate::certificates::pdf::{Face, Pdf, HEIGHT, WIDTH};
use crate::certificates::periods::{duration_ro, Period};

pub(crate) const LEFT: f32 = 62.0;
pub(crate) const RIGHT: f32 = WIDTH - 62.0;
const TOP: f32 = HEIGHT - 56.0;
pub(crate) const BOTTOM: f32 = 64.0;

/// The institution's header and signatories, printed on every answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Letterhead {
    /// E.g. "Primăria Municipiului Arad".
    pub institution: String,
    /// E.g. "Serviciul Arhivă".
    pub service: String,
    /// Postal address.
    pub address: String,
    /// Title of the signing official, e.g. "Secretar general".
    pub signatory: String,
    /// Name of the signing official, when configured.
    pub signatory_name: String,
}

impl Default for Letterhead {
    fn default() -> Self {
        Letterhead {
            institution: "Primăria Municipiului Arad".into(),
            service: "Serviciul Arhivă".into(),
            address: "Bd. Revoluției nr. 75, 310130 Arad".into(),
            signatory: "Secretar general".into(),
            signatory_name: String::new(),
        }
    }
}

/// A cursor over a [`Pdf`]: paragraphs flow down and onto new pages.
struct Flow {
    pdf: Pdf,
    y: f32,
}

impl Flow {
    fn need(&mut self, h: f32) {
        if self.y - h < BOTTOM {
            self.pdf.new_page();
            self.y = TOP;
        }
    }

    fn paragraph(&mut self, face: Face, size: f32, s: &str) {
        let lead = size * 1.45;
        for l in self.pdf.wrap(face, s, size, RIGHT - LEFT) {
            self.need(lead);
            self.y -= lead;
            self.pdf.text(face, LEFT, self.y, size, &l);
        }
    }

    fn gap(&mut self, h: f32) {
        self.y -= h;
    }
}

fn header(f: &mut Flow, head: &Letterhead, number: &str, on: Date) {
    let p = &mut f.pdf;
    p.text(Face::Regular, LEFT, TOP, 8.5, "ROMÂNIA");
    p.text(
        Face::Bold,
        LEFT,
        TOP - 16.0,
        13.0,
        &head.institution.to_uppercase(),
    );
    p.text(Face::Regular, LEFT, TOP - 31.0, 10.5, &head.service);
    p.text(Face::Regular, LEFT, TOP - 44.0, 8.5, &head.address);
    let reg = format!("Nr. {number} din {}", ro_date(on));
    p.text_right(Face::Bold, RIGHT, TOP - 16.0, 10.5, &reg);
    p.line(LEFT, TOP - 54.0, RIGHT, TOP - 54.0, 0.8);
    f.y = TOP - 54.0;
}

fn signatures(f: &mut Flow, head: &Letterhead, by: &Clerk) {
    f.need(96.0);
    f.gap(40.0);
    let y = f.y;
    let p = &mut f.pdf;
    let sig = format!("{},", head.signatory);
    p.text(Face::Bold, LEFT + 10.0, y, 10.5, &sig);
    p.text(Face::Bold, RIGHT - 150.0, y, 10.5, "Întocmit,");
    if !head.signatory_name.is_empty() {
        p.text(
            Face::Regular,
            LEFT + 10.0,
            y - 16.0,
            10.0,
            &head.signatory_name,
        );
    }
    p.text(Face::Regular, RIGHT - 150.0, y - 16.0, 10.0, &by.name);
    if !by.function.is_empty() {
        p.text(Face::Regular, RIGHT - 150.0, y - 29.0, 8.5, &by.function);
    }
    p.line(LEFT + 10.0, y - 44.0, LEFT + 170.0, y - 44.0, 0.5);
    p.line(RIGHT - 150.0, y - 44.0, RIGHT, y - 44.0, 0.5);
    p.text(
        Face::Regular,
        LEFT + 10.0,
        y - 54.0,
        7.5,
        "(semnătura și ștampila)",
    );
    p.text(Face::Regular, RIGHT - 150.0, y - 54.0, 7.5, "(semnătura)");
    f.y = y - 56.0;
}

fn footer(label: String) -> impl Fn(&mut Pdf, usize, usize) {
    move |p: &mut Pdf, i, n| {
        p.line(LEFT, 44.0, RIGHT, 44.0, 0.3);
        p.text(Face::Regular, LEFT, 32.0, 7.5, &label);
        p.text_right(
            Face::Regular,
            RIGHT,
            32.0,
            7.5,
            &format!("pagina {i} din {n}"),
        );
    }
}

/// The period searched and every month the answer does not certify,
/// named: not on the payroll, no payroll in the archive, or payroll that
/// could not be read (with the dossiers and pages).
fn coverage_paragraphs(f: &mut Flow, c: &Coverage) {
    f.gap(6.0);
    let whose = if c.requested {
        "perioada cerută"
    } else {
        "perioada cercetată"
    };
    f.paragraph(
        Face::Regular,
        10.0,
        &format!("{}: {}.", capitalise(whose), c.period_text()),
    );
    if !c.not_found.is_empty() {
        f.paragraph(
            Face::Regular,
            10.0,
            &format!(
                "Luni în care persoana nu figurează în statele de plată: {}.",
                month_ranges(&c.not_found)
            ),
        );
    }
    if !c.no_payroll.is_empty() {
        f.paragraph(
            Face::Regular,
            10.0,
            &format!(
                "Luni pentru care arhiva nu deține state de plată: {}.",
                month_ranges(&c.no_payroll)
            ),
        );
    }
    if !c.cannot_tell.is_empty() {
        let dossiers: Vec<String> = c
            .unread
            .iter()
            .map(|u| {
                let mut s = u.cota.clone();
                if !u.pages.is_empty() {
                    s.push_str(&format!(
                        " (pagini fără text: {})",
                        crate::certificates::periods::page_ranges(&u.pages)
                    ));
                }
                if !u.quarantined.is_empty() {
                    s.push_str(&format!(
                        " ({} fișiere respinse la preluare)",
                        u.quarantined.len()
                    ));
                }
                s
            })
            .collect();
        f.paragraph(
            Face::Bold,
            10.0,
            &format!(
                "Luni care nu au putut fi verificate: {}. Statele de plată ale acestor luni se află \
                 în dosarele {}, ale căror pagini nu au putut fi citite; pentru aceste luni \
                 adeverința nu confirmă și nu infirmă vechimea.",
                month_ranges(&c.cannot_tell),
                dossiers.join("; ")
            ),
        );
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn who(r: &Request) -> String {
    let mut s = r.petitioner.name.clone();
    if !r.petitioner.former_names.is_empty() {
        s.push_str(&format!(
            " (nume anterior: {})",
            r.petitioner.former_names.join(", ")
        ));
    }
    if let Some(c) = &r.petitioner.cnp {
        s.push_str(&format!(", CNP {c}"));
    }
    if !r.petitioner.address.is_empty() {
        s.push_str(&format!(", cu domiciliul în {}", r.petitioner.address));
    }
    s
}

/// Column widths of the periods table, in points (they add up to the
/// line). Each period's sources go on a line of their own under its row.
const COLS: [(f32, &str); 5] = [
    (26.0, "Nr."),
    (110.0, "Perioada"),
    (40.0, "Luni"),
    (185.0, "Funcția"),
    (110.28, "Salariul (lei)"),
];

fn table(f: &mut Flow, periods: &[Period]) {
    let size = 8.5;
    let lead = size * 1.3;
    let head_row = |f: &mut Flow| {
        f.need(lead + 8.0);
        let top = f.y;
        let h = lead + 6.0;
        f.pdf.fill(LEFT, top - h, RIGHT - LEFT, h, 0.9);
        let mut x = LEFT;
        for (w, label) in COLS {
            f.pdf.text(Face::Bold, x + 3.0, top - lead, size, label);
            x += w;
        }
        f.pdf.rect(LEFT, top - h, RIGHT - LEFT, h, 0.5);
        f.y = top - h;
    };
    head_row(f);
    let source_x = LEFT + COLS[0].0;
    for (i, p) in periods.iter().enumerate() {
        let cells = [
            (i + 1).to_string(),
            p.range_text(),
            p.months.to_string(),
            p.function.clone().unwrap_or_else(|| "—".into()),
            p.salary.clone().unwrap_or_else(|| "—".into()),
        ];
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(COLS)
            .map(|(c, (w, _))| f.pdf.wrap(Face::Regular, c, size, w - 6.0))
            .collect();
        let sources = f.pdf.wrap(
            Face::Regular,
            &format!("Sursa: {}", p.sources_text()),
            size - 0.5,
            RIGHT - source_x - 6.0,
        );
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let main_h = lines as f32 * lead + 5.0;
        let h = main_h + sources.len() as f32 * lead + 5.0;
        if f.y - h < BOTTOM {
            f.pdf.new_page();
            f.y = TOP;
            head_row(f);
        }
        let top = f.y;
        let mut x = LEFT;
        for (k, (cell, (w, _))) in wrapped.iter().zip(COLS).enumerate() {
            for (n, l) in cell.iter().enumerate() {
                f.pdf.text(
                    Face::Regular,
                    x + 3.0,
                    top - lead * (n as f32 + 1.0),
                    size,
                    l,
                );
            }
            let bottom = if k == 0 { top - h } else { top - main_h };
            f.pdf.line(x, top, x, bottom, 0.4);
            x += w;
        }
        f.pdf.line(RIGHT, top, RIGHT, top - h, 0.4);
        f.pdf.line(source_x, top - main_h, RIGHT, top - main_h, 0.2);
        for (n, l) in sources.iter().enumerate() {
            let y = top - main_h - lead * (n as f32 + 1.0) + 1.0;
            f.pdf.text(Face::Regular, source_x + 3.0, y, size - 0.5, l);
        }
        f.pdf.line(LEFT, top - h, RIGHT, top - h, 0.4);
        f.y = top - h;
    }
}

/// The work-seniority certificate for `r`, listing `periods`, issued on
/// `on` by `by`.
pub fn certificate_pdf(
    head: &Letterhead,
    r: &Request,
    periods: &[Period],
    on: Date,
    by: &Clerk,
) -> Result<Vec<u8>> {
    let number = r.number.to_string();
    let mut f = Flow {
        pdf: Pdf::new(&format!("Adeverință nr. {number}"))?,
        y: TOP,
    };
    header(&mut f, head, &number, on);
    f.gap(34.0);
    f.pdf
        .text_centered(Face::Bold, WIDTH / 2.0, f.y, 17.0, "ADEVERINȚĂ");
    f.gap(16.0);
    f.pdf.text_centered(
        Face::Regular,
        WIDTH / 2.0,
        f.y,
        10.5,
        "privind vechimea în muncă",
    );
    f.gap(14.0);
    f.paragraph(
        Face::Regular,
        10.5,
        &format!(
            "Prin prezenta se adeverește că {}, figurează în statele de plată aflate în arhiva instituției, \
             în perioadele și cu funcțiile și salariile de mai jos, conform documentelor indicate în coloana „Sursa”.",
            who(r)
        ),
    );
    f.gap(10.0);
    table(&mut f, periods);
    let total: u32 = periods.iter().map(|p| p.months).sum();
    f.gap(6.0);
    let total_text = format!(
        "{} ({})",
        crate::certificates::periods::ro_count(total, "lună", "luni"),
        duration_ro(total)
    );
    match &r.coverage {
        // A total only for a period every page of which could be read.
        Some(c) if !c.complete() => f.paragraph(
            Face::Bold,
            10.5,
            &format!(
                "Luni dovedite de statele de plată citite: {total_text}. Nu se poate stabili \
                 o vechime totală pentru perioada {}: o parte din statele de plată ale acestei \
                 perioade nu au putut fi citite (vezi mai jos).",
                c.period_text()
            ),
        ),
        _ => f.paragraph(Face::Bold, 10.5, &format!("Total: {total_text}.")),
    }
    if let Some(c) = &r.coverage {
        coverage_paragraphs(&mut f, c);
    }
    f.gap(4.0);
    if periods.iter().any(|p| p.from.as_str() < "2005-07") {
        f.paragraph(
            Face::Regular,
            9.0,
            "Salariile sunt cele înscrise în statele de plată, în moneda vremii: sumele dinaintea \
             denominării din 1 iulie 2005 sunt exprimate în lei vechi (ROL).",
        );
    }
    f.paragraph(
        Face::Regular,
        9.0,
        "Lunile pentru care nu s-au găsit state de plată cu numele persoanei nu figurează în tabel. \
         Pagina indicată este pagina digitizată a dosarului.",
    );
    f.gap(6.0);
    let purpose = if r.purpose.is_empty() {
        "a-i servi la nevoie".to_string()
    } else {
        format!("a-i servi la {}", r.purpose)
    };
    f.paragraph(
        Face::Regular,
        10.5,
        &format!(
            "Prezenta adeverință se eliberează în baza cererii nr. {number} din {}, pentru {purpose}.",
            ro_date(r.registered)
        ),
    );
    signatures(&mut f, head, by);
    f.pdf.finish(footer(format!(
        "{} · {} · Adeverința nr. {number} din {}",
        head.institution,
        head.service,
        ro_date(on)
    )))
}

/// The letter telling the petitioner that nothing was found.
pub fn negative_pdf(head: &Letterhead, r: &Request, on: Date, by: &Clerk) -> Result<Vec<u8>> {
    let number = r.number.to_string();
    let mut f = Flow {
        pdf: Pdf::new(&format!("Răspuns la cererea nr. {number}"))?,
        y: TOP,
    };
    header(&mut f, head, &number, on);
    f.gap(16.0);
    f.paragraph(Face::Bold, 10.5, &format!("Către: {}", r.petitioner.name));
    if !r.petitioner.address.is_empty() {
        f.paragraph(Face::Regular, 10.5, &r.petitioner.address);
    }
    f.gap(8.0);
    f.paragraph(
        Face::Regular,
        10.5,
        &format!(
            "Referitor la: cererea dumneavoastră înregistrată cu nr. {number} din {}",
            ro_date(r.registered)
        ),
    );
    f.gap(14.0);
    let mut scope = String::from("în statele de plată aflate în arhiva instituției");
    if let Some(p) = r.period {
        scope.push_str(&format!(", pentru perioada {p}"));
    }
    if !r.department.is_empty() {
        scope.push_str(&format!(", compartimentul {}", r.department));
    }
    f.paragraph(Face::Regular, 10.5, "Stimată doamnă / Stimate domn,");
    f.gap(6.0);
    f.paragraph(
        Face::Regular,
        10.5,
        &format!(
            "Urmare a cererii dumneavoastră, vă comunicăm că {scope} nu au fost identificate înregistrări \
             privind persoana {}. Căutarea s-a făcut după nume (în ambele ordini ale numelui și prenumelui, \
             inclusiv variantele de scriere) și după codul numeric personal, acolo unde acesta este înscris.",
            who(r)
        ),
    );
    if let Some(c) = &r.coverage {
        coverage_paragraphs(&mut f, c);
    }
    f.gap(6.0);
    f.paragraph(
        Face::Regular,
        10.5,
        "Pentru dovedirea vechimii în muncă vă puteți adresa fostului angajator sau succesorului său, \
         Casei Județene de Pensii Arad, ori Serviciului Județean Arad al Arhivelor Naționale.",
    );
    f.gap(6.0);
    f.paragraph(
        Face::Regular,
        10.5,
        match r.kind {
            RequestKind::Petition => {
                "Prezentul răspuns se comunică în termenul prevăzut de Ordonanța Guvernului nr. 27/2002 \
                 privind reglementarea activității de soluționare a petițiilor."
            }
            RequestKind::PublicInfo => {
                "Prezentul răspuns se comunică în termenul prevăzut de Legea nr. 544/2001 \
                 privind liberul acces la informațiile de interes public."
            }
        },
    );
    signatures(&mut f, head, by);
    f.pdf.finish(footer(format!(
        "{} · {} · Răspuns nr. {number} din {}",
        head.institution,
        head.service,
        ro_date(on)
    )))
}
