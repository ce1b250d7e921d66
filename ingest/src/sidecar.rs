//! OCR sidecars as a vendor delivers them: plain `.txt`, hOCR (HTML with
//! `ocrx_word` spans carrying `bbox` and `x_wconf`), ALTO XML (`String`
//! elements with `HPOS VPOS WIDTH HEIGHT CONTENT WC`, in pixels or in
//! `mm10` / `inch1200` units converted to pixels) and PAGE XML (2013 and
//! 2019 schemas: `Word`/`TextLine` polygons with `TextEquiv` text and
//! confidence). The word boxes and confidences are kept so the viewer can
//! highlight hits on the scan.
//!
//! An `.xml` file is told apart by its content ([`crate::detect::xml_kind`]):
//! METS is a package description, not a page's text ([`Sidecar::Package`]);
//! ABBYY FineReader's own XML is not read.
//!
//! The XML forms are read with quick-xml as a stream, leniently (end tags
//! are not checked: real hOCR is often HTML rather than XHTML).

use arhiva_store::WordBox;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::text::decode;

/// Text read from a sidecar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageText {
    /// Lines joined with `\n`, words with a space.
    pub text: String,
    /// Word boxes (empty for `.txt`).
    pub words: Vec<WordBox>,
    /// Mean word confidence, 0-100, when the source gives any.
    pub confidence: Option<f32>,
}

/// What a sidecar file gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Sidecar {
    /// The page's text.
    Text(PageText, arhiva_store::TextSource, arhiva_store::Format),
    /// A METS package description: no page text in it.
    Package,
}

/// The image a sidecar belongs to, for converting ALTO units to pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ImageSize {
    /// Pixels, upright.
    pub width: u32,
    /// Pixels, upright.
    pub height: u32,
    /// Declared resolution.
    pub dpi: Option<u32>,
}

/// Read a sidecar by its name's extension and, for `.xml`, its content.
pub fn parse_sidecar(
    name: &str,
    bytes: &[u8],
    image: Option<ImageSize>,
) -> Result<Sidecar, SidecarProblem> {
    use crate::detect::{by_extension, xml_kind, XmlKind};
    use arhiva_store::{Format, TextSource};
    match by_extension(name) {
        Some(Format::Hocr) => {
            parse_hocr(bytes).map(|t| Sidecar::Text(t, TextSource::Hocr, Format::Hocr))
        }
        Some(Format::Alto | Format::PageXml) => match xml_kind(bytes) {
            Some(XmlKind::Alto) => parse_alto_sized(bytes, image)
                .map(|t| Sidecar::Text(t, TextSource::Alto, Format::Alto)),
            Some(XmlKind::PageXml) => {
                parse_page(bytes).map(|t| Sidecar::Text(t, TextSource::PageXml, Format::PageXml))
            }
            Some(XmlKind::Mets) => Ok(Sidecar::Package),
            Some(XmlKind::Abbyy) => Err(SidecarProblem {
                code: "unsupported-sidecar",
                reason: "ABBYY FineReader XML is not read (deliver ALTO, hOCR or PAGE XML; \
                         vezi docs/delivery.md §5)"
                    .into(),
            }),
            None => Err(malformed(
                "XML",
                "neither ALTO, PAGE XML nor METS (vezi docs/delivery.md §5)",
            )),
        },
        _ => parse_txt(bytes).map(|t| Sidecar::Text(t, TextSource::SidecarTxt, Format::Text)),
    }
}

/// Why a sidecar could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SidecarProblem {
    /// Stable code: `unreadable-encoding`, `malformed-sidecar` or
    /// `unsupported-sidecar`.
    pub code: &'static str,
    /// For people.
    pub reason: String,
}

/// Read a `.txt` sidecar.
pub fn parse_txt(bytes: &[u8]) -> Result<PageText, SidecarProblem> {
    match decode(bytes) {
        Some((text, _)) => Ok(PageText {
            text: text.replace("\r\n", "\n"),
            ..PageText::default()
        }),
        None => Err(SidecarProblem {
            code: "unreadable-encoding",
            reason: "sidecar is neither UTF-8 nor Windows-1250 text (UTF-16 or binary?)".into(),
        }),
    }
}

fn xml_text(bytes: &[u8], what: &str) -> Result<String, SidecarProblem> {
    match decode(bytes) {
        Some((s, _)) => Ok(s),
        None => Err(SidecarProblem {
            code: "unreadable-encoding",
            reason: format!("{what} sidecar is not UTF-8 text"),
        }),
    }
}

