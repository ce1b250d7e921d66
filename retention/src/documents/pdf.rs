//! A small PDF writer for tables and paragraphs in Romanian: DejaVu Sans
//! embedded (Type0, Identity-H, glyph ids from the font's own cmap) with a
//! ToUnicode CMap, so `ă â î ș ț` print and extract as themselves.

use std::collections::BTreeMap;

use ab_glyph::{Font, FontRef, GlyphId};
use lopdf::{dictionary, Document, Object, Stream, StringFormat};

use crate::error::{Result, RetentionError};

const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
const FONT_NAME: &str = "DejaVuSans";

/// A4 landscape, in points.
pub(crate) const WIDTH: f32 = 842.0;
pub(crate) const HEIGHT: f32 = 595.0;
pub(crate) const MARGIN: f32 = 36.0;

/// Pages being drawn, top to bottom.
pub(crate) struct Pdf {
    font: FontRef<'static>,
    upem: f32,
    pages: Vec<Vec<u8>>,
    /// The cursor: baseline of the next line, from the bottom.
    pub y: f32,
    used: BTreeMap<u16, char>,
    title: String,
}

fn report_err(reason: impl ToString) -> RetentionError {
    RetentionError::Report {
        what: "PDF".into(),
        reason: reason.to_string(),
    }
}

impl Pdf {
    pub(crate) fn new(title: &str) -> Result<Pdf> {
        let font = FontRef::try_from_slice(FONT).map_err(report_err)?;
        let upem = font.units_per_em().unwrap_or(2048.0);
        Ok(Pdf {
            font,
            upem,
            pages: vec![Vec::new()],
            y: HEIGHT - MARGIN,
            used: BTreeMap::new(),
            title: title.to_string(),
        })
    }

    fn gid(&self, c: char) -> GlyphId {
        let g = self.font.glyph_id(c);
        if g.0 == 0 {
            self.font.glyph_id('?')
        } else {
            g
        }
    }

    /// Width of `s` at `size` points.
    pub(crate) fn width(&self, s: &str, size: f32) -> f32 {
        s.chars()
            .map(|c| self.font.h_advance_unscaled(self.gid(c)))
            .sum::<f32>()
            * size
            / self.upem
    }

