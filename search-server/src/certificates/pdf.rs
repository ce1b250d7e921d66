//! A small PDF writer for official letters in Romanian, on lopdf.
//!
//! DejaVu Sans (regular and bold; licence beside the fonts) is embedded as
//! a Type0 font with a CIDFontType2 descendant, Identity-H encoding (the
//! codes are the font's own glyph ids) and a ToUnicode CMap, so `ă â î ș ț`
//! — and their capitals — print, and come back as themselves when the text
//! is extracted or copied. The fonts are subset to the glyphs used (ids
//! kept, outlines of the rest dropped): a certificate weighs tens of KiB.
//!
//! The output is deterministic: no timestamps and no random ids, so the
//! same document printed twice gives the same bytes.
//!
//! Coordinates are PDF points from the bottom-left corner of an A4
//! portrait page.

use std::collections::BTreeMap;

use ab_glyph::{Font, FontRef, GlyphId};
use lopdf::{dictionary, Document, Object, ObjectId, Stream, StringFormat};

use crate::certificates::error::{CertificateError, Result};

const REGULAR: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");

/// A4 portrait width, in points.
pub const WIDTH: f32 = 595.28;
/// A4 portrait height, in points.
pub const HEIGHT: f32 = 841.89;

/// A typeface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
}

impl Face {
    fn idx(self) -> usize {
        match self {
            Face::Regular => 0,
            Face::Bold => 1,
        }
    }
}

struct Embedded {
    font: FontRef<'static>,
    data: &'static [u8],
    name: &'static str,
    upem: f32,
    used: BTreeMap<u16, char>,
}

struct Image {
    jpeg: Vec<u8>,
    width: u32,
    height: u32,
    gray: bool,
}

/// A document being drawn, page by page.
pub struct Pdf {
    faces: [Embedded; 2],
    pages: Vec<Vec<u8>>,
    images: Vec<Image>,
    /// Image numbers used on each page.
    page_images: Vec<Vec<usize>>,
    /// The page being drawn on.
    current: usize,
    title: String,
}

fn pdf_err(e: impl ToString) -> CertificateError {
    CertificateError::Pdf(e.to_string())
}