fn malformed(what: &str, e: impl std::fmt::Display) -> SidecarProblem {
    SidecarProblem {
        code: "malformed-sidecar",
        reason: format!("{what} sidecar does not parse: {e}"),
    }
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.as_ref().eq_ignore_ascii_case(name)).then(|| {
            a.unescape_value()
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned())
        })
    })
}

/// Lines of words → text, mean confidence.
fn assemble(lines: Vec<Vec<WordBox>>) -> PageText {
    let mut text = String::new();
    let mut words = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        let joined: Vec<&str> = line.iter().map(|w| w.text.as_str()).collect();
        text.push_str(&joined.join(" "));
        words.extend(line);
    }
    let confs: Vec<f32> = words.iter().filter_map(|w| w.conf).collect();
    let confidence = (!confs.is_empty()).then(|| confs.iter().sum::<f32>() / confs.len() as f32);
    PageText {
        text,
        words,
        confidence,
    }
}

/// Read an hOCR sidecar.
pub fn parse_hocr(bytes: &[u8]) -> Result<PageText, SidecarProblem> {
    let src = xml_text(bytes, "hOCR")?;
    let mut reader = Reader::from_str(&src);
    reader.config_mut().check_end_names = false;
    let mut lines: Vec<Vec<WordBox>> = Vec::new();
    let mut word: Option<(WordBox, Vec<u8>, usize)> = None;
    let mut pages = 0usize;
    loop {
        match reader.read_event() {
            Err(e) => return Err(malformed("hOCR", e)),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                let class = attr(&e, b"class").unwrap_or_default();
                if let Some((_, name, depth)) = word.as_mut() {
                    if e.name().as_ref() == name.as_slice() {
                        *depth += 1;
                    }
                    continue;
                }
                if class.contains("ocr_page") {
                    pages += 1;
                }
                if class.contains("ocr_line")
                    || class.contains("ocr_textfloat")
                    || class.contains("ocr_header")
                    || class.contains("ocr_caption")
                {
                    lines.push(Vec::new());
                } else if class.contains("ocrx_word") || class.contains("ocr_word") {
                    let title = attr(&e, b"title").unwrap_or_default();
                    word = Some((title_box(&title), e.name().as_ref().to_vec(), 0));
                }
            }
            Ok(Event::Text(t)) => {
                if let Some((w, _, _)) = word.as_mut() {
                    let s = t
                        .unescape()
                        .map(|c| c.into_owned())
                        .unwrap_or_else(|_| String::from_utf8_lossy(&t).into_owned());
                    w.text.push_str(&s);
                }
            }
            Ok(Event::End(e)) => {
                let done = match word.as_mut() {
                    Some((_, name, depth)) if e.name().as_ref() == name.as_slice() => {
                        if *depth == 0 {
                            true
                        } else {
                            *depth -= 1;
                            false
                        }
                    }
                    _ => false,
                };
                if done {
                    if let Some((mut w, _, _)) = word.take() {
                        w.text = w.text.split_whitespace().collect::<Vec<_>>().join(" ");
                        if !w.text.is_empty() {
                            if lines.is_empty() {
                                lines.push(Vec::new());
                            }
                            if let Some(l) = lines.last_mut() {
                                l.push(w);
                            }
                        }
                    }
                }
            }
            Ok(_) => {}
        }
    }
    if pages == 0 && lines.is_empty() {
        return Err(malformed("hOCR", "no ocr_page or ocrx_word elements"));
    }
    Ok(assemble(lines))
}

/// `bbox 253 241 423 276; x_wconf 86` → a box (text filled in later).
fn title_box(title: &str) -> WordBox {
    let mut w = WordBox {
        text: String::new(),
        x: 0,
        y: 0,
        w: 0,
        h: 0,
        conf: None,
    };
    for part in title.split(';') {
        let mut it = part.split_whitespace();
        match it.next() {
            Some("bbox") => {
                let n: Vec<u32> = it.filter_map(|v| v.parse().ok()).collect();
                if let [x0, y0, x1, y1] = n[..] {
                    w.x = x0;
                    w.y = y0;
                    w.w = x1.saturating_sub(x0);
                    w.h = y1.saturating_sub(y0);
                }
            }
            Some("x_wconf") => {
                w.conf = it
                    .next()
                    .and_then(|v| v.parse::<f32>().ok())
                    .filter(|c| c.is_finite())
                    .map(|c| c.clamp(0.0, 100.0));
            }
            _ => {}
        }
    }
    w
}