    /// Break `s` into lines no wider than `max` points.
    pub(crate) fn wrap(&self, s: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in s.split('\n') {
            let mut line = String::new();
            for word in para.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size) <= max || line.is_empty() {
                    line = candidate;
                    // A single word wider than the column is cut by characters.
                    while self.width(&line, size) > max && line.chars().count() > 1 {
                        let mut head = String::new();
                        for c in line.chars() {
                            if self.width(&format!("{head}{c}"), size) > max {
                                break;
                            }
                            head.push(c);
                        }
                        if head.is_empty() {
                            break;
                        }
                        let rest = line[head.len()..].to_string();
                        lines.push(head);
                        line = rest;
                    }
                } else {
                    lines.push(std::mem::take(&mut line));
                    line = word.to_string();
                }
            }
            lines.push(line);
        }
        lines
    }

    fn page(&mut self) -> &mut Vec<u8> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let n = self.pages.len() - 1;
        &mut self.pages[n]
    }

    /// Draw `s` with its baseline at (`x`, `y`).
    pub(crate) fn text(&mut self, x: f32, y: f32, size: f32, s: &str) {
        let mut hex = String::with_capacity(s.len() * 4);
        for c in s.chars() {
            let g = self.gid(c);
            self.used.entry(g.0).or_insert(c);
            hex.push_str(&format!("{:04X}", g.0));
        }
        let op = format!("BT /F1 {size:.1} Tf {x:.2} {y:.2} Td <{hex}> Tj ET\n");
        self.page().extend_from_slice(op.as_bytes());
    }

    /// A line from (`x1`, `y1`) to (`x2`, `y2`).
    pub(crate) fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        let op = format!("0.5 w {x1:.2} {y1:.2} m {x2:.2} {y2:.2} l S\n");
        self.page().extend_from_slice(op.as_bytes());
    }

    /// Start a new page; the cursor goes to its top.
    pub(crate) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = HEIGHT - MARGIN;
    }

    /// Make room for `h` points below the cursor, starting a page if needed.
    /// Returns whether a page was started.
    pub(crate) fn need(&mut self, h: f32) -> bool {
        if self.y - h < MARGIN {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// A paragraph wrapped to the page width, advancing the cursor.
    pub(crate) fn paragraph(&mut self, s: &str, size: f32) {
        let lines = self.wrap(s, size, WIDTH - 2.0 * MARGIN);
        for l in lines {
            self.need(size * 1.4);
            self.y -= size * 1.4;
            let y = self.y;
            self.text(MARGIN, y, size, &l);
        }
    }

    /// Text centred on the page, wrapped to the margins, advancing the
    /// cursor.
    pub(crate) fn centered(&mut self, s: &str, size: f32) {
        for line in self.wrap(s, size, WIDTH - 2.0 * MARGIN) {
            self.need(size * 1.6);
            self.y -= size * 1.6;
            let x = ((WIDTH - self.width(&line, size)) / 2.0).max(MARGIN);
            let y = self.y;
            self.text(x, y, size, &line);
        }
    }

    /// Move the cursor down.
    pub(crate) fn skip(&mut self, h: f32) {
        self.y -= h;
    }

    /// The finished document's bytes.
    pub(crate) fn finish(mut self) -> Result<Vec<u8>> {
        // Page numbers at the foot of every page.
        let total = self.pages.len();
        for i in 0..total {
            let label = format!("Pagina {} din {}", i + 1, total);
            let x = WIDTH - MARGIN - self.width(&label, 8.0);
            let mut hex = String::new();
            for c in label.chars() {
                let g = self.gid(c);
                self.used.entry(g.0).or_insert(c);
                hex.push_str(&format!("{:04X}", g.0));
            }
            let op = format!("BT /F1 8 Tf {x:.2} 20 Td <{hex}> Tj ET\n");
            self.pages[i].extend_from_slice(op.as_bytes());
        }

        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font_file = doc.add_object(Stream::new(
            dictionary! { "Length1" => FONT.len() as i64 },
            FONT.to_vec(),
        ));
        let descriptor = doc.add_object(dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => FONT_NAME,
            "Flags" => 32,
            "FontBBox" => vec![(-1021).into(), (-463).into(), 1793.into(), 1232.into()],
            "ItalicAngle" => 0,
            "Ascent" => 928,
            "Descent" => -236,
            "CapHeight" => 729,
            "StemV" => 80,
            "FontFile2" => font_file,
        });
        let mut widths: Vec<Object> = Vec::new();
        for &g in self.used.keys() {
            let w = self.font.h_advance_unscaled(GlyphId(g)) * 1000.0 / self.upem;
            widths.push(i64::from(g).into());
            widths.push(vec![Object::Real(w)].into());
        }
        let cid = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => FONT_NAME,
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::String(b"Adobe".to_vec(), StringFormat::Literal),
                "Ordering" => Object::String(b"Identity".to_vec(), StringFormat::Literal),
                "Supplement" => 0,
            },
            "FontDescriptor" => descriptor,
            "CIDToGIDMap" => "Identity",
            "DW" => 600,
            "W" => widths,
        });
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, self.cmap().into_bytes()));
        let font = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => FONT_NAME,
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![cid.into()],
            "ToUnicode" => to_unicode,
        });
        let resources = doc.add_object(dictionary! {
            "Font" => dictionary! { "F1" => font },
        });
        let mut kids: Vec<Object> = Vec::new();
        for content in std::mem::take(&mut self.pages) {
            let c = doc.add_object(Stream::new(dictionary! {}, content));
            let page = doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "Contents" => c,
                "Resources" => resources,
                "MediaBox" => vec![0.into(), 0.into(), Object::Real(WIDTH), Object::Real(HEIGHT)],
            });
            kids.push(page.into());
        }
        let count = kids.len() as i64;
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let info = doc.add_object(dictionary! {
            "Title" => Object::String(utf16(&self.title), StringFormat::Hexadecimal),
            "Producer" => Object::string_literal("arhiva"),
        });
        doc.trailer.set("Info", info);
        doc.compress();
        let mut out = Vec::new();
        doc.save_to(&mut out).map_err(report_err)?;
        Ok(out)
    }

    fn cmap(&self) -> String {
        let mut s = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        let pairs: Vec<(&u16, &char)> = self.used.iter().collect();
        for block in pairs.chunks(100) {
            s.push_str(&format!("{} beginbfchar\n", block.len()));
            for (g, c) in block {
                let mut buf = [0u16; 2];
                let units: String = c
                    .encode_utf16(&mut buf)
                    .iter()
                    .map(|u| format!("{u:04X}"))
                    .collect();
                s.push_str(&format!("<{g:04X}> <{units}>\n"));
            }
            s.push_str("endbfchar\n");
        }
        s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        s
    }
}

/// UTF-16BE with a byte order mark (PDF text strings).
fn utf16(s: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The x of every text run on the pages.
    fn starts(pdf: &Pdf) -> Vec<f32> {
        let ops = String::from_utf8_lossy(&pdf.pages.concat()).into_owned();
        ops.lines()
            .filter_map(|l| l.strip_prefix("BT /F1 "))
            .filter_map(|l| l.split_whitespace().nth(2)?.parse().ok())
            .collect()
    }

    #[test]
    fn centred_text_wider_than_the_page_wraps_inside_the_margins() {
        let mut pdf = Pdf::new("t").expect("font");
        let inventories: Vec<String> = (1..=12)
            .map(|i| format!("livrare-2026-11-{i:02}/Serviciul Relații cu Publicul"))
            .collect();
        pdf.centered(
            &format!("Inventare de evidență: {}", inventories.join(", ")),
            10.0,
        );
        let xs = starts(&pdf);
        assert!(xs.len() > 2, "wrapped into lines: {xs:?}");
        // A line that did not fit would start at the margin, clamped.
        assert!(xs.iter().all(|&x| x > MARGIN + 0.01), "{xs:?}");
        pdf.centered("PROCES-VERBAL", 14.0);
        assert_eq!(starts(&pdf).len(), xs.len() + 1, "a short line stays one");
    }
}