impl Pdf {
    /// An empty document with one blank page.
    pub fn new(title: &str) -> Result<Pdf> {
        let load = |data: &'static [u8], name| -> Result<Embedded> {
            let font = FontRef::try_from_slice(data).map_err(pdf_err)?;
            let upem = font.units_per_em().unwrap_or(2048.0);
            Ok(Embedded {
                font,
                data,
                name,
                upem,
                used: BTreeMap::new(),
            })
        };
        Ok(Pdf {
            faces: [load(REGULAR, "DejaVuSans")?, load(BOLD, "DejaVuSans-Bold")?],
            pages: vec![Vec::new()],
            images: Vec::new(),
            page_images: vec![Vec::new()],
            current: 0,
            title: title.to_string(),
        })
    }

    fn gid(&self, face: Face, c: char) -> GlyphId {
        let f = &self.faces[face.idx()].font;
        let g = f.glyph_id(c);
        if g.0 == 0 {
            f.glyph_id('?')
        } else {
            g
        }
    }

    /// Width of `s` at `size` points.
    pub fn width(&self, face: Face, s: &str, size: f32) -> f32 {
        let e = &self.faces[face.idx()];
        s.chars()
            .map(|c| e.font.h_advance_unscaled(self.gid(face, c)))
            .sum::<f32>()
            * size
            / e.upem
    }

    /// Break `s` into lines no wider than `max` points (a word wider than
    /// the line is cut by characters).
    pub fn wrap(&self, face: Face, s: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in s.split('\n') {
            let mut line = String::new();
            for word in para.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(face, &candidate, size) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                for c in word.chars() {
                    let next = format!("{line}{c}");
                    if !line.is_empty() && self.width(face, &next, size) > max {
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    } else {
                        line = next;
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    fn ops(&mut self) -> &mut Vec<u8> {
        &mut self.pages[self.current]
    }

    fn encode(&mut self, face: Face, s: &str) -> String {
        let mut hex = String::with_capacity(s.len() * 4);
        for c in s.chars() {
            let g = self.gid(face, c);
            self.faces[face.idx()].used.entry(g.0).or_insert(c);
            hex.push_str(&format!("{:04X}", g.0));
        }
        hex
    }

    /// Draw `s` with its baseline starting at (`x`, `y`).
    pub fn text(&mut self, face: Face, x: f32, y: f32, size: f32, s: &str) {
        let hex = self.encode(face, s);
        let f = face.idx() + 1;
        let op = format!("BT /F{f} {size:.1} Tf {x:.2} {y:.2} Td <{hex}> Tj ET\n");
        self.ops().extend_from_slice(op.as_bytes());
    }

    /// Draw `s` centred on `cx`.
    pub fn text_centered(&mut self, face: Face, cx: f32, y: f32, size: f32, s: &str) {
        let x = cx - self.width(face, s, size) / 2.0;
        self.text(face, x, y, size, s);
    }

    /// Draw `s` ending at `right`.
    pub fn text_right(&mut self, face: Face, right: f32, y: f32, size: f32, s: &str) {
        let x = right - self.width(face, s, size);
        self.text(face, x, y, size, s);
    }

    /// A line of width `w`.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, w: f32) {
        let op = format!("{w:.2} w {x1:.2} {y1:.2} m {x2:.2} {y2:.2} l S\n");
        self.ops().extend_from_slice(op.as_bytes());
    }

    /// A rectangle outline.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, line: f32) {
        let op = format!("{line:.2} w {x:.2} {y:.2} {w:.2} {h:.2} re S\n");
        self.ops().extend_from_slice(op.as_bytes());
    }

    /// A filled rectangle in grey `g` (0 black … 1 white).
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, g: f32) {
        let op = format!("q {g:.2} g {x:.2} {y:.2} {w:.2} {h:.2} re f Q\n");
        self.ops().extend_from_slice(op.as_bytes());
    }

    /// Place a JPEG (baseline or progressive, RGB or grey) in the box
    /// (`x`, `y`, `w`, `h`).
    pub fn jpeg(&mut self, jpeg: Vec<u8>, x: f32, y: f32, w: f32, h: f32) -> Result<()> {
        let (width, height, gray) = jpeg_info(&jpeg)?;
        let n = self.images.len();
        self.images.push(Image {
            jpeg,
            width,
            height,
            gray,
        });
        self.page_images[self.current].push(n);
        let op = format!("q {w:.2} 0 0 {h:.2} {x:.2} {y:.2} cm /Im{n} Do Q\n");
        self.ops().extend_from_slice(op.as_bytes());
        Ok(())
    }

    /// Start a new page.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.page_images.push(Vec::new());
        self.current = self.pages.len() - 1;
    }

    /// Pages so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Draw on every page what `foot(page, total)` asks (1-based), then
    /// return the finished document's bytes.
    pub fn finish(mut self, foot: impl Fn(&mut Pdf, usize, usize)) -> Result<Vec<u8>> {
        let total = self.pages.len();
        for i in 0..total {
            self.current = i;
            foot(&mut self, i + 1, total);
        }
        self.write()
    }

    fn font_object(&self, doc: &mut Document, e: &Embedded) -> Result<ObjectId> {
        let mut glyphs: Vec<u16> = e.used.keys().copied().collect();
        glyphs.insert(0, 0);
        let program = subsetter::subset(e.data, 0, subsetter::Profile::pdf(&glyphs))
            .unwrap_or_else(|err| {
                tracing::warn!(font = e.name, error = %err, "font subsetting failed; embedding the whole font");
                e.data.to_vec()
            });
        let font_file = doc.add_object(Stream::new(
            dictionary! { "Length1" => program.len() as i64 },
            program,
        ));
        let bold = e.name.ends_with("Bold");
        let descriptor = doc.add_object(dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => e.name,
            "Flags" => 32,
            "FontBBox" => vec![(-1069).into(), (-415).into(), 1975.into(), 1174.into()],
            "ItalicAngle" => 0,
            "Ascent" => 928,
            "Descent" => -236,
            "CapHeight" => 729,
            "StemV" => if bold { 140 } else { 80 },
            "FontFile2" => font_file,
        });
        let mut widths: Vec<Object> = Vec::new();
        for &g in e.used.keys() {
            let w = (e.font.h_advance_unscaled(GlyphId(g)) * 1000.0 / e.upem).round() as i64;
            widths.push(i64::from(g).into());
            widths.push(vec![Object::Integer(w)].into());
        }
        let cid = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => e.name,
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
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap(&e.used).into_bytes()));
        Ok(doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => e.name,
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![cid.into()],
            "ToUnicode" => to_unicode,
        }))
    }

    fn write(self) -> Result<Vec<u8>> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let f1 = self.font_object(&mut doc, &self.faces[0])?;
        let f2 = self.font_object(&mut doc, &self.faces[1])?;
        let mut image_ids = Vec::with_capacity(self.images.len());
        for img in &self.images {
            let colors = if img.gray { "DeviceGray" } else { "DeviceRGB" };
            let mut stream = Stream::new(
                dictionary! {
                    "Type" => "XObject",
                    "Subtype" => "Image",
                    "Width" => i64::from(img.width),
                    "Height" => i64::from(img.height),
                    "ColorSpace" => colors,
                    "BitsPerComponent" => 8,
                    "Filter" => "DCTDecode",
                },
                img.jpeg.clone(),
            );
            stream.allows_compression = false;
            image_ids.push(doc.add_object(stream));
        }
        let mut kids: Vec<Object> = Vec::new();
        for (content, imgs) in self.pages.into_iter().zip(&self.page_images) {
            let mut xobjects = lopdf::Dictionary::new();
            for &n in imgs {
                xobjects.set(format!("Im{n}"), image_ids[n]);
            }
            let resources = dictionary! {
                "Font" => dictionary! { "F1" => f1, "F2" => f2 },
                "XObject" => xobjects,
            };
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
        doc.save_to(&mut out).map_err(pdf_err)?;
        Ok(out)
    }
}

/// The ToUnicode CMap: glyph id → the character drawn with it.
fn cmap(used: &BTreeMap<u16, char>) -> String {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let pairs: Vec<(&u16, &char)> = used.iter().collect();
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

/// UTF-16BE with a byte order mark (PDF text strings).
fn utf16(s: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        out.extend_from_slice(&u.to_be_bytes());
    }
    out
}

/// Width, height and whether a JPEG is greyscale, from its SOF marker.
fn jpeg_info(b: &[u8]) -> Result<(u32, u32, bool)> {
    let bad = || CertificateError::Pdf("page image is not a readable JPEG".into());
    if b.len() < 4 || b[0] != 0xFF || b[1] != 0xD8 {
        return Err(bad());
    }
    let mut i = 2;
    while i + 9 < b.len() {
        if b[i] != 0xFF {
            return Err(bad());
        }
        let marker = b[i + 1];
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
            let h = u32::from(u16::from_be_bytes([b[i + 5], b[i + 6]]));
            let w = u32::from(u16::from_be_bytes([b[i + 7], b[i + 8]]));
            return Ok((w, h, b[i + 9] == 1));
        }
        i += 2 + len;
    }
    Err(bad())
}