/// Read an ALTO sidecar (v2-v4) whose coordinates are in pixels, or in
/// `mm10` / `inch1200` converted at 300 DPI.
pub fn parse_alto(bytes: &[u8]) -> Result<PageText, SidecarProblem> {
    parse_alto_sized(bytes, None)
}

/// Read an ALTO sidecar for an image of a known size: coordinates in `mm10`
/// or `inch1200` units are scaled to the image's pixels (by the ALTO page's
/// width against the image's, else by the image's resolution, else at 300
/// DPI).
pub fn parse_alto_sized(
    bytes: &[u8],
    image: Option<ImageSize>,
) -> Result<PageText, SidecarProblem> {
    let src = xml_text(bytes, "ALTO")?;
    let mut reader = Reader::from_str(&src);
    reader.config_mut().check_end_names = false;
    let mut lines: Vec<Vec<RawBox>> = Vec::new();
    let mut saw_alto = false;
    let mut unit = String::new();
    let mut in_unit = false;
    let mut page_width: Option<f64> = None;
    let num = |e: &BytesStart<'_>, n: &[u8]| -> f64 {
        attr(e, n)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .unwrap_or(0.0)
    };
    loop {
        let ev = match reader.read_event() {
            Err(e) => return Err(malformed("ALTO", e)),
            Ok(Event::Eof) => break,
            Ok(ev) => ev,
        };
        match &ev {
            Event::Text(t) if in_unit => {
                unit.push_str(&String::from_utf8_lossy(t));
                continue;
            }
            Event::End(_) => {
                in_unit = false;
                continue;
            }
            _ => {}
        }
        let opens = matches!(ev, Event::Start(_));
        let (Event::Start(e) | Event::Empty(e)) = ev else {
            continue;
        };
        let local = e.local_name();
        match local.as_ref() {
            b"alto" => saw_alto = true,
            b"MeasurementUnit" => in_unit = opens,
            b"Page" if page_width.is_none() => {
                page_width = Some(num(&e, b"WIDTH")).filter(|w| *w > 0.0);
            }
            b"TextLine" => lines.push(Vec::new()),
            b"String" => {
                let text = attr(&e, b"CONTENT").unwrap_or_default();
                if text.trim().is_empty() {
                    continue;
                }
                let conf = attr(&e, b"WC")
                    .and_then(|v| v.trim().parse::<f32>().ok())
                    .filter(|c| c.is_finite())
                    .map(|c| (c * 100.0).clamp(0.0, 100.0));
                let w = RawBox {
                    text: text.trim().to_string(),
                    x: num(&e, b"HPOS"),
                    y: num(&e, b"VPOS"),
                    w: num(&e, b"WIDTH"),
                    h: num(&e, b"HEIGHT"),
                    conf,
                };
                if lines.is_empty() {
                    lines.push(Vec::new());
                }
                if let Some(l) = lines.last_mut() {
                    l.push(w);
                }
            }
            _ => {}
        }
    }
    if !saw_alto {
        return Err(malformed("ALTO", "no <alto> root element"));
    }
    let scale = alto_scale(unit.trim(), page_width, image);
    let lines = lines
        .into_iter()
        .map(|l| l.into_iter().map(|b| b.scaled(scale)).collect())
        .collect();
    Ok(assemble(lines))
}

/// A word box in the sidecar's own units.
struct RawBox {
    text: String,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    conf: Option<f32>,
}

impl RawBox {
    fn scaled(self, k: f64) -> WordBox {
        let px = |v: f64| (v * k).round().clamp(0.0, u32::MAX as f64) as u32;
        WordBox {
            text: self.text,
            x: px(self.x),
            y: px(self.y),
            w: px(self.w),
            h: px(self.h),
            conf: self.conf,
        }
    }
}

/// Pixels per ALTO unit.
fn alto_scale(unit: &str, page_width: Option<f64>, image: Option<ImageSize>) -> f64 {
    let per_inch = match unit {
        "mm10" => 254.0,
        "inch1200" => 1200.0,
        _ => return 1.0,
    };
    if let (Some(pw), Some(img)) = (page_width, image) {
        if img.width > 0 {
            return f64::from(img.width) / pw;
        }
    }
    let dpi = image.and_then(|i| i.dpi).unwrap_or(300);
    f64::from(dpi) / per_inch
}

/// The bounding box of a PAGE `points="x1,y1 x2,y2 …"` polygon.
fn polygon_box(points: &[(f64, f64)]) -> Option<(f64, f64, f64, f64)> {
    let xs = points.iter().map(|p| p.0);
    let ys = points.iter().map(|p| p.1);
    let (x0, x1) = xs.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let (y0, y1) = ys.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    (x0 <= x1 && y0 <= y1).then_some((x0.max(0.0), y0.max(0.0), x1 - x0, y1 - y0))
}

fn parse_points(s: &str) -> Vec<(f64, f64)> {
    s.split_whitespace()
        .filter_map(|pair| {
            let (x, y) = pair.split_once(',')?;
            let (x, y) = (x.trim().parse::<f64>().ok()?, y.trim().parse::<f64>().ok()?);
            (x.is_finite() && y.is_finite()).then_some((x, y))
        })
        .collect()
}

/// Where PAGE text is being collected.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PageLevel {
    Region,
    Line,
    Word,
}

#[derive(Default)]
struct PageItem {
    points: Vec<(f64, f64)>,
    text: Option<String>,
    conf: Option<f32>,
}

/// Read a PAGE XML sidecar (PRImA page content, 2013-07-15 and 2019-07-15
/// schemas; coordinates in image pixels). Words come from `Word` elements
/// when present, else from each `TextLine`'s text (every word boxed by its
/// line), else from each `TextRegion`'s text.
pub fn parse_page(bytes: &[u8]) -> Result<PageText, SidecarProblem> {
    let src = xml_text(bytes, "PAGE XML")?;
    let mut reader = Reader::from_str(&src);
    reader.config_mut().check_end_names = false;
    let mut saw_root = false;
    // Open elements (local names) and the items being read.
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut region: Option<(PageItem, usize)> = None;
    let mut line: Option<(PageItem, Vec<RawBox>)> = None;
    let mut word: Option<PageItem> = None;
    // The TextEquiv being read: its level, and whether its Unicode is open.
    let mut equiv: Option<PageLevel> = None;
    let mut in_unicode = false;
    let mut unicode = String::new();
    let mut lines: Vec<Vec<RawBox>> = Vec::new();
    let mut loose_text: Vec<String> = Vec::new();
    let f = |e: &BytesStart<'_>, n: &[u8]| attr(e, n).and_then(|v| v.trim().parse::<f64>().ok());
    loop {
        let ev = match reader.read_event() {
            Err(e) => return Err(malformed("PAGE XML", e)),
            Ok(Event::Eof) => break,
            Ok(ev) => ev,
        };
        let opens = matches!(ev, Event::Start(_));
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name().as_ref().to_vec();
                let parent = stack.last().cloned().unwrap_or_default();
                match name.as_slice() {
                    b"PcGts" => saw_root = true,
                    b"TextRegion" => region = Some((PageItem::default(), lines.len())),
                    b"TextLine" => line = Some((PageItem::default(), Vec::new())),
                    b"Word" => word = Some(PageItem::default()),
                    b"Coords" => {
                        let pts = parse_points(&attr(&e, b"points").unwrap_or_default());
                        let target = match parent.as_slice() {
                            b"Word" => word.as_mut(),
                            b"TextLine" => line.as_mut().map(|l| &mut l.0),
                            b"TextRegion" => region.as_mut().map(|r| &mut r.0),
                            _ => None,
                        };
                        if let Some(t) = target {
                            t.points = pts;
                        }
                    }
                    // 2010 schema: <Coords><Point x= y=/></Coords>.
                    b"Point" => {
                        let pt = (f(&e, b"x").unwrap_or(0.0), f(&e, b"y").unwrap_or(0.0));
                        let grand = stack.len().checked_sub(2).map(|i| stack[i].clone());
                        let target = match grand.as_deref() {
                            Some(b"Word") => word.as_mut(),
                            Some(b"TextLine") => line.as_mut().map(|l| &mut l.0),
                            Some(b"TextRegion") => region.as_mut().map(|r| &mut r.0),
                            _ => None,
                        };
                        if let Some(t) = target {
                            t.points.push(pt);
                        }
                    }
                    b"TextEquiv" => {
                        let level = match parent.as_slice() {
                            b"Word" => Some(PageLevel::Word),
                            b"TextLine" => Some(PageLevel::Line),
                            b"TextRegion" => Some(PageLevel::Region),
                            _ => None,
                        };
                        let conf = attr(&e, b"conf")
                            .and_then(|v| v.trim().parse::<f32>().ok())
                            .filter(|c| c.is_finite())
                            .map(|c| (c * 100.0).clamp(0.0, 100.0));
                        let item = match level {
                            Some(PageLevel::Word) => word.as_mut(),
                            Some(PageLevel::Line) => line.as_mut().map(|l| &mut l.0),
                            Some(PageLevel::Region) => region.as_mut().map(|r| &mut r.0),
                            None => None,
                        };
                        // Several readings: the first one is kept.
                        equiv = match item {
                            Some(it) if it.text.is_none() => {
                                it.conf = conf;
                                level
                            }
                            _ => None,
                        };
                    }
                    b"Unicode" if equiv.is_some() => {
                        in_unicode = true;
                        unicode.clear();
                    }
                    _ => {}
                }
                if opens {
                    stack.push(name);
                }
            }
            Event::Text(t) if in_unicode => {
                let s = t
                    .unescape()
                    .map(|c| c.into_owned())
                    .unwrap_or_else(|_| String::from_utf8_lossy(&t).into_owned());
                unicode.push_str(&s);
            }
            Event::CData(t) if in_unicode => unicode.push_str(&String::from_utf8_lossy(&t)),
            Event::End(e) => {
                let name = e.local_name().as_ref().to_vec();
                stack.pop();
                match name.as_slice() {
                    b"Unicode" if in_unicode => {
                        in_unicode = false;
                        let item = match equiv {
                            Some(PageLevel::Word) => word.as_mut(),
                            Some(PageLevel::Line) => line.as_mut().map(|l| &mut l.0),
                            Some(PageLevel::Region) => region.as_mut().map(|r| &mut r.0),
                            None => None,
                        };
                        if let Some(it) = item {
                            it.text = Some(std::mem::take(&mut unicode));
                        }
                    }
                    b"TextEquiv" => equiv = None,
                    b"Word" => {
                        if let (Some(w), Some(l)) = (word.take(), line.as_mut()) {
                            let text = w.text.unwrap_or_default();
                            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                            if !text.is_empty() {
                                let (x, y, bw, bh) =
                                    polygon_box(&w.points).unwrap_or((0.0, 0.0, 0.0, 0.0));
                                l.1.push(RawBox {
                                    text,
                                    x,
                                    y,
                                    w: bw,
                                    h: bh,
                                    conf: w.conf,
                                });
                            }
                        }
                    }
                    b"TextLine" => {
                        if let Some((item, words)) = line.take() {
                            if !words.is_empty() {
                                lines.push(words);
                            } else if let Some(t) = item.text {
                                let (x, y, bw, bh) =
                                    polygon_box(&item.points).unwrap_or((0.0, 0.0, 0.0, 0.0));
                                let boxes: Vec<RawBox> = t
                                    .split_whitespace()
                                    .map(|w| RawBox {
                                        text: w.to_string(),
                                        x,
                                        y,
                                        w: bw,
                                        h: bh,
                                        conf: item.conf,
                                    })
                                    .collect();
                                if !boxes.is_empty() {
                                    lines.push(boxes);
                                }
                            }
                        }
                    }
                    b"TextRegion" => {
                        if let Some((item, first_line)) = region.take() {
                            if lines.len() == first_line {
                                if let Some(t) = item.text.filter(|t| !t.trim().is_empty()) {
                                    loose_text.push(t);
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if !saw_root {
        return Err(malformed("PAGE XML", "no <PcGts> root element"));
    }
    let lines: Vec<Vec<WordBox>> = lines
        .into_iter()
        .map(|l| l.into_iter().map(|b| b.scaled(1.0)).collect())
        .collect();
    let mut t = assemble(lines);
    for extra in loose_text {
        let tidy: Vec<String> = extra
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect();
        if !t.text.is_empty() {
            t.text.push('\n');
        }
        t.text.push_str(&tidy.join("\n"));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hocr_words_boxes_and_confidence() {
        let h = r#"<html><body><div class='ocr_page' title='bbox 0 0 100 100'>
            <span class='ocr_line'><span class='ocrx_word' title='bbox 1 2 11 12; x_wconf 90'>STAT</span>
            <span class='ocrx_word' title='bbox 20 2 40 12; x_wconf 80'><strong>DE</strong></span></span>
            <span class='ocr_line'><span class='ocrx_word' title='bbox 1 20 30 32; x_wconf 70'>PLATĂ</span></span>
            </div></body></html>"#;
        let t = parse_hocr(h.as_bytes()).expect("hocr");
        assert_eq!(t.text, "STAT DE\nPLATĂ");
        assert_eq!(t.words[1].x, 20);
        assert_eq!(t.words[1].w, 20);
        assert_eq!(t.confidence, Some(80.0));
    }

    #[test]
    fn alto_strings() {
        let a = r#"<?xml version="1.0"?><alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page><PrintSpace>
            <TextBlock><TextLine><String CONTENT="Hotărârea" HPOS="10" VPOS="20" WIDTH="30" HEIGHT="8" WC="0.9"/><SP/>
            <String CONTENT="nr." HPOS="45" VPOS="20" WIDTH="10" HEIGHT="8" WC="0.7"/></TextLine>
            <TextLine><String CONTENT="12"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>"#;
        let t = parse_alto(a.as_bytes()).expect("alto");
        assert_eq!(t.text, "Hotărârea nr.\n12");
        assert_eq!(t.words[0].conf, Some(90.0));
        assert!(parse_alto(b"<html>nope</html>").is_err());
    }

    #[test]
    fn utf16_txt_is_unreadable() {
        let b: Vec<u8> = "Stat de plata"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(
            parse_txt(&b).map_err(|e| e.code),
            Err("unreadable-encoding")
        );
    }

    /// The shape Transkribus writes (2013 schema): line polygons and line
    /// text, no words.
    const PAGE_2013_LINES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15">
  <Metadata><Creator>Transkribus</Creator><Created>2021-01-01T00:00:00</Created><LastChange>2021-01-01T00:00:00</LastChange></Metadata>
  <Page imageFilename="0001.jpg" imageWidth="750" imageHeight="1141">
    <TextRegion id="r1">
      <Coords points="195,385 195,795 513,795 513,385"/>
      <TextLine id="r1l1">
        <Coords points="200,390 500,390 500,430 200,430"/>
        <Baseline points="200,425 500,425"/>
        <TextEquiv><Unicode>Primăria   orașului Arad</Unicode></TextEquiv>
      </TextLine>
      <TextLine id="r1l2">
        <Coords points="200,440 420,440 420,480 200,480"/>
        <TextEquiv conf="0.5"><Unicode>stat de plată</Unicode></TextEquiv>
      </TextLine>
      <TextEquiv><Unicode>Primăria orașului Arad
stat de plată</Unicode></TextEquiv>
    </TextRegion>
  </Page>
</PcGts>"#;

    /// The shape OCR-D writes (2019 schema): words with polygons and
    /// confidences, glyphs inside, line and region text repeated.
    const PAGE_2019_WORDS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<pc:PcGts xmlns:pc="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
  <pc:Metadata><pc:Creator>OCR-D</pc:Creator><pc:Created>2022-01-01T00:00:00</pc:Created><pc:LastChange>2022-01-01T00:00:00</pc:LastChange></pc:Metadata>
  <pc:Page imageFilename="0001.tif" imageWidth="2000" imageHeight="3000">
    <pc:TextRegion id="r0">
      <pc:Coords points="90,90 900,90 900,200 90,200"/>
      <pc:TextLine id="l0">
        <pc:Coords points="100,100 800,100 800,150 100,150"/>
        <pc:Word id="w0">
          <pc:Coords points="100,100 300,100 300,150 100,150"/>
          <pc:Glyph id="g0"><pc:Coords points="100,100 120,100 120,150 100,150"/><pc:TextEquiv conf="0.2"><pc:Unicode>D</pc:Unicode></pc:TextEquiv></pc:Glyph>
          <pc:TextEquiv index="1" conf="0.96"><pc:Unicode>Decizia</pc:Unicode></pc:TextEquiv>
          <pc:TextEquiv index="2" conf="0.40"><pc:Unicode>Declzia</pc:Unicode></pc:TextEquiv>
        </pc:Word>
        <pc:Word id="w1">
          <pc:Coords points="320,105 420,98 430,152 318,149"/>
          <pc:TextEquiv conf="0.8"><pc:Unicode>nr.&amp;</pc:Unicode></pc:TextEquiv>
        </pc:Word>
        <pc:TextEquiv><pc:Unicode>Decizia nr.&amp;</pc:Unicode></pc:TextEquiv>
      </pc:TextLine>
      <pc:TextEquiv><pc:Unicode>Decizia nr.&amp;</pc:Unicode></pc:TextEquiv>
    </pc:TextRegion>
  </pc:Page>
</pc:PcGts>"#;

    #[test]
    fn page_xml_2013_lines_give_text_and_line_boxes() {
        let t = parse_page(PAGE_2013_LINES.as_bytes()).expect("page");
        assert_eq!(t.text, "Primăria orașului Arad\nstat de plată");
        assert_eq!(t.words.len(), 6);
        assert_eq!(
            (t.words[0].x, t.words[0].y, t.words[0].w, t.words[0].h),
            (200, 390, 300, 40)
        );
        assert_eq!(t.words[3].conf, Some(50.0));
        assert_eq!(t.confidence, Some(50.0));
    }

    #[test]
    fn page_xml_2019_words_first_reading_and_polygon_boxes() {
        let t = parse_page(PAGE_2019_WORDS.as_bytes()).expect("page");
        assert_eq!(t.text, "Decizia nr.&");
        assert_eq!(t.words.len(), 2);
        assert_eq!(t.words[0].conf, Some(96.0));
        assert_eq!(
            (t.words[1].x, t.words[1].y, t.words[1].w, t.words[1].h),
            (318, 98, 112, 54)
        );
        assert!(parse_page(b"<alto/>").is_err());
    }

    #[test]
    fn xml_sidecars_are_told_apart_by_content() {
        let page = parse_sidecar("0001.xml", PAGE_2019_WORDS.as_bytes(), None).expect("page");
        assert!(matches!(
            page,
            Sidecar::Text(_, arhiva_store::TextSource::PageXml, _)
        ));
        let mets = br#"<?xml version="1.0"?><mets:mets xmlns:mets="http://www.loc.gov/METS/"><mets:fileSec/></mets:mets>"#;
        assert_eq!(parse_sidecar("0001.xml", mets, None), Ok(Sidecar::Package));
        let abbyy = br#"<?xml version="1.0" encoding="UTF-8"?><document xmlns="http://www.abbyy.com/FineReader_xml/FineReader10-schema-v1.xml" version="1.0"><page width="100" height="100"/></document>"#;
        let e = parse_sidecar("0001.xml", abbyy, None).expect_err("abbyy");
        assert_eq!(e.code, "unsupported-sidecar");
        assert!(e.reason.contains("ABBYY"), "{}", e.reason);
    }

    #[test]
    fn alto_mm10_and_inch1200_become_pixels() {
        // A 300-DPI A4 page: 2480 px wide, 2100 mm10 wide.
        let mm10 = r#"<alto xmlns="http://www.loc.gov/standards/alto/ns-v2#"><Description><MeasurementUnit>mm10</MeasurementUnit></Description>
            <Layout><Page WIDTH="2100" HEIGHT="2970"><PrintSpace><TextBlock><TextLine>
            <String CONTENT="Arad" HPOS="254" VPOS="508" WIDTH="127" HEIGHT="50.8"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>"#;
        let img = ImageSize {
            width: 2480,
            height: 3508,
            dpi: Some(300),
        };
        let t = parse_alto_sized(mm10.as_bytes(), Some(img)).expect("alto");
        let w = &t.words[0];
        // 2480 / 2100 px per mm10.
        assert_eq!((w.x, w.y, w.w, w.h), (300, 600, 150, 60));
        // Without the page width: by resolution (300 DPI = 300/254 px per mm10).
        let no_width = mm10.replace(r#" WIDTH="2100""#, "");
        let t = parse_alto_sized(no_width.as_bytes(), Some(img)).expect("alto");
        assert_eq!((t.words[0].x, t.words[0].y), (300, 600));
        let inch = r#"<alto><Description><MeasurementUnit>inch1200</MeasurementUnit></Description><Layout><Page><PrintSpace><TextBlock><TextLine>
            <String CONTENT="x" HPOS="1200" VPOS="2400" WIDTH="120" HEIGHT="60"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>"#;
        let t = parse_alto_sized(
            inch.as_bytes(),
            Some(ImageSize {
                width: 0,
                height: 0,
                dpi: Some(200),
            }),
        )
        .expect("alto");
        assert_eq!(
            (t.words[0].x, t.words[0].y, t.words[0].w, t.words[0].h),
            (200, 400, 20, 10)
        );
    }
}
